"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

A browser that cannot start fails the test: nothing here skips.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # V8 without its optimising compiler: a test page lives for seconds, too
    # short for optimised code to repay compiling it (measured on 2026-11-24:
    # the renderers' CPU over the browser tests 64 s -> 54 s). What pages do is
    # unchanged; only how fast hot JavaScript runs.
    "--js-flags=--no-opt",
]
# Processes Chromium starts for nothing here. It keeps a spare renderer process
# started for the next navigation or tab; a test's pages live for seconds, so
# most spares go unused (measured on 2026-11-24, the browser tests in one
# process: 138-143 -> 110-119 s of CPU, all of it Chromium's). And every new
# window (each page Playwright opens) preloads the address bar's suggestion
# popup, a web page of Chromium's own in a renderer process of its own, which a
# headless browser never shows (a context with its page: 0.38-0.49 -> 0.23-0.27
# s of CPU). The pages under test behave the same. Chromium takes the last
# --disable-features it is given, so the list Playwright passes (its
# chromiumSwitches.ts, for the locked version) is repeated here with ours added;
# tests/portal/test_browser_launch.py checks both against Playwright and Chromium.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
]
DISABLED_FEATURES = [
    *PLAYWRIGHT_DISABLED_FEATURES,
    "SpareRendererForSitePerProcess",
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
    "WebUIOmniboxFullPopup",
]
CHROMIUM_ARGS.append("--disable-features=" + ",".join(DISABLED_FEATURES))
DESTINATION_BODY = b"<!doctype html><title>Weather</title><h1>Weather forecast</h1>"


class _Weather(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(DESTINATION_BODY)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def neutral_destination() -> Iterator[str]:
    """Another origin standing in for the neutral quick-exit destination (a
    weather page), so the test needs no network. Yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Weather)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/weather"
    finally:
        server.shutdown()
        server.server_close()


# Playwright's sync API runs an event loop in this thread; the test body's ORM
# calls are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@contextmanager
def chromium() -> Iterator[Browser]:
    """One Chromium of its own (the shared one is ``SharedChromium``)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class SharedChromium:
    """One Chromium for a run of consecutive browser tests, started on first use.

    Starting Chromium costs about a second; every test still gets a fresh
    context (own cookies, storage, cache and history) from ``new_context``.
    Playwright's event loop counts as a running loop for Django, whose database
    connections then live elsewhere, so the database connections are closed
    around every start and stop, and the browser is stopped as soon as the next
    test does not use it (``tests/conftest.py``): it never outlives the run of
    tests that need it, nor the test database.
    """

    def __init__(self) -> None:
        self._playwright = None
        self._manager = None
        self.browser: Browser | None = None

    def get(self) -> Browser:
        if self.browser is None or not self.browser.is_connected():
            self.stop()
            from django.db import connections

            connections.close_all()
            self._manager = sync_playwright()
            self._playwright = self._manager.__enter__()
            self.browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        return self.browser

    def stop(self) -> None:
        if self._manager is None:
            return
        from django.db import connections

        connections.close_all()
        try:
            if self.browser is not None:
                self.browser.close()
        finally:
            self.browser = None
            manager, self._manager, self._playwright = self._manager, None, None
            manager.__exit__(None, None, None)


def new_context(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    """A phone-sized context where every request to another host is recorded and
    refused (the portal must make none)."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport={"width": 360, "height": 640}
    )
    context.outside_requests = []  # type: ignore[attr-defined]

    def outside(route, request) -> None:
        context.outside_requests.append(request.url)  # type: ignore[attr-defined]
        route.abort()

    local = ("http://localhost:", "http://127.0.0.1:")
    context.route(lambda url: not url.startswith(local), outside)
    return context


def navigation_entries(page: Page) -> list[str]:
    """The tab's back/forward list, from the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    try:
        history = session.send("Page.getNavigationHistory")
    finally:
        session.detach()
    return [entry["url"] for entry in history["entries"]]


def sign_in(page: Page, base_url: str, username: str, passphrase: str) -> None:
    page.goto(base_url + "/")
    page.fill("#id_username", username)
    page.fill("#id_passphrase", passphrase)
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Latest news')")
