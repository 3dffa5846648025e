"""SQL queries and bytes for every portal and staff page, one line each, on
the same small world the access-matrix test uses (each page fetched as the
first role the matrix allows). Budgets: her status page <= 4 queries and
< 40 KB with its static files (bench/portal_status.py measures that in full);
the caseload dashboard <= 10 (bench/staff_dashboard.py at 60 cases and 2,000
alerts); every other page <= 25 queries, a guard against an N+1 creeping in.

Run: .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import sys

from common import fail_if_any_failed, result
from staff_setup import with_test_database

BUDGETS = {"": 4, "staff/caseload/": 10}
DEFAULT_BUDGET = 25
ROLES = ("survivor_a", "anonymous", "wss_a", "programme", "manager")


def run() -> bool:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contacts import roles
    from tests import access_matrix as matrix
    from tests.conftest import build_world, client_for
    from tests.test_access_matrix import _ids

    roles.roles_ensure()  # as tests/conftest.py does once per session
    world = build_world()
    ids = _ids(world)
    clients = {role: client_for(role, world) for role in ROLES}
    rows = []
    for route in matrix.iter_patterns():
        if route.startswith(("editor/", "ops/", "files/", "sms/", "leave/", "healthz", "ping")):
            continue
        entry = matrix.entry_for(route)
        if entry.method != "GET":
            continue
        role = next((r for r in ROLES if entry.expected[r] == matrix.OK), None)
        if role is None:
            continue
        path = matrix.example_path(route, entry, ids)
        clients[role].get(path)  # warm: sessions and caches as for a person mid-visit
        with CaptureQueriesContext(connection) as queries:
            response = clients[role].get(path)
        if response.status_code != 200:
            continue
        budget = BUDGETS.get(route, DEFAULT_BUDGET)
        count = len(queries)
        rows.append(
            result(f"page {path} ({role}): SQL queries", count, f"<= {budget}", count <= budget)
        )
        rows.append(result(f"page {path} ({role}): HTML bytes", len(response.content)))
    fail_if_any_failed(rows)
    return True


if __name__ == "__main__":
    sys.exit(with_test_database(run))
