"""His subject access request (SPEC 12), answered from the programme side behind
the same wall as every other programme-side output (SPEC 2): nothing from the
other side, and nothing that differs with whether anyone is linked to him."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import AuditEvent
from programme.models import (
    Attendance,
    AttendanceMark,
    ParticipantRecordsRequest,
    ProgrammeEvent,
    RiskConcern,
)
from programme.services import casework, records
from programme.services import records_request as service
from survivors.models import Alert, ProgrammeItem
from survivors.services import marac, messages, plan, programme_items, sign_in
from survivors.services.alerts import alert_acknowledge
from survivors.services.events import programme_events_consume

from ..conftest import (
    CANARIES,
    CANARY_DISCLOSURE,
    CANARY_MESSAGE,
    CANARY_PORTAL_NOTE,
    CANARY_SHARED_NOTE,
    without_csrf_token,
)
from ..conftest import (
    sign_in as staff_sign_in,
)
from ..factories import staff_user
from ..partner_referral_states import REFERRAL_STATES, pass_on_a_partner, put_referral_in_state

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings, tmp_path: Path) -> None:
    settings.EXPORT_ROOT = tmp_path / "exports"


def _page(participant) -> str:
    return f"/staff/participants/{participant.pk}/records-request/"


def _unzip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.rsplit(".", 1)[1]: archive.read(name).decode() for name in archive.namelist()}


def _shape(queries) -> list[str]:
    """The statements run, with literal values taken out."""
    shapes = []
    for query in queries:
        sql = re.sub(r'"s\d+_x\d+"', "SAVEPOINT_NAME", query["sql"])  # Django numbers them
        shapes.append(re.sub(r"\b\d+(\.\d+)?\b", "N", re.sub(r"'[^']*'", "?", sql)))
    return shapes


def _his_programme_year(world, participant) -> None:
    """The same programme records for either man: a mark, status changes, a risk
    concern he was told about, a monthly entry with a risk he was not, a report."""
    Attendance.objects.create(
        session=world.session,
        participant=participant,
        mark=AttendanceMark.LATE,
        recorded_by=world.programme,
    )
    records.status_change_record(
        actor=world.programme, participant=participant, status="attending", reason="started"
    )
    records.risk_concern_raise(
        actor=world.programme,
        participant=participant,
        kind="disclosed_abuse",
        occurred_on=date(2026, 11, 18),
        urgency="urgent",
        told_him=True,
    )
    casework.case_entry_record(
        actor=world.programme,
        participant=participant,
        engagement="some",
        engagement_note="late twice, then steady",
        assessment_outcome="accepted",
        risk_kind="threat",
        risk_occurred_on=date(2026, 11, 19),
        risk_urgency="routine",
    )
    casework.report_attach(
        actor=world.programme,
        participant=participant,
        kind="assessment",
        text="Assessed in October.\n\nStarts with the Thursday group.",
    )
    records.status_change_record(
        actor=world.programme, participant=participant, status="suspended", reason="two missed"
    )


def _her_side_busy(world) -> None:
    """Everything the other side does about the linked man's high-risk partner."""
    her, worker = world.survivor_a, world.wss_a
    programme_events_consume()  # alerts for both linked women's workers, items on their cases
    for alert in Alert.objects.filter(survivor=her):
        alert_acknowledge(actor=worker, alert=alert, note="Called her back.")
    for item in ProgrammeItem.objects.filter(survivor=her):
        if item.report_id:
            programme_items.programme_item_show_in_portal(
                actor=worker, item=item, paragraphs=[0], note=CANARY_PORTAL_NOTE
            )
        else:
            programme_items.programme_item_record_shared(
                actor=worker, item=item, shared_on=timezone.localdate(), note=CANARY_SHARED_NOTE
            )
    programme_items.case_management_disclose(
        actor=worker, survivor=her, basis="consent", details=CANARY_DISCLOSURE
    )
    marac.marac_referral_record(
        actor=worker, survivor=her, agency="MARAC", details="high risk at review"
    )
    plan.plan_save(actor=worker, survivor=her, steps={"people": "a new step, second version"})
    messages.message_send_from_survivor(survivor=her, body=CANARY_MESSAGE)
    messages.message_send_from_worker(worker=worker, survivor=her, body="Thank you, call at 3.")
    sign_in.portal_sign_in_record(user=her.user, under_duress=True)
    messages.message_send_from_survivor(survivor=her, body="all fine here", under_duress=True)
    # Staff of her side read the man's record.
    staff_sign_in(Client(), world.manager).get(
        f"/staff/participants/{world.linked_participant.pk}/"
    )
    staff_sign_in(Client(), worker).get(f"/staff/cases/{her.pk}/")


def _normalised(files: dict[str, str], participant) -> dict[str, str]:
    stamp = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?"
    return {
        kind: re.sub(stamp, "TIME", text.replace(participant.reference, "REF"))
        for kind, text in files.items()
    }


def test_his_export_is_the_same_with_a_linked_high_risk_partner_as_with_nobody(world) -> None:
    """SPEC 2, 12: the linked man's partner is high risk (her checklist), has a
    plan in versions, a referral, messages both ways, a duress sign-in and its
    message, disclosures, alerts taken in and acknowledged, items shared; the
    other man has nobody. With the same programme records, their exports are
    the same once his reference and the timestamps are set aside, and were
    built with the same statements."""
    linked, lone = world.linked_participant, world.lone_participant
    exports = {}
    with time_machine.travel(NOW, tick=False):
        for participant in (linked, lone):
            _his_programme_year(world, participant)
        _her_side_busy(world)
        for participant in (linked, lone):
            asked = service.participant_records_request_record(
                actor=world.programme, participant=participant, received_on=date(2026, 11, 19)
            )
            with CaptureQueriesContext(connection) as queries:
                service.participant_records_export_build(records_request_id=asked.pk)
            asked.refresh_from_db()
            content = service.participant_records_export_download(
                actor=world.programme, records_request=asked
            )
            exports[participant] = (_unzip(content), _shape(queries.captured_queries))
    (linked_files, linked_sql), (lone_files, lone_sql) = exports[linked], exports[lone]
    assert _normalised(linked_files, linked) == _normalised(lone_files, lone)
    assert linked_sql == lone_sql
    html, data = linked_files["html"], json.loads(linked_files["json"])
    # What he gets: his own records, readable and machine-readable.
    assert "Assessed in October." in html and "late twice, then steady" in html
    assert [row["status"] for row in data["status_history"]] == ["Attending", "Suspended"]
    assert data["attendance"][0]["mark"] == "Late"
    assert data["case_management"][0]["assessment_outcome"] == "Accepted onto the programme"
    assert data["details"]["reference"] == linked.reference
    # The risk concern he was told about, basic information only; not the one he
    # was not told about (SPEC 12); no staff names.
    assert data["risk_concerns"] == [
        {
            "kind": "Disclosed violence or abuse",
            "date": "2026-11-18",
            "urgency": "Urgent",
            "told_you_at": data["risk_concerns"][0]["told_you_at"],
        }
    ]
    assert data["risk_concerns"][0]["told_you_at"].startswith("2026-11-20T10:30")
    assert "Threat" not in html and "Routine" not in html
    assert world.programme.username not in html + linked_files["json"]
    assert "Risk concerns not yet discussed with you are not part of this copy" in html
    for canary in CANARIES:
        assert canary not in html and canary not in linked_files["json"]


@pytest.mark.parametrize("state", REFERRAL_STATES)
def test_his_export_is_the_same_whatever_became_of_a_partner_he_named(world, state) -> None:
    """SPEC 2, 12, 13: both men named a partner at assessment; the linked man's
    (the canary) is then waiting, allocated to a case she was reached on,
    declined or joined into an existing case, the other's waits. Their exports
    and the statements that built them are the same."""
    linked, lone = world.linked_participant, world.lone_participant
    exports = {}
    with time_machine.travel(NOW, tick=False):
        for participant in (linked, lone):
            _his_programme_year(world, participant)
        put_referral_in_state(world, pass_on_a_partner(world, linked, canary=True), state)
        pass_on_a_partner(world, lone)
        for participant in (linked, lone):
            asked = service.participant_records_request_record(
                actor=world.programme, participant=participant, received_on=date(2026, 11, 19)
            )
            with CaptureQueriesContext(connection) as queries:
                service.participant_records_export_build(records_request_id=asked.pk)
            asked.refresh_from_db()
            content = service.participant_records_export_download(
                actor=world.programme, records_request=asked
            )
            exports[participant] = (_unzip(content), _shape(queries.captured_queries))
    (linked_files, linked_sql), (lone_files, lone_sql) = exports[linked], exports[lone]
    assert _normalised(linked_files, linked) == _normalised(lone_files, lone)
    assert linked_sql == lone_sql
    for canary in CANARIES:
        assert canary not in linked_files["html"] and canary not in linked_files["json"]


def test_a_request_recorded_on_his_page_is_built_and_only_its_recorder_downloads_it(
    world, django_capture_on_commit_callbacks
) -> None:
    participant = world.lone_participant
    client = staff_sign_in(Client(), world.programme)
    detail = client.get(f"/staff/participants/{participant.pk}/").content.decode()
    assert _page(participant) in detail
    # The build is queued by name once the request commits (Celery runs it at once here).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _page(participant), {"received_on": timezone.localdate().isoformat()}, follow=True
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Request recorded" in body and "Download" in body
    asked = ParticipantRecordsRequest.objects.get(participant=participant)
    assert (asked.state, asked.progress, asked.recorded_by) == ("ready", 100, world.programme)
    assert asked.expires_at == asked.built_at + timedelta(days=30)

    download = client.get(f"{_page(participant)}{asked.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert f"records-{participant.reference}-" in download["Content-Disposition"]
    assert set(_unzip(download.content)) == {"html", "json"}
    asked.refresh_from_db()
    assert asked.downloads == 1
    actions = list(
        AuditEvent.objects.filter(object_type="participantrecordsrequest", object_id=str(asked.pk))
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("participant_records.request", world.programme.pk),
        ("participant_records.built", None),
        ("participant_records.download", world.programme.pk),
    ]

    # The manager sees the request but may not download another person's file.
    manager = staff_sign_in(Client(), world.manager)
    page = manager.get(_page(participant)).content.decode()
    assert "Ready until" in page and f"{asked.pk}/download/" not in page
    assert manager.get(f"{_page(participant)}{asked.pk}/download/").status_code == 403
    # Another programme worker neither.
    colleague = staff_sign_in(Client(), staff_user("Programme worker", username="prog-two"))
    assert colleague.get(f"{_page(participant)}{asked.pk}/download/").status_code == 403
    asked.refresh_from_db()
    assert asked.downloads == 1


def test_the_manager_acting_for_the_programme_records_and_downloads_her_own(
    world, django_capture_on_commit_callbacks
) -> None:
    participant = world.linked_participant
    manager = staff_sign_in(Client(), world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(_page(participant), {"received_on": timezone.localdate().isoformat()})
    asked = ParticipantRecordsRequest.objects.get(participant=participant)
    assert manager.get(f"{_page(participant)}{asked.pk}/download/").status_code == 200
    programme = staff_sign_in(Client(), world.programme)
    assert programme.get(f"{_page(participant)}{asked.pk}/download/").status_code == 403


def test_a_second_request_while_one_is_being_answered_is_refused(
    world, django_capture_on_commit_callbacks
) -> None:
    participant = world.lone_participant
    client = staff_sign_in(Client(), world.programme)
    today = timezone.localdate().isoformat()
    with django_capture_on_commit_callbacks(execute=False):  # the build has not run yet
        client.post(_page(participant), {"received_on": today})
    page = client.get(_page(participant)).content.decode()
    assert "is being answered: waiting to be built, 0% done" in page
    second = client.post(_page(participant), {"received_on": today})
    assert second.status_code == 400
    assert "already being answered" in second.content.decode()
    assert ParticipantRecordsRequest.objects.filter(participant=participant).count() == 1


@pytest.mark.parametrize(
    ("received_on", "message"),
    [
        ("", "This field is required."),
        ("last tuesday", "Enter a valid date."),
        ((date.today() + timedelta(days=2)).isoformat(), "cannot be in the future"),
        ("2024-01-01", "more than a year ago"),
    ],
)
def test_a_bad_date_received_is_explained_and_nothing_is_saved(world, received_on, message) -> None:
    client = staff_sign_in(Client(), world.programme)
    response = client.post(_page(world.lone_participant), {"received_on": received_on})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ParticipantRecordsRequest.objects.exists()


def test_unknown_participant_or_request_is_not_found_and_other_roles_are_refused(world) -> None:
    client = staff_sign_in(Client(), world.programme)
    assert client.get("/staff/participants/999999/records-request/").status_code == 404
    assert client.post("/staff/participants/999999/records-request/", {}).status_code == 404
    assert client.get(f"{_page(world.lone_participant)}999999/download/").status_code == 404
    for user in (world.wss_a, world.comms):
        assert staff_sign_in(Client(), user).get(_page(world.lone_participant)).status_code == 403
    her = Client()
    her.force_login(world.survivor_a.user)
    assert her.get(_page(world.lone_participant)).status_code in (302, 403, 404)
    assert not ParticipantRecordsRequest.objects.exists()


def test_an_expired_file_says_so_and_the_expiry_deletes_it(world, settings) -> None:
    participant = world.lone_participant
    asked = service.participant_records_request_record(
        actor=world.programme, participant=participant, received_on=timezone.localdate()
    )
    service.participant_records_export_build(records_request_id=asked.pk)
    asked.refresh_from_db()
    stored = Path(settings.EXPORT_ROOT) / asked.file_name
    assert stored.exists()
    assert service.participant_records_exports_expire(now=timezone.now()) == 0
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        client = staff_sign_in(Client(), world.programme)
        response = client.get(f"{_page(participant)}{asked.pk}/download/", follow=True)
        assert "This file has expired and was deleted" in response.content.decode()
        assert service.participant_records_exports_expire(now=timezone.now()) == 1
    asked.refresh_from_db()
    assert (asked.state, asked.file_name, asked.downloads) == ("expired", "", 0)
    assert not stored.exists()
    assert "Expired (file deleted)" in client.get(_page(participant)).content.decode()
    # A new request may be recorded.
    assert service.participant_records_request_record(
        actor=world.programme, participant=participant, received_on=timezone.localdate()
    )


def test_a_lost_build_is_marked_failed_a_day_later_so_a_new_request_can_follow(world) -> None:
    participant = world.lone_participant
    asked = service.participant_records_request_record(
        actor=world.programme, participant=participant, received_on=timezone.localdate()
    )
    service.participant_records_exports_expire(now=timezone.now() + timedelta(hours=23))
    asked.refresh_from_db()
    assert asked.state == "waiting"
    service.participant_records_exports_expire(now=timezone.now() + timedelta(hours=25))
    asked.refresh_from_db()
    assert asked.state == "failed"
    client = staff_sign_in(Client(), world.programme)
    response = client.get(f"{_page(participant)}{asked.pk}/download/", follow=True)
    assert "could not be built" in response.content.decode()


def test_a_build_that_fails_stores_nothing_and_logs_the_id_only(world, settings, caplog) -> None:
    participant = world.lone_participant
    asked = service.participant_records_request_record(
        actor=world.programme, participant=participant, received_on=timezone.localdate()
    )
    blocker = Path(settings.EXPORT_ROOT)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")  # the file cannot be written under it
    assert service.participant_records_export_build(records_request_id=asked.pk) is None
    asked.refresh_from_db()
    assert (asked.state, asked.file_name) == ("failed", "")
    assert f"records request {asked.pk}: build failed" in caplog.text
    assert participant.reference not in caplog.text
    # Taken again (a doubled wake-up): left alone.
    assert service.participant_records_export_build(records_request_id=asked.pk) is None


def test_his_records_pages_are_identical_with_and_without_linked_survivors(world) -> None:
    """SPEC 2: the request page and its answers, the same bytes and statements."""
    client = staff_sign_in(Client(), world.programme)
    client.get("/staff/")  # the site and session settle on a first request
    results = []
    for participant in (world.linked_participant, world.lone_participant):
        run = []
        for data in (
            {"received_on": "nonsense"},
            {"received_on": timezone.localdate().isoformat()},
        ):
            with CaptureQueriesContext(connection) as queries:
                response = client.post(_page(participant), data, follow=True)
            body = without_csrf_token(response.content.decode())
            body = body.replace(participant.reference, "REF").replace(
                f"/participants/{participant.pk}/", "/participants/ID/"
            )
            run.append((response.status_code, body, _shape(queries.captured_queries)))
        results.append(run)
    assert results[0] == results[1]


# --- Risk concerns he was told about (SPEC 12) ------------------------------------------


def _concern_url(participant, concern) -> str:
    return f"/staff/participants/{participant.pk}/concerns/{concern.pk}/told/"


def _export(world, participant) -> dict:
    asked = service.participant_records_request_record(
        actor=world.programme, participant=participant, received_on=timezone.localdate()
    )
    service.participant_records_export_build(records_request_id=asked.pk)
    asked.refresh_from_db()
    content = service.participant_records_export_download(
        actor=world.programme, records_request=asked
    )
    return _unzip(content)


def test_concerns_marked_told_on_his_page_go_into_his_export_and_the_others_stay_out(
    world,
) -> None:
    """SPEC 12: ticked when raised, or marked later on his page; the concern's
    one event to the other side is not repeated by marking it (SPEC 2)."""
    participant = world.lone_participant
    client = staff_sign_in(Client(), world.programme)
    concerns_url = f"/staff/participants/{participant.pk}/concerns/"
    detail = client.get(f"/staff/participants/{participant.pk}/").content.decode()
    assert "He has been told about this concern" in detail
    for kind, day, told in (("threat", "2026-10-01", "on"), ("breach", "2026-10-02", "")):
        client.post(
            concerns_url,
            {"kind": kind, "occurred_on": day, "urgency": "routine", "told_him": told},
        )
    client.post(concerns_url, {"kind": "other", "occurred_on": "2026-10-03", "urgency": "urgent"})
    threat, breach, other = (
        RiskConcern.objects.get(participant=participant, kind=kind)
        for kind in ("threat", "breach", "other")
    )
    assert threat.told_him_at is not None and breach.told_him_at is None
    events = ProgrammeEvent.objects.count()
    page = client.get(f"/staff/participants/{participant.pk}/").content.decode()
    assert _concern_url(participant, other) in page
    assert _concern_url(participant, threat) not in page

    response = client.post(_concern_url(participant, other), follow=True)
    assert "Recorded that he was told about this concern." in response.content.decode()
    other.refresh_from_db()
    assert other.told_him_at is not None
    assert ProgrammeEvent.objects.count() == events
    assert list(
        AuditEvent.objects.filter(action="participant.risk_concern_told")
        .order_by("id")
        .values_list("object_id", "actor_id")
    ) == [(str(threat.pk), world.programme.pk), (str(other.pk), world.programme.pk)]

    data = json.loads(_export(world, participant)["json"])
    assert [(row["kind"], row["date"]) for row in data["risk_concerns"]] == [
        ("Threat", "2026-10-01"),
        ("Other", "2026-10-03"),
    ]
    assert "Risk concerns not yet discussed with you are not part of this copy" in " ".join(
        data["not_included"]
    )


def test_marking_told_twice_another_mans_concern_or_by_another_role_is_refused(world) -> None:
    """SPEC 12: a clear refusal and nothing changed (no date moved, no audit row)."""
    linked, lone = world.linked_participant, world.lone_participant
    told = records.risk_concern_raise(
        actor=world.programme,
        participant=lone,
        kind="threat",
        occurred_on=date(2026, 10, 1),
        urgency="routine",
        told_him=True,
    )
    untold = records.risk_concern_raise(
        actor=world.programme,
        participant=lone,
        kind="breach",
        occurred_on=date(2026, 10, 2),
        urgency="routine",
    )
    client = staff_sign_in(Client(), world.programme)

    twice = client.post(_concern_url(lone, told), follow=True).content.decode()
    assert "already been recorded as told about that concern. Nothing was changed." in twice
    not_his = client.post(_concern_url(linked, untold), follow=True).content.decode()
    assert "not on this participant&#x27;s record. Nothing was changed." in not_his
    assert client.post(f"/staff/participants/999999/concerns/{untold.pk}/told/").status_code == 404
    for user in (world.manager, world.wss_a, world.comms):
        assert staff_sign_in(Client(), user).post(_concern_url(lone, untold)).status_code == 403
    assert client.get(_concern_url(lone, untold)).status_code == 405

    before = told.told_him_at
    told.refresh_from_db()
    untold.refresh_from_db()
    assert told.told_him_at == before and untold.told_him_at is None
    assert list(
        AuditEvent.objects.filter(action="participant.risk_concern_told").values_list(
            "object_id", flat=True
        )
    ) == [str(told.pk)]
