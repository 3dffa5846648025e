"""SPEC 2 (one person, one side): every staff page has a persistent menu for the signed-in
person's role, says who is signed in, and keeps feedback in one place. A
programme worker's menu never names a Women's Support Service (WSS) thing,
and a WSS worker's never names a programme thing (SPEC 2: one person, one side)."""

from __future__ import annotations

import re

from django.test import Client

from ..conftest import sign_in

MENU = re.compile(r'<nav class="staff-menu" aria-label="Staff menu">(.*?)</nav>', re.S)
WSS_WORDS = re.compile(r"case|alert|duty|disclosure|allocation|survivor|her ", re.I)
PROGRAMME_WORDS = re.compile(r"group|participant|register|programme|session", re.I)


def _menu(client: Client, path: str) -> str:
    body = client.get(path).content.decode()
    found = MENU.search(body)
    assert found, path
    return re.sub(r"<[^>]+>", " ", found.group(1))  # the words on screen


def test_a_programme_worker_sees_only_programme_words_on_every_page(world) -> None:
    client = sign_in(Client(), world.programme)
    for path in (
        "/staff/",
        "/staff/groups/",
        "/staff/participants/",
        f"/staff/participants/{world.linked_participant.pk}/",
        f"/staff/sessions/{world.session.pk}/",
        "/staff/security/",
    ):
        menu = _menu(client, path)
        assert not WSS_WORDS.search(menu), (path, menu)
        assert "Participants" in menu and "Groups" in menu


def test_a_wss_worker_sees_only_wss_words(world) -> None:
    client = sign_in(Client(), world.wss_a)
    for path in ("/staff/", "/staff/caseload/", f"/staff/cases/{world.survivor_a.pk}/"):
        menu = _menu(client, path)
        assert not PROGRAMME_WORDS.search(menu), (path, menu)
        assert "My caseload" in menu


def test_the_menu_says_who_is_signed_in_and_marks_the_current_page(world) -> None:
    world.manager.first_name, world.manager.last_name = "Mina", "Okafor"
    world.manager.save()
    body = sign_in(Client(), world.manager).get("/staff/people/").content.decode()
    assert "Signed in as <strong>Mina Okafor</strong> (Service manager)" in body
    assert '<a href="/staff/people/" aria-current="page">Staff accounts</a>' in body
    for label in ("Cases and allocations", "Disclosures", "Audit log", "Participants"):
        assert f">{label}</a>" in body


def test_no_menu_before_the_second_factor(world) -> None:
    body = sign_in(Client(), world.no_otp, verified=False).get("/staff/otp/setup/")
    assert 'class="staff-menu"' not in body.content.decode()
    assert 'class="staff-menu"' not in Client().get("/staff/login/").content.decode()


def test_feedback_after_a_save_appears_in_the_one_notices_area(world) -> None:
    client = sign_in(Client(), world.manager)
    saved = client.post(
        f"/staff/allocations/{world.survivor_a.pk}/", {"worker": world.wss_a.pk}, follow=True
    ).content.decode()
    assert re.search(r'<div class="notices"><p class="notice success" role="status">', saved)
    refused = client.post(
        f"/staff/allocations/{world.survivor_b.pk}/", {"worker": world.wss_a.pk}, follow=True
    ).content.decode()
    assert re.search(r'<div class="notices"><p class="notice error" role="alert">', refused)
