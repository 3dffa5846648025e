"""The "staying safe online" page is honest about what quick exit cannot do
(SPEC 4): it removes the site's own history entries, not an address she typed
or a bookmark she opened."""

from __future__ import annotations

from django.test import Client


def test_the_phone_and_browser_page_says_typed_addresses_and_bookmarks_stay(pages) -> None:
    body = Client().get("/pages/your-phone-and-browser/").content.decode()
    assert "leaving quickly removes it" in body
    assert "an address you typed yourself or a bookmark you opened" in body
    assert "those stay in your history" in body
