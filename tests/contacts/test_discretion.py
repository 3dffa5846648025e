"""Discretion on the staff side: no URL path, page title or email names what
the service is about (team rule 3)."""

from __future__ import annotations

import re

from django.test import Client

from survivors.models import Alert
from survivors.services import alerts

from .. import access_matrix as matrix
from ..conftest import sign_in

WORDS = re.compile(
    r"abuse|programme|violence|perpetrator|partner|support|refuge|domestic|survivor", re.I
)


def test_no_staff_url_path_names_the_service() -> None:
    routes = [route for route in matrix.iter_patterns() if route.startswith("staff/")]
    assert routes
    assert [route for route in routes if WORDS.search(route)] == []


def test_staff_page_titles_are_neutral(world) -> None:
    alert = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=True)
    pages = {
        world.wss_a: [
            "/staff/caseload/",
            f"/staff/cases/{world.survivor_a.pk}/",
            f"/staff/alerts/{alert.pk}/",
        ],
        world.programme: [
            f"/staff/sessions/{world.session.pk}/",
            "/staff/register/import/",
            f"/staff/participants/{world.linked_participant.pk}/",
        ],
        world.manager: ["/staff/allocations/", "/staff/reports/", "/staff/audit/"],
    }
    for user, paths in pages.items():
        client = sign_in(Client(), user)
        for path in paths:
            body = client.get(path).content.decode()
            title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
            assert not WORDS.search(title), (path, title)


def test_every_staff_page_has_its_own_descriptive_title(world) -> None:
    """WCAG 2.2 SC 2.4.2 (page titled): every staff page was titled "Staff".
    Each now says what it is; none names her (her case number only)."""
    alert = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=True)
    case = world.survivor_a.pk
    pages = {
        world.wss_a: {
            "/staff/": "Home · Staff",
            "/staff/caseload/": "Caseload · Staff",
            f"/staff/cases/{case}/": f"Case {case} · Staff",
            f"/staff/cases/{case}/messages/": f"Messages, case {case} · Staff",
            f"/staff/cases/{case}/check-ins/": f"Check-ins, case {case} · Staff",
            f"/staff/cases/{case}/safe-contact/": f"Safe contact, case {case} · Staff",
            f"/staff/alerts/{alert.pk}/": f"Alert {alert.pk}, case {case} · Staff",
            "/staff/account/": "My alert emails · Staff",
            "/staff/security/": "Sign-in and security · Staff",
        },
        world.programme: {
            "/staff/groups/": "Groups · Staff",
            f"/staff/groups/{world.group.pk}/": "Thursday group · Staff",
            "/staff/participants/": "Participants · Staff",
            f"/staff/participants/{world.linked_participant.pk}/": "Participant P-7001 · Staff",
            "/staff/register/import/": "Import a register · Staff",
        },
        world.manager: {
            "/staff/allocations/": "Cases and allocations · Staff",
            "/staff/people/": "Staff accounts · Staff",
            "/staff/audit/": "Audit log · Staff",
            "/staff/reports/": "Monthly reports · Staff",
            "/staff/retention/": "Retention · Staff",
            "/staff/texts/": "Texts · Staff",
            f"/staff/allocations/{case}/": f"Allocation, case {case} · Staff",
            "/staff/disclosures/": "Disclosures · Staff",
        },
    }
    titles = []
    for user, expected in pages.items():
        client = sign_in(Client(), user)
        for path, title in expected.items():
            body = client.get(path).content.decode()
            found = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
            assert found == title, (path, found)
            assert world.survivor_a.known_as not in found
            titles.append(found)
    register = sign_in(Client(), world.programme).get(f"/staff/sessions/{world.session.pk}/")
    found = re.search(r"<title>(.*?)</title>", register.content.decode(), re.S).group(1)
    assert found.startswith("Register, Thursday group, ") and found.endswith(" · Staff")
    assert "<title>Sign in · Staff</title>" in Client().get("/staff/login/").content.decode()
    assert len(set(titles)) == len(titles)
