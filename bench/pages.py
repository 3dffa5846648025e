"""SQL queries and bytes for every portal and staff page, one line each, on
the same small world the access-matrix test uses (each page fetched as the
first role the matrix allows). Budgets: her status page <= 4 queries and
< 40 KB with its static files (bench/portal_status.py measures that in full);
the caseload dashboard <= 11 (bench/staff_dashboard.py at 60 cases and 2,000
alerts); every other page <= 25 queries, a guard against an N+1 creeping in.

Then the staff lists at a national service's size (SPEC 8: staff lists; ``tests/scale.py``:
10,000 participants, 10,000 survivors, 200 staff, 100,000 audit events, 5,000
disclosures, 2,000 urgent alerts): every list page, bare and with its search,
filters, sort and a later page, <= 16 queries and <= 100 KB of HTML, and the
same number of queries as on the small world (the count does not grow with
the data).

Run: .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import sys

from common import fail_if_any_failed, result
from staff_setup import with_test_database

# Since SPEC 12 (who read her record) every staff read of a case also writes
# its read rows in one bulk insert and checks that the read fits the work (her
# worker, the duty worker covering, the manager's own pages) and the account's
# cases opened in the hour: 3 more queries on the caseload and the duty view
# and 5 on her case page (with its contact-change history), whatever the data
# (the lists' count still equals the small world's). Since SPEC 13 the duty view
# also lists referrals and cases past their first-contact target (one query
# each), and the manager's and the duty worker's menu counts the waiting
# referrals (one query): 3 more on the duty view, 1 on the manager's lists.
BUDGETS = {"": 4, "staff/caseload/": 11, "staff/cases/<int:case_id>/": 28}
LIST_QUERY_BUDGET = 16
LIST_BYTES_BUDGET = 100_000
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
        assert entry is not None, route
        if entry.method != "GET":
            continue
        role = next((r for r in ROLES if entry.expected[r] == matrix.OK), None)
        if role is None:
            continue
        path = matrix.example_path(route, entry, ids)
        clients[role].get(path)  # warm: sessions and caches as for a person mid-visit
        with CaptureQueriesContext(connection) as queries:
            response = clients[role].get(path)
            # A streamed download runs its queries as it is read.
            body = response.getvalue()
        if response.status_code != 200:
            continue
        budget = BUDGETS.get(route, DEFAULT_BUDGET)
        count = len(queries)
        rows.append(
            result(f"page {path} ({role}): SQL queries", count, f"<= {budget}", count <= budget)
        )
        rows.append(result(f"page {path} ({role}): HTML bytes", len(body)))
    rows += _list_pages_at_scale(world)
    fail_if_any_failed(rows)
    return True


def _list_pages_at_scale(world) -> list[dict]:
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from contacts import roles
    from programme.models import ProgrammeGroup
    from tests.conftest import sign_in
    from tests.factories import staff_user
    from tests.scale import LARGE, LIST_PAGES, Scale, populate

    duty = staff_user(roles.WSS_WORKER, username="bench-duty", is_duty_worker=True)
    clients = {
        "programme": sign_in(Client(), world.programme),
        "manager": sign_in(Client(), world.manager),
        "duty": sign_in(Client(), duty),
    }

    def measure(role: str, url: str) -> tuple[int, int]:
        clients[role].get(url)  # warm
        with CaptureQueriesContext(connection) as queries:
            response = clients[role].get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(queries), len(response.content)

    def urls() -> list[tuple[str, str, str]]:
        """(role, URL, name): each list bare and with its query; a group's
        sessions on the group with the most sessions."""
        group = ProgrammeGroup.objects.filter(name__endswith=" group 0").order_by("pk").last()
        assert group is not None
        found = []
        for role, path, query in LIST_PAGES:
            bare = path.format(group=group.pk)
            name = path.replace("{group}", "<id>")
            found += [(role, bare, name), (role, f"{bare}?{query}", f"{name}?{query}")]
        return found

    # The small service first (a few rows each, one group with sessions).
    populate(
        Scale(
            participants=5,
            survivors=5,
            staff=2,
            audit_events=5,
            disclosures=5,
            groups=1,
            sessions_per_group=3,
            urgent_alerts=2,
        ),
        tag="small",
    )
    small = [measure(role, url)[0] for role, url, _ in urls()]
    started = time.monotonic()
    populate(LARGE, tag="large")
    rows = [result("large data set: seconds to build", round(time.monotonic() - started, 1))]
    for (role, url, name), before in zip(urls(), small, strict=True):
        queries, size = measure(role, url)
        rows += [
            result(
                f"large: {name} ({role}): SQL queries",
                queries,
                f"<= {LIST_QUERY_BUDGET}, == small world's {before}",
                queries <= LIST_QUERY_BUDGET and queries == before,
            ),
            result(
                f"large: {name} ({role}): HTML bytes",
                size,
                f"<= {LIST_BYTES_BUDGET}",
                size <= LIST_BYTES_BUDGET,
            ),
        ]
    return rows


if __name__ == "__main__":
    sys.exit(with_test_database(run))
