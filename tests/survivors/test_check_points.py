"""Her outcome check-points follow his programme register (SPEC 14): intake,
middle, exit and follow-up, from the events the Women's Support Service side
already receives and her own case's stages; each once, only with her consent,
and recorded as missed (never dropped) when not answered in time. Every
register here is recorded through the programme's own services and taken in
as the worker does."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from programme.models import Participant, ProgrammeEvent
from programme.selectors.records import register_participants
from programme.services import records
from survivor_portal.celery import app
from survivors import tasks
from survivors.models import Alert, CheckPoint, Survivor
from survivors.selectors.check_points import portal_invitation
from survivors.services.check_points import check_points_consent_given, check_points_sweep
from survivors.services.events import programme_event_take_in, programme_events_consume
from survivors.services.lifecycle import case_state_change

from ..conftest import sign_in

UK = ZoneInfo("Europe/London")
# His first group session: a Monday evening in the new year.
START = datetime(2025, 1, 6, 18, 0, tzinfo=UK)
WEEK = timedelta(days=7)


def _travel(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def _consent(survivor: Survivor, at: datetime, *, in_portal: bool = False) -> Survivor:
    """Her consent as the consent form saves it (the form is another part of SPEC 14)."""
    Survivor.objects.filter(pk=survivor.pk).update(
        outcomes_consent_at=at, outcomes_withdrawn_at=None, outcomes_in_portal=in_portal
    )
    survivor.refresh_from_db()
    return survivor


def _active(world, survivor: Survivor, at: datetime) -> None:
    """Her worker moves her case through first contact to active."""
    with _travel(at):
        case_state_change(actor=world.wss_a, survivor=survivor, to_state="first_contact")
        case_state_change(actor=world.wss_a, survivor=survivor, to_state="active")


def _session(world, at: datetime, mark: str) -> None:
    """One session of his group, its register saved an hour after it starts:
    ``mark`` for him, "missed" for everyone else on it."""
    his = world.linked_participant
    with _travel(at + timedelta(hours=1)):
        session = records.session_create(actor=world.programme, group=world.group, starts_at=at)
        marks = {
            p.pk: (mark if p.pk == his.pk else "missed")
            for p in register_participants(session=session)
        }
        records.attendance_register_submit(actor=world.programme, session=session, marks=marks)


def _sessions(world, first: datetime, count: int, mark: str = "attended") -> datetime:
    """``count`` weekly sessions from ``first``; returns when the next one would be."""
    for week in range(count):
        _session(world, first + week * WEEK, mark)
    return first + count * WEEK


def _status(world, at: datetime, status: str) -> None:
    with _travel(at):
        records.status_change_record(
            actor=world.programme, participant=world.linked_participant, status=status
        )


def _take_in(at: datetime) -> None:
    with _travel(at):
        programme_events_consume()


def _points(survivor: Survivor) -> dict[str, CheckPoint]:
    return {point.stage: point for point in CheckPoint.objects.filter(survivor=survivor)}


def _alerts(survivor: Survivor) -> int:
    return Alert.objects.filter(survivor=survivor, kind=Alert.Kind.CHECK_POINT_DUE).count()


def _started_at(world) -> datetime:
    return (
        world.linked_participant.status_changes.filter(status="attending")
        .order_by("changed_at")
        .first()
        .changed_at
    )


def _follow_up(exit_at: datetime) -> datetime:
    """The follow-up date as people count it: the same time of day, 182 days on."""
    local = exit_at.astimezone(UK)
    return datetime.combine(
        local.date() + timedelta(days=settings.OUTCOMES_FOLLOW_UP_DAYS), local.time(), tzinfo=UK
    )


def test_a_man_who_completes_brings_her_four_check_points_each_once(world) -> None:
    her = _consent(world.survivor_a, START - 30 * WEEK)
    _active(world, her, START - 4 * WEEK)

    # His first mark that he was there records his start: her intake is due then
    # (her case was active already, so his start is the later moment).
    after = _sessions(world, START, 1)
    _take_in(after)
    points = _points(her)
    assert list(points) == ["intake"]
    assert points["intake"].due_at == _started_at(world)
    assert points["intake"].state == "due"

    # Twelve attended sessions are not half of 26; the thirteenth ("late" counts) is.
    after = _sessions(world, after, 10)
    after = _sessions(world, after, 1, mark="late")
    _take_in(after)
    assert "middle" not in _points(her)
    after = _sessions(world, after, 1)
    _take_in(after)
    middle = _points(her)["middle"]
    assert middle.due_at == (after - WEEK + timedelta(hours=1))  # when that register was saved

    after = _sessions(world, after, 13)  # 26 in all
    ended = after
    _status(world, ended, "completed")
    _take_in(ended + timedelta(minutes=5))
    assert _points(her)["exit"].due_at == ended
    assert "follow_up" not in _points(her)

    # The follow-up comes with time alone: the sweep makes it on its day, not before.
    follow_up = _follow_up(ended)
    with _travel(follow_up - timedelta(minutes=1)):
        check_points_sweep()
    assert "follow_up" not in _points(her)
    with _travel(follow_up + timedelta(minutes=1)):
        check_points_sweep()
        check_points_sweep()
        programme_events_consume()
        for event in ProgrammeEvent.objects.all():  # a replay of every event
            programme_event_take_in(event=event)
    points = _points(her)
    assert list(points) == ["intake", "middle", "exit", "follow_up"]
    assert points["follow_up"].due_at == follow_up
    # One task for her worker per check-point, no more.
    assert _alerts(her) == 4
    assert not Alert.objects.get(
        survivor=her, kind="check_point_due", created_at__gte=follow_up
    ).urgent


def test_her_worker_sees_her_check_points_on_her_case(world) -> None:
    her = _consent(world.survivor_a, START - WEEK)
    _active(world, her, START - WEEK)
    _sessions(world, START, 1)
    _take_in(START + WEEK)
    body = sign_in(Client(), world.wss_a).get(f"/staff/cases/{her.pk}/").content.decode()
    assert "Outcome check-points" in body
    assert "Intake" in body and "6 Jan 2025" in body
    assert "<strong>Due</strong>" in body
    alert = Alert.objects.get(survivor=her, kind=Alert.Kind.CHECK_POINT_DUE)
    page = sign_in(Client(), world.wss_a).get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert "Outcome check-point due" in page


def test_her_case_becoming_active_after_he_started_makes_her_intake_due_then(world) -> None:
    her = _consent(world.survivor_a, START - WEEK)
    _sessions(world, START, 3)
    _take_in(START + 3 * WEEK)
    assert _points(her) == {}  # her case is not active yet
    activated = START + 3 * WEEK + timedelta(days=1)
    _active(world, her, activated)
    intake = _points(her)["intake"]
    assert intake.due_at == activated
    assert list(_points(her)) == ["intake"]
    assert _alerts(her) == 1


@pytest.mark.parametrize(("attended", "middle"), [(12, False), (13, True)])
def test_a_man_who_drops_out_halfway(world, attended, middle) -> None:
    her = _consent(world.survivor_a, START - WEEK)
    _active(world, her, START - WEEK)
    after = _sessions(world, START, attended)
    _sessions(world, after, 2, mark="missed")
    ended = after + 2 * WEEK + timedelta(days=1)
    _status(world, ended, "dropped_out")
    _take_in(ended + timedelta(hours=1))
    with _travel(_follow_up(ended) + timedelta(hours=1)):
        check_points_sweep()
    points = _points(her)
    expected = (
        ["intake", "middle", "exit", "follow_up"] if middle else ["intake", "exit", "follow_up"]
    )
    assert sorted(points, key=expected.index) == expected
    assert points["exit"].due_at == ended
    assert _alerts(her) == len(expected)


def test_a_suspension_is_not_his_exit_and_a_restart_goes_on(world) -> None:
    her = _consent(world.survivor_a, START - WEEK)
    _active(world, her, START - WEEK)
    after = _sessions(world, START, 5)
    _status(world, after, "suspended")
    _sessions(world, after + timedelta(days=1), 3, mark="missed")
    _take_in(after + 4 * WEEK)
    assert list(_points(her)) == ["intake"]  # no exit at his suspension

    restarted = after + 4 * WEEK
    _status(world, restarted, "attending")
    after = _sessions(world, restarted + timedelta(days=1), 8)  # 13 attended in all
    _take_in(after)
    points = _points(her)
    assert list(points) == ["intake", "middle"]
    assert points["intake"].due_at == _started_at(world)  # his first start, not the restart
    ended = _sessions(world, after, 13)
    _status(world, ended, "completed")
    _take_in(ended + timedelta(hours=1))
    assert _points(her)["exit"].due_at == ended
    assert _alerts(her) == 3


def test_the_follow_up_across_the_clocks_going_forward_keeps_the_time_of_day(world) -> None:
    """His exit on the Saturday before the clocks go forward (30 March 2025):
    the follow-up falls 182 days later at the same time on the UK clock, an
    hour less than 182 times 24 hours."""
    her = _consent(world.survivor_a, START - WEEK)
    _status(world, START, "attending")
    exit_at = datetime(2025, 3, 29, 11, 0, tzinfo=UK)
    _status(world, exit_at, "completed")
    _take_in(exit_at + timedelta(minutes=1))
    assert _points(her)["exit"].due_at == exit_at
    follow_up = datetime(2025, 9, 27, 11, 0, tzinfo=UK)
    elapsed = follow_up.astimezone(ZoneInfo("UTC")) - exit_at.astimezone(ZoneInfo("UTC"))
    assert elapsed == timedelta(days=182) - timedelta(hours=1)
    with _travel(follow_up - timedelta(minutes=30)):  # not yet its time on the UK clock
        check_points_sweep()
    assert "follow_up" not in _points(her)
    with _travel(follow_up):
        check_points_sweep()
    assert _points(her)["follow_up"].due_at == follow_up
    assert timezone.localtime(_points(her)["follow_up"].due_at).hour == 11


def test_the_answer_window_across_the_clocks_going_back_keeps_the_time_of_day(world) -> None:
    """A check-point due on 20 October 2025 at 10:00 (summer time) is answered
    in time until 17 November at 10:00 (winter time), 28 days on the UK clock."""
    her = _consent(world.survivor_a, START - WEEK)
    exit_at = datetime(2025, 10, 20, 10, 0, tzinfo=UK)
    _status(world, START, "attending")
    _status(world, exit_at, "completed")
    _take_in(exit_at)
    window_ends = datetime(2025, 11, 17, 10, 0, tzinfo=UK)
    with _travel(window_ends - timedelta(minutes=30)):  # past 28 × 24 hours already
        check_points_sweep()
    assert _points(her)["exit"].state == "due"
    with _travel(window_ends + timedelta(minutes=1)):
        check_points_sweep()
    assert _points(her)["exit"].state == "missed"


def test_only_the_woman_who_consented_gets_check_points_and_a_late_consent_gets_what_is_due_once(
    world,
) -> None:
    consenting, other = _consent(world.survivor_a, START - WEEK), world.survivor_b
    _active(world, consenting, START - WEEK)
    _active(world, other, START - WEEK)
    after = _sessions(world, START, 13)
    _take_in(after)
    assert list(_points(consenting)) == ["intake", "middle"]
    with _travel(after + timedelta(days=1)):
        check_points_sweep()
    assert _points(other) == {}
    assert _alerts(other) == 0

    # She consents later: what is due by then is made at once, from his register.
    consented = after + timedelta(days=2)
    with _travel(consented):
        other = _consent(other, consented)
        made = check_points_consent_given(survivor=other)
        assert [p.stage for p in made] == ["intake", "middle"]
        assert check_points_consent_given(survivor=other) == []
        check_points_sweep()
    points = _points(other)
    # Neither could be due before she agreed.
    assert {p.due_at for p in points.values()} == {consented}
    assert _alerts(other) == 2

    # Replaying every event and sweeping again makes nothing twice.
    with _travel(consented + timedelta(days=1)):
        for event in ProgrammeEvent.objects.all():
            programme_event_take_in(event=event)
        programme_events_consume()
        check_points_sweep()
    assert CheckPoint.objects.filter(survivor__in=[consenting, other]).count() == 4
    assert _alerts(consenting) == _alerts(other) == 2

    # Her withdrawal stops new ones; those she has stay.
    Survivor.objects.filter(pk=consenting.pk).update(
        outcomes_consent_at=None, outcomes_withdrawn_at=consented + timedelta(days=2)
    )
    ended = consented + timedelta(days=3)
    _status(world, ended, "completed")
    _take_in(ended)
    assert list(_points(consenting)) == ["intake", "middle"]
    assert "exit" in _points(other)


def test_a_check_point_not_answered_in_time_is_recorded_missed_and_stays(world) -> None:
    her = _consent(world.survivor_a, START - WEEK, in_portal=True)
    _active(world, her, START - WEEK)
    _sessions(world, START, 1)
    _take_in(START + timedelta(hours=2))
    intake = _points(her)["intake"]
    window_ends = intake.due_at.astimezone(UK) + timedelta(
        days=settings.OUTCOMES_ANSWER_WINDOW_DAYS
    )
    with _travel(window_ends - timedelta(minutes=1)):
        assert check_points_sweep().missed == 0
        assert portal_invitation(her) == intake  # the neutral invitation in her portal
    with _travel(window_ends + timedelta(minutes=1)):
        assert check_points_sweep().missed == 1
        assert portal_invitation(her) is None
    intake.refresh_from_db()
    assert (intake.state, intake.missed_at) == ("missed", window_ends + timedelta(minutes=1))
    # Later sweeps and a replay of his events neither drop it nor make it again.
    with _travel(window_ends + 10 * WEEK):
        assert check_points_sweep().missed == 0
        programme_events_consume()
        for event in ProgrammeEvent.objects.all():
            programme_event_take_in(event=event)
    again = _points(her)["intake"]
    assert (again.pk, again.state, again.missed_at) == (intake.pk, "missed", intake.missed_at)
    assert _alerts(her) == 1


def test_no_portal_invitation_unless_she_chose_one(world) -> None:
    her = _consent(world.survivor_a, START - WEEK, in_portal=False)
    _active(world, her, START - WEEK)
    _sessions(world, START, 1)
    _take_in(START + timedelta(hours=2))
    with _travel(START + timedelta(days=1)):
        assert _points(her)["intake"].state == "due"
        assert portal_invitation(her) is None


def test_beat_runs_the_sweep_and_the_task_runs_in_eager_mode(world) -> None:
    """The worker's task calls the sweep and returns counts only."""
    assert (
        settings.CELERY_BEAT_SCHEDULE["check-points"]["task"]
        == "survivors.tasks.check_points_sweep"
    )
    assert "survivors.tasks.check_points_sweep" in app.tasks
    assert tasks.check_points_sweep.acks_late and tasks.check_points_sweep.reject_on_worker_lost
    her = _consent(world.survivor_a, START - WEEK)
    _status(world, START, "attending")
    _status(world, START + WEEK, "completed")
    _take_in(START + WEEK)
    with _travel(_follow_up(START + WEEK) + timedelta(hours=1)):
        result = tasks.check_points_sweep.delay().get()
    assert result == {"made": 1, "missed": 1}  # the follow-up made; the exit's window long gone
    points = _points(her)
    assert (points["exit"].state, points["follow_up"].state) == ("missed", "due")


def test_nothing_for_a_man_with_nobody_linked_or_before_he_starts(world) -> None:
    lone: Participant = world.lone_participant
    her = _consent(world.survivor_a, START - WEEK)
    _active(world, her, START - WEEK)
    _status(world, START, "assessment")  # his assessment is not his start
    with _travel(START):
        records.status_change_record(actor=world.programme, participant=lone, status="attending")
    _take_in(START + timedelta(days=1))
    with _travel(START + timedelta(days=1)):
        check_points_sweep()
    assert CheckPoint.objects.count() == 0
