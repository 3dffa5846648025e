"""Register submit query budget: one screen, one submit for a 12-person group
must run at most 15 SQL queries. Run: .venv/bin/python bench/staff_register.py"""

from __future__ import annotations

import sys

from staff_setup import client_for, report, staff, with_test_database

PEOPLE, BUDGET = 12, 15


def run() -> bool:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from contacts import roles
    from programme.models import Attendance, Participant, ProgrammeGroup, ProgrammeSession

    worker = staff("bench-programme", roles.PROGRAMME_WORKER)
    group = ProgrammeGroup.objects.create(name="Bench group")
    session = ProgrammeSession.objects.create(group=group, starts_at=timezone.now())
    people = Participant.objects.bulk_create(
        [Participant(reference=f"B-{n:03d}", group=group) for n in range(PEOPLE)]
    )
    marks = ["attended", "late", "missed", "excused"]
    data = {f"mark_{p.pk}": marks[n % 4] for n, p in enumerate(people)}
    client = client_for(worker)
    with CaptureQueriesContext(connection) as first:
        response = client.post(f"/staff/sessions/{session.pk}/", data)
    assert response.status_code == 302, response.status_code
    assert Attendance.objects.filter(session=session).count() == PEOPLE
    # Correct two marks and submit again: updates take the same path.
    data[f"mark_{people[0].pk}"] = "excused"
    data[f"mark_{people[1].pk}"] = "missed"
    with CaptureQueriesContext(connection) as second:
        response = client.post(f"/staff/sessions/{session.pk}/", data)
    assert response.status_code == 302, response.status_code
    if "-v" in sys.argv:
        for q in second.captured_queries:
            print(q["sql"][:160])
    ok = report("register submit SQL queries (12 people, first save)", len(first), BUDGET)
    return report("register submit SQL queries (12 people, correction)", len(second), BUDGET) and ok


if __name__ == "__main__":
    sys.exit(with_test_database(run))
