"""Safe windows and the clock changes (SPEC 5): 18:30 in London stays 18:30."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from checkins.models import CheckIn, CheckInPlan, OutboundMessage
from checkins.services.checkins import checkin_plan_set, checkins_dispatch_due, next_slot
from survivors.models import Alert, SafeContactWindow

from ..factories import SurvivorFactory
from .conftest import HER_NUMBER

LONDON = ZoneInfo("Europe/London")


def _evening_windows(survivor, start=time(18, 0), end=time(20, 0)) -> None:
    SafeContactWindow.objects.bulk_create(
        SafeContactWindow(survivor=survivor, weekday=day, starts_at=start, ends_at=end)
        for day in range(7)
    )


def _plan(survivor, actor, **kw) -> CheckInPlan:
    plan = checkin_plan_set(
        actor=actor,
        survivor=survivor,
        frequency=kw.pop("frequency", "daily"),
        weekdays=kw.pop("weekdays", []),
        send_at=kw.pop("send_at", time(18, 30)),
        **kw,
    )
    CheckInPlan.objects.filter(pk=plan.pk).update(starts_on=date(2026, 1, 1))
    plan.refresh_from_db()
    return plan


def _dispatch_through(plan: CheckInPlan, start: datetime, days: int) -> list[datetime]:
    """Let time run: each due check-in is dispatched a minute after it falls due."""
    from checkins.services.checkins import plan_reschedule

    plan_reschedule(plan=plan, after=start)
    local_times = []
    for _ in range(days):
        plan.refresh_from_db()
        due = plan.next_due_at
        assert checkins_dispatch_due(now=due + timedelta(minutes=1)) == {"queued": 1}
        checkin = CheckIn.objects.get(plan=plan, due_at=due)
        local_times.append(checkin.due_at.astimezone(LONDON))
    return local_times


@pytest.mark.parametrize(
    ("start", "change_day"),
    [
        (datetime(2026, 3, 26, 12, tzinfo=UTC), date(2026, 3, 29)),  # last Sunday in March
        (datetime(2026, 10, 22, 12, tzinfo=UTC), date(2026, 10, 25)),  # last Sunday in October
    ],
)
def test_a_1830_london_plan_is_sent_at_1830_local_on_both_sides_of_the_change(
    her, worker, start, change_day
) -> None:
    SafeContactWindow.objects.filter(survivor=her).delete()
    _evening_windows(her)
    plan = _plan(her, worker)
    local = _dispatch_through(plan, start, days=6)
    assert [moment.date() for moment in local] == [
        start.date() + timedelta(days=n) for n in range(6)
    ]
    assert {moment.strftime("%H:%M") for moment in local} == {"18:30"}
    # The UTC instant moves by an hour across the change; the wall clock does not.
    offsets = {moment.date(): moment.utcoffset() for moment in local}
    assert offsets[change_day - timedelta(days=1)] != offsets[change_day]
    # And each became an outbox row whose window ends at 20:00 local.
    for message in OutboundMessage.objects.filter(survivor=her):
        assert message.not_after.astimezone(LONDON).strftime("%H:%M") == "20:00"


def test_weekly_plan_runs_only_on_chosen_days_inside_windows(her, worker) -> None:
    SafeContactWindow.objects.filter(survivor=her).delete()
    # Monday 09:00-10:00 and Thursday 18:00-19:00 only.
    SafeContactWindow.objects.create(survivor=her, weekday=0, starts_at=time(9), ends_at=time(10))
    SafeContactWindow.objects.create(survivor=her, weekday=3, starts_at=time(18), ends_at=time(19))
    plan = _plan(her, worker, frequency="weekly", weekdays=[0, 2, 3], send_at=time(7, 0))
    local = _dispatch_through(plan, datetime(2026, 6, 1, 12, tzinfo=UTC), days=4)
    # Wednesday has no window, so it is skipped; a 07:00 plan waits for the window to open.
    assert [(m.strftime("%a %H:%M")) for m in local] == [
        "Thu 18:00",
        "Mon 09:00",
        "Thu 18:00",
        "Mon 09:00",
    ]


def test_fortnightly_plan_skips_every_other_week(her, worker) -> None:
    plan = _plan(her, worker, frequency="fortnightly", weekdays=[1], send_at=time(12, 0))
    local = _dispatch_through(plan, datetime(2026, 6, 1, 0, tzinfo=UTC), days=3)
    gaps = {(b - a).days for a, b in zip(local, local[1:], strict=False)}
    assert gaps == {14}


def test_no_windows_means_nothing_is_ever_due(worker) -> None:
    survivor = SurvivorFactory.create(phone=HER_NUMBER, worker=worker)
    plan = _plan(survivor, worker)
    assert plan.next_due_at is None


def test_a_check_in_delayed_past_its_window_is_too_old_and_her_worker_is_told(her, worker) -> None:
    SafeContactWindow.objects.filter(survivor=her).delete()
    _evening_windows(her)
    plan = _plan(her, worker)
    from checkins.services.checkins import plan_reschedule

    plan_reschedule(plan=plan, after=datetime(2026, 7, 1, 9, tzinfo=UTC))
    plan.refresh_from_db()
    due = plan.next_due_at  # 1 July 18:30 BST
    # The dispatcher was down (an outage) until 21:00 local: after the window.
    outcome = checkins_dispatch_due(now=datetime(2026, 7, 1, 20, 0, tzinfo=UTC))
    assert outcome == {"too_old": 1}
    checkin = CheckIn.objects.get(plan=plan, due_at=due)
    assert checkin.state == CheckIn.State.TOO_OLD
    assert not OutboundMessage.objects.exists()
    assert list(Alert.objects.filter(survivor=her).values_list("kind", flat=True)) == [
        Alert.Kind.CHECKIN_TOO_OLD
    ]
    plan.refresh_from_db()
    assert plan.next_due_at.astimezone(LONDON) == datetime(2026, 7, 2, 18, 30, tzinfo=LONDON)


def test_paused_contact_skips_due_check_ins_and_the_plan_carries_on(her, worker) -> None:
    plan = _plan(her, worker, send_at=time(12, 0))
    from checkins.services.checkins import plan_reschedule

    plan_reschedule(plan=plan, after=datetime(2026, 7, 1, 9, tzinfo=UTC))
    her.contact_paused = True
    her.save()
    assert checkins_dispatch_due(now=datetime(2026, 7, 1, 11, 1, tzinfo=UTC)) == {"paused": 1}
    assert not OutboundMessage.objects.exists()
    plan.refresh_from_db()
    assert plan.next_due_at is not None


windows_strategy = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 22), st.integers(0, 59), st.integers(1, 180)),
    min_size=1,
    max_size=6,
)


@hyp_settings(max_examples=150, deadline=None)
@given(
    windows=windows_strategy,
    send_minutes=st.integers(0, 24 * 60 - 1),
    frequency=st.sampled_from(["daily", "weekly", "fortnightly"]),
    weekdays=st.sets(st.integers(0, 6), min_size=1),
    after=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    zone_name=st.sampled_from(["Europe/London", "Europe/Dublin", "Europe/Paris"]),
)
def test_every_computed_due_time_is_inside_one_of_her_windows(
    windows, send_minutes, frequency, weekdays, after, zone_name
) -> None:
    rows = []
    for weekday, hour, minute, length in windows:
        start = time(hour, minute)
        end_minutes = min(hour * 60 + minute + length, 23 * 60 + 59)
        rows.append(
            SafeContactWindow(
                weekday=weekday, starts_at=start, ends_at=time(*divmod(end_minutes, 60))
            )
        )
    plan = CheckInPlan(
        frequency=frequency,
        weekdays=",".join(map(str, weekdays)),
        send_at=time(*divmod(send_minutes, 60)),
        starts_on=date(2025, 12, 1),
    )
    slot = next_slot(plan=plan, windows=rows, zone_name=zone_name, after=after)
    if slot is None:
        return
    assert slot.due_at > after
    local = slot.due_at.astimezone(ZoneInfo(zone_name))
    assert any(
        w.weekday == local.weekday() and w.starts_at <= local.time() < w.ends_at for w in rows
    )
    assert slot.window_ends_at > slot.due_at
