"""Discretion on the staff side: no URL path, page title or email names what
the service is about (team rule 3)."""

from __future__ import annotations

import re

from django.test import Client

from contacts import services
from contacts.models import Alert

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
    alert = services.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=True)
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
