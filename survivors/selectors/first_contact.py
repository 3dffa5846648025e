"""The first-contact clock (SPEC 13), counted in working hours.

A working day is WORKING_HOURS_START to WORKING_HOURS_END, UK local time,
Monday to Friday, less the bank holidays of BANK_HOLIDAYS_SUBDIVISION (from the
``holidays`` package; a holiday that falls at a weekend is replaced by the
"observed" weekday the package lists). Each day's hours are made aware in
Europe/London on their own date, so the hour the clocks change is counted as the
clock on the wall shows it: a referral at 10:00 on the Friday before the clocks
change is due at 10:00 on the Monday by the worker's wall clock.

A referral's target for the first attempt to reach her is its source's number of
working days (``FIRST_CONTACT_TARGET_WORKING_DAYS``; a source not listed takes
``FIRST_CONTACT_TARGET_DEFAULT_DAYS``), counted from when the referral arrived;
one arriving out of hours or on a day off starts the clock at the next working
morning. The clock stops at the first attempt to reach her; contact made is an
attempt too, so a case with ``first_contact_at`` but no ``first_attempt_at``
(recorded before attempts were) has stopped at its first contact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

from contacts.models import User
from survivors.models import Referral, ReferralSource, Survivor

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


def _working_days_from_to(first: date, last: date) -> int:
    """How many working days from ``first`` to ``last``, both included
    (whole weeks by arithmetic, so a case waiting for months costs no more)."""
    if last < first:
        return 0
    days = (last - first).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (first + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    subdivision = settings.BANK_HOLIDAYS_SUBDIVISION
    for year in range(first.year, last.year + 1):
        count -= sum(
            1
            for day in _bank_holidays(subdivision, year)
            if first <= day <= last and day.weekday() < 5
        )
    return count


def _seconds_on(day: date, start: datetime, end: datetime) -> float:
    """Working seconds of ``day`` between ``start`` and ``end``."""
    if not is_working_day(day):
        return 0.0
    opens, closes = _working_span(day)
    return max((min(closes, end) - max(opens, start)).total_seconds(), 0.0)


def working_seconds_between(start: datetime, end: datetime) -> float:
    """Working seconds from ``start`` to ``end``; negative when ``end`` is earlier."""
    if end < start:
        return -working_seconds_between(end, start)
    first = start.astimezone(UK).date()
    last = end.astimezone(UK).date()
    if first == last:
        return _seconds_on(first, start, end)
    # The first and last days in part, every day between in full.
    return (
        _seconds_on(first, start, end)
        + _seconds_on(last, start, end)
        + _working_days_from_to(first + timedelta(days=1), last - timedelta(days=1))
        * hours_per_working_day()
        * 3600.0
    )


def working_deadline(start: datetime, working_days: int) -> datetime:
    """The moment ``working_days`` full working days after ``start`` (a start
    out of hours counts from the next working morning)."""
    left = timedelta(hours=working_days * hours_per_working_day())
    day = start.astimezone(UK).date()
    while True:
        if is_working_day(day):
            opens, closes = _working_span(day)
            begin = max(opens, start).astimezone(UK)
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

    @property
    def target_days(self) -> int:
        return target_working_days(self.source)

    @property
    def whole_hours_left(self) -> int:
        """Working hours left, rounded up: "1" until the last minute has gone."""
        return max(math.ceil(self.working_hours_left), 0)

    @property
    def whole_hours_past(self) -> int:
        """Whole working hours since the target passed (0 in the first hour)."""
        return max(math.floor(-self.working_hours_left), 0)


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


def _stopped_at(survivor: Survivor) -> datetime | None:
    """Her first attempt; contact made counts as one when no attempt was recorded."""
    moments = [m for m in (survivor.first_attempt_at, survivor.first_contact_at) if m]
    return min(moments) if moments else None


def case_clock(*, survivor: Survivor, now: datetime | None = None) -> FirstContactClock | None:
    """Her case's clock, from its referral (``referred_at``, ``referral_source``) to
    the first attempt to reach her; None once the case is closed without one."""
    stopped = _stopped_at(survivor)
    if stopped is None and survivor.closed_at is not None:
        return None
    return first_contact_clock(
        source=survivor.referral_source,
        started_at=survivor.referred_at,
        first_attempt_at=stopped,
        now=now,
    )


# --- The duty view: what has passed its target --------------------------------------


@dataclass(frozen=True)
class PastTargetReferral:
    referral_id: int
    source_label: str
    received_at: datetime
    clock: FirstContactClock


@dataclass(frozen=True)
class PastTargetCase:
    survivor_id: int
    worker_id: int | None
    worker_name: str
    source_label: str
    clock: FirstContactClock


def _source_label(source: str) -> str:
    if not source:
        return "Not recorded"
    return str(dict(ReferralSource.choices).get(source, source))


def _could_be_past(now: datetime) -> datetime:
    """Nothing that arrived after this can have passed its target yet (no target
    is shorter than its fewest working days, each of working hours)."""
    shortest = min(
        [
            settings.FIRST_CONTACT_TARGET_DEFAULT_DAYS,
            *settings.FIRST_CONTACT_TARGET_WORKING_DAYS.values(),
        ]
    )
    return now - timedelta(hours=shortest * hours_per_working_day())


def past_target(
    *, now: datetime | None = None
) -> tuple[list[PastTargetReferral], list[PastTargetCase]]:
    """Referrals still waiting for triage, and open cases with no attempt yet to
    reach her, whose first-contact target has passed (SPEC 13), oldest target
    first. Two queries whatever their number."""
    now = now or timezone.now()
    cutoff = _could_be_past(now)
    referrals = []
    for referral_id, source, received_at in Referral.objects.filter(
        state=Referral.State.WAITING, received_at__lte=cutoff
    ).values_list("pk", "source", "received_at"):
        clock = first_contact_clock(source=source, started_at=received_at, now=now)
        if clock.overdue:
            referrals.append(
                PastTargetReferral(referral_id, _source_label(source), received_at, clock)
            )
    cases = []
    for survivor in (
        Survivor.objects.filter(
            first_attempt_at__isnull=True,
            first_contact_at__isnull=True,
            closed_at__isnull=True,
            referred_at__lte=cutoff,
        )
        .select_related("worker")
        .only(
            "pk",
            "referred_at",
            "referral_source",
            "first_attempt_at",
            "first_contact_at",
            "closed_at",
            "worker__username",
        )
    ):
        case = case_clock(survivor=survivor, now=now)
        if case is not None and case.overdue:
            worker: User | None = survivor.worker
            cases.append(
                PastTargetCase(
                    survivor.pk,
                    worker.pk if worker else None,
                    worker.username if worker else "",
                    _source_label(survivor.referral_source),
                    case,
                )
            )
    referrals.sort(key=lambda row: row.clock.target_at)
    cases.sort(key=lambda row: row.clock.target_at)
    return referrals, cases
