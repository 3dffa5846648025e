"""The register before he starts (SPEC 6): a first mark saying he was there
records his start, as a status change the Women's Support Service side hears of;
a missed or excused mark changes nothing about his status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programme.models import Participant, ProgrammeEvent, StatusChange
from programme.services import records

from ..conftest import client_for


@pytest.mark.parametrize("before", ["referred", "assessment"])
@pytest.mark.parametrize("mark", ["attended", "late"])
def test_a_first_mark_that_he_was_there_records_his_start(world, before, mark) -> None:
    his = world.linked_participant
    other = world.lone_participant
    records.status_change_record(actor=world.programme, participant=his, status=before)
    records.status_change_record(actor=world.programme, participant=other, status=before)
    events_before = ProgrammeEvent.objects.filter(kind=ProgrammeEvent.Kind.STATUS_CHANGE).count()

    records.attendance_register_submit(
        actor=world.programme, session=world.session, marks={his.pk: mark, other.pk: "missed"}
    )

    his.refresh_from_db()
    assert his.status == "attending"
    assert his.status_reason == records.STARTED_REASON
    change = StatusChange.objects.filter(participant=his).latest("changed_at")
    assert (change.status, change.author) == ("attending", world.programme)
    # One status event, for him only: the other man missed the session.
    events_after = ProgrammeEvent.objects.filter(kind=ProgrammeEvent.Kind.STATUS_CHANGE).count()
    assert events_after == events_before + 1
    assert Participant.objects.get(pk=other.pk).status == before


def test_a_mark_changes_nothing_for_a_man_who_has_already_started(world) -> None:
    his = world.linked_participant
    records.status_change_record(
        actor=world.programme, participant=his, status="suspended", reason="Late twice"
    )
    records.attendance_register_submit(
        actor=world.programme,
        session=world.session,
        marks={his.pk: "attended", world.lone_participant.pk: "attended"},
    )
    his.refresh_from_db()
    assert (his.status, his.status_reason) == ("suspended", "Late twice")


def test_the_register_page_says_whose_start_a_first_mark_recorded(world) -> None:
    his = world.linked_participant
    other = world.lone_participant
    records.status_change_record(actor=world.programme, participant=his, status="assessment")
    records.status_change_record(actor=world.programme, participant=other, status="attending")
    page = reverse("staff-register", args=[world.session.pk])
    response = client_for("programme", world).post(
        page, {f"mark_{his.pk}": "attended", f"mark_{other.pk}": "attended"}, follow=True
    )
    said = response.content.decode()
    assert "Register saved: 2 marks changed." in said
    assert f"First session attended, so the status of {his.reference} is now Attending." in said
    assert f"status of {other.reference}" not in said
