"""The nightly retention run (SPEC 12) on 100,000 messages past their period:
deleted in batches of RETENTION_BATCH_SIZE (1,000) rows, one transaction each.
Reports the run's time and its peak memory: Python's allocations (tracemalloc,
measured on a second, identical run, because tracing slows it down) and the
process's peak resident size. Memory must stay flat however many rows go.

Run: .venv/bin/python bench/retention_purge.py
     (PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ...)
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from datetime import timedelta

from common import fail_if_any_failed, result
from staff_setup import staff, with_test_database

MESSAGES, CASES = 100_000, 100
TIME_BUDGET_S = 60.0
MEMORY_BUDGET_MIB = 20.0


def _add_old_messages(author) -> None:
    from django.conf import settings
    from django.utils import timezone

    from survivors.models import Message, Survivor

    cases = Survivor.objects.bulk_create([Survivor(known_as=f"Bench {n}") for n in range(CASES)])
    old = timezone.now() - timedelta(days=int(settings.RETENTION_SCHEDULE["messages"]["days"]) + 1)
    per_case = MESSAGES // CASES
    for case in cases:  # a case at a time, so setting up holds little in memory
        Message.objects.bulk_create(
            Message(
                survivor=case, author=author, from_survivor=False, body="x" * 200, created_at=old
            )
            for _ in range(per_case)
        )


def _purge() -> tuple[float, int]:
    from checkins.services.retention import retention_apply

    started = time.perf_counter()
    run = retention_apply()
    return time.perf_counter() - started, run.counts["messages"]["deleted"]


def run() -> bool:
    from django.conf import settings
    from django.db import connection

    from contacts import roles
    from survivors.models import Message

    rows = []
    author = staff("bench-worker", roles.WSS_WORKER)
    _add_old_messages(author)
    seconds, deleted = _purge()
    _add_old_messages(author)
    tracemalloc.start()
    _purge()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mib = peak / 1024 / 1024
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    batch = settings.RETENTION_BATCH_SIZE
    print(
        f"SHOW Retention run ({connection.vendor}): {deleted:,} messages in batches of "
        f"{batch:,}: {seconds:.1f} s ({deleted / seconds:,.0f} rows/s), "
        f"peak Python memory {peak_mib:.1f} MiB, process peak RSS {rss_mib:.0f} MiB"
    )
    rows.append(
        result("retention: messages deleted", deleted, f"== {MESSAGES:,}", deleted == MESSAGES)
    )
    rows.append(
        result(
            f"retention: seconds to delete 100,000 messages ({connection.vendor}, "
            f"batches of {batch:,})",
            round(seconds, 1),
            f"<= {TIME_BUDGET_S:.0f}",
            seconds <= TIME_BUDGET_S,
        )
    )
    rows.append(
        result(
            "retention: peak Python memory during the run, MiB (tracemalloc)",
            round(peak_mib, 1),
            f"<= {MEMORY_BUDGET_MIB:.0f}",
            peak_mib <= MEMORY_BUDGET_MIB,
        )
    )
    rows.append(result("retention: process peak resident size, MiB", round(rss_mib)))
    left = Message.objects.count()
    rows.append(result("retention: messages left", left, "== 0", left == 0))
    fail_if_any_failed(rows)
    return True


if __name__ == "__main__":
    sys.exit(with_test_database(run))
