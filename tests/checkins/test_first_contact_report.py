"""The manager's first-contact figures (SPEC 13): per month and source, the
referrals, the cases, days to the first attempt and to first contact and the
share within the working-hours target; small numbers withheld as in the
casework report (SPEC 9). Each figure is worked out a second time here, from
the datetimes this world was built with."""

from __future__ import annotations

import csv
import html
import io
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from checkins.selectors.first_contact_report import (
    ALL,
    COUNTS,
    SOURCES,
    WITHHELD,
    WITHHELD_MEDIAN,
    first_contact_report,
)
from survivors.models import Referral

from ..conftest import sign_in
from ..factories import SurvivorFactory

UK = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 30, 12, tzinfo=UK)
ENDING = date(2026, 5, 31)


def uk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UK)


def _cases(n: int, source: str, referred: datetime, attempt=None, contact=None) -> list[float]:
    for _ in range(n):
        SurvivorFactory.create(
            referred_at=referred,
            referral_source=source,
            first_attempt_at=attempt,
            first_contact_at=contact,
        )
    return [(attempt - referred) / timedelta(days=1)] * n if attempt else []


@pytest.fixture
def figures(db) -> dict[str, list[float]]:
    """April and May 2026. Police: due one working day after the referral.
    Tuesday 14 April 10:00 is due Wednesday 15 April 10:00; Tuesday 12 May 10:00
    is due Wednesday 13 May 10:00. Health: two working days."""
    attempts: dict[str, list[float]] = {"april_police": [], "may_police": []}
    apr, may = uk(2026, 4, 14, 10), uk(2026, 5, 12, 10)
    # April, police: 6 tried and reached within 2 hours, 6 tried two days
    # later and reached on the Monday after (past).
    attempts["april_police"] += _cases(
        6, "police", apr, apr + timedelta(hours=2), apr + timedelta(hours=2)
    )
    attempts["april_police"] += _cases(6, "police", apr, uk(2026, 4, 16, 10), uk(2026, 4, 20, 10))
    _cases(6, "self", apr, apr + timedelta(hours=1), apr + timedelta(hours=1))
    _cases(5, "marac", apr)  # never tried: past target by now
    # May, police: 8 within (contact made at once), 6 past (contact a week on).
    attempts["may_police"] += _cases(
        8, "police", may, may + timedelta(hours=3), may + timedelta(hours=3)
    )
    attempts["may_police"] += _cases(6, "police", may, uk(2026, 5, 15, 10), uk(2026, 5, 19, 10))
    _cases(7, "self", may, may + timedelta(hours=1), may + timedelta(hours=1))
    _cases(5, "marac", may)  # never tried: past target by now
    _cases(3, "health", may)  # a small number: withheld everywhere
    # Referrals received: every row, whatever triage did (here all still waiting).
    for _ in range(9):
        Referral.objects.create(source="police", received_at=uk(2026, 5, 12, 9))
    for _ in range(2):
        Referral.objects.create(source="idva", received_at=uk(2026, 5, 13, 9))
    for _ in range(5):
        Referral.objects.create(source="marac", received_at=uk(2026, 5, 14, 9))
    for source, n in (("police", 6), ("marac", 5)):
        for _ in range(n):
            Referral.objects.create(source=source, received_at=uk(2026, 4, 14, 9))
    return attempts


def _table(report, label: str) -> dict[str, list[str]]:
    table = next(t for t in report.tables() if t.label == label)
    return {line.label: line.as_list()[1:] for line in table.lines}


def test_the_figures_for_a_month(figures) -> None:
    report = first_contact_report(ending=ENDING, now=NOW)
    may = _table(report, "May 2026")
    received, cases, attempt_days, attempt_share, contact_days, contact_share = may["Police"]
    assert received == "9"
    assert cases == "14"
    assert attempt_days == f"{median(figures['may_police']):.1f}"
    assert attempt_share == "57% (8 of 14)"
    # Contact: 8 within target, 6 a week later.
    assert contact_share == "57% (8 of 14)"
    assert contact_days == f"{median([0.125] * 8 + [7.0] * 6):.1f}"
    # All sources: 14 + 7 + 5 + 3 cases, 9 + 2 + 5 referrals received.
    # (Months with none at all would withhold more: see the next tests.)
    assert may["All sources"][:2] == ["16", "29"]


def test_april_counts_a_late_first_attempt_as_past(figures) -> None:
    april = _table(first_contact_report(ending=ENDING, now=NOW), "Apr 2026")
    assert april["Police"][1] == "12"
    assert april["Police"][3] == "50% (6 of 12)"
    assert april["Police"][2] == f"{median(figures['april_police']):.1f}"


def test_small_numbers_are_withheld_in_words(figures) -> None:
    report = first_contact_report(ending=ENDING, now=NOW)
    may = _table(report, "May 2026")
    # Health has 3 cases: its count and its medians are withheld.
    assert may["Health"][1] == WITHHELD
    assert may["Health"][2] == WITHHELD_MEDIAN == "not shown: fewer than 5 cases"
    # IDVA sent 2 referrals.
    assert may["IDVA"][0] == WITHHELD
    for table in report.tables():
        for line in table.lines:
            assert "fewer than 5" not in line.as_list()[1:3]


def test_no_shown_total_gives_a_small_number_away(figures) -> None:
    """A second check of the suppression: in every column, each count's hidden
    sources are none, or two or more, and together 5 or more beside a shown total."""
    report = first_contact_report(ending=ENDING, now=NOW)
    for metric in COUNTS:
        for column in range(len(report.months) + 1):
            parts = [report.row(f"{metric}:{source}").cells[column] for source, _l in SOURCES]
            total = report.row(f"{metric}:{ALL}").cells[column]
            hidden = [cell for cell in parts + [total] if cell.hidden]
            if hidden:
                assert len(hidden) >= 2
                if not total.hidden:
                    assert sum(cell.value or 0 for cell in parts if cell.hidden) >= 5


def test_months_before_the_first_referral_are_left_out(db) -> None:
    assert first_contact_report(ending=ENDING, now=NOW).months == []
    Referral.objects.create(source="police", received_at=uk(2026, 4, 2, 9))
    assert [m.month for m in first_contact_report(ending=ENDING, now=NOW).months] == [4, 5]


def test_a_case_of_several_referrals_counts_once_by_its_first(db) -> None:
    survivor = SurvivorFactory.create(referred_at=uk(2026, 5, 5, 10), referral_source="police")
    for received, source in ((uk(2026, 5, 5, 10), "police"), (uk(2026, 5, 20, 10), "marac")):
        Referral.objects.create(
            source=source,
            received_at=received,
            state=Referral.State.JOINED,
            survivor=survivor,
            decided_at=received,
        )
    report = first_contact_report(ending=ENDING, now=NOW)
    assert report.row(f"cases:{ALL}").cells[-1].value == 1
    assert report.row("cases:police").cells[-1].value == 1
    assert report.row("received:marac").cells[-1].value == 1
    assert report.row(f"received:{ALL}").cells[-1].value == 2


def test_the_manager_reads_the_page_and_downloads_the_same_figures(world, figures) -> None:
    client = sign_in(Client(), world.manager)
    reports = client.get("/staff/reports/").content.decode()
    assert 'href="/staff/reports/first-contact/"' in reports
    page = client.get("/staff/reports/first-contact/")
    assert page.status_code == 200
    body = page.content.decode()
    assert '<th scope="col">Median days to first attempt</th>' in body
    assert '<th scope="row">Police</th>' in body
    assert "First-contact figures" in body
    download = client.get("/staff/reports/first-contact.csv")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:3] == ["Month", "Source", "Referrals received"]
    # The CSV has every line of every table the page shows.
    for row in rows[1:]:
        assert html.escape(row[1]) in body


def test_only_the_manager_sees_the_figures(world) -> None:
    for user in (world.wss_a, world.programme, world.comms):
        client = sign_in(Client(), user)
        assert client.get("/staff/reports/first-contact/").status_code in (403, 404)
        assert client.get("/staff/reports/first-contact.csv").status_code in (403, 404)
