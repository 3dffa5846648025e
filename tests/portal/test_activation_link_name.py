"""The way in with an activation code has one name everywhere (SPEC 4): the
link on the sign-in page, in each of her languages, is the one her worker's
activation-code page tells her to choose, in her language too."""

from __future__ import annotations

import re
from html import unescape

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ..conftest import client_for

LINK_NAME = "Set up your account with a code"


def _link_text(html: str, href: str) -> list[str]:
    """The text of every link to ``href`` on the page."""
    links = re.findall(rf'<a href="{re.escape(href)}"[^>]*>(.*?)</a>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", link)).strip() for link in links]


def _sign_in_page(language: str) -> str:
    client = Client()
    client.post(reverse("portal-language"), {"language": language}, HTTP_REFERER="/")
    return client.get(reverse("portal-home")).content.decode()


def test_the_sign_in_page_names_the_way_in_with_a_code_in_each_language(db) -> None:
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            expected = translation.gettext(LINK_NAME)
        if language != settings.LANGUAGE_CODE:
            assert expected != LINK_NAME, f"{language} has no translation of the link"
        assert _link_text(_sign_in_page(language), reverse("portal-activate")) == [expected]


def test_the_activation_code_page_names_the_link_she_will_see(world) -> None:
    worker = client_for("wss_a", world)
    page = worker.post(reverse("staff-case-code", args=[world.survivor_a.pk])).content.decode()
    assert f'chooses "<span class="link-name">{LINK_NAME}</span>"' in page
    assert "I have a code" not in page


def test_the_activation_code_page_also_names_it_in_her_language(world) -> None:
    world.survivor_a.language = "cy"
    world.survivor_a.save()
    welsh_link = _link_text(_sign_in_page("cy"), reverse("portal-activate"))[0]
    worker = client_for("wss_a", world)
    page = worker.post(reverse("staff-case-code", args=[world.survivor_a.pk])).content.decode()
    names = [
        unescape(name)
        for name in re.findall(r'<span class="link-name"[^>]*>(.*?)</span>', page, re.S)
    ]
    assert names == [LINK_NAME, welsh_link]
    assert f'<span class="link-name" lang="cy" dir="ltr">{welsh_link}</span>' in unescape(page)
