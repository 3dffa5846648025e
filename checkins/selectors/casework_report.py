"""The funder report on her casework (SPEC 9, SPEC 14), for the manager:
referrals, median days to first contact, risk levels at first assessment,
MARAC referrals and closures by outcome, by month. Aggregates only (SPEC 3).

Small numbers are suppressed honestly:

* primary: any count under 5 (0 included) is shown as "fewer than 5"; a median
  is shown only when it rests on 5 or more cases;
* complementary: the table shows totals (a 12-month column, and per month the
  number of first assessments and of closures), so every group of cells that
  adds up to a total is checked: a group with exactly one hidden member would
  give it away by subtraction, and hidden parts adding up to under 5 beside a
  shown total give their small sum away; either way its smallest shown member
  is hidden too, repeated until no group gives anything away;
* months before the service had any case are left out, not shown as
  "fewer than 5".

The same cells go to the page, its server-drawn SVG chart and the CSV."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import cast

from django.utils import timezone

from checkins.selectors.reports import (
    SUPPRESSED,
    SUPPRESSION_THRESHOLD,
    UK,
    _months,
    _next_month,
    _start,
)
from survivors.models import (
    CaseState,
    ClosureOutcome,
    MaracReferral,
    RiskAssessment,
    RiskLevel,
    Survivor,
)

TOTAL = "12 months"


@dataclass
class Cell:
    value: int | None  # None: nothing to show (a median with no cases)
    hidden: bool = False
    base: int = 0  # for a median, how many cases it rests on

    def shown(self) -> str:
        if self.hidden or self.value is None:
            return SUPPRESSED
        return str(self.value)


@dataclass
class CaseworkRow:
    key: str
    label: str
    cells: list[Cell]  # one per month, then the total (or all-months median)
    additive: bool = True

    @property
    def shown(self) -> list[str]:
        return [cell.shown() for cell in self.cells]


@dataclass
class CaseworkReport:
    months: list[date]
    rows: list[CaseworkRow] = field(default_factory=list)

    @property
    def month_labels(self) -> list[str]:
        return [month.strftime("%b %Y") for month in self.months]

    @property
    def column_labels(self) -> list[str]:
        return [*self.month_labels, TOTAL]

    def row(self, key: str) -> CaseworkRow:
        return next(row for row in self.rows if row.key == key)

    def groups(self) -> list[list[Cell]]:
        """Every set of cells whose first members add up to its last (a total)."""
        groups = [row.cells for row in self.rows if row.additive]
        for parts, whole in (
            ([f"first_{level}" for level in RiskLevel.values], "first_assessments"),
            ([f"closed_{outcome}" for outcome in ClosureOutcome.values], "closures"),
        ):
            for column in range(len(self.months) + 1):
                groups.append(
                    [self.row(key).cells[column] for key in parts] + [self.row(whole).cells[column]]
                )
        return groups


def _month_of(moment: datetime) -> date:
    local = moment.astimezone(UK)
    return date(local.year, local.month, 1)


def _count_row(key: str, label: str, moments: list[datetime], months: list[date]) -> CaseworkRow:
    counts = Counter(_month_of(moment) for moment in moments)
    cells = [Cell(counts[month]) for month in months]
    cells.append(Cell(sum(counts[month] for month in months)))
    return CaseworkRow(key, label, cells)


def suppress_primary(report: CaseworkReport) -> None:
    for row in report.rows:
        for cell in row.cells:
            if row.additive:
                cell.hidden = cell.value is None or cell.value < SUPPRESSION_THRESHOLD
            else:
                cell.hidden = cell.value is None or cell.base < SUPPRESSION_THRESHOLD


def _gives_away(group: list[Cell]) -> bool:
    """Whether the shown cells of a group let a reader work out a small number:
    exactly one hidden member (found by subtraction), or, with the total shown,
    hidden parts that add up to under 5 (their sum is the total minus the rest)."""
    *parts, total = group
    hidden = [cell for cell in group if cell.hidden]
    if not hidden:
        return False
    if len(hidden) == 1:
        return True
    return not total.hidden and (
        sum(cell.value or 0 for cell in parts if cell.hidden) < SUPPRESSION_THRESHOLD
    )


def suppress_complementary(report: CaseworkReport) -> None:
    """Hide the smallest shown member of any group that gives a small number
    away, until none does (each pass hides one more cell, so it ends)."""
    groups = report.groups()
    changed = True
    while changed:
        changed = False
        for group in groups:
            shown = [cell for cell in group if not cell.hidden]
            if shown and _gives_away(group):
                min(shown, key=lambda cell: cell.value or 0).hidden = True
                changed = True


def casework_report(*, months: int = 12, ending: date | None = None) -> CaseworkReport:
    ending = ending or timezone.localdate()
    month_list = _months(ending, months)
    first_case = (
        Survivor.objects.order_by("referred_at").values_list("referred_at", flat=True).first()
    )
    if first_case is None:
        return CaseworkReport(months=[])
    # Months before the service had any case are left out.
    month_list = [month for month in month_list if month >= _month_of(first_case)]
    start, after = _start(month_list[0]), _start(_next_month(month_list[-1]))
    report = CaseworkReport(months=month_list)

    referred = list(
        Survivor.objects.filter(referred_at__gte=start, referred_at__lt=after).values_list(
            "referred_at", flat=True
        )
    )
    report.rows.append(_count_row("referrals", "Referrals", referred, month_list))

    # Median days from referral to first contact, by the month contact was made.
    waits: dict[date, list[int]] = {month: [] for month in month_list}
    # The filter on the date leaves out cases not yet contacted: each date is set.
    contacted = cast(
        list[tuple[datetime, datetime]],
        list(
            Survivor.objects.filter(
                first_contact_at__gte=start, first_contact_at__lt=after
            ).values_list("referred_at", "first_contact_at")
        ),
    )
    for referred_at, first_contact_at in contacted:
        waits[_month_of(first_contact_at)].append(max((first_contact_at - referred_at).days, 0))
    every = [days for month in month_list for days in waits[month]]
    report.rows.append(
        CaseworkRow(
            "median_days",
            "Median days to first contact",
            [
                Cell(round(median(waits[m])) if waits[m] else None, base=len(waits[m]))
                for m in month_list
            ]
            + [Cell(round(median(every)) if every else None, base=len(every))],
            additive=False,
        )
    )

    # Each case's first checklist, by the month it was done and its level.
    firsts: dict[int, tuple[datetime, str]] = {}
    for survivor_id, assessed_at, level in RiskAssessment.objects.order_by(
        "survivor_id", "assessed_at", "pk"
    ).values_list("survivor_id", "assessed_at", "level"):
        firsts.setdefault(survivor_id, (assessed_at, level))
    in_range = [(at, level) for at, level in firsts.values() if start <= at < after]
    for level, label in RiskLevel.choices:
        report.rows.append(
            _count_row(
                f"first_{level}",
                f"First assessment: {label.lower()}",
                [at for at, first_level in in_range if first_level == level],
                month_list,
            )
        )
    report.rows.append(
        _count_row(
            "first_assessments", "First assessments", [at for at, _l in in_range], month_list
        )
    )

    report.rows.append(
        _count_row(
            "marac",
            "MARAC referrals",
            list(
                MaracReferral.objects.filter(
                    referred_at__gte=start, referred_at__lt=after
                ).values_list("referred_at", flat=True)
            ),
            month_list,
        )
    )

    # The filter on the date leaves out cases without one: each date is set.
    closed = cast(
        list[tuple[datetime, str]],
        list(
            Survivor.objects.filter(
                case_state=CaseState.CLOSED, closed_at__gte=start, closed_at__lt=after
            ).values_list("closed_at", "closure_outcome")
        ),
    )
    for outcome, label in ClosureOutcome.choices:
        report.rows.append(
            _count_row(
                f"closed_{outcome}",
                f"Closed: {label.lower()}",
                [at for at, closed_outcome in closed if closed_outcome == outcome],
                month_list,
            )
        )
    report.rows.append(_count_row("closures", "Closures", [at for at, _o in closed], month_list))

    suppress_primary(report)
    suppress_complementary(report)
    return report


# --- The chart: server-drawn SVG, no script, nothing fetched ---------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM = 360, 160, 16, 130


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    value: str
    hidden: bool


def chart_bars(report: CaseworkReport, key: str = "referrals") -> list[Bar]:
    """Bars for one row by month. A hidden month is drawn as an outline of no
    height marked "<5": the picture shows no more than the table."""
    if not report.months:
        return []
    cells = report.row(key).cells[: len(report.months)]
    peak = max([cell.value or 0 for cell in cells if not cell.hidden] + [SUPPRESSION_THRESHOLD])
    slot = CHART_WIDTH // len(cells)
    bars = []
    for index, (cell, label) in enumerate(zip(cells, report.month_labels, strict=True)):
        height = 0 if cell.hidden else round((cell.value or 0) / peak * (CHART_BOTTOM - CHART_TOP))
        bars.append(
            Bar(
                x=index * slot + 2,
                y=CHART_BOTTOM - height,
                width=max(slot - 4, 2),
                height=height,
                label=label,
                value=cell.shown(),
                hidden=cell.hidden,
            )
        )
    return bars
