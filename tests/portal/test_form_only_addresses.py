"""A form-only address opened as a page (a bookmark, a typed address, a
page restored from history) gets the portal's neutral error page with quick
exit, not an empty 405 the browser dresses as its own error page (SPEC 4:
quick exit on every page, no-store on every response)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import URLPattern, reverse

from survivor_portal import urls as portal_urls

from ..conftest import client_for


def _portal_addresses() -> list[str]:
    """Every fixed address of the portal itself (the top-level URL patterns
    without parameters; staff, editor, ops and SMS areas are included apps)."""
    return [
        "/" + str(pattern.pattern)
        for pattern in portal_urls.urlpatterns
        if isinstance(pattern, URLPattern)
        and "<" not in str(pattern.pattern)
        and "^" not in str(pattern.pattern)
    ]


def _assert_neutral_405(response, address: str, allowed: str) -> None:
    body = response.content.decode()
    assert response.status_code == 405, address
    assert response["Allow"] == allowed, address
    assert response["Cache-Control"] == "no-store", address
    assert re.findall(r"<title>(.*?)</title>", body, re.S) == ["Garden Club"], address
    assert 'id="leave"' in body and 'href="/leave/"' in body, address  # quick exit
    assert "That did not work. Go back and try again." in body, address


def test_opening_a_form_only_address_shows_the_neutral_page_with_quick_exit(world) -> None:
    form_only = []
    for address in _portal_addresses():
        # Signed in afresh each time: quick exit (/leave/) ends the session.
        response = client_for("survivor_a", world).get(address)
        if response.status_code == 405:
            form_only.append(address)
            _assert_neutral_405(response, address, "POST")
    # Every form-only address of hers is among those checked.
    assert sorted(form_only) == [
        "/language/",
        "/messages/clear/",
        "/settings/pause/",
        "/sign-out/",
    ]


def test_a_form_only_address_opened_before_sign_in_is_neutral_too(db) -> None:
    for address in ("/language/", "/sign-out/"):
        _assert_neutral_405(Client().get(address), address, "POST")


def test_a_method_no_page_takes_gets_the_neutral_page(world) -> None:
    signed_in = client_for("survivor_a", world)
    for address in (
        "/settings/",
        "/messages/",
        "/notes/",
        "/plan/",
        "/start/",
        "/",
        "/your-views/",
    ):
        _assert_neutral_405(signed_in.put(address), address, "GET, POST")


def test_a_form_only_staff_address_opened_as_a_page_gets_the_staff_error_page(world) -> None:
    address = reverse("staff-register-clear", args=[world.session.pk])
    response = client_for("programme", world).get(address)
    body = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This address is not a page" in body
    assert "It only takes a form. Go back and try again." in body
