"""The commissioner report (SPEC 14): per calendar quarter or year, what the
service did and the matched intake-to-exit change for the women who agreed
that their answers may count; small numbers suppressed so that no sum of hidden
cells can be worked out (checked with ``suppression.disclosures``); the CSV has
the page's cells; the manager only. Each figure is worked out a second time
here, in plain Python over the rows this world was built with."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from checkins.selectors.commissioner_report import (
    WITHHELD,
    commissioner_report,
    parse_period,
)
from checkins.selectors.suppression import disclosures
from survivors.models import (
    CheckPoint,
    Disclosure,
    MaracReferral,
    OutcomeAnswer,
    OutcomeQuestion,
    PlanVersion,
    Referral,
    RiskAssessment,
    Survivor,
)
from survivors.selectors.first_contact import first_contact_clock

from ..conftest import client_for, sign_in
from ..factories import SurvivorFactory

UK = ZoneInfo("Europe/London")
URL = "/staff/reports/commissioner/"
CSV_URL = "/staff/reports/commissioner.csv"


def uk(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UK)


def quarter_of(moment: datetime) -> str:
    local = moment.astimezone(UK)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


class World:
    def __init__(self, worker) -> None:
        self.worker = worker
        self.q1 = OutcomeQuestion.objects.create(
            position=91, text={"en-gb": "How safe do you feel?"}, higher_is_better=True
        )
        self.q2 = OutcomeQuestion.objects.create(
            position=92, text={"en-gb": "How often were you afraid?"}, higher_is_better=False
        )
        self.consenting: list[Survivor] = []

    def case(self, referred_at: datetime, **fields) -> Survivor:
        return SurvivorFactory.create(
            referred_at=referred_at,
            referral_source=fields.pop("source", "police"),
            first_attempt_at=fields.pop("attempt", referred_at + timedelta(hours=2)),
            outcomes_consent_at=fields.pop("consent", referred_at + timedelta(days=1)),
            **fields,
        )

    def answers(
        self, survivor: Survivor, stage: str, at: datetime, values: dict, state: str = "answered"
    ) -> None:
        point = CheckPoint.objects.create(
            survivor=survivor,
            stage=stage,
            due_at=at - timedelta(days=3),
            state=state,
            answered_at=at if state == "answered" else None,
        )
        for question, value in values.items():
            OutcomeAnswer.objects.create(check_point=point, question=question, value=value)


@pytest.fixture
def built(world) -> World:
    """2025: the service's first case in April (Q2); exits answered in August
    (Q3). Question 1 (higher is better): 6 improved, 5 the same, 5 worse.
    Question 2 (lower is better): 9 improved, 4 the same, 3 worse (withheld)."""
    w = World(world.wss_a)
    april, may, august = uk(2025, 4, 8), uk(2025, 5, 6), uk(2025, 8, 12)
    q1_pairs = [(2, 4)] * 6 + [(3, 3)] * 5 + [(4, 2)] * 5
    q2_pairs = [(4, 1)] * 9 + [(2, 2)] * 4 + [(1, 3)] * 3
    pairs = zip(q1_pairs, q2_pairs, strict=True)
    for index, ((q1_in, q1_out), (q2_in, q2_out)) in enumerate(pairs):
        her = w.case(april if index < 10 else may)
        w.answers(her, "intake", april + timedelta(days=14), {w.q1: q1_in, w.q2: q2_in})
        w.answers(her, "exit", august, {w.q1: q1_out, w.q2: q2_out})
        if index < 12:
            RiskAssessment.objects.create(
                survivor=her,
                assessed_by=w.worker,
                score=3,
                score_level="standard",
                level="standard",
            )
        if index < 14:
            PlanVersion.objects.create(survivor=her, author=w.worker, steps="{}")
    # She withdrew: her answers must not count, however they changed.
    withdrawn = w.case(april, consent=None, outcomes_withdrawn_at=uk(2025, 9, 1))
    w.answers(withdrawn, "intake", april + timedelta(days=14), {w.q1: 1, w.q2: 5})
    w.answers(withdrawn, "exit", august, {w.q1: 5, w.q2: 1})
    # Only an intake: not matched.
    intake_only = w.case(april)
    w.answers(intake_only, "intake", april + timedelta(days=14), {w.q1: 1, w.q2: 5})
    # Prefer not to say at exit: not matched on that question.
    declined = w.case(april)
    w.answers(declined, "intake", april + timedelta(days=14), {w.q1: 1, w.q2: 5})
    w.answers(declined, "exit", august, {w.q1: None, w.q2: None})
    # Her exit still a draft (check-point due): not matched.
    draft = w.case(april)
    w.answers(draft, "intake", april + timedelta(days=14), {w.q1: 1})
    w.answers(draft, "exit", august, {w.q1: 5}, state="due")
    # Cases past the first-contact target (no attempt) and some late ones.
    for _ in range(3):
        w.case(may, attempt=None)
    for _ in range(6):
        w.case(may, attempt=uk(2025, 5, 20))
    # Referrals received, MARAC referrals and closures.
    for _ in range(8):
        Referral.objects.create(source="police", received_at=uk(2025, 4, 2))
    for _ in range(2):
        Referral.objects.create(source="police", received_at=uk(2025, 8, 2))
    for her in Survivor.objects.filter(referred_at=april)[:6]:
        disclosure = Disclosure.objects.create(
            survivor=her, worker=w.worker, agency="MARAC", basis="high_risk"
        )
        MaracReferral.objects.create(
            survivor=her, referred_by=w.worker, referred_at=uk(2025, 6, 3), disclosure=disclosure
        )
    closing = list(Survivor.objects.filter(referred_at=may))
    for her in closing[:7]:
        Survivor.objects.filter(pk=her.pk).update(
            closed_at=uk(2025, 9, 5), closure_outcome="goals_met", case_state="closed"
        )
    for her in closing[7:9]:
        Survivor.objects.filter(pk=her.pk).update(
            closed_at=uk(2025, 9, 5), closure_outcome="she_ended", case_state="closed"
        )
    return w


def _second_computation(w: World, quarter: str) -> dict[str, Any]:
    """The figures for one quarter, from the rows, without the report's code."""
    now = datetime.now(tz=UK)
    cases = [s for s in Survivor.objects.all() if quarter_of(s.referred_at) == quarter]
    within = past = 0
    for s in cases:
        stopped = min([m for m in (s.first_attempt_at, s.first_contact_at) if m], default=None)
        clock = first_contact_clock(
            source=s.referral_source, started_at=s.referred_at, first_attempt_at=stopped, now=now
        )
        if stopped is not None:
            within, past = within + bool(clock.met), past + (not clock.met)
        elif clock.overdue:
            past += 1
    checklists = {a.survivor_id for a in RiskAssessment.objects.all()}
    plans = {p.survivor_id for p in PlanVersion.objects.all() if not p.under_duress}
    change: dict[int, Counter[str]] = {w.q1.pk: Counter(), w.q2.pk: Counter()}
    answers = list(OutcomeAnswer.objects.select_related("check_point__survivor", "question"))
    for exit_answer in answers:
        point = exit_answer.check_point
        if (
            point.stage != "exit"
            or point.state != "answered"
            or quarter_of(point.answered_at) != quarter
            or point.survivor.outcomes_consent_at is None
            or exit_answer.value is None
            or exit_answer.question_id not in change
        ):
            continue
        intakes = [
            a
            for a in answers
            if a.check_point.survivor_id == point.survivor_id
            and a.check_point.stage == "intake"
            and a.check_point.state == "answered"
            and a.question_id == exit_answer.question_id
            and a.value is not None
        ]
        if not intakes:
            continue
        before, after = intakes[0].value, exit_answer.value
        if not exit_answer.question.higher_is_better:
            before, after = -before, -after
        word = "improved" if after > before else "same" if after == before else "worse"
        change[exit_answer.question_id][word] += 1
    return {
        "referrals": sum(1 for r in Referral.objects.all() if quarter_of(r.received_at) == quarter),
        "cases": len(cases),
        "within": within,
        "past": past,
        "checklist": sum(1 for s in cases if s.pk in checklists),
        "plan": sum(1 for s in cases if s.pk in plans),
        "marac": sum(
            1 for m in MaracReferral.objects.all() if quarter_of(m.referred_at) == quarter
        ),
        "closures": Counter(
            s.closure_outcome
            for s in Survivor.objects.exclude(closed_at=None)
            if quarter_of(s.closed_at) == quarter
        ),
        "change": change,
    }


def _raw(report, key: str, row: int, column: int = 0) -> int:
    return report.table(key).counts[row][column]


@pytest.mark.parametrize("quarter", ["2025-Q2", "2025-Q3"])
def test_every_count_matches_a_second_computation_from_the_rows(built, quarter):
    report = commissioner_report(parse_period(period=quarter))
    expected = _second_computation(built, quarter)
    assert _raw(report, "referrals", 0) == expected["referrals"]
    assert _raw(report, "first_attempt", 3) == expected["cases"]
    assert _raw(report, "first_attempt", 0) == expected["within"]
    assert _raw(report, "first_attempt", 1) == expected["past"]
    assert _raw(report, "checklist", 0) == expected["checklist"]
    assert _raw(report, "checklist", 2) == expected["cases"]
    assert _raw(report, "plan", 0) == expected["plan"]
    assert _raw(report, "marac", 0) == expected["marac"]
    closures = report.table("closures")
    assert closures.counts[0][0] == expected["closures"]["goals_met"]
    assert closures.counts[2][0] == expected["closures"]["she_ended"]
    assert closures.counts[-1][0] == sum(expected["closures"].values())
    for question in (built.q1, built.q2):
        table = report.table(f"question:{question.pk}")
        got = [table.counts[row][0] for row in range(3)]
        want = expected["change"][question.pk]
        assert got == [want["improved"], want["same"], want["worse"]]


def test_matched_change_counts_only_consenting_women_with_both_answers(built):
    """6 improved, 5 the same, 5 worse on question 1: the withdrawn woman, the
    one with only an intake, the one who preferred not to say at exit and the
    draft exit are not matched."""
    report = commissioner_report(parse_period(period="2025-Q3"))
    q1 = report.table(f"question:{built.q1.pk}")
    assert [q1.counts[row][0] for row in range(4)] == [6, 5, 5, 16]
    lines = {line.label: line.cells for line in report.lines(q1)}
    assert lines["Share improved"] == ["38% (6 of 16)"]
    assert lines["Share the same"] == ["31% (5 of 16)"]
    # Question 2, lower is better: 9 improved, 4 the same, 3 worse. The 3 and
    # the 4 are withheld, and so are their shares, in words.
    q2 = report.table(f"question:{built.q2.pk}")
    assert [q2.counts[row][0] for row in range(4)] == [9, 4, 3, 16]
    lines = {line.label: line.cells for line in report.lines(q2)}
    assert lines["Worse"] == [WITHHELD]
    assert lines["Same"] == [WITHHELD]
    assert lines["Share worse"] == ["not shown: small numbers"]
    assert "fewer than 5" not in str(lines)


def test_no_table_discloses_a_small_sum_and_shared_cases_hide_alike(built):
    """SPEC 14: every count under 5 withheld, and no sum of withheld cells that
    the shown figures fix is under 5 (suppression.disclosures finds none)."""
    for key in ("2025-Q2", "2025-Q3"):
        report = commissioner_report(parse_period(period=key))
        for table in report.tables:
            assert disclosures(table.counts, table.hidden) == [], table.key
            for r, row in enumerate(table.counts):
                for c, value in enumerate(row):
                    if value < 5:
                        assert (r, c) in table.hidden
        shared = [report.table(k) for k in ("first_attempt", "checklist", "plan")]
        for column in range(2):
            states = {(len(t.counts) - 1, column) in t.hidden for t in shared}
            assert len(states) == 1
    year = commissioner_report(parse_period(year="2025"))
    for table in year.tables:
        assert disclosures(table.counts, table.hidden) == [], table.key


def test_quarters_before_the_service_had_a_case_are_left_out(built, world):
    year = commissioner_report(parse_period(year="2025"))
    assert [q.key for q in year.quarters] == ["2025-Q2", "2025-Q3", "2025-Q4"]
    client = client_for("manager", world)
    page = client.get(URL, {"year": "2025"}).content.decode()
    assert "Jan–Mar 2025" not in page
    assert "Apr–Jun 2025" in page
    earlier = client.get(URL, {"year": "2024"}).content.decode()
    assert "the service had no referrals or cases yet" in earlier
    assert "fewer than 5" not in earlier and "<table" not in earlier.split("<h1")[1]


class _Tables(HTMLParser):
    """Each table of the page as rows of cell texts, keyed by its caption."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._caption is not None:
            self.tables[self._caption] = self._rows

    def handle_data(self, data):
        if self._in_caption and self._caption is not None:
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)


@pytest.mark.parametrize("query", [{"period": "2025-Q3"}, {"year": "2025"}])
def test_the_csv_has_the_page_cells(built, world, query):
    client = client_for("manager", world)
    page = client.get(URL, query)
    assert page.status_code == 200
    parser = _Tables()
    parser.feed(page.content.decode())
    download = client.get(CSV_URL, query)
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    csv_tables: dict[str, list[list[str]]] = {}
    current: str | None = None
    for row in rows[1:]:
        if not row:
            current = None
        elif current is None:
            current = row[0]
            csv_tables[current] = [["Figure", *row[1:]]]
        else:
            csv_tables[current].append(row)
    page_tables = {k: v for k, v in parser.tables.items() if not k.startswith("In ")}
    assert page_tables == csv_tables
    assert len(csv_tables) >= 8


def test_the_page_draws_accessible_charts_with_withheld_bars(built, world):
    page = client_for("manager", world).get(URL, {"period": "2025-Q3"}).content.decode()
    assert page.count('role="img"') >= 3
    assert "<title id=" in page and "<desc id=" in page
    assert "withheld" in page
    assert "<script" not in page.split("<main")[1]
    assert ' style="' not in page


def test_the_default_is_the_last_complete_quarter(world):
    from django.utils import timezone

    today = timezone.localdate()
    this = (today.month - 1) // 3 + 1
    year, number = (today.year - 1, 4) if this == 1 else (today.year, this - 1)
    assert parse_period().key == f"{year}-Q{number}"


def test_a_period_it_cannot_read_gets_a_message_not_an_error(world):
    client = client_for("manager", world)
    page = client.get(URL, {"period": "2025-Q9"})
    assert page.status_code == 200
    assert "Choose a quarter such as 2026-Q3" in page.content.decode()
    assert client.get(CSV_URL, {"year": "twenty"}).status_code == 400


@pytest.mark.parametrize("role", ["wss_a", "programme", "comms", "no_otp"])
def test_only_the_manager_may_read_it(world, role):
    """SPEC 14: the commissioner report is the manager's (reports_page)."""
    client = client_for(role, world)
    for url in (URL, CSV_URL):
        response = client.get(url, {"period": "2025-Q3"})
        assert response.status_code in (302, 403, 404)
        assert b"Women matched" not in response.content
    assert Client().get(URL).status_code in (302, 403)
    sign_in(Client(), world.manager)
