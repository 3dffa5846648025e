"""Comms staff save in the Wagtail admin from a real browser (SPEC 8: same-origin
posts keep a real Origin).

The test client sends no Origin header, so it could not see that
``Referrer-Policy: no-referrer`` made Chromium send ``Origin: null`` on every
post under /editor/, which Django's CSRF check refused with a 403.
"""

from __future__ import annotations

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-a"
    ),  # browser tests in two runs, one Chromium in each process
]

STAFF_PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's default


@pytest.fixture
def browser(chromium_browser: Browser) -> Browser:
    """The run's shared Chromium (``tests/conftest.py``)."""
    return chromium_browser


def authenticator_code(device: TOTPDevice) -> str:
    """The six digits her authenticator app would show now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def staff_sign_in(page: Page, base_url: str, user) -> None:
    """Password, then the TOTP code, through the real sign-in pages."""
    page.goto(base_url + "/staff/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/otp/verify/**")
    page.fill("#id_token", authenticator_code(user.totpdevice_set.get(confirmed=True)))
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/otp/" not in url)


def test_comms_staff_save_the_branding_in_the_editor_without_a_csrf_refusal(
    world,
    pages,
    live_server,
    browser: Browser,
) -> None:
    from wagtail.models import Site

    from cms.models import BrandingSettings

    site = Site.objects.get(is_default_site=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    statuses: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: statuses.append((r.request.method, r.status)) if "/editor/" in r.url else None,
    )
    try:
        staff_sign_in(page, live_server.url, world.comms)
        page.goto(f"{live_server.url}/editor/settings/cms/brandingsettings/{site.pk}/")
        page.fill("#id_site_name", "Willow Club")
        page.click("button[type=submit]:has-text('Save')")
        page.wait_for_load_state()
        body = page.content()
    finally:
        context.close()
    assert "CSRF verification failed" not in body
    assert ("POST", 403) not in statuses
    assert ("POST", 302) in statuses
    assert BrandingSettings.for_site(site).site_name == "Willow Club"
