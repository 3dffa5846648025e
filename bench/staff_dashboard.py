"""Caseload dashboard query budget: 60 survivors and 2,000 alerts (plus
messages) on one worker's caseload; the page must run at most 11 SQL queries
(no N+1): 10 to show it, and one more since SPEC 12 (who read her record) for
the check that the list's reads fit the work; the read rows for all 60 cases
are one bulk insert. Run: .venv/bin/python bench/staff_dashboard.py"""

from __future__ import annotations

import random
import sys
from datetime import timedelta

from staff_setup import client_for, report, staff, with_test_database

SURVIVORS, ALERTS, BUDGET = 60, 2000, 11


def run() -> bool:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from contacts import roles
    from survivors.models import Alert, Message, Survivor

    worker = staff("bench-worker", roles.WSS_WORKER)
    survivors = Survivor.objects.bulk_create(
        [
            Survivor(known_as=f"Person {n}", worker=worker, allocated_at=timezone.now())
            for n in range(SURVIVORS)
        ]
    )
    rng = random.Random(4)
    kinds = Alert.Kind.values
    now = timezone.now()
    Alert.objects.bulk_create(
        [
            Alert(
                survivor=rng.choice(survivors),
                kind=rng.choice(kinds),
                urgent=rng.random() < 0.1,
                created_at=now - timedelta(minutes=n),
                acknowledged_at=None if rng.random() < 0.5 else now,
            )
            for n in range(ALERTS)
        ]
    )
    Message.objects.bulk_create(
        [
            Message(
                survivor=survivor,
                author=worker,
                from_survivor=n % 2 == 0,
                body="bench",
                created_at=now - timedelta(minutes=n),
            )
            for n, survivor in enumerate(survivors * 3)
        ]
    )
    client = client_for(worker)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/caseload/")
    assert response.status_code == 200, response.status_code
    assert len(response.context["survivors"]) == SURVIVORS
    if "-v" in sys.argv:
        for q in queries.captured_queries:
            print(q["sql"][:160])
    return report(
        "caseload dashboard SQL queries (60 survivors, 2,000 alerts)", len(queries), BUDGET
    )


if __name__ == "__main__":
    sys.exit(with_test_database(run))
