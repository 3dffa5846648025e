"""Staff lists, programme side: participants, groups and a group's
sessions are searchable, filterable, sortable and paged; and no search here can
reach a survivor (SPEC 2: no shared person index)."""

from __future__ import annotations

import re

from django.test import Client

from programme.models import Participant

from ..conftest import CANARY_NAME, CANARY_USERNAME, sign_in, without_csrf_token
from ..scale import Scale, populate


def _references(body: str) -> list[str]:
    return re.findall(r'<a href="/staff/participants/\d+/">([^<]+)</a>', body)


def test_participants_are_found_by_reference_status_and_group(world) -> None:
    client = sign_in(Client(), world.programme)
    body = client.get("/staff/participants/?q=7001").content.decode()
    assert _references(body) == ["P-7001"]
    assert "1 participant." in body
    Participant.objects.filter(reference="P-7002").update(status="suspended")
    body = client.get("/staff/participants/?status=suspended").content.decode()
    assert _references(body) == ["P-7002"]
    sorted_page = client.get(f"/staff/participants/?group={world.group.pk}&sort=-reference")
    assert _references(sorted_page.content.decode()) == ["P-7002", "P-7001"]


def test_participants_come_fifty_to_a_page_with_the_filters_kept(world) -> None:
    populate(Scale(participants=120, survivors=0, staff=0, audit_events=0, disclosures=0))
    client = sign_in(Client(), world.programme)
    first = client.get("/staff/participants/?q=S-").content.decode()
    assert "120 participants, page 1 of 3." in first
    assert len(_references(first)) == 50
    assert 'href="?q=S-&amp;page=2" rel="next"' in first
    last = client.get("/staff/participants/?q=S-&page=3").content.decode()
    assert _references(last) == [f"S-{n:06d}" for n in range(100, 120)]
    beyond = client.get("/staff/participants/?q=S-&page=999")
    assert beyond.status_code == 200 and "page 3 of 3" in beyond.content.decode()


def test_a_bad_filter_is_a_clear_error_not_a_crash(world) -> None:
    client = sign_in(Client(), world.programme)
    response = client.get("/staff/participants/?status=nonsense&sort=bogus")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    sessions = client.get(
        f"/staff/groups/{world.group.pk}/?date_from=2026-02-01&date_to=2026-01-01"
    )
    assert sessions.status_code == 400
    assert "The start date is after the end date." in sessions.content.decode()


def test_groups_are_searchable_and_sessions_paged(world) -> None:
    populate(
        Scale(
            participants=10,
            survivors=0,
            staff=0,
            audit_events=0,
            disclosures=0,
            groups=3,
            sessions_per_group=30,
        )
    )
    client = sign_in(Client(), world.programme)
    groups = client.get("/staff/groups/?q=Thursday").content.decode()
    assert "Thursday group" in groups and "s group 1" not in groups
    group = client.get("/staff/groups/").content.decode()
    assert "4 groups." in group
    from programme.models import ProgrammeGroup

    busy = ProgrammeGroup.objects.get(name="s group 0")
    page = client.get(f"/staff/groups/{busy.pk}/").content.decode()
    assert "30 sessions, page 1 of 2." in page


def test_no_programme_search_reaches_a_survivor(world) -> None:
    """Searching for her name or username from the programme side answers exactly
    as searching for nonsense of the same length does."""
    client = sign_in(Client(), world.programme)
    for field in ("q",):
        for term in (CANARY_NAME, CANARY_USERNAME, "Canary", "Zephyr"):
            filler = "x" * len(term)
            for path in ("/staff/participants/", "/staff/groups/"):
                hers = client.get(path, {field: term})
                nonsense = client.get(path, {field: filler})
                assert hers.status_code == nonsense.status_code
                normalised = without_csrf_token(hers.content.decode()).replace(term, filler)
                other = without_csrf_token(nonsense.content.decode())
                assert normalised == other, (path, term)
