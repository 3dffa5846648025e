"""The staff menu shows only links the person can use (SPEC 2, SPEC 3): for
every role, every link in it opens a page (200, or a redirect to one) that
does not turn her away. A manager may open the page editor but edits no page
in it, so she gets no "Information pages" link; comms staff do."""

from __future__ import annotations

import re

from django.test import Client

from contacts import roles

from ..conftest import sign_in
from ..factories import staff_user

MENU = re.compile(r'<nav class="staff-menu" aria-label="Staff menu">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')
REFUSALS = ("you do not have permission", "page not found", "not allowed")


def menu_links(client: Client) -> dict[str, str]:
    """The menu's links, label -> address, as the person sees them."""
    found = MENU.search(client.get("/staff/account/").content.decode())
    assert found
    return {label: href for href, label in LINK.findall(found.group(1))}


def test_every_link_in_every_roles_menu_opens_a_page_she_can_use(world, pages) -> None:
    duty = staff_user(roles.WSS_WORKER, username="duty-worker", is_duty_worker=True)
    for user in (world.wss_a, duty, world.programme, world.comms, world.manager):
        client = sign_in(Client(), user)
        links = menu_links(client)
        assert links, user.username
        for label, href in links.items():
            response = client.get(href, follow=True)
            assert response.status_code == 200, (user.username, label, href)
            page = response.content.decode().lower()
            assert not any(refusal in page for refusal in REFUSALS), (user.username, label)


def test_information_pages_is_in_the_menu_of_those_who_edit_pages(world) -> None:
    assert "Information pages" in menu_links(sign_in(Client(), world.comms))
    assert "Information pages" not in menu_links(sign_in(Client(), world.manager))
