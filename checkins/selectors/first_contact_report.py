"""The manager's first-contact figures (SPEC 13): per month and per source, the
referrals that came in, the cases they opened, how soon the first attempt to
reach her was made and how soon contact was made, against the first-contact
target of the source (``survivors.selectors.first_contact``, in working hours).

What is counted:

* "Referrals received": every referral row, by the month it arrived
  (``Referral.received_at``) and its source, whatever triage made of it;
* "Cases": each case once, by the month and source of its referral
  (``Survivor.referred_at`` and ``referral_source``). A case opened from
  several referrals (triage joined them) counts once, by its first: the case's
  own referral date and source. A case with no recorded source is counted as
  "Not recorded" and held to the default target;
* days to first attempt / first contact: calendar days from the case's
  referral, median over the cases that had one; contact made counts as an
  attempt where none was recorded;
* within / past target: against the same working-hours target. A case with no
  attempt (or no contact) yet is past target once its target has gone by, and
  not counted either way before then.

Small numbers are suppressed as in the casework report
(``checkins.selectors.casework_report``): every count under 5 is withheld, and
so is any other count that would let a reader work out a small one from the
totals (each month's sources add up to "All sources", and each row's months to
the 12-month total). A median rests on 5 or more cases or is withheld; a share
within target is shown only when both its counts (within and past) are shown.
A withheld cell says so in words."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from checkins.selectors.casework_report import (
    CaseworkReport,
    CaseworkRow,
    Cell,
    _month_of,
    suppress_complementary,
    suppress_primary,
)
from checkins.selectors.reports import SUPPRESSION_THRESHOLD, UK, _months, _next_month, _start
from survivors.models import Referral, ReferralSource, Survivor
from survivors.selectors.first_contact import first_contact_clock, target_working_days

TOTAL = "12 months"
ALL = "all"
NOT_RECORDED = ""
WITHHELD = "withheld"
WITHHELD_MEDIAN = f"not shown: fewer than {SUPPRESSION_THRESHOLD} cases"
WITHHELD_SHARE = "not shown: small numbers"

# Every source, always listed (leaving out one with none would show it had none).
SOURCES: list[tuple[str, str]] = [
    *((str(value), str(label)) for value, label in ReferralSource.choices),
    (NOT_RECORDED, "Not recorded"),
]
COUNTS = ("received", "cases", "attempt_within", "attempt_past", "contact_within", "contact_past")
MEDIANS = ("attempt_days", "contact_days")


@dataclass
class DaysCell(Cell):
    """A median of days, to one decimal; ``value`` is 1 when there is one."""

    days: float | None = None

    def shown(self) -> str:
        if self.hidden or self.days is None:
            return WITHHELD_MEDIAN
        return f"{self.days:.1f}"


@dataclass(frozen=True)
class SourceLine:
    """One source's figures in one column (a month, or the 12 months)."""

    label: str
    received: str
    cases: str
    attempt_days: str
    attempt_share: str
    contact_days: str
    contact_share: str

    def as_list(self) -> list[str]:
        return [
            self.label,
            self.received,
            self.cases,
            self.attempt_days,
            self.attempt_share,
            self.contact_days,
            self.contact_share,
        ]


HEADINGS = [
    "Source",
    "Referrals received",
    "Cases",
    "Median days to first attempt",
    "First attempt within target",
    "Median days to first contact",
    "Contact made within target",
]


@dataclass
class FirstContactTable:
    label: str  # "Mar 2026" or "12 months"
    lines: list[SourceLine] = field(default_factory=list)


@dataclass
class FirstContactReport(CaseworkReport):
    def blocks(self) -> list[tuple[list[str], str | None]]:
        """Each count's sources, with their "All sources" row as the per-month
        totals (each row ends with its 12-month total)."""
        return [
            ([f"{metric}:{source}" for source, _l in SOURCES], f"{metric}:{ALL}")
            for metric in COUNTS
        ]

    def _count(self, metric: str, source: str, column: int) -> str:
        cell = self.row(f"{metric}:{source}").cells[column]
        return WITHHELD if cell.hidden else str(cell.value)

    def _share(self, metric: str, source: str, column: int) -> str:
        within = self.row(f"{metric}_within:{source}").cells[column]
        past = self.row(f"{metric}_past:{source}").cells[column]
        if within.hidden or past.hidden:
            return WITHHELD_SHARE
        decided = (within.value or 0) + (past.value or 0)
        return f"{round(100 * (within.value or 0) / decided)}% ({within.value} of {decided})"

    def _line(self, source: str, label: str, column: int) -> SourceLine:
        return SourceLine(
            label=label,
            received=self._count("received", source, column),
            cases=self._count("cases", source, column),
            attempt_days=self.row(f"attempt_days:{source}").cells[column].shown(),
            attempt_share=self._share("attempt", source, column),
            contact_days=self.row(f"contact_days:{source}").cells[column].shown(),
            contact_share=self._share("contact", source, column),
        )

    def tables(self) -> list[FirstContactTable]:
        """One table per month, newest first, then the 12 months."""
        columns = [
            *reversed(list(enumerate(self.month_labels))),
            (len(self.months), TOTAL),
        ]
        return [
            FirstContactTable(
                label=label,
                lines=[
                    *(self._line(source, name, column) for source, name in SOURCES),
                    self._line(ALL, "All sources", column),
                ],
            )
            for column, label in columns
        ]

    def csv_rows(self) -> list[list[str]]:
        """The page's tables, one line per source per column, for the CSV."""
        rows = [["Month", *HEADINGS]]
        for table in self.tables():
            rows.extend([table.label, *line.as_list()] for line in table.lines)
        return rows


def targets() -> list[tuple[str, int]]:
    """Each source's target for the first attempt, in working days, as configured."""
    return [(label, target_working_days(source)) for source, label in SOURCES]


def _days(since: datetime, until: datetime) -> float:
    return max((until - since).total_seconds() / 86400, 0.0)


def first_contact_report(
    *, months: int = 12, ending: date | None = None, now: datetime | None = None
) -> FirstContactReport:
    now = now or timezone.now()
    ending = ending or timezone.localdate(now)
    month_list = _months(ending, months)
    firsts = [
        moment
        for moment in (
            Referral.objects.order_by("received_at").values_list("received_at", flat=True).first(),
            Survivor.objects.order_by("referred_at").values_list("referred_at", flat=True).first(),
        )
        if moment is not None
    ]
    if not firsts:
        return FirstContactReport(months=[])
    # Months before the service had any referral are left out.
    month_list = [month for month in month_list if month >= _month_of(min(firsts))]
    if not month_list:
        return FirstContactReport(months=[])
    start, after = _start(month_list[0]), _start(_next_month(month_list[-1]))
    column = {month: index for index, month in enumerate(month_list)}
    width = len(month_list) + 1  # the months, then the 12 months
    known = {source for source, _l in SOURCES}

    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * width)
    waits: dict[tuple[str, str], list[list[float]]] = defaultdict(
        lambda: [[] for _ in range(width)]
    )

    def add(metric: str, source: str, month: date) -> None:
        for key in ((metric, source), (metric, ALL)):
            counts[key][column[month]] += 1
            counts[key][-1] += 1

    def wait(metric: str, source: str, month: date, days: float) -> None:
        for key in ((metric, source), (metric, ALL)):
            waits[key][column[month]].append(days)
            waits[key][-1].append(days)

    # Referrals received: counted in SQL by month and source. Every state is
    # named so the (state, received_at) index serves the date range; the rows'
    # own fields only, never her details.
    received = (
        Referral.objects.filter(
            state__in=Referral.State.values, received_at__gte=start, received_at__lt=after
        )
        .annotate(month=TruncMonth("received_at", tzinfo=UK))
        .values("source", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in received:
        source = row["source"] if row["source"] in known else ReferralSource.OTHER
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        for key in (("received", source), ("received", ALL)):
            counts[key][column[month]] += row["n"]
            counts[key][-1] += row["n"]

    # Cases, by their (first) referral.
    for source, referred_at, attempt_at, contact_at in Survivor.objects.filter(
        referred_at__gte=start, referred_at__lt=after
    ).values_list("referral_source", "referred_at", "first_attempt_at", "first_contact_at"):
        source = source if source in known else NOT_RECORDED
        month = _month_of(referred_at)
        add("cases", source, month)
        attempted = min([m for m in (attempt_at, contact_at) if m], default=None)
        for metric, stopped in (("attempt", attempted), ("contact", contact_at)):
            clock = first_contact_clock(
                source=source, started_at=referred_at, first_attempt_at=stopped, now=now
            )
            if stopped is not None:
                wait(f"{metric}_days", source, month, _days(referred_at, stopped))
                add(f"{metric}_within" if clock.met else f"{metric}_past", source, month)
            elif clock.overdue:
                add(f"{metric}_past", source, month)

    report = FirstContactReport(months=month_list)
    for source, label in [*SOURCES, (ALL, "All sources")]:
        for metric in COUNTS:
            report.rows.append(
                CaseworkRow(
                    f"{metric}:{source}",
                    f"{label}: {metric}",
                    [Cell(value) for value in counts[(metric, source)]],
                )
            )
        for metric in MEDIANS:
            report.rows.append(
                CaseworkRow(
                    f"{metric}:{source}",
                    f"{label}: {metric}",
                    [
                        DaysCell(
                            1 if days else None,
                            base=len(days),
                            days=median(days) if days else None,
                        )
                        for days in waits[(metric, source)]
                    ],
                    additive=False,
                )
            )
    suppress_primary(report)
    suppress_complementary(report)
    return report
