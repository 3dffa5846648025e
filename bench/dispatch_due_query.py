"""Finding due check-ins (SPEC 5 budget): with 100,000 plans of which 1,000 are
due, the dispatcher's query must use the partial index on ``next_due_at`` and
do work proportional to the number due, not the number stored.

Prints the query plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on
SQLite), the time to fetch the due plans, and the same time with 10,000 plans
stored (1,000 due) to show the cost does not grow with the table.

Run: .venv/bin/python bench/dispatch_due_query.py
     (PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ...)
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import time as clock
from datetime import timedelta

from common import fail_if_any_failed, result
from staff_setup import with_test_database

TOTAL, DUE, SMALL_TOTAL = 100_000, 1_000, 10_000
BUDGET_MS = 50.0
GROWTH_BUDGET = 3.0  # 10x the rows may cost at most 3x the time


def _add_plans(count: int, due: int, offset: int) -> None:
    from django.utils import timezone

    from checkins.models import CheckInPlan
    from survivors.models import Survivor

    now = timezone.now()
    survivors = Survivor.objects.bulk_create(
        [Survivor(known_as=f"Bench {offset + n}") for n in range(count)], batch_size=5000
    )
    plans = []
    for n, survivor in enumerate(survivors):
        if n < due:
            next_due = now - timedelta(seconds=n + 1)
        elif n % 10 == 0:
            next_due = None  # paused or opted out: not in the partial index
        else:
            next_due = now + timedelta(minutes=1 + n % (7 * 24 * 60))
        plans.append(
            CheckInPlan(
                survivor=survivor,
                frequency="weekly",
                weekdays="1,4",
                send_at=clock(18, 30),
                next_due_at=next_due,
            )
        )
    CheckInPlan.objects.bulk_create(plans, batch_size=5000)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _time_due_query(runs: int = 25) -> tuple[float, int]:
    from django.utils import timezone

    from checkins.services.checkins import checkins_due_ids

    timings = []
    found = 0
    for _ in range(runs):
        now = timezone.now()
        started = time.perf_counter()
        found = len(checkins_due_ids(now=now, limit=5000))
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), found


def _plan_text() -> str:
    from django.db import connection
    from django.utils import timezone

    from checkins.selectors.checkins import checkin_plans_due

    query = checkin_plans_due(now=timezone.now()).values_list("pk", flat=True)[:5000]
    if connection.vendor == "postgresql":
        return query.explain(analyze=True, buffers=True)
    return query.explain()


def run() -> bool:
    from django.db import connection

    rows = []
    _add_plans(SMALL_TOTAL, DUE, 0)
    _analyze()
    small_ms, small_found = _time_due_query()
    _add_plans(TOTAL - SMALL_TOTAL, 0, SMALL_TOTAL)
    _analyze()
    plan = _plan_text()
    print(f"-- due-query plan ({connection.vendor}), {TOTAL:,} plans, {DUE:,} due:")
    print(plan)
    big_ms, big_found = _time_due_query()
    uses_index = "checkin_plan_due" in plan and "Seq Scan" not in plan and "SCAN " not in plan
    rows.append(
        result("due query uses the partial index checkin_plan_due", uses_index, "yes", uses_index)
    )
    rows.append(
        result("due plans found (100,000 stored)", big_found, f"== {DUE}", big_found == DUE)
    )
    rows.append(
        result(
            f"due query median ms ({connection.vendor}, 100,000 plans, 1,000 due)",
            round(big_ms, 2),
            f"<= {BUDGET_MS}",
            big_ms <= BUDGET_MS,
        )
    )
    growth = big_ms / small_ms if small_ms else 1.0
    rows.append(
        result(
            "time with 100,000 plans / time with 10,000 plans (1,000 due in both)",
            round(growth, 2),
            f"<= {GROWTH_BUDGET}",
            growth <= GROWTH_BUDGET and small_found == DUE,
        )
    )
    fail_if_any_failed(rows)
    return True


if __name__ == "__main__":
    sys.exit(with_test_database(run))
