"""What the browser tests share: a fresh browser context that refuses every
request to another origin, a stand-in for the neutral quick-exit destination,
and the tab's history. The browser is ``chromium_browser`` (tests/conftest.py);
signing in is in tests/journeys/steps.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

PHONE_SCREEN = {"width": 360, "height": 640}


class _Weather(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>Weather</title><h1>Weather forecast</h1>")

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def neutral_destination() -> Iterator[str]:
    """Another origin standing in for the neutral quick-exit destination (a
    weather page), so the test needs no network. Yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Weather)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/weather"
    finally:
        server.shutdown()
        server.server_close()


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A fresh browser (own cookies, storage and history), phone-sized unless
    ``options`` say otherwise. Every request to another origin is recorded on
    ``context.outside_requests`` and refused: the service makes none (SPEC 4)."""
    context = browser.new_context(**{"viewport": PHONE_SCREEN, **options})
    context.outside_requests = []  # type: ignore[attr-defined]

    def refuse(route, request) -> None:
        context.outside_requests.append(request.url)  # type: ignore[attr-defined]
        route.abort()

    local = ("http://localhost:", "http://127.0.0.1:")
    context.route(lambda url: not url.startswith(local), refuse)
    return context


def navigation_entries(page: Page) -> list[str]:
    """The tab's back/forward list, from the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    try:
        history = session.send("Page.getNavigationHistory")
    finally:
        session.detach()
    return [entry["url"] for entry in history["entries"]]
