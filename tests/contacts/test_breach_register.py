"""Breaches (SPEC 12): the manager's register with the 72-hour clock to tell the
ICO from discovery, and, for an investigation, everything one account did
between two times as CSV (ids only, the export itself audited)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from contacts.models import AuditAction, AuditEvent, Breach
from contacts.services.audit import audit_record

from ..conftest import sign_in

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.get_default_timezone())


def _form(**changes: str) -> dict[str, str]:
    data = {
        "occurred_at": "2026-03-01T09:00",
        "discovered_at": "2026-03-02T10:00",
        "data_involved": "A printed caseload list left on a train",
        "people_affected": "12",
        "reportable": "undecided",
        "reportable_reason": "",
        "reported_at": "",
        "actions_taken": "Asked the train company to look for it",
    }
    data.update(changes)
    return data


def test_the_manager_records_a_breach_and_the_72_hour_clock_runs_from_discovery(world) -> None:
    with time_machine.travel(NOW, tick=False):
        client = sign_in(Client(), world.manager)
        response = client.post("/staff/breaches/new/", _form())
        assert response.status_code == 302
        breach = Breach.objects.get()
        assert response["Location"] == f"/staff/breaches/{breach.pk}/"
        page = client.get(f"/staff/breaches/{breach.pk}/").content.decode()
        # Discovered 10:00 on 2 March: 70 hours left at noon, by 10:00 on 5 March.
        assert "70 hours left" in page and "5 Mar 2026 10:00" in page
        assert "A printed caseload list left on a train" in page
        listing = client.get("/staff/breaches/").content.decode()
        assert "70 hours left" in listing
    assert AuditEvent.objects.filter(
        actor=world.manager, action=AuditAction.BREACH_RECORD, object_id=str(breach.pk)
    ).exists()
    with time_machine.travel(NOW + timedelta(hours=73), tick=False):
        client = sign_in(Client(), world.manager)
        assert "Overdue by 3 hours" in client.get("/staff/breaches/").content.decode()
        saved = client.post(
            f"/staff/breaches/{breach.pk}/",
            _form(
                reportable="yes",
                reportable_reason="Names and addresses of women at risk",
                reported_at="2026-03-05T13:00",
            ),
        )
        assert saved.status_code == 302
        page = client.get(f"/staff/breaches/{breach.pk}/").content.decode()
        assert "Reported to the ICO 5 Mar 2026 13:00" in page and "Overdue" not in page
    assert AuditEvent.objects.filter(
        actor=world.manager, action=AuditAction.BREACH_UPDATE, object_id=str(breach.pk)
    ).exists()


def test_one_decided_not_reportable_shows_no_clock(world) -> None:
    with time_machine.travel(NOW, tick=False):
        client = sign_in(Client(), world.manager)
        client.post(
            "/staff/breaches/new/",
            _form(reportable="no", reportable_reason="Encrypted laptop, key not with it"),
        )
        listing = client.get("/staff/breaches/").content.decode()
    assert "Not reportable to the ICO" in listing and "hours left" not in listing


def test_bad_input_gets_a_clear_message_and_nothing_is_written(world) -> None:
    cases = {
        "It cannot have been discovered before it happened.": _form(
            discovered_at="2026-02-28T09:00"
        ),
        "Say why it is, or is not, reportable to the ICO.": _form(reportable="yes"),
        "A breach reported to the ICO is reportable": _form(reported_at="2026-03-02T11:00"),
        "cannot be in the future": _form(discovered_at="2026-03-03T09:00"),
        "Enter a date and time": _form(occurred_at="yesterday-ish"),
        "This field is required.": _form(data_involved=""),
    }
    with time_machine.travel(NOW, tick=False):
        client = sign_in(Client(), world.manager)
        for message, data in cases.items():
            response = client.post("/staff/breaches/new/", data)
            assert response.status_code == 400, message
            assert message in response.content.decode(), message
    assert not Breach.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.BREACH_RECORD).exists()


def test_only_the_manager_reaches_the_register(world) -> None:
    for user in (world.wss_a, world.programme, world.comms):
        client = sign_in(Client(), user)
        for path in ("/staff/breaches/", "/staff/breaches/new/"):
            assert client.get(path).status_code in (403, 404), (user, path)
        assert client.post("/staff/breaches/new/", _form()).status_code in (403, 404)
    assert not Breach.objects.exists()


def test_what_it_says_is_encrypted_at_rest(world) -> None:
    with time_machine.travel(NOW, tick=False):
        sign_in(Client(), world.manager).post("/staff/breaches/new/", _form())
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_involved, actions_taken FROM contacts_breach")
        stored = cursor.fetchone()
    assert "train" not in " ".join(stored)


# --- What one account did between two times ---------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_manager_exports_what_one_account_did_between_two_times(world) -> None:
    zone = timezone.get_default_timezone()
    for hour in (8, 10, 14):
        with time_machine.travel(datetime(2026, 3, 1, hour, 30, tzinfo=zone), tick=False):
            audit_record(actor=world.wss_a, action=AuditAction.SURVIVOR_VIEW, obj=world.survivor_a)
            audit_record(actor=world.wss_other, action=AuditAction.CASELOAD_VIEW)
    client = sign_in(Client(), world.manager)
    response = client.get(
        f"/staff/people/{world.wss_a.pk}/reads.csv",
        {"from": "2026-03-01T09:00", "to": "2026-03-01T15:00"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == ["time", "action", "object_type", "object_id", "case"]
    case = str(world.survivor_a.pk)
    assert [row[1:] for row in rows[1:]] == [["survivor.view", "survivor", case, case]] * 2
    assert [row[0][11:16] for row in rows[1:]] == ["10:30", "14:30"]
    # Ids only: no name of hers or of the worker's.
    text = repr(rows)
    assert world.survivor_a.known_as not in text and world.wss_a.username not in text
    export = AuditEvent.objects.get(action=AuditAction.ACCOUNT_READS_EXPORT)
    assert (export.actor, export.object_id) == (world.manager, str(world.wss_a.pk))


def test_bad_times_get_a_clear_message_and_nothing_is_exported(world) -> None:
    client = sign_in(Client(), world.manager)
    url = f"/staff/people/{world.wss_a.pk}/reads.csv"
    for query, message in (
        ({"from": "last tuesday", "to": "2026-03-01T10:00"}, "Enter a date and time"),
        ({"from": "2026-03-02T10:00", "to": "2026-03-01T10:00"}, "start time must be before"),
        ({"from": "2026-03-01T10:00"}, "This field is required."),
    ):
        response = client.get(url, query)
        assert response.status_code == 400, query
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode(), query
    assert not AuditEvent.objects.filter(action=AuditAction.ACCOUNT_READS_EXPORT).exists()
    person = client.get(f"/staff/people/{world.wss_a.pk}/").content.decode()
    assert f'action="/staff/people/{world.wss_a.pk}/reads.csv"' in person
    for user in (world.wss_a, world.programme):
        refused = sign_in(Client(), user).get(
            url, {"from": "2026-03-01T09:00", "to": "2026-03-01T15:00"}
        )
        assert refused.status_code in (403, 404)
