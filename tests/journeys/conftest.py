"""What every journey needs: the running service and a fresh browser per person.

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
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import seed_test_database
from tests.portal.browser import PHONE_SCREEN, neutral_destination, new_context

STAFF_SCREEN = {"width": 1280, "height": 800}
# A bail-out for a page that never comes, not a speed target: auto-waiting
# returns as soon as the page is there, however slow the machine.
PATIENCE_MS = 30_000

expect.set_options(timeout=PATIENCE_MS)


@pytest.fixture(autouse=True)
def _nobody_in_the_service_yet(transactional_db: None) -> None:
    """A journey brings its own people (factories, with their own names and
    numbers): it starts from the service with its roles and information pages
    but without the session's small world, which comes back after it."""
    call_command("flush", interactive=False, verbosity=0)
    seed_test_database(people=False)


@pytest.fixture
def weather(pages: None, transactional_db: None) -> Iterator[str]:
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
        context = new_context(
            chromium_browser, viewport=PHONE_SCREEN if phone else STAFF_SCREEN, is_mobile=phone
        )
        context.set_default_timeout(PATIENCE_MS)
        contexts.append(context)
        page = context.new_page()
        page.outside_requests = context.outside_requests  # type: ignore[attr-defined]
        return page

    yield open_
    for context in contexts:
        context.close()
