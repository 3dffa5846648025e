"""The funder report on her casework (SPEC 9, SPEC 14), for the manager:
referrals, median days to first contact, risk levels at first assessment,
MARAC referrals and closures by outcome, by month. Aggregates only (SPEC 3).

Small numbers are suppressed honestly:

* primary: any count under 5 (0 included) is shown as "fewer than 5"; a median
  is shown only when it rests on 5 or more cases;
* complementary: the table shows totals (a 12-month column, and per month the
  number of first assessments and of closures), from which a reader could
  subtract her way to a sum of hidden cells, across rows and columns
  together; more cells are hidden until no such sum is under 5
  (``checkins.selectors.suppression``);
* a withheld median says so in words ("not shown: too few cases"), never
  "fewer than 5", which would read as a number of days;
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
from checkins.selectors.suppression import protect
from survivors.models import (
    CaseState,
    ClosureOutcome,
    MaracReferral,
    RiskAssessment,
    RiskLevel,
    Survivor,
)

TOTAL = "12 months"


# A median resting on fewer than 5 cases: said in words, so that it never
# reads as a number of days.
MEDIAN_WITHHELD = "not shown: too few cases"


@dataclass
class Cell:
    value: int | None  # None: nothing to show (a median with no cases)
    hidden: bool = False
    base: int = 0  # for a median, how many cases it rests on
    median: bool = False

    def shown(self) -> str:
        if self.hidden or self.value is None:
            return MEDIAN_WITHHELD if self.median else SUPPRESSED
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

    def blocks(self) -> list[tuple[list[str], str | None]]:
        """The count rows as tables a reader can do sums on: (rows, the row of
        their per-month totals, or None for a row that stands alone). Each row
        ends with its 12-month total. Every additive row is in one block."""
        blocks: list[tuple[list[str], str | None]] = [
            ([f"first_{level}" for level in RiskLevel.values], "first_assessments"),
            ([f"closed_{outcome}" for outcome in ClosureOutcome.values], "closures"),
        ]
        in_blocks = {key for parts, whole in blocks for key in [*parts, whole]}
        blocks += [
            ([row.key], None) for row in self.rows if row.additive and row.key not in in_blocks
        ]
        return blocks


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


def _protect_block(rows: list[CaseworkRow], total: CaseworkRow | None) -> None:
    """Hide, besides the cells under 5, every cell of these rows (and of their
    per-month ``total`` row) that would let a reader work out a sum of hidden
    cells under 5 (``checkins.selectors.suppression``). The last cell of each
    row is its total over the months."""
    table = [[cell.value or 0 for cell in row.cells] for row in rows]
    if total is not None:
        table.append([cell.value or 0 for cell in total.cells])
    else:
        # A row on its own has no column totals; its copy stands in for them
        # (a cell hidden in either is hidden).
        table.append(list(table[0]))
    hidden = protect(table, threshold=SUPPRESSION_THRESHOLD)
    grid = [row.cells for row in rows] + [total.cells if total else rows[0].cells]
    for row_index, column_index in hidden:
        grid[row_index][column_index].hidden = True


def suppress_complementary(report: CaseworkReport) -> None:
    """Hide cells until no sum of hidden cells can be worked out to under 5 from
    the shown figures, block by block (``CaseworkReport.blocks``)."""
    for parts, whole in report.blocks():
        _protect_block([report.row(key) for key in parts], report.row(whole) if whole else None)


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
                Cell(round(median(waits[m])) if waits[m] else None, base=len(waits[m]), median=True)
                for m in month_list
            ]
            + [Cell(round(median(every)) if every else None, base=len(every), median=True)],
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
