"""What every journey needs: the running service and a fresh browser per person.

A journey is a person's task through the real pages of the running service
(pytest-django's ``live_server``), from signing in to what they look for on
screen. Data is set up with factories and services *before* the browser
starts; after that only the browser acts, as the person would, and the
database is read only by the asserts at the very end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page

from tests.conftest import seed_test_database
from tests.portal.browser import PHONE_SCREEN, neutral_destination, new_context

STAFF_SCREEN = {"width": 1280, "height": 800}


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
    history) for one person: staff work at 1280 px, a survivor on a 360 px
    phone. Requests to another origin are refused and recorded on
    ``page.outside_requests``: the service makes none."""
    contexts: list[BrowserContext] = []

    def open_(*, phone: bool = False) -> Page:
        screen = PHONE_SCREEN if phone else STAFF_SCREEN
        contexts.append(new_context(chromium_browser, viewport=screen, is_mobile=phone))
        page = contexts[-1].new_page()
        page.outside_requests = contexts[-1].outside_requests  # type: ignore[attr-defined]
        return page

    yield open_
    for context in contexts:
        context.close()
