"""Headers and cookies (SPEC 8): the Wagtail admin (/editor/) and the
Django admin (/ops/) carry a Content Security Policy they work under, the
portal keeps its strict one, and flash messages live in the session, so no
readable `messages` cookie reaches her phone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser

from ..conftest import sign_in
from ..factories import staff_user
from ..portal.browser import new_context

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _directives(header: str) -> dict[str, set[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: set(part[1:]) for part in parts}


def _superuser_client() -> Client:
    root = staff_user(None, username="ops-root", is_superuser=True, is_staff=True)
    return sign_in(Client(), root)


def test_both_admins_send_a_csp_and_the_portal_keeps_its_strict_one(world) -> None:
    admin = _superuser_client()
    for path in ("/editor/", "/editor/pages/", "/ops/", "/ops/contacts/user/"):
        response = admin.get(path)
        assert response.status_code == 200, path
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == {"'self'"}, path
        assert policy["object-src"] == {"'none'"}, path
        assert policy["base-uri"] == {"'none'"}, path
        assert policy["frame-ancestors"] == {"'self'"}, path
        assert policy["form-action"] == {"'self'"}, path
        # Nothing from another origin, whatever the directive.
        sources = set().union(*policy.values())
        assert not {s for s in sources if "." in s or s in {"*", "http:", "https:"}}, path
    comms = sign_in(Client(), world.comms)
    assert "Content-Security-Policy" in comms.get("/editor/").headers

    # The portal and the staff pages keep the strict policy, unchanged.
    for client, path in (
        (Client(), "/"),
        (sign_in(Client(), world.survivor_a.user), "/settings/"),
        (sign_in(Client(), world.wss_a), "/staff/caseload/"),
    ):
        header = client.get(path)["Content-Security-Policy"]
        assert _directives(header) == _directives(STRICT), path


def test_a_flashed_message_sets_no_messages_cookie(world) -> None:
    her = sign_in(Client(), world.survivor_a.user)
    for paused, shown in (("1", "All contact is paused"), ("0", "Contact has started again")):
        action = her.post("/settings/pause/", {"paused": paused})
        assert action.status_code in (302, 303)
        # The response that stores the message sets no cookie holding it...
        assert "messages" not in action.cookies
        for cookie in action.cookies.values():
            assert "ontact" not in cookie.value and "paused" not in cookie.value
        # ...and the next page shows it all the same.
        page = her.get(action["Location"])
        assert shown in page.content.decode()
        assert "messages" not in page.cookies
    assert "messages" not in her.cookies


# --- The admins still work under their policy (real Chromium) -----------------------

WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__csp.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


@pytest.fixture
def browser(chromium_browser: Browser) -> Browser:
    """The run's shared Chromium (``tests/conftest.py``)."""
    return chromium_browser


@pytest.mark.browser
@pytest.mark.xdist_group("chromium-a")  # browser tests in two runs, one Chromium in each process
@pytest.mark.django_db(transaction=True)
def test_the_admins_work_under_their_csp_in_chromium(browser, world, pages, live_server) -> None:
    from wagtail.models import Page

    admin = _superuser_client()
    session = admin.cookies[settings.SESSION_COOKIE_NAME].value
    page_id = Page.objects.filter(depth__gt=2).order_by("pk").values_list("pk", flat=True)[0]

    context = new_context(browser)
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    context.add_init_script(WATCH_VIOLATIONS)
    tab = context.new_page()
    console: list[str] = []
    tab.on("console", lambda message: console.append(message.text))
    # Each page, and an element that only its JavaScript builds.
    checks = [
        ("/editor/", "#wagtail-sidebar [data-wagtail-sidebar], .sidebar"),
        (f"/editor/pages/{page_id}/edit/", ".Draftail-Editor, [data-streamfield-stream-container]"),
        ("/editor/images/", "main"),
        ("/ops/", "#content"),
        ("/ops/contacts/user/?kind__exact=staff", "#changelist-filter"),
        ("/ops/programme/programmesession/add/", ".datetimeshortcuts"),
        (f"/ops/contacts/user/{world.wss_a.pk}/change/", ".selector-available"),
    ]
    try:
        for path, built_by_script in checks:
            response = tab.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            assert response.headers.get("content-security-policy"), path
            tab.wait_for_selector(built_by_script, state="attached")
            tab.wait_for_load_state("networkidle")
            violations = tab.evaluate("window.__csp")
            assert violations == [], (path, violations)
        assert not [line for line in console if "Content Security Policy" in line], console
        assert context.outside_requests == []  # type: ignore[attr-defined]
    finally:
        context.close()
