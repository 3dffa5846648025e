"""A woman who is not in touch with the service yet asks to be called (SPEC 13:
she can ask to be contacted through a discreet page of her portal's site).
On her phone (360 px) Jo opens the site, follows "Ask us to get in touch" from
the sign-in page, mistypes her number and is told plainly, then leaves her
number, the days and times it is safe to call, and that a voicemail is not
safe. She is thanked; refreshing the page sends nothing again. The page fits
her screen, quick exit stays in view, and the same request works with
JavaScript turned off.
"""

from __future__ import annotations

from datetime import time

import pytest
from playwright.sync_api import Browser, Page, expect

from contacts.encryption import phone_hash
from survivors.models import Referral
from tests.portal.browser import PHONE_SCREEN, new_context

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-b"),  # browser tests in two runs, one Chromium in each
]


def _fits_her_phone(page: Page) -> None:
    """No sideways scrolling at 360 px, and quick exit on screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    expect(page.get_by_role("link", name="Leave this site")).to_be_in_viewport()


def _ask_to_be_called(page: Page, site: str, number: str) -> None:
    page.goto(site + "/")
    page.get_by_role("link", name="Ask us to get in touch").click()
    expect(page.get_by_role("heading", name="Ask us to get in touch")).to_be_visible()
    expect(page).to_have_title("Garden Club")
    _fits_her_phone(page)
    page.get_by_label("Your phone number").fill(number)
    page.get_by_label("A name we may use (optional)").fill("Jo")
    page.get_by_role("checkbox", name="Tuesday").check()
    page.get_by_role("checkbox", name="Thursday").check()
    page.get_by_label("From").fill("10:00")
    page.get_by_label("To", exact=True).fill("12:30")
    expect(page.get_by_role("radio", name="No")).to_be_checked()
    page.get_by_role("button", name="Ask us to call").click()


def test_she_asks_to_be_called_from_her_phone(site: str, open_browser) -> None:
    page = open_browser(phone=True)

    # 1. A number that cannot be right: a plain message, her other answers kept.
    _ask_to_be_called(page, site, "0770")
    expect(page.locator(".error-summary")).to_contain_text(
        "Enter a phone number, like 07700 900123 or +44 7700 900123."
    )
    expect(page.get_by_role("checkbox", name="Tuesday")).to_be_checked()
    _fits_her_phone(page)
    assert Referral.objects.count() == 0

    # 2. Her number: thanked, and a refresh does not ask again.
    page.get_by_label("Your phone number").fill("07700 900321")
    page.get_by_role("button", name="Ask us to call").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("Nothing will be sent to your phone")).to_be_visible()
    _fits_her_phone(page)
    page.reload()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert page.context.outside_requests == []

    referral = Referral.objects.get()
    assert referral.state == Referral.State.WAITING and referral.source == "self"
    assert referral.phone_hash == phone_hash("+447700900321") and referral.known_as == "Jo"
    assert referral.safe_days == "1,3"
    assert (referral.safe_from, referral.safe_to) == (time(10, 0), time(12, 30))
    assert referral.voicemail_safe is False


def test_the_page_works_without_javascript(site: str, chromium_browser: Browser) -> None:
    context = new_context(chromium_browser, is_mobile=True, java_script_enabled=False)
    try:
        page = context.new_page()
        _ask_to_be_called(page, site, "+44 7700 900654")
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    finally:
        context.close()
    assert Referral.objects.get().phone_hash == phone_hash("+447700900654")
