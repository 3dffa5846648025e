"""The commissioner report (SPEC 14) at 1,000 and at 10,000 cases: the same
two years of referrals, checklists, plans, MARAC referrals, closures, consents,
check-points and answers, ten times over. The report is aggregate queries on
indexed fields, so ten times the cases must cost at most twice the time
(``checkins.selectors.commissioner_report``). Timed for last year (its four
quarters) and for one quarter, each the median of 5 runs after one to warm up.

Run: .venv/bin/python bench/commissioner_report.py
     (PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ...)
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import timedelta

from common import fail_if_any_failed, result
from staff_setup import staff, with_test_database

SMALL, LARGE = 1_000, 10_000
QUESTIONS = 5
RUNS = 5
RATIO_BUDGET = 2.0


def _add_cases(count: int, worker, questions, rng: random.Random) -> None:
    """``count`` cases over the eight quarters before this one, in batches."""
    from django.utils import timezone

    from checkins.selectors.commissioner_report import Quarter
    from survivors.models import (
        CheckPoint,
        ClosureOutcome,
        Disclosure,
        MaracReferral,
        OutcomeAnswer,
        PlanVersion,
        Referral,
        ReferralSource,
        RiskAssessment,
        Survivor,
    )

    first = Quarter.of(timezone.now())
    for _ in range(8):
        first = first.previous()
    span = (Quarter.of(timezone.now()).start - first.start).total_seconds()
    sources = ReferralSource.values
    outcomes = ClosureOutcome.values
    batch = 1_000
    for done in range(0, count, batch):
        size = min(batch, count - done)
        referred = [first.start + timedelta(seconds=rng.random() * span) for _ in range(size)]
        cases = Survivor.objects.bulk_create(
            Survivor(
                known_as=f"Bench {done + n}",
                worker=worker,
                referred_at=at,
                referral_source=rng.choice(sources),
                first_attempt_at=(
                    at + timedelta(hours=rng.uniform(1, 120)) if rng.random() < 0.9 else None
                ),
                closed_at=at + timedelta(days=120) if rng.random() < 0.4 else None,
                closure_outcome=rng.choice(outcomes),
                outcomes_consent_at=at + timedelta(days=2) if rng.random() < 0.6 else None,
            )
            for n, at in enumerate(referred)
        )
        Referral.objects.bulk_create(
            Referral(
                known_as="Bench",
                source=case.referral_source,
                received_at=case.referred_at - timedelta(hours=1),
                state=Referral.State.ALLOCATED,
                survivor=case,
                decided_by=worker,
                decided_at=case.referred_at,
            )
            for case in cases
        )
        RiskAssessment.objects.bulk_create(
            RiskAssessment(
                survivor=case,
                assessed_by=worker,
                assessed_at=case.referred_at + timedelta(days=3),
                score=5,
                score_level="standard",
                level="standard",
            )
            for case in cases
            if rng.random() < 0.7
        )
        PlanVersion.objects.bulk_create(
            PlanVersion(
                survivor=case,
                author=worker,
                created_at=case.referred_at + timedelta(days=4),
                steps="{}",
            )
            for case in cases
            if rng.random() < 0.6
        )
        marac = [case for case in cases if rng.random() < 0.05]
        disclosures = Disclosure.objects.bulk_create(
            Disclosure(survivor=case, worker=worker, agency="MARAC", basis="high_risk")
            for case in marac
        )
        MaracReferral.objects.bulk_create(
            MaracReferral(
                survivor=case,
                referred_by=worker,
                referred_at=case.referred_at + timedelta(days=5),
                disclosure=disclosure,
            )
            for case, disclosure in zip(marac, disclosures, strict=True)
        )
        points = []
        for case in cases:
            if rng.random() < 0.8:
                for stage, days in (("intake", 14), ("exit", 150)):
                    at = case.referred_at + timedelta(days=days)
                    points.append(
                        CheckPoint(
                            survivor=case,
                            stage=stage,
                            due_at=at,
                            state="answered",
                            answered_at=at,
                        )
                    )
        points = CheckPoint.objects.bulk_create(points)
        OutcomeAnswer.objects.bulk_create(
            OutcomeAnswer(
                check_point=point,
                question=question,
                value=rng.choice([None, 1, 2, 3, 4, 5]),
            )
            for point in points
            for question in questions
        )


def _timed(period) -> float:
    from checkins.selectors.commissioner_report import commissioner_report

    commissioner_report(period)  # warm up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        report = commissioner_report(period)
        report.csv_rows()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> bool:
    from django.db import connection
    from django.utils import timezone

    from checkins.selectors.commissioner_report import Quarter, parse_period
    from contacts import roles
    from survivors.models import OutcomeQuestion

    worker = staff("bench-worker", roles.WSS_WORKER)
    questions = [
        OutcomeQuestion.objects.create(position=n, text={"en-gb": f"Question {n}"})
        for n in range(1, QUESTIONS + 1)
    ]
    last_year = str(timezone.localdate().year - 1)
    last_quarter = Quarter.of(timezone.now()).previous().key
    periods = {
        f"year {last_year}": parse_period(year=last_year),
        f"quarter {last_quarter}": parse_period(period=last_quarter),
    }
    rng = random.Random(14)
    _add_cases(SMALL, worker, questions, rng)
    small = {name: _timed(period) for name, period in periods.items()}
    _add_cases(LARGE - SMALL, worker, questions, rng)
    large = {name: _timed(period) for name, period in periods.items()}
    rows = []
    for name in periods:
        ratio = large[name] / small[name]
        print(
            f"SHOW Commissioner report ({connection.vendor}), {name}: "
            f"{small[name] * 1000:.0f} ms at {SMALL:,} cases, "
            f"{large[name] * 1000:.0f} ms at {LARGE:,} (x{ratio:.2f})"
        )
        rows.append(
            result(f"commissioner report, {name}: ms at {SMALL:,} cases", round(small[name] * 1000))
        )
        rows.append(
            result(f"commissioner report, {name}: ms at {LARGE:,} cases", round(large[name] * 1000))
        )
        rows.append(
            result(
                f"commissioner report, {name}: time at {LARGE:,} / time at {SMALL:,}",
                round(ratio, 2),
                f"<= {RATIO_BUDGET:.0f}",
                ratio <= RATIO_BUDGET,
            )
        )
    fail_if_any_failed(rows)
    return True


if __name__ == "__main__":
    sys.exit(with_test_database(run))
