"""Texts expire with her safe window (SPEC 5): each text goes to Twilio with a
ValidityPeriod of the seconds left in the window she said was safe (at most
Twilio's 36,000), so a text held up on the way never arrives after it; with
too little of her window left it is not sent and her worker is told, as for
"too old to send". Windows are in her local time (Europe/London).

Checked at Twilio's HTTP transport: the form fields the real client posts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from checkins.models import CheckIn, CheckInPlan, OutboundMessage
from checkins.services.checkins import checkin_plan_set, checkins_dispatch_due, plan_reschedule
from checkins.services.outbox import outbox_drain
from survivors.models import Alert, SafeContactWindow

LONDON = ZoneInfo("Europe/London")


def _only_window(survivor, *, day: date, starts: time, ends: time) -> None:
    SafeContactWindow.objects.filter(survivor=survivor).delete()
    SafeContactWindow.objects.create(
        survivor=survivor, weekday=day.weekday(), starts_at=starts, ends_at=ends
    )


def _checkin_due(survivor, worker, *, day: date, send_at: time) -> datetime:
    """A daily plan at ``send_at`` her time; dispatched when it falls due on ``day``."""
    plan = checkin_plan_set(
        actor=worker, survivor=survivor, frequency="daily", weekdays=[], send_at=send_at
    )
    CheckInPlan.objects.filter(pk=plan.pk).update(starts_on=date(2026, 1, 1))
    plan.refresh_from_db()
    plan_reschedule(plan=plan, after=datetime.combine(day, time(0), tzinfo=UTC) - timedelta(days=1))
    plan.refresh_from_db()
    due = plan.next_due_at
    assert due.astimezone(LONDON).date() == day
    assert checkins_dispatch_due(now=due) == {"queued": 1}
    return due


def _validity_periods(twilio) -> list[int]:
    posts = [r for r in twilio.requests if r["method"] == "POST"]
    return [int(r["data"]["ValidityPeriod"]) for r in posts]


@pytest.mark.parametrize(
    ("day", "starts", "ends", "send_at", "seconds_left"),
    [
        # A window to the end of Saturday (23:59 is the latest a window can end):
        # at 23:30 BST, 29 minutes are left.
        (date(2026, 6, 6), time(23, 0), time(23, 59), time(23, 30), 29 * 60),
        # A window from midnight her time, while it is still Saturday in UTC:
        # at 00:10 BST on Sunday (23:10 UTC Saturday), 50 minutes are left.
        (date(2026, 6, 7), time(0, 0), time(1, 0), time(0, 10), 50 * 60),
        # Clocks go forward (last Sunday in March): 00:30 GMT to 03:00 BST is
        # one and a half hours, not two and a half.
        (date(2026, 3, 29), time(0, 0), time(3, 0), time(0, 30), 90 * 60),
        # Clocks go back (last Sunday in October): 00:30 BST to 03:00 GMT is
        # three and a half hours, not two and a half.
        (date(2026, 10, 25), time(0, 0), time(3, 0), time(0, 30), 210 * 60),
        # A whole day is more than Twilio takes: capped at 36,000 seconds.
        (date(2026, 6, 8), time(0, 0), time(23, 59), time(0, 0), 36_000),
    ],
)
def test_each_text_expires_at_twilio_when_her_safe_window_ends(
    her, worker, twilio, day, starts, ends, send_at, seconds_left
) -> None:
    _only_window(her, day=day, starts=starts, ends=ends)
    due = _checkin_due(her, worker, day=day, send_at=send_at)
    outbox_drain(now=due)
    assert _validity_periods(twilio) == [seconds_left]
    assert [m["to"] for m in twilio.messages] == [her.safe_phone]
    assert CheckIn.objects.get(survivor=her).state == CheckIn.State.SENT


def test_a_text_sent_later_in_her_window_gets_only_the_time_left(her, worker, twilio) -> None:
    day = date(2026, 6, 6)
    _only_window(her, day=day, starts=time(23, 0), ends=time(23, 59))
    due = _checkin_due(her, worker, day=day, send_at=time(23, 0))
    # A short outage: the worker sends it at 23:45 her time.
    outbox_drain(now=due + timedelta(minutes=45))
    assert _validity_periods(twilio) == [14 * 60]


def test_a_text_with_too_little_of_her_window_left_is_not_sent_and_her_worker_is_told(
    her, worker, twilio, settings
) -> None:
    settings.SMS_MIN_VALIDITY_SECONDS = 60
    day = date(2026, 6, 6)
    _only_window(her, day=day, starts=time(23, 0), ends=time(23, 59))
    due = _checkin_due(her, worker, day=day, send_at=time(23, 30))
    # Held up until 30 seconds before her window closes.
    outbox_drain(now=datetime(2026, 6, 6, 23, 58, 30, tzinfo=LONDON))
    assert twilio.requests == []
    assert CheckIn.objects.get(survivor=her, due_at=due).state == CheckIn.State.TOO_OLD
    assert OutboundMessage.objects.get(survivor=her).state == OutboundMessage.State.EXPIRED
    assert list(Alert.objects.filter(survivor=her).values_list("kind", flat=True)) == [
        Alert.Kind.CHECKIN_TOO_OLD
    ]
