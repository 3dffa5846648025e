"""Staff lists at scale: every staff list is paginated, so what a page costs does
not grow with the service. The same page is measured on a small service and
on one three times larger: at most one page of rows, the same number of SQL
queries, within the budget of 14 (the duty view's lists of referrals and cases
past their first-contact target and the menu's count of waiting referrals,
SPEC 13, are one query each), and well under 100 KB of HTML (``bench/pages.py`` measures the
national-size data set: 10,000 participants, 100,000 audit events...)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contacts import roles
from programme.models import ProgrammeGroup

from .conftest import sign_in
from .factories import staff_user
from .scale import LIST_PAGES, Scale, populate

# The most rows any list shows on one page (the audit log's; the others show 50),
# however many rows the service holds.
LARGEST_PAGE = 100

SMALL = Scale(
    participants=120,
    survivors=120,
    staff=6,
    audit_events=250,
    disclosures=120,
    groups=110,
    sessions_per_group=45,
    urgent_alerts=120,
)
LARGER = Scale(
    participants=360,
    survivors=360,
    staff=18,
    audit_events=750,
    disclosures=360,
    groups=330,
    sessions_per_group=45,
    urgent_alerts=360,
)


def _measure(client: Client, path: str) -> tuple[int, int, int]:
    """SQL queries, bytes of HTML and table rows of one page view."""
    client.get(path)  # warm: session, caches, as for a person mid-visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries), len(response.content), response.content.count(b"<tr")


@pytest.mark.parametrize(("role", "path", "query"), LIST_PAGES, ids=[p for _, p, _ in LIST_PAGES])
def test_a_list_page_costs_the_same_queries_however_many_rows(world, role, path, query) -> None:
    duty = staff_user(roles.WSS_WORKER, username="duty-worker", is_duty_worker=True)
    user = duty if role == "duty" else getattr(world, role)
    client = sign_in(Client(), user)
    populate(SMALL, tag="a")
    group = ProgrammeGroup.objects.get(name="a group 0")
    urls = [path.format(group=group.pk), path.format(group=group.pk) + "?" + query]
    small = [_measure(client, url) for url in urls]
    populate(LARGER, tag="b")
    larger = [_measure(client, url) for url in urls]
    assert [q for q, _, _ in small] == [q for q, _, _ in larger], (urls, small, larger)
    for queries, size, rows in larger:
        assert queries <= 14, (urls, larger)
        assert size < 100_000, (urls, larger)
        assert rows <= LARGEST_PAGE + 1, (urls, larger)  # and a header row
