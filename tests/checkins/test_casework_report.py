"""The funder report on her casework (SPEC 9, SPEC 14): referrals, median
days to first contact, risk levels at first assessment, MARAC referrals and
closures by outcome; no cell under 5, none derivable from totals or other
cells; months before the service had data left out; the same cells in the
CSV; a server-drawn SVG chart."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from checkins.selectors.casework_report import MEDIAN_WITHHELD, casework_report, chart_bars
from checkins.selectors.reports import SUPPRESSED
from checkins.selectors.suppression import disclosures
from contacts import roles
from survivors.models import ClosureOutcome, MaracReferral, RiskAssessment, RiskLevel, Survivor
from survivors.services.disclosures import disclosure_record

from ..conftest import sign_in
from ..factories import SurvivorFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_service_without_cases() -> None:
    """The report counts every case in the service: these tests start from a
    service with none (the session's world is removed here, and comes back when
    the test is rolled back)."""
    Survivor.objects.all().delete()


@pytest.fixture
def worker():
    return staff_user(roles.WSS_WORKER, username="report-worker")


def _cases(count: int, **fields) -> list[Survivor]:
    return [SurvivorFactory.create(**fields) for _ in range(count)]


def _first_assessments(worker, levels: dict[str, int]) -> None:
    for level, count in levels.items():
        for survivor in _cases(count):
            RiskAssessment.objects.create(
                survivor=survivor, assessed_by=worker, score=0, score_level=level, level=level
            )


def _nothing_worked_out(report) -> None:
    """No sum of hidden cells can be worked out to under 5 from what is shown:
    the levels and the closures with their monthly totals, and each other count
    row with its 12-month total. Checked with the finder that
    tests/checkins/test_suppression.py holds to plain linear algebra on random
    tables (the algebra itself is too slow for a year of mostly empty rows)."""
    blocks = (
        ([f"first_{level}" for level in RiskLevel.values], "first_assessments"),
        ([f"closed_{outcome}" for outcome in ClosureOutcome.values], "closures"),
    )
    for parts, whole in blocks:
        rows = [report.row(key) for key in [*parts, whole]]
        table = [[cell.value or 0 for cell in row.cells] for row in rows]
        hidden = {
            (r, c) for r, row in enumerate(rows) for c, cell in enumerate(row.cells) if cell.hidden
        }
        assert not disclosures(table, hidden)
    in_blocks = {key for parts, whole in blocks for key in [*parts, whole]}
    for row in report.rows:
        if not row.additive or row.key in in_blocks:
            continue
        *months, total = row.cells
        hidden_values = [cell.value or 0 for cell in months if cell.hidden]
        if hidden_values and not total.hidden:
            assert sum(hidden_values) >= 5, row.key


def test_a_hidden_level_cannot_be_worked_out_from_the_total(worker) -> None:
    # This month's first assessments: 2 high, 6 medium, 7 standard (15 in all).
    _first_assessments(worker, {"high": 2, "medium": 6, "standard": 7})
    report = casework_report()
    assert len(report.months) == 1  # the service's first month: nothing before it
    month = 0
    high, medium, standard = (
        report.row(key).shown[month] for key in ("first_high", "first_medium", "first_standard")
    )
    total = report.row("first_assessments").shown[month]
    assert total == "15" and standard == "7"
    assert high == SUPPRESSED
    # The attack: the total minus the shown levels. Suppressing only "2" would
    # let 15 - 6 - 7 give it away; the next smallest (6) is hidden with it, so
    # the subtraction yields 8 = high + medium, not the hidden count.
    assert medium == SUPPRESSED
    assert int(total) - int(standard) == 8
    _nothing_worked_out(report)


def test_a_hidden_month_cannot_be_worked_out_from_the_twelve_month_total(worker) -> None:
    now = timezone.now()
    _cases(6, referred_at=now - timedelta(days=70))  # two months ago: 6
    _cases(3, referred_at=now - timedelta(days=35))  # last month: 3 (hidden)
    _cases(9, referred_at=now)  # this month: 9
    report = casework_report()
    referrals = report.row("referrals").shown
    assert referrals[-1] == "18"  # the total is shown...
    assert referrals.count(SUPPRESSED) >= 2  # ...so a second month is hidden too
    assert "9" in referrals[:-1] or "6" in referrals[:-1]
    _nothing_worked_out(report)


def test_months_before_the_service_had_data_are_left_out(worker) -> None:
    assert casework_report().months == []
    _cases(5, referred_at=timezone.now() - timedelta(days=62))
    report = casework_report()
    first = (timezone.localdate() - timedelta(days=62)).replace(day=1)
    assert report.months[0] == first
    assert len(report.months) in (3, 4)  # that month, any between, this month


def test_the_median_shows_only_over_five_cases(worker) -> None:
    now = timezone.now()
    for days in (1, 2, 3, 4):
        SurvivorFactory.create(referred_at=now - timedelta(days=days), first_contact_at=now)
    report = casework_report()
    # Said in words: "fewer than 5" would read as under 5 days.
    assert report.row("median_days").shown[-1] == MEDIAN_WITHHELD
    SurvivorFactory.create(referred_at=now - timedelta(days=10), first_contact_at=now)
    assert casework_report().row("median_days").shown[-1] == "3"


def test_referrals_to_the_marac_and_closures_are_counted(worker) -> None:
    now = timezone.now()
    for survivor in _cases(5):
        disclosure = disclosure_record(
            actor=worker, survivor=survivor, agency="MARAC", basis="high_risk"
        )
        MaracReferral.objects.create(survivor=survivor, referred_by=worker, disclosure=disclosure)
    for outcome, count in (("goals_met", 5), ("she_ended", 6), ("no_contact", 1)):
        _cases(count, case_state="closed", closed_at=now, closure_outcome=outcome)
    report = casework_report()
    assert report.row("marac").shown[-1] == "5"
    assert report.row("closures").shown[-1] == "12"
    assert report.row("closed_no_contact").shown[-1] == SUPPRESSED
    # 12 - 5 - 6 would give the 1 away: the smallest shown outcome goes too.
    assert report.row("closed_goals_met").shown[-1] == SUPPRESSED
    assert report.row("closed_she_ended").shown[-1] == "6"
    _nothing_worked_out(report)


def test_the_page_draws_the_chart_and_the_csv_keeps_the_same_cells(worker) -> None:
    now = timezone.now()
    _cases(7, referred_at=now - timedelta(days=35))
    _cases(2, referred_at=now)
    manager = staff_user(roles.SERVICE_MANAGER, username="report-manager")
    client = sign_in(Client(), manager)
    page = client.get("/staff/reports/")
    body = page.content.decode()
    assert "<svg" in body and "Referrals by month" in body
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert "<script" not in svg and "href" not in svg and "style=" not in svg
    # This month's 2 is hidden in the picture as in the table: no height, "<5".
    bars = chart_bars(casework_report())
    assert bars[-1].hidden and bars[-1].height == 0
    assert "&lt;5" in svg
    table = casework_report()
    export = client.get("/staff/reports/monthly.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    start = rows.index(["Casework", *table.column_labels])
    assert rows[start + 1 :] == [[row.label, *row.shown] for row in table.rows]
    assert "fewer than 5" in export.content.decode()
