"""SPEC 2 held over every URL the project serves, for every role."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.test import Client

from programme.models import Attendance, AttendanceMark
from programme.services import records

from . import access_matrix as matrix
from .conftest import CANARIES, client_for, sign_in
from .figures import record

MATRIX_FIGURES: dict[str, int] = {}


def _ids(world) -> dict[str, int]:
    # Staff side (issue 4): an alert on survivor A's case, a staff account for the
    # manager's screens to act on (never one of the matrix roles: a reset must not
    # sign a role out mid-matrix). get_or_create: _ids() is called more than once.
    from contacts.models import User
    from survivors.models import Alert

    alert, _ = Alert.objects.get_or_create(
        survivor=world.survivor_a, kind=Alert.Kind.OTHER_REPLY, urgent=False
    )
    # Her casework (issue 16): the checklist on survivor A's case (the world's).
    from survivors.models import RiskAssessment

    assessment = RiskAssessment.objects.filter(survivor=world.survivor_a).first()
    target, _ = User.objects.get_or_create(
        username="matrix-target", defaults={"kind": User.Kind.STAFF}
    )
    return {
        "session_id": world.session.pk,
        "alert_id": alert.pk,
        "assessment_id": assessment.pk,
        "absence_id": 999999,
        "user_id": target.pk,
        "group_id": world.group.pk,
        "participant_id": world.linked_participant.pk,
        "case_id": world.survivor_a.pk,
        "page_view_restriction_id": 999999,
        "page_id": 999999,
        "restriction_id": 999999,
    }


def test_every_url_pattern_has_a_row_in_the_matrix() -> None:
    assert matrix.unlisted_patterns() == []


@pytest.mark.parametrize("role", matrix.ROLES)
def test_every_role_gets_the_expected_answer_on_every_url(world, role: str) -> None:
    """One test per role (each with its own world), so pytest-xdist can spread
    the matrix over its processes; the figures add up over the roles."""
    ids = _ids(world)
    routes = list(matrix.iter_patterns())
    failures: list[str] = []
    leaks: list[str] = []
    checked = 0
    client = client_for(role, world)
    for route in routes:
        entry = matrix.entry_for(route)
        expected = entry.expected[role]
        if expected == matrix.DELEGATED:
            continue
        path = matrix.example_path(route, entry, ids)
        response = (
            client.generic(entry.method, path)
            if entry.method != "POST"
            else (client.post(path, entry.data))
        )
        got = matrix.classify(response)
        checked += 1
        if got != expected:
            failures.append(f"{role:<11} {entry.method} {path}: expected {expected}, got {got}")
        if role in matrix.PERPETRATOR_SIDE:
            leaks += [f"{path}: {hit}" for hit in matrix.canary_hits(response, CANARIES)]
        if entry.logs_out:
            client = client_for(role, world)
    delegated = 0
    for prefix, door in matrix.FRONT_DOORS.items():
        if matrix.PREFIX_TABLE[prefix].expected[role] == matrix.DELEGATED:
            delegated += 1
            response = client.get(door)
            checked += 1
            if response.status_code != 200:
                failures.append(f"{role} GET {door}: expected 200, got {response.status_code}")
    MATRIX_FIGURES["pairs"] = MATRIX_FIGURES.get("pairs", 0) + checked
    MATRIX_FIGURES["unexpected"] = MATRIX_FIGURES.get("unexpected", 0) + len(failures)
    record("access matrix: URL x role pairs checked", checked)
    record("access matrix: unexpected answers", len(failures))
    record("canary hits on programme-side pages (matrix)", len(leaks))
    assert failures == [], "\n".join(failures)
    assert leaks == []
    # Every route this role has an answer for was asked, and every front door.
    listed = sum(
        1 for route in routes if matrix.entry_for(route).expected[role] != matrix.DELEGATED
    )
    assert checked == listed + delegated


def test_the_matrix_covers_every_role_on_most_urls() -> None:
    """What the single matrix test asserted over all roles at once: well over
    five answers per URL pattern in all (each role's test checks its own)."""
    routes = list(matrix.iter_patterns())
    answered = sum(
        1
        for role in matrix.ROLES
        for route in routes
        if matrix.entry_for(route).expected[role] != matrix.DELEGATED
    )
    assert answered > len(routes) * 5


def _crawl(client: Client, start: list[str], limit: int = 400) -> dict[str, object]:
    seen: dict[str, object] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append(response["Location"])
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in matrix.links_in(response.content.decode()):
            link = link.split("#")[0]
            if not link.startswith("/") or link.startswith(("/leave/", "/static/")):
                continue
            if link.startswith("/staff/logout/"):
                continue
            queue.append(link)
    return seen


def programme_start_urls(world) -> list[str]:
    ids = _ids(world)
    urls = []
    for route in matrix.iter_patterns():
        entry = matrix.entry_for(route)
        if entry.expected["programme"] == matrix.OK and entry.method == "GET":
            urls.append(matrix.example_path(route, entry, ids))
    return urls


def test_programme_worker_crawl_finds_no_survivor_data(world) -> None:
    client = sign_in(Client(), world.programme)
    # Act as a programme worker does: record things about the linked man.
    actions = [
        client.post(
            f"/staff/participants/{world.linked_participant.pk}/status/",
            {"status": "suspended", "reason": "missed two sessions"},
            follow=True,
        ),
        client.post(
            f"/staff/participants/{world.linked_participant.pk}/concerns/",
            {"kind": "threat", "occurred_on": "2026-11-01", "urgency": "urgent"},
            follow=True,
        ),
    ]
    pages = _crawl(client, programme_start_urls(world))
    assert len(pages) >= 8
    hits = []
    for path, response in [*pages.items(), *(("POST", r) for r in actions)]:
        hits += [f"{path}: {hit}" for hit in matrix.canary_hits(response, CANARIES)]
    assert hits == []
    assert all(r.status_code == 200 for r in actions)


def _normalise(body: str, participant) -> str:
    body = body.replace(participant.reference, "REF")
    body = re.sub(rf"/participants/{participant.pk}/", "/participants/ID/", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)


def test_participant_pages_are_identical_with_and_without_linked_survivors(world) -> None:
    linked, lone = world.linked_participant, world.lone_participant
    for participant in (linked, lone):
        Attendance.objects.create(
            session=world.session,
            participant=participant,
            mark=AttendanceMark.ATTENDED,
            recorded_by=world.programme,
        )
        records.status_change_record(
            actor=world.programme, participant=participant, status="attending", reason="started"
        )
    client = sign_in(Client(), world.programme)
    first = client.get(f"/staff/participants/{linked.pk}/")
    second = client.get(f"/staff/participants/{lone.pk}/")
    assert first.status_code == second.status_code == 200
    assert _normalise(first.content.decode(), linked) == _normalise(second.content.decode(), lone)
    assert sorted(first.headers) == sorted(second.headers)


# --- The test of the test -----------------------------------------------------------


def test_matrix_notices_a_new_url_left_out_of_the_table(settings) -> None:
    settings.ROOT_URLCONF = "tests.leaky_urls"
    assert matrix.unlisted_patterns() == ["staff/leak/"]


@pytest.mark.urls("tests.leaky_urls")
def test_crawl_notices_a_page_that_leaks_a_canary(world) -> None:
    client = sign_in(Client(), world.programme)
    pages = _crawl(client, ["/staff/leak/"])
    hits = [hit for response in pages.values() for hit in matrix.canary_hits(response, CANARIES)]
    assert hits, "the crawl must catch a survivor's name on the programme side"
