"""Every page she can reach: no-store, a strict CSP, and no request to any other
origin (SPEC 4, 8). Counts feed `make security`."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from typing import Any

from django.test import Client

from ..conftest import sign_in
from ..figures import record

# Attributes that make the browser fetch something by itself (not links she follows).
FETCHING = {
    ("script", "src"),
    ("img", "src"),
    ("link", "href"),
    ("iframe", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("form", "action"),
}


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []
        self.links: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if (tag, name) in FETCHING and value:
                self.fetches.append(value)
            if name == "style" or name.startswith("on"):
                self.inline.append(f"{tag}[{name}]")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.inline.append("script")
        if tag == "style":
            self.inline.append("style")


def _third_party(url: str) -> bool:
    return url.startswith(("http://", "https://", "//")) and not url.startswith(
        ("http://testserver", "https://testserver")
    )


def crawl_portal(client: Client) -> dict[str, Any]:
    """Each portal page by path: the test client's response, with ``parsed``
    (its links, fetches and inline code) added to each HTML page."""
    seen: dict[str, Any] = {}
    queue = deque(["/", "/pages/", "/get-in-touch/thanks/"])
    while queue and len(seen) < 200:
        path = queue.popleft()
        if path in seen or path.startswith(("/leave/", "/sign-out/", "/static/", "/staff/")):
            continue
        response: Any = client.get(path)
        seen[path] = response
        if "text/html" in response.get("Content-Type", ""):
            parser = _Parser()
            parser.feed(response.content.decode())
            response.parsed = parser
            for link in parser.links:
                link = link.split("#")[0]
                if link.startswith("/"):
                    queue.append(link)
    return seen


def test_portal_pages_are_no_store_with_strict_csp_and_no_third_party_requests(world) -> None:
    pages = {}
    for client in (Client(), sign_in(Client(), world.survivor_a.user)):
        pages.update({(id(client), path): r for path, r in crawl_portal(client).items()})
    html = [r for r in pages.values() if "text/html" in r.get("Content-Type", "")]
    assert len(html) >= 5
    without_no_store = [k for k, r in pages.items() if r.get("Cache-Control") != "no-store"]
    csp_missing = [
        k
        for k, r in pages.items()
        if r.status_code == 200 and "default-src 'self'" not in r.get("Content-Security-Policy", "")
    ]
    third_party = [u for r in html for u in r.parsed.fetches if _third_party(u)]
    inline = [i for r in html for i in r.parsed.inline]
    record("portal responses checked", len(pages))
    record("portal responses without no-store", len(without_no_store))
    record("portal responses without CSP", len(csp_missing))
    record("portal requests to a third-party origin", len(third_party))
    assert without_no_store == []
    assert csp_missing == []
    assert third_party == []
    assert inline == []
    for response in html:
        assert response["Referrer-Policy"] == "same-origin"
