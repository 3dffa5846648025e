"""What her phone, the database and the logs keep (SPEC 7, SPEC 8): the
browser is not invited to remember her, her name is encrypted at rest, and log
lines carry ids, never the kind of an alert, her username or her address."""

from __future__ import annotations

import logging
import re

from django.test import Client

from survivors.models import Alert
from survivors.services import alerts

from ..conftest import sign_in
from .test_sign_in import PASSPHRASE

INVITATIONS = ('autocomplete="username"', 'autocomplete="current-password"', "new-password")


def _inputs(body: str) -> dict[str, str]:
    return {
        re.search(r'name="([^"]+)"', tag).group(1): tag
        for tag in re.findall(r"<input[^>]*>", body)
        if 'name="' in tag
    }


def test_her_forms_do_not_invite_the_browser_to_remember_her(world) -> None:
    pages = {
        "/": Client().get("/").content.decode(),
        "/start/": Client().get("/start/").content.decode(),
        "/get-in-touch/": Client().get("/get-in-touch/").content.decode(),
        "/settings/second-passphrase/": sign_in(Client(), world.survivor_a.user)
        .get("/settings/second-passphrase/")
        .content.decode(),
    }
    for path, body in pages.items():
        assert not [word for word in INVITATIONS if word in body], path
        assert "onpaste" not in body.lower() and "oncopy" not in body.lower(), path
        for name, tag in _inputs(body).items():
            # Her number and name on the get-in-touch page (SPEC 13) are hers too.
            if 'type="password"' in tag or name in ("username", "phone", "known_as"):
                assert 'autocomplete="off"' in tag, (path, name)
    # The sign-in form itself (the language switch above it has no fields to keep).
    assert 'autocomplete="off"' in re.search(r'<form[^>]*action="/"[^>]*>', pages["/"]).group(0)
    # Pasting still works: she can still sign in with what she typed or pasted.
    username = world.survivor_a.user.username
    response = Client().post("/", {"username": username, "passphrase": PASSPHRASE})
    assert response.status_code == 303


def test_her_name_is_encrypted_at_rest(world) -> None:
    from tests.survivors.test_at_rest import raw_dump

    survivor = world.survivor_a
    assert survivor.known_as not in raw_dump()
    survivor.refresh_from_db()
    assert survivor.known_as == world.survivor_a.known_as


def test_log_lines_carry_ids_not_alert_kinds_usernames_or_addresses(world, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    alert = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=True)
    username = world.survivor_a.user.username
    client = Client(REMOTE_ADDR="10.9.8.7")
    for _ in range(6):  # failures, then a lockout
        client.post("/", {"username": username, "passphrase": "not hers"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"alert {alert.pk} raised" in logged
    assert "duress" not in logged.lower()
    assert username not in logged and "10.9.8.7" not in logged
    assert "Locking out" in logged  # axes still says that it locked someone out
