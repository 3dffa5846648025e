"""Cover when her worker is away (SPEC 9): she or her manager marks
the dates; meanwhile her cases' alerts, unanswered messages and open tasks are
on the duty view with response deadlines (overdue marked) and the duty worker
can act on them; on her return her caseload lists what was handled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from contacts import roles
from contacts.models import AuditAction, AuditEvent
from survivors.errors import CoverError
from survivors.models import Alert, Message, WorkerAbsence
from survivors.services import alerts, cover

from ..conftest import CANARY_MESSAGE, CANARY_NAME, sign_in
from ..factories import staff_user


@pytest.fixture
def duty(world):
    return staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)


def _away(world, *, days_ago: int = 1, days_on: int = 3) -> WorkerAbsence:
    today = timezone.localdate()
    return cover.absence_mark(
        actor=world.wss_a,
        worker=world.wss_a,
        starts_on=today - timedelta(days=days_ago),
        ends_on=today + timedelta(days=days_on),
    )


def test_she_marks_herself_away_on_the_page(world) -> None:
    client = sign_in(Client(), world.wss_a)
    today = timezone.localdate()
    response = client.post(
        "/staff/away/",
        {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=4)).isoformat()},
        follow=True,
    )
    assert "worker-a is marked away." in response.content.decode()
    absence = WorkerAbsence.objects.get(worker=world.wss_a)
    assert absence.marked_by == world.wss_a
    assert AuditEvent.objects.filter(action=AuditAction.ABSENCE_MARK).count() == 1
    assert "You are marked away until" in client.get("/staff/caseload/").content.decode()


def test_her_manager_marks_her_away_and_nobody_else_can(world) -> None:
    today = timezone.localdate()
    manager = sign_in(Client(), world.manager)
    manager.post(
        "/staff/away/",
        {
            "worker": world.wss_a.pk,
            "starts_on": today.isoformat(),
            "ends_on": today.isoformat(),
        },
    )
    assert WorkerAbsence.objects.get(worker=world.wss_a).marked_by == world.manager
    with pytest.raises(CoverError) as error:
        cover.absence_mark(
            actor=world.wss_other, worker=world.wss_a, starts_on=today, ends_on=today
        )
    assert error.value.code == "not_allowed"
    with pytest.raises(CoverError) as error:
        cover.absence_mark(
            actor=world.manager, worker=world.programme, starts_on=today, ends_on=today
        )
    assert error.value.code == "not_a_wss_worker"
    assert sign_in(Client(), world.programme).get("/staff/away/").status_code == 403


@pytest.mark.parametrize(
    ("start", "end", "code"), [(2, 1, "ends_before_start"), (-5, -2, "in_the_past")]
)
def test_bad_dates_are_refused_and_nothing_is_written(world, start, end, code) -> None:
    today = timezone.localdate()
    with pytest.raises(CoverError) as error:
        cover.absence_mark(
            actor=world.wss_a,
            worker=world.wss_a,
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=end),
        )
    assert error.value.code == code
    assert not WorkerAbsence.objects.exists()


def test_while_she_is_away_her_items_wait_on_the_duty_view_with_deadlines(
    world, duty, settings
) -> None:
    settings.COVER_RESPONSE_HOURS = 24
    settings.COVER_URGENT_RESPONSE_HOURS = 4
    old = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.CALL_REQUESTED)
    Alert.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=30))
    urgent = alerts.alert_raise(
        survivor=world.survivor_a, kind=Alert.Kind.URGENT_REPLY, urgent=True
    )
    client = sign_in(Client(), duty)
    assert "Nobody is marked away today." in client.get("/staff/duty/").content.decode()
    _away(world)
    page = client.get("/staff/duty/")
    body = page.content.decode()
    covered = page.context["covered"]
    kinds = [(item.kind, item.label, item.overdue) for item in covered]
    # The world's unanswered message, the old call request (overdue), her open
    # referral task (from the world's high checklist).
    assert ("alert", "Call requested", True) in kinds
    assert ("message", "Unanswered message", False) in kinds
    assert ("task", "Referral task open", False) in kinds
    assert "worker-a (away)" in body
    assert "Overdue:" in body
    # The urgent reply is on the urgent list with its deadline, four hours on.
    (row,) = [r for r in page.context["urgent_rows"] if r[0].pk == urgent.pk]
    assert row[1] == urgent.created_at + timedelta(hours=4)
    assert timezone.localtime(row[1]).strftime("%H:%M") in body
    # Nothing of hers shows on the list itself.
    assert CANARY_NAME not in body and CANARY_MESSAGE not in body


def test_the_duty_worker_acts_on_her_alert_and_reads_what_waits(world, duty) -> None:
    call = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.CALL_REQUESTED)
    client = sign_in(Client(), duty)
    # Not while her worker is at work: the non-urgent alert and her case are hers alone.
    assert client.get(f"/staff/alerts/{call.pk}/").status_code == 404
    assert client.get(f"/staff/duty/cases/{world.survivor_a.pk}/").status_code == 404
    _away(world)
    case_page = client.get(f"/staff/duty/cases/{world.survivor_a.pk}/")
    assert case_page.status_code == 200
    assert CANARY_MESSAGE in case_page.content.decode()
    assert AuditEvent.objects.filter(
        actor=duty, action=AuditAction.SURVIVOR_VIEW_DUTY, survivor_id=world.survivor_a.pk
    ).exists()
    response = client.post(f"/staff/alerts/{call.pk}/", {"note": "Called her; all well."})
    assert response.status_code == 302 and response["Location"] == "/staff/duty/"
    call.refresh_from_db()
    assert call.acknowledged_by == duty
    # Another worker (not on duty) never reaches it.
    assert sign_in(Client(), world.wss_other).get(f"/staff/alerts/{call.pk}/").status_code == 404


def test_on_her_return_her_caseload_lists_what_was_handled(world, duty) -> None:
    call = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.CALL_REQUESTED)
    absence = _away(world, days_ago=3, days_on=0)
    alerts.alert_acknowledge(actor=duty, alert=call, note="Rang her back at 10")
    Alert.objects.filter(pk=call.pk).update(acknowledged_at=timezone.now() - timedelta(days=1))
    WorkerAbsence.objects.filter(pk=absence.pk).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    page = sign_in(Client(), world.wss_a).get("/staff/caseload/").content.decode()
    assert "Handled while you were away" in page
    assert "acknowledged by duty-dee" in page
    assert "Rang her back at 10" in page


def test_back_early_ends_the_cover(world, duty) -> None:
    absence = _away(world, days_ago=2)
    client = sign_in(Client(), world.wss_a)
    client.post(f"/staff/away/{absence.pk}/end/")
    absence.refresh_from_db()
    assert absence.ends_on == timezone.localdate() - timedelta(days=1)
    assert (
        "Nobody is marked away today."
        in sign_in(Client(), duty).get("/staff/duty/").content.decode()
    )
    # Another worker cannot end hers.
    future = cover.absence_mark(
        actor=world.wss_a,
        worker=world.wss_a,
        starts_on=timezone.localdate() + timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=6),
    )
    assert (
        sign_in(Client(), world.wss_other).post(f"/staff/away/{future.pk}/end/").status_code == 404
    )
    client.post(f"/staff/away/{future.pk}/end/")
    assert not WorkerAbsence.objects.filter(pk=future.pk).exists()


def test_a_message_answered_before_she_went_is_not_waiting(world, duty) -> None:
    Message.objects.create(
        survivor=world.survivor_a, author=world.wss_a, from_survivor=False, body="Answered."
    )
    _away(world)
    covered = sign_in(Client(), duty).get("/staff/duty/").context["covered"]
    assert [item for item in covered if item.kind == "message"] == []
