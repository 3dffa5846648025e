"""The first-contact clock (SPEC 13), counted in working hours.

A working day is WORKING_HOURS_START to WORKING_HOURS_END, UK local time,
Monday to Friday, less the bank holidays of BANK_HOLIDAYS_SUBDIVISION (from the
``holidays`` package). Each day's hours are made aware in Europe/London on
their own date, so the hour the clocks change is counted as the clock on the
wall shows it. A referral's target for the first attempt to reach her is its
source's number of working days (``FIRST_CONTACT_TARGET_WORKING_DAYS``), counted
from when the referral arrived; the clock stops at the first attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

from survivors.models import Survivor

UK = ZoneInfo("Europe/London")


@cache
def _bank_holidays(subdivision: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(
        settings.BANK_HOLIDAYS_SUBDIVISION, day.year
    )


def _working_span(day: date) -> tuple[datetime, datetime]:
    """That day's working hours as aware datetimes."""
    starts = datetime.combine(day, time(settings.WORKING_HOURS_START), tzinfo=UK)
    ends = datetime.combine(day, time(settings.WORKING_HOURS_END), tzinfo=UK)
    return starts, ends


def hours_per_working_day() -> int:
    return int(settings.WORKING_HOURS_END - settings.WORKING_HOURS_START)


def working_seconds_between(start: datetime, end: datetime) -> float:
    """Working seconds from ``start`` to ``end``; negative when ``end`` is earlier."""
    if end < start:
        return -working_seconds_between(end, start)
    total = 0.0
    day = start.astimezone(UK).date()
    last = end.astimezone(UK).date()
    while day <= last:
        if is_working_day(day):
            opens, closes = _working_span(day)
            overlap = min(closes, end) - max(opens, start)
            total += max(overlap.total_seconds(), 0.0)
        day += timedelta(days=1)
    return total


def working_deadline(start: datetime, working_days: int) -> datetime:
    """The moment ``working_days`` full working days after ``start``."""
    left = timedelta(hours=working_days * hours_per_working_day())
    day = start.astimezone(UK).date()
    while True:
        if is_working_day(day):
            opens, closes = _working_span(day)
            begin = max(opens, start)
            if begin < closes:
                available = closes - begin
                if available >= left:
                    return begin + left
                left -= available
        day += timedelta(days=1)


def target_working_days(source: str) -> int:
    targets: dict[str, int] = settings.FIRST_CONTACT_TARGET_WORKING_DAYS
    return int(targets.get(source, settings.FIRST_CONTACT_TARGET_DEFAULT_DAYS))


@dataclass(frozen=True)
class FirstContactClock:
    source: str
    started_at: datetime
    target_at: datetime
    # The first attempt to reach her; None while the clock runs.
    stopped_at: datetime | None
    # Working hours from now (or from the first attempt) to the target:
    # negative once the target has passed.
    working_hours_left: float

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def overdue(self) -> bool:
        return self.working_hours_left < 0

    @property
    def met(self) -> bool | None:
        """Whether the first attempt came within the target; None while running."""
        return None if self.stopped_at is None else self.stopped_at <= self.target_at


def first_contact_clock(
    *,
    source: str,
    started_at: datetime,
    first_attempt_at: datetime | None = None,
    now: datetime | None = None,
) -> FirstContactClock:
    target_at = working_deadline(started_at, target_working_days(source))
    until = first_attempt_at or now or timezone.now()
    left = working_seconds_between(until, target_at) / 3600
    return FirstContactClock(
        source=source,
        started_at=started_at,
        target_at=target_at,
        stopped_at=first_attempt_at,
        working_hours_left=left,
    )


def case_clock(*, survivor: Survivor, now: datetime | None = None) -> FirstContactClock | None:
    """Her case's clock, from its referral (``referred_at``, ``referral_source``) to
    the first attempt to reach her; None once the case is closed without one."""
    if survivor.first_attempt_at is None and survivor.closed_at is not None:
        return None
    return first_contact_clock(
        source=survivor.referral_source,
        started_at=survivor.referred_at,
        first_attempt_at=survivor.first_attempt_at,
        now=now,
    )
