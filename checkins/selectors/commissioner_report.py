"""The commissioner report (SPEC 14): what the service did and what changed for
the women who agreed to count, per calendar quarter (Jan-Mar, Apr-Jun, Jul-Sep,
Oct-Dec, UK time) or per calendar year (its quarters and the year). The page,
its CSV and its charts all come from ``commissioner_report``.

What is counted in a quarter:

* "Referrals received": every referral row by ``Referral.received_at``;
  "Cases": each case once by ``Survivor.referred_at`` (as in
  ``checkins.selectors.first_contact_report``);
* first attempt within / past target: of those cases, the first attempt to
  reach her (contact made counts as one) against the first-contact clock
  (``survivors.selectors.first_contact.first_contact_clock``); a case with no
  attempt whose target has not yet gone by is "not yet decided";
* cases with a risk checklist / with a plan: of those cases, the ones that
  have at least one ``RiskAssessment`` / one ``PlanVersion`` (a version saved
  under duress is never her plan);
* MARAC referrals: ``MaracReferral`` rows by their ``referred_at``;
* closures, by ``Survivor.closure_outcome``, in the quarter of ``closed_at``;
* matched change per question: a woman counts when she has agreed (her
  ``outcomes_consent_at`` is set now: after a withdrawal none of her answers
  counts) and answered the question with a value (not "prefer not to say") at
  both her intake and her exit check-point, both answered; she is counted in
  the quarter of her exit answer, as improved, the same or worse (higher is
  better unless the question says otherwise).

Quarters before the service had any referral or case are left out, and so are
quarters not yet begun. Small numbers are suppressed with
``checkins.selectors.suppression.protect`` on each table laid out with its
totals (the quarters add up to the year; the parts of a table to its total
row). The three tables whose total row is "Cases" hide the same "Cases" cells.
A share is shown only when all its counts are; a withheld cell says so in
words.

Every figure is an aggregate query: a conditional ``Count`` per quarter over
the range of an indexed date (``values`` and ``annotate`` where a table has
parts), so a quarter reads its own rows only. The matched answers are paired
in the same way: each exit answer beside her intake answer to the question (a
subquery on the one-per-stage and one-per-question indexes), counted as
improved, the same or worse. One thing is not SQL: the first-contact clock
counts working hours in Python, so the cases it cannot decide from calendar
days alone (``_surely_decided``) are read and clocked one by one."""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Sign
from django.utils import timezone

from checkins.selectors.reports import UK
from checkins.selectors.suppression import Cell, protect, table_with_totals
from survivors.models import (
    CheckPoint,
    ClosureOutcome,
    MaracReferral,
    OutcomeAnswer,
    OutcomeQuestion,
    PlanVersion,
    Referral,
    RiskAssessment,
    Survivor,
)
from survivors.selectors.first_contact import (
    first_contact_clock,
    target_working_days,
    working_deadline,
)

WITHHELD = "withheld"
WITHHELD_SHARE = "not shown: small numbers"
NO_SHARE = "none to count"
YEAR = "Year"
MONTHS = ("Jan", "Apr", "Jul", "Oct")
ENDS = ("Mar", "Jun", "Sep", "Dec")

# Chart geometry (SVG user units; the SVG scales to the page width).
CHART_WIDTH = 640
CHART_LABEL = 230
CHART_BAR = 28
CHART_GAP = 14
CHART_FONT = 14
CHART_WITHHELD = 120
QUESTION_CHART_HEIGHT = CHART_BAR + 3 * 24 + 12


def activity_chart_height(bars: int) -> int:
    return bars * (CHART_BAR + CHART_GAP)


class PeriodError(ValueError):
    """A period the report cannot show, with a message a person understands."""


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"{MONTHS[self.number - 1]}–{ENDS[self.number - 1]} {self.year}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=UK)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @classmethod
    def of(cls, moment: datetime | date) -> Quarter:
        day = moment.astimezone(UK).date() if isinstance(moment, datetime) else moment
        return cls(day.year, (day.month - 1) // 3 + 1)


@dataclass(frozen=True)
class Period:
    """A quarter (``2026-Q3``) or a calendar year (``2026``)."""

    key: str
    label: str
    quarters: tuple[Quarter, ...]
    is_year: bool


def last_complete_quarter(today: date | None = None) -> Quarter:
    return Quarter.of(today or timezone.localdate()).previous()


def parse_period(
    *, period: str | None = None, year: str | None = None, today: date | None = None
) -> Period:
    """The period asked for in the address; the last complete quarter when none."""
    if year:
        if not (year.isdigit() and len(year) == 4):
            raise PeriodError("Choose a year as four digits, for example 2026.")
        number = int(year)
        return Period(
            str(number), f"the year {number}", tuple(Quarter(number, q) for q in (1, 2, 3, 4)), True
        )
    if period:
        parts = period.upper().split("-Q")
        if (
            len(parts) != 2
            or not parts[0].isdigit()
            or len(parts[0]) != 4
            or parts[1] not in "1234"
            or len(parts[1]) != 1
        ):
            raise PeriodError("Choose a quarter such as 2026-Q3 (July to September 2026).")
        quarter = Quarter(int(parts[0]), int(parts[1]))
    else:
        quarter = last_complete_quarter(today)
    return Period(quarter.key, quarter.label, (quarter,), False)


@dataclass
class Table:
    """One table of counts: its part rows, then (when ``total_label``) the row
    they add up to; one column per quarter, then the year's column."""

    key: str
    caption: str
    part_labels: list[str]
    total_label: str | None
    counts: list[list[int]]  # as suppression.table_with_totals lays it out
    hidden: set[Cell] = field(default_factory=set)
    shares: list[tuple[str, int]] = field(default_factory=list)  # (label, part row) of the total

    def cell(self, row: int, column: int) -> str:
        return WITHHELD if (row, column) in self.hidden else str(self.counts[row][column])

    def share(self, row: int, column: int) -> str:
        total_row = len(self.counts) - 1
        part, whole = (row, column), (total_row, column)
        if part in self.hidden or whole in self.hidden:
            return WITHHELD_SHARE
        if not self.counts[total_row][column]:
            return NO_SHARE
        value, of = self.counts[row][column], self.counts[total_row][column]
        return f"{round(100 * value / of)}% ({value} of {of})"


@dataclass(frozen=True)
class Line:
    label: str
    cells: list[str]
    is_total: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: int  # 0 when withheld: drawn as an outline of CHART_WITHHELD
    hidden: bool

    @property
    def text_y(self) -> int:
        return self.y + 19

    @property
    def value_x(self) -> int:
        return CHART_LABEL + (CHART_WITHHELD if self.hidden else self.width) + 8


@dataclass(frozen=True)
class Segment:
    label: str
    x: int
    width: int
    text: str
    fill: str
    legend_y: int

    @property
    def text_y(self) -> int:
        return self.legend_y + 12


@dataclass(frozen=True)
class QuestionChart:
    key: str
    caption: str
    segments: list[Segment]  # empty when withheld or none matched
    hidden: bool
    matched: str


@dataclass
class CommissionerReport:
    period: Period
    quarters: list[Quarter]  # the period's quarters the report shows
    tables: list[Table] = field(default_factory=list)

    @property
    def columns(self) -> list[int]:
        """Indexes of the columns shown: each quarter, then the year's total
        (a quarter's report shows its one column)."""
        if not self.period.is_year:
            return [0]
        return [*range(len(self.quarters)), len(self.quarters)]

    @property
    def column_labels(self) -> list[str]:
        labels = [q.label for q in self.quarters]
        return [*labels, f"{YEAR} {self.period.key}"] if self.period.is_year else labels

    @property
    def total_column(self) -> int:
        return len(self.quarters)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def lines(self, table: Table) -> list[Line]:
        rows = [
            Line(label, [table.cell(index, c) for c in self.columns])
            for index, label in enumerate(table.part_labels)
        ]
        if table.total_label:
            last = len(table.counts) - 1
            rows.append(Line(table.total_label, [table.cell(last, c) for c in self.columns], True))
        rows.extend(
            Line(label, [table.share(row, c) for c in self.columns]) for label, row in table.shares
        )
        return rows

    def csv_rows(self) -> list[list[str]]:
        """The page's tables, cell for cell."""
        rows: list[list[str]] = [["Commissioner report", self.period.label]]
        if not self.quarters:
            rows.append(["No figures: the service had no referrals or cases yet in this period."])
            return rows
        for table in self.tables:
            rows.append([])
            rows.append([table.caption, *self.column_labels])
            rows.extend([line.label, *line.cells] for line in self.lines(table))
        return rows

    # --- Charts (drawn by the template from these numbers) ---------------------

    def activity_bars(self) -> list[Bar]:
        """Referrals, cases, MARAC referrals and closures in the whole period."""
        column = self.columns[-1]
        picks = [
            ("referrals", 0, "Referrals received"),
            ("first_attempt", 3, "Cases"),
            ("marac", 0, "MARAC referrals"),
            ("closures", len(ClosureOutcome.choices) + 1, "Closures"),
        ]
        values = []
        for key, row, label in picks:
            table = self.table(key)
            values.append((label, table.counts[row][column], (row, column) in table.hidden))
        top = max([v for _l, v, h in values if not h], default=0) or 1
        room = CHART_WIDTH - CHART_LABEL - 80
        return [
            Bar(
                label,
                WITHHELD if hidden else str(value),
                index * (CHART_BAR + CHART_GAP),
                0 if hidden else round(room * value / top),
                hidden,
            )
            for index, (label, value, hidden) in enumerate(values)
        ]

    def question_charts(self) -> list[QuestionChart]:
        column = self.columns[-1]
        charts = []
        room = CHART_WIDTH - CHART_LABEL
        for table in self.tables:
            if not table.key.startswith("question:"):
                continue
            parts = [(0, "Improved", "#00703c"), (1, "Same", "#505a5f"), (2, "Worse", "#d4351c")]
            hidden = any((row, column) in table.hidden for row in (0, 1, 2, 3))
            matched = table.counts[3][column]
            segments: list[Segment] = []
            if not hidden and matched:
                x = CHART_LABEL
                for row, label, fill in parts:
                    width = round(room * table.counts[row][column] / matched)
                    legend_y = CHART_BAR + 12 + 24 * row
                    segments.append(
                        Segment(label, x, width, table.share(row, column), fill, legend_y)
                    )
                    x += width
            charts.append(
                QuestionChart(
                    table.key,
                    table.caption,
                    segments,
                    hidden,
                    table.cell(3, column),
                )
            )
        return charts


# --- Queries ---------------------------------------------------------------------


def _in(moment: str, quarter: Quarter) -> Q:
    return Q(**{f"{moment}__gte": quarter.start, f"{moment}__lt": quarter.next().start})


def _by_quarter(
    queryset: QuerySet[Any],
    moment: str,
    quarters: Sequence[Quarter],
    keys: Sequence[str] = (),
    conditions: Mapping[str, Q] | None = None,
) -> Iterable[tuple[Quarter, tuple[Any, ...], str, int]]:
    """Counts by quarter of ``moment`` (UK time) and by ``keys``, and of each
    of ``conditions`` (named; "" is every row): one query, a conditional count
    per quarter, so an index on ``moment`` serves the range."""
    conditions = conditions or {}
    counts = {}
    for index, quarter in enumerate(quarters):
        within = _in(moment, quarter)
        counts[f"n{index}_"] = Count("pk", filter=within)
        for name, condition in conditions.items():
            counts[f"n{index}_{name}"] = Count("pk", filter=within & condition)
    in_period = queryset.filter(
        **{f"{moment}__gte": quarters[0].start, f"{moment}__lt": quarters[-1].next().start}
    )
    rows: Iterable[dict[str, Any]] = (
        in_period.values(*keys).annotate(**counts).order_by()
        if keys
        else [in_period.aggregate(**counts)]
    )
    for row in rows:
        key = tuple(row[k] for k in keys)
        for index, quarter in enumerate(quarters):
            for name in ("", *conditions):
                yield quarter, key, name, row[f"n{index}_{name}"] or 0


def _first_moment() -> datetime | None:
    firsts = [
        moment
        for moment in (
            Referral.objects.order_by("received_at").values_list("received_at", flat=True).first(),
            Survivor.objects.order_by("referred_at").values_list("referred_at", flat=True).first(),
        )
        if moment is not None
    ]
    return min(firsts) if firsts else None


def _surely_decided(now: datetime) -> dict[str, Q]:
    """Cases whose first attempt is within or past target whatever the
    working hours: a working day is never shorter than a calendar day, so an
    attempt (or contact made) within the target's number of calendar days is
    within it; and no target of ``n`` working days reaches past ``2n + 14``
    calendar days (weekends and the Christmas bank holidays included), so a
    case with no attempt by then is past it. The rest go to the clock."""
    listed = dict(settings.FIRST_CONTACT_TARGET_WORKING_DAYS)
    targets = [(Q(referral_source=source), int(days)) for source, days in listed.items()]
    targets.append((~Q(referral_source__in=list(listed)), target_working_days("")))
    within, past = Q(pk__in=[]), Q(pk__in=[])
    for is_source, days in targets:
        soon = F("referred_at") + timedelta(days=days)
        late = F("referred_at") + timedelta(days=2 * days + 14)
        within |= is_source & (Q(first_attempt_at__lte=soon) | Q(first_contact_at__lte=soon))
        past |= (
            is_source
            & (Q(first_attempt_at__isnull=True) | Q(first_attempt_at__gt=late))
            & (Q(first_contact_at__isnull=True) | Q(first_contact_at__gt=late))
            & Q(referred_at__lt=now - timedelta(days=2 * days + 14))
        )
    return {"within": within, "past": past}


def _question_label(question: OutcomeQuestion) -> str:
    text = question.text if isinstance(question.text, dict) else {}
    words = text.get(settings.LANGUAGE_CODE) or next(iter(text.values()), "")
    return f"Question {question.position}: {words}" if words else f"Question {question.position}"


def _protect_together(tables: list[Table]) -> None:
    """Protect each table; once any of them hides a cell of the total row they
    share ("Cases"), hide that column's total in every one and protect again
    with it hidden (taken as nought, which can only hide more), until nothing
    changes."""
    forced: set[int] = set()  # columns whose shared total is hidden
    while True:
        for table in tables:
            last = len(table.counts) - 1
            counts = [
                [0 if r == last and c in forced else value for c, value in enumerate(row)]
                for r, row in enumerate(table.counts)
            ]
            table.hidden = protect(counts) | {(last, c) for c in forced}
        now = {c for t in tables for r, c in t.hidden if r == len(t.counts) - 1}
        if now <= forced:
            return
        forced |= now


def commissioner_report(period: Period, *, now: datetime | None = None) -> CommissionerReport:
    now = now or timezone.now()
    first = _first_moment()
    this_quarter = Quarter.of(now)
    quarters = [
        q for q in period.quarters if first is not None and Quarter.of(first) <= q <= this_quarter
    ]
    report = CommissionerReport(period=period, quarters=quarters)
    if not quarters:
        return report
    start, after = quarters[0].start, quarters[-1].next().start
    column = {q: index for index, q in enumerate(quarters)}
    width = len(quarters)

    def zeros(rows: int) -> list[list[int]]:
        return [[0] * width for _ in range(rows)]

    def add_table(
        key: str,
        caption: str,
        parts: list[list[int]],
        labels: list[str],
        total_label: str | None,
        shares: list[tuple[str, int]] | None = None,
    ) -> Table:
        table = Table(key, caption, labels, total_label, table_with_totals(parts))
        table.shares = shares or []
        report.tables.append(table)
        return table

    # Referrals received, by quarter.
    received = zeros(1)
    for quarter, _k, _n, n in _by_quarter(
        Referral.objects.filter(state__in=Referral.State.values), "received_at", quarters
    ):
        received[0][column[quarter]] += n

    # Cases by quarter of referral: with a checklist, with a plan, and how
    # their first attempt stands against the first-contact target.
    checklist, plan = zeros(2), zeros(2)
    attempts = zeros(3)  # within, past, not yet decided
    conditions = {
        "checklist": Q(Exists(RiskAssessment.objects.filter(survivor=OuterRef("pk")))),
        "plan": Q(Exists(PlanVersion.objects.filter(survivor=OuterRef("pk"), under_duress=False))),
        **_surely_decided(now),
    }
    for quarter, _k, name, n in _by_quarter(
        Survivor.objects.all(), "referred_at", quarters, conditions=conditions
    ):
        index = column[quarter]
        if name == "":
            checklist[1][index] += n
            plan[1][index] += n
        elif name in ("checklist", "plan"):
            table_counts = checklist if name == "checklist" else plan
            table_counts[0][index] += n
            table_counts[1][index] -= n
        else:
            attempts[0 if name == "within" else 1][index] += n
    # The rest: the first-contact clock in working hours, case by case.
    undecided = Survivor.objects.filter(referred_at__gte=start, referred_at__lt=after).exclude(
        reduce(operator.or_, _surely_decided(now).values())
    )
    for source, referred_at, attempt_at, contact_at in undecided.values_list(
        "referral_source", "referred_at", "first_attempt_at", "first_contact_at"
    ):
        stopped = min([m for m in (attempt_at, contact_at) if m], default=None)
        index = column[Quarter.of(referred_at)]
        if stopped is not None:
            # Met when the attempt came by the clock's target (its ``met``),
            # without counting the working hours left that a report never shows.
            target_at = working_deadline(referred_at, target_working_days(source))
            attempts[0 if stopped <= target_at else 1][index] += 1
            continue
        clock = first_contact_clock(source=source, started_at=referred_at, now=now)
        attempts[1 if clock.overdue else 2][index] += 1

    add_table("referrals", "Referrals received", received, ["Referrals received"], None)
    first_attempt = add_table(
        "first_attempt",
        "Cases, by first attempt to reach her against the first-contact target",
        attempts,
        [
            "First attempt within target",
            "First attempt past target",
            "No attempt yet, target not yet passed",
        ],
        "Cases",
    )
    with_checklist = add_table(
        "checklist",
        "Cases with a risk checklist",
        checklist,
        ["With a risk checklist", "Without a risk checklist"],
        "Cases",
        [("Share of cases with a risk checklist", 0)],
    )
    with_plan = add_table(
        "plan",
        "Cases with a safety plan",
        plan,
        ["With a safety plan", "Without a safety plan"],
        "Cases",
        [("Share of cases with a safety plan", 0)],
    )

    marac = zeros(1)
    for quarter, _k, _n, n in _by_quarter(MaracReferral.objects.all(), "referred_at", quarters):
        marac[0][column[quarter]] += n
    add_table("marac", "MARAC referrals", marac, ["MARAC referrals"], None)

    outcomes = [*ClosureOutcome.choices, ("", "Not recorded")]
    outcome_row = {str(value): index for index, (value, _l) in enumerate(outcomes)}
    closures = zeros(len(outcomes))
    for quarter, (outcome,), _n, n in _by_quarter(
        Survivor.objects.all(), "closed_at", quarters, ("closure_outcome",)
    ):
        closures[outcome_row.get(outcome, outcome_row[""])][column[quarter]] += n
    add_table(
        "closures",
        "Closures by outcome",
        closures,
        [str(label) for _v, label in outcomes],
        "Closures",
    )

    # Matched intake-to-exit change, paired in the database: each exit answer
    # in the period (of a woman who has agreed, with a value) beside her
    # intake answer to the same question (answered, with a value), as the
    # sign of the change; no intake answer leaves the sign empty.
    intake_value = Subquery(
        OutcomeAnswer.objects.filter(
            check_point__survivor_id=OuterRef("check_point__survivor_id"),
            check_point__stage=CheckPoint.Stage.INTAKE,
            check_point__state=CheckPoint.State.ANSWERED,
            question_id=OuterRef("question_id"),
            value__isnull=False,
        )
        .order_by()
        .values("value")[:1]
    )
    matched = OutcomeAnswer.objects.filter(
        check_point__stage=CheckPoint.Stage.EXIT,
        check_point__state=CheckPoint.State.ANSWERED,
        check_point__survivor__outcomes_consent_at__isnull=False,
        value__isnull=False,
    ).annotate(change=Sign(F("value") - intake_value))
    questions = list(OutcomeQuestion.objects.all())
    better_higher = {q.pk: q.higher_is_better for q in questions}
    change: dict[int, list[list[int]]] = defaultdict(lambda: zeros(3))
    for quarter, (question_id, sign), _n, n in _by_quarter(
        matched, "check_point__answered_at", quarters, ("question_id", "change")
    ):
        if sign is None or not n:
            continue
        if not better_higher[question_id]:
            sign = -sign
        row = 0 if sign > 0 else 1 if sign == 0 else 2
        change[question_id][row][column[quarter]] += n
    for question in questions:
        if not question.active and question.pk not in change:
            continue
        add_table(
            f"question:{question.pk}",
            _question_label(question),
            change[question.pk],
            ["Improved", "Same", "Worse"],
            "Women matched",
            [("Share improved", 0), ("Share the same", 1), ("Share worse", 2)],
        )

    for table in report.tables:
        if table not in (first_attempt, with_checklist, with_plan):
            table.hidden = protect(table.counts)
    _protect_together([first_attempt, with_checklist, with_plan])
    return report


def period_choices(*, today: date | None = None) -> tuple[list[Quarter], list[int]]:
    """The quarters (newest first) and years the chooser offers: from the
    service's first referral or case to now."""
    today = today or timezone.localdate()
    first = _first_moment()
    if first is None:
        return [], []
    quarters = []
    quarter, last = Quarter.of(first), Quarter.of(today)
    while quarter <= last:
        quarters.append(quarter)
        quarter = quarter.next()
    years = sorted({q.year for q in quarters}, reverse=True)
    return list(reversed(quarters)), years
