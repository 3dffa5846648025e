"""Monthly case management and programme reports, programme side
(SPEC 10): every man gets the same entry, the same list row and the same
reminder count whether or not anyone is linked to him; bad input is refused
with nothing written; the entry carries basic risk only."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import AuditEvent
from programme.models import CaseManagementEntry, ProgrammeEvent, ProgrammeReport, RiskConcern
from programme.services import casework

from ..conftest import CANARIES, sign_in, without_csrf_token
from ..factories import ParticipantFactory

ENTRY = {"engagement": "good", "engagement_note": "on time every week"}


def _month_page(client: Client) -> str:
    body = client.get("/staff/case-management/").content.decode()
    return without_csrf_token(body)


def test_the_monthly_list_shows_every_man_and_counts_what_is_still_to_fill_in(world) -> None:
    client = sign_in(Client(), world.programme)
    page = _month_page(client)
    month = timezone.localdate().strftime("%B %Y")
    assert f"Monthly case management: {month}" in page
    assert "2 of 2 entries still to fill in this month." in page
    for participant in (world.linked_participant, world.lone_participant):
        assert f"/staff/participants/{participant.pk}/case-management/" in page
    response = client.post(
        f"/staff/participants/{world.linked_participant.pk}/case-management/", ENTRY, follow=True
    )
    assert "Case-management entry recorded." in response.content.decode()
    assert "Engaging well (on time every week)" in response.content.decode()
    page = _month_page(client)
    assert "1 of 2 entries still to fill in this month." in page
    assert "Recorded " in page and "Engaging well" in page


def test_the_list_and_its_count_are_the_same_whichever_man_has_his_entry(world) -> None:
    """Filling in the linked man's entry or the lone man's: the same list, the same SQL."""
    client = sign_in(Client(), world.programme)
    client.get("/staff/case-management/")  # the session's first request does its own writes
    seen = []
    for done, other in (
        (world.linked_participant, world.lone_participant),
        (world.lone_participant, world.linked_participant),
    ):
        CaseManagementEntry.objects.all().delete()
        casework.case_entry_record(
            actor=world.programme,
            participant=done,
            engagement=ENTRY["engagement"],
            engagement_note=ENTRY["engagement_note"],
        )
        with CaptureQueriesContext(connection) as queries:
            page = _month_page(client)
        # Swap the two men's references and ids so the rows line up.
        for person, name in ((done, "DONE"), (other, "OTHER")):
            page = page.replace(person.reference, name).replace(
                f"/participants/{person.pk}/", f"/participants/{name}/"
            )
        # Numbers and strings aside, and the name Django gives a PostgreSQL
        # server-side cursor (a counter per connection, as a choice list iterates).
        shapes = [
            re.sub(r"\b\d+\b|_django_curs_\w+", "N", re.sub(r"'[^']*'", "?", q["sql"]))
            for q in queries
        ]
        page = page.replace("DONE", "X").replace("OTHER", "X")
        # The rows are in reference order, so compare them as a set of rows.
        rows = sorted(re.findall(r"<tr>.*?</tr>", page, re.S))
        seen.append((re.sub(r"<tr>.*?</tr>", "", page, flags=re.S), rows, shapes))
    assert seen[0] == seen[1]


def test_a_second_entry_in_the_same_month_is_refused_and_nothing_is_written(world) -> None:
    client = sign_in(Client(), world.programme)
    url = f"/staff/participants/{world.lone_participant.pk}/case-management/"
    assert client.post(url, ENTRY).status_code == 302
    events = ProgrammeEvent.objects.count()
    again = client.get(url).content.decode()
    assert "This month's entry was recorded on" in again
    response = client.post(url, {"engagement": "poor"})
    assert response.status_code == 400
    assert "This month's entry was recorded on" in response.content.decode()
    assert CaseManagementEntry.objects.count() == 1
    assert ProgrammeEvent.objects.count() == events


def test_bad_entries_are_refused_with_a_clear_message_and_nothing_written(world) -> None:
    client = sign_in(Client(), world.programme)
    url = f"/staff/participants/{world.lone_participant.pk}/case-management/"
    cases = [
        ({}, "This field is required."),
        ({"engagement": "brilliant"}, "Select a valid choice."),
        ({"engagement": "good", "risk_kind": "threat"}, "or leave all three empty"),
        (
            {
                "engagement": "good",
                "risk_kind": "threat",
                "risk_occurred_on": "2099-01-01",
                "risk_urgency": "urgent",
            },
            "The date cannot be in the future.",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert CaseManagementEntry.objects.count() == 0
    assert RiskConcern.objects.count() == 0
    assert ProgrammeEvent.objects.count() == 0


def test_an_entry_with_a_risk_raises_a_basic_risk_concern_only(world) -> None:
    entry = casework.case_entry_record(
        actor=world.programme,
        participant=world.lone_participant,
        engagement="poor",
        assessment_outcome="accepted",
        end_summary="",
        risk_kind="disclosed_abuse",
        risk_occurred_on=timezone.localdate(),
        risk_urgency="urgent",
    )
    concern = entry.risk_concern
    assert (concern.kind, concern.urgency) == ("disclosed_abuse", "urgent")
    # The concern has no free text at all: there is nowhere to put his words.
    assert not {f.name for f in RiskConcern._meta.fields} & {"detail", "details", "text", "note"}
    kinds = list(ProgrammeEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["risk_concern", "case_management"]
    assert AuditEvent.objects.filter(action="case_entry.record").count() == 1
    page = sign_in(Client(), world.programme).get(
        f"/staff/participants/{world.lone_participant.pk}/"
    )
    body = page.content.decode()
    assert "Not engaging; Accepted onto the programme; risk: Disclosed violence or abuse" in body


def test_a_report_is_added_and_shown_on_his_record_in_paragraphs(world) -> None:
    client = sign_in(Client(), world.programme)
    url = f"/staff/participants/{world.lone_participant.pk}/reports/"
    assert "Add a report" in client.get(url).content.decode()
    response = client.post(
        url,
        {"kind": "end_of_programme", "text": "Completed all sessions.\r\n\r\nWill be reviewed."},
        follow=True,
    )
    body = response.content.decode()
    assert "Report added." in body
    assert "<p>Completed all sessions.</p>" in body and "<p>Will be reviewed.</p>" in body
    assert ProgrammeEvent.objects.filter(kind="report").count() == 1
    too_long = client.post(url, {"kind": "assessment", "text": "x" * 2001})
    assert too_long.status_code == 400
    assert ProgrammeReport.objects.count() == 1


def test_a_manager_reads_the_list_but_cannot_fill_in_or_report(world) -> None:
    client = sign_in(Client(), world.manager)
    page = client.get("/staff/case-management/")
    assert page.status_code == 200
    assert "Fill in" not in page.content.decode()
    pk = world.lone_participant.pk
    assert client.post(f"/staff/participants/{pk}/case-management/", ENTRY).status_code == 403
    assert client.post(f"/staff/participants/{pk}/reports/", {}).status_code == 403
    assert CaseManagementEntry.objects.count() == 0


def test_men_who_have_left_are_not_due_an_entry(world) -> None:
    ParticipantFactory.create(reference="P-7999", group=world.group, status="completed")
    page = _month_page(sign_in(Client(), world.programme))
    assert "P-7999" not in page
    assert "2 of 2 entries still to fill in" in page
    for canary in CANARIES:
        assert canary not in page


def test_an_earlier_month_is_shown_without_forms(world) -> None:
    casework.case_entry_record(
        actor=world.programme,
        participant=world.lone_participant,
        engagement="good",
        month=timezone.localdate().replace(day=1, year=2025),
    )
    page = sign_in(Client(), world.programme).get(
        "/staff/case-management/",
        {"month": timezone.localdate().replace(year=2025).strftime("%Y-%m")},
    )
    body = page.content.decode()
    assert "1 of 2 entries still to fill in." in body
    assert "Fill in</a>" not in body and "Not filled in" in body
