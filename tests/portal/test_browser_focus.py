"""Focus after a form post, in real headless Chromium (SPEC 4: quick exit first
in the tab order after the skip link, on every page, including the page a form
post leads to)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from ..journeys.steps import survivor_sign_in
from .browser import new_context

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-a"),
]

PASSPHRASE = "a long passphrase 42"  # tests.factories.survivor_account's default
FOCUSED = "document.activeElement.id || document.activeElement.className"


@pytest.fixture
def site(world, pages, live_server) -> str:
    return live_server.url


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    # The shared Chromium of tests/conftest.py, a context of its own per test.
    context = new_context(chromium_browser)
    yield context.new_page()
    context.close()


def _tab_until_leave(page: Page, presses: int) -> list[str]:
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED))
        if reached[-1] == "leave":
            break
    return reached


def test_after_a_saved_form_focus_is_on_the_confirmation_and_tab_reaches_quick_exit(
    page: Page,
    site: str,
    world,
) -> None:
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    page.click("nav >> text=Contact settings")
    page.wait_for_selector("h1:has-text('Contact settings')")
    page.fill("#id_safe_phone", "07700 900456")
    page.fill("#id_current_passphrase", PASSPHRASE)
    page.click("form[action='/settings/'] button[type=submit]")
    page.wait_for_selector("text=Saved.")
    # A screen reader reads the confirmation, not the whole page.
    assert page.evaluate("document.activeElement.textContent").strip().startswith("Saved.")
    assert page.evaluate("document.activeElement.tagName") != "MAIN"
    # The next Tab starts from the top: the skip link, then quick exit.
    assert _tab_until_leave(page, 2) == ["skip-link", "leave"]


def test_after_a_refused_form_focus_is_on_the_errors_and_tab_reaches_quick_exit(
    page: Page,
    site: str,
    world,
) -> None:
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    page.click("nav >> text=Contact settings")
    page.wait_for_selector("h1:has-text('Contact settings')")
    page.fill("#id_safe_phone", "not a number")
    page.click("form[action='/settings/'] button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert _tab_until_leave(page, 2) == ["skip-link", "leave"]
    # Shift+Tab from quick exit goes back to the skip link: the order is the page's own.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED) == "skip-link"
