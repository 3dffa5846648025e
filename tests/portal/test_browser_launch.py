"""The browser tests' Chromium runs with the features Playwright turns off, and
without the processes it would start for nothing here: the spare renderer and
the address bar's popup page in every window (``tests/portal/browser.py``).

Chromium keeps only the last ``--disable-features`` it is given, so ours repeats
Playwright's list. If a Playwright upgrade changed that list, ours would quietly
drop a feature Playwright needs off: this compares what Chromium itself reports
(chrome://version, "Command-line variations") for a launch with Playwright's
arguments alone and for the tests' launch."""

from __future__ import annotations

import base64
import json
import re

import pytest
from playwright.sync_api import Browser

from .browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-a"),
]


def _disabled_features(browser: Browser) -> set[str]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto("chrome://version")
        # Shown shortened, with the whole value in the page too: the longest.
        encoded = max(re.findall(r"eyJ[A-Za-z0-9+/=]+", page.content()), key=len, default="")
    finally:
        context.close()
    assert encoded, "chrome://version shows no command-line variations"
    variations = json.loads(base64.b64decode(encoded + "=" * (-len(encoded) % 4)))
    return set(variations["disable-features"].split(","))


def test_chromium_keeps_playwrights_disabled_features_and_starts_no_idle_processes(
    chromium_browser: Browser,
) -> None:
    ours = [arg for arg in CHROMIUM_ARGS if not arg.startswith("--disable-features=")]
    plain = chromium_browser.browser_type.launch(executable_path=CHROMIUM, args=ours)
    try:
        playwrights = _disabled_features(plain)
    finally:
        plain.close()
    assert "MediaRouter" in playwrights  # Playwright's list, as Chromium received it
    tests = _disabled_features(chromium_browser)
    assert playwrights <= tests, sorted(playwrights - tests)
    assert "SpareRendererForSitePerProcess" in tests
    # A window of its own for a page, and no page of Chromium's own beside it.
    context = chromium_browser.new_context()
    try:
        context.new_page()
        session = chromium_browser.new_browser_cdp_session()
        targets = session.send("Target.getTargets", {"filter": [{}]})["targetInfos"]
        session.detach()
    finally:
        context.close()
    assert [t["url"] for t in targets if t["type"] == "browser_ui"] == []
    assert [t["type"] for t in targets if t["type"] == "page"] == ["page"]
