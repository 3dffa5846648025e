"""Error pages (SPEC 4, SPEC 8): neutral on the portal, with quick exit and
no-store, never Django's debug page listing every address; staff error pages
offer a way back. The same pages under ``make run`` (the dev settings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import get_resolver

from survivor_portal.views import errors as error_views

from ..conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
# Words of Django's debug 404 and of the project's other areas: none may show.
NEVER_ON_A_PORTAL_ERROR = ("URLconf", "staff/", "editor/", "ops/", "sms/", "Django", "DEBUG")


def _assert_neutral_portal_page(response, status: int) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert response["Cache-Control"] == "no-store"
    assert re.findall(r"<title>(.*?)</title>", body, re.S) == ["Garden Club"]
    assert 'id="leave"' in body and 'href="/leave/"' in body  # quick exit, first
    assert 'rel="nofollow noreferrer"' in body
    for word in NEVER_ON_A_PORTAL_ERROR:
        assert word not in body, word
    assert "Forbidden" not in body


def test_a_mistyped_portal_address_gets_a_neutral_page_with_quick_exit(db) -> None:
    _assert_neutral_portal_page(Client().get("/no-such-page/"), 404)


def test_a_signed_in_survivor_gets_the_neutral_page_even_under_staff(world) -> None:
    survivor = sign_in(Client(), world.survivor_a.user)
    _assert_neutral_portal_page(survivor.get("/no-such-page/"), 404)
    _assert_neutral_portal_page(survivor.get("/staff/caseload/"), 404)


def test_a_refused_form_post_is_neutral_on_the_portal(db) -> None:
    response = Client(enforce_csrf_checks=True).post("/", {"username": "x", "passphrase": "y"})
    _assert_neutral_portal_page(response, 403)
    assert "The form had expired" in response.content.decode()
    assert "CSRF" not in response.content.decode()


@pytest.mark.parametrize(("handler", "status"), [(400, 400), (403, 403), (404, 404), (500, 500)])
def test_every_error_handler_is_ours_and_neutral(db, handler, status) -> None:
    # django-stubs types every handler as taking the request only; 400, 403 and
    # 404 take the exception too.
    view: Callable[..., HttpResponse] = get_resolver().resolve_error_handler(handler)
    assert view.__module__ == "survivor_portal.views.errors"
    request = RequestFactory().get("/somewhere/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = view(request) if handler == 500 else view(request, exception=None)
    _assert_neutral_portal_page(response, status)


def test_a_500_page_still_renders_when_its_template_cannot(db, settings) -> None:
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {"context_processors": ["no.such.processor"]}}
    ]
    response = error_views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert response["Cache-Control"] == "no-store"
    assert 'href="/leave/"' in response.content.decode()


def test_a_wrong_role_page_explains_and_offers_a_way_back(world) -> None:
    programme = sign_in(Client(), world.programme)
    response = programme.get("/staff/caseload/")
    body = response.content.decode()
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"
    assert "You cannot open this page" in body
    assert 'href="/staff/">Back to the staff home page' in body
    assert "<title>You cannot open this page · Staff</title>" in body
    missing = programme.get("/staff/no-such-page/")
    assert missing.status_code == 404
    assert 'href="/staff/">Back to the staff home page' in missing.content.decode()


def test_a_refused_staff_form_post_offers_a_way_back(db) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/staff/login/", {"username": "x", "password": "y"}
    )
    body = response.content.decode()
    assert response.status_code == 403
    assert "The form had expired" in body and "Nothing was saved" in body
    assert 'href="/staff/">Back to the staff home page' in body


def test_static_files_are_served_with_debug_off(db) -> None:
    from django.conf import settings

    assert settings.DEBUG is False
    response = Client().get("/static/portal/site.css")
    try:
        assert response.status_code == 200
        assert b".leave-bar" in response.getvalue()
    finally:
        response.close()


def test_make_run_settings_have_debug_off_and_serve_static_files() -> None:
    """`make run` uses survivor_portal.settings.dev: Django's debug pages (every
    URL pattern, no quick exit) only when a developer sets DEBUG=true; the demo
    accounts load with DEBUG off (seed_demo needs DEMO_DATA, on there)."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.WHITENOISE_USE_FINDERS, s.CSRF_FAILURE_VIEW, s.SECURE_REFERRER_POLICY, "
        "s.DEMO_DATA)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "survivor_portal.settings.dev"
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        "False",
        "True",
        "survivor_portal.views.errors.csrf_failure",
        "same-origin",
        "True",
    ]
    env["DEBUG"] = "true"
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "True"
