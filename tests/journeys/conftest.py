"""What every journey needs: the run's shared Chromium (``chromium_browser`` in
``tests/conftest.py``, started once for consecutive browser tests) and a fresh
browser context per person.

A journey is a person's task through the real pages of the running service
(pytest-django's ``live_server``), from signing in to what they look for on
screen. Data is set up with factories and services *before* the browser
starts; after that only the browser acts, as the person would, and the
database is read only by the asserts at the very end. Staff sign in with a
password and the current code of their TOTP device, computed from the
device's key by ``steps.StaffMember.code`` as their authenticator app would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.portal.browser import neutral_destination

STAFF_SCREEN = {"width": 1280, "height": 800}
PHONE_SCREEN = {"width": 360, "height": 640}
# A bail-out for a page that never comes, not a speed target: auto-waiting
# returns as soon as the page is there, however slow the machine.
PATIENCE_MS = 30_000

expect.set_options(timeout=PATIENCE_MS)


@pytest.fixture(autouse=True)
def _fresh_branding() -> Iterator[None]:
    """The branding is cached; one journey's site name must not leak into the next."""
    from survivor_portal.context_processors import CACHE_KEY

    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


@pytest.fixture
def pages(transactional_db: None) -> None:
    """The seeded information pages and status explanations."""
    from cms.management.commands.seed_pages import seed_pages
    from contacts import roles

    seed_pages()
    # After another transactional test's flush, seeding re-creates Wagtail's
    # root page, which did not exist when the roles were made for this test:
    # grant comms staff their page permissions on it again.
    roles.roles_ensure()


@pytest.fixture
def weather(pages: None) -> Iterator[str]:
    """Comms staff's quick-exit destination, pointed at a local stand-in for
    a weather site on another origin (no network needed)."""
    from wagtail.models import Site

    from cms.models import BrandingSettings

    with neutral_destination() as url:
        branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
        branding.quick_exit_url = url
        branding.save()
        yield url


@pytest.fixture
def site(live_server, transactional_db: None) -> str:
    """The running service's address."""
    return live_server.url


@pytest.fixture
def open_browser(chromium_browser: Browser) -> Iterator[Callable[..., Page]]:
    """``open_browser(phone=False)``: a fresh browser (its own cookies and
    history) for one person. Staff work at 1280 px, a survivor on a 360 px
    phone. Every request to another origin is recorded on
    ``page.outside_requests`` and refused: the service makes none."""
    contexts: list[BrowserContext] = []

    def open_(*, phone: bool = False) -> Page:
        context = chromium_browser.new_context(
            viewport=PHONE_SCREEN if phone else STAFF_SCREEN, is_mobile=phone
        )
        context.set_default_timeout(PATIENCE_MS)
        contexts.append(context)
        page = context.new_page()
        page.outside_requests = []  # type: ignore[attr-defined]

        def refuse(route, request) -> None:
            page.outside_requests.append(request.url)  # type: ignore[attr-defined]
            route.abort()

        local = ("http://localhost:", "http://127.0.0.1:")
        context.route(lambda url: not url.startswith(local), refuse)
        return page

    yield open_
    for context in contexts:
        context.close()
