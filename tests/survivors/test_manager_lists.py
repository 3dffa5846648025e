"""Staff lists, the manager's side: cases and allocations, disclosures and
staff accounts in pages with search and filters; allocation changes on one
case's page with one list of workers (the old page repeated every worker and
every participant in two dropdowns per case: 2.3 MB at 203 cases)."""

from __future__ import annotations

import re

from django.test import Client

from survivors.models import Disclosure

from ..conftest import sign_in
from ..scale import Scale, populate

MANY = Scale(participants=300, survivors=200, staff=30, audit_events=0, disclosures=260)


def test_the_allocations_list_is_small_and_has_no_dropdown_per_case(world) -> None:
    populate(MANY)
    client = sign_in(Client(), world.manager)
    body = client.get("/staff/allocations/").content.decode()
    assert body.count("<option") < 50  # the filter's worker list, once
    assert len(body) < 40_000
    assert "202 cases, page 1 of 5." in body
    assert f'href="/staff/allocations/{world.survivor_a.pk}/"' in body


def test_allocations_are_found_by_case_worker_and_state(world) -> None:
    client = sign_in(Client(), world.manager)
    found = client.get("/staff/allocations/", {"case": world.survivor_b.pk}).content.decode()
    assert "1 case." in found and "Second Person" in found
    mine = client.get("/staff/allocations/", {"worker": world.wss_a.pk}).content.decode()
    assert "1 case." in mine
    world.survivor_b.participant = None
    world.survivor_b.save()
    unlinked = client.get("/staff/allocations/?allocation=unlinked").content.decode()
    assert "1 case." in unlinked and "Second Person" in unlinked


def test_one_case_page_allocates_from_one_worker_list_and_links_by_reference(world) -> None:
    client = sign_in(Client(), world.manager)
    url = f"/staff/allocations/{world.survivor_b.pk}/"
    page = client.get(url).content.decode()
    assert page.count('<select name="worker"') == 1
    assert "<title>Allocation, case" in page
    moved = client.post(f"{url}link/", {"reference": "p-7002"}, follow=True).content.decode()
    assert f"Case {world.survivor_b.pk} link saved." in moved
    world.survivor_b.refresh_from_db()
    assert world.survivor_b.participant == world.lone_participant
    unknown = client.post(f"{url}link/", {"reference": "P-0000"}, follow=True).content.decode()
    assert "No participant has the reference P-0000." in unknown
    world.survivor_b.refresh_from_db()
    assert world.survivor_b.participant == world.lone_participant


def test_every_disclosure_is_reachable_not_only_the_latest_200(world) -> None:
    populate(MANY)
    oldest = Disclosure.objects.order_by("disclosed_at").first()
    client = sign_in(Client(), world.manager)
    first = client.get("/staff/disclosures/").content.decode()
    assert "260 disclosures, page 1 of 6." in first
    last = client.get("/staff/disclosures/?page=6").content.decode()
    assert oldest.disclosed_at.strftime("%-d %b %Y") in last
    by_case = client.get("/staff/disclosures/", {"case": oldest.survivor_id}).content.decode()
    rows = re.findall(r"<tr><td>", by_case)
    assert len(rows) == Disclosure.objects.filter(survivor_id=oldest.survivor_id).count()
    bad = client.get("/staff/disclosures/?date_from=2026-05-01&date_to=2026-04-01")
    assert bad.status_code == 400
    assert "The start date is after the end date." in bad.content.decode()


def test_staff_accounts_are_searchable_by_name_and_role(world) -> None:
    populate(MANY)
    client = sign_in(Client(), world.manager)
    body = client.get("/staff/people/", {"q": "Worker 17"}).content.decode()
    assert "s-staff-17" in body and "1 account." in body
    managers = client.get("/staff/people/", {"role": "Service manager"}).content.decode()
    assert "service-manager" in managers and "1 account." in managers
