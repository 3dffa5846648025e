"""The browser tests drive Debian's Chromium (``make browser`` installs it),
never a browser Playwright downloaded, and it starts on this machine."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import Browser

from ..conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-a"),
]


def test_the_browser_tests_run_debians_chromium(chromium_browser: Browser) -> None:
    installed = subprocess.run(  # noqa: S603 - the fixed path of Debian's Chromium
        [CHROMIUM, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert chromium_browser.version in installed
    page = chromium_browser.new_page()
    page.set_content("<h1>Weather forecast</h1>")
    assert page.inner_text("h1") == "Weather forecast"
    page.close()
