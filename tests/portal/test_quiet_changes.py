"""SPEC 4 and 8: changes from her unlocked phone alert her worker quietly,
and a duress sign-in does the same work as a normal one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from survivors.errors import PortalError
from survivors.models import Alert
from survivors.services.safe_contact import safe_contact_update
from survivors.services.second_passphrase import duress_passphrase_clear, duress_passphrase_set

from ..conftest import sign_in

USUAL = "a long passphrase 42"
SECOND = "blue kettle morning"
HASHES: list[str] = []


class CountingHasher(MD5PasswordHasher):
    """Counts every hash computed, so both sign-in paths can be compared."""

    def encode(self, password: str, salt: str) -> str:
        HASHES.append("hash")
        return super().encode(password, salt)


def _kinds(survivor) -> list[str]:
    return sorted(Alert.objects.filter(survivor=survivor).values_list("kind", flat=True))


def test_pausing_from_her_account_alerts_her_worker_once(world) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    client.post("/settings/pause/", {"paused": "1"})
    client.post("/settings/pause/", {"paused": "1"})  # already paused: nothing new
    assert _kinds(world.survivor_a) == ["contact_paused"]
    alert = Alert.objects.get(survivor=world.survivor_a)
    assert not alert.urgent
    # Not visible in the portal.
    for path in ("/", "/settings/", "/messages/"):
        assert "paused from her account" not in client.get(path).content.decode()


def test_a_new_safe_number_from_her_account_alerts_her_worker(world) -> None:
    her = world.survivor_a
    same: dict[str, Any] = {"voicemail_safe": False, "code_word": "x", "windows": []}
    mine = {**same, "current_passphrase": USUAL}
    safe_contact_update(actor=her.user, survivor=her, safe_phone=her.safe_phone, **mine)
    assert _kinds(her) == []  # the same number again: nothing to tell
    safe_contact_update(actor=her.user, survivor=her, safe_phone="07700 900111", **mine)
    assert _kinds(her) == ["safe_phone_changed"]
    # Her worker changing it is not an alert for her worker.
    safe_contact_update(
        actor=world.wss_a,
        survivor=her,
        safe_phone="07700 900222",
        verification="code_word",
        **same,
    )
    assert _kinds(her) == ["safe_phone_changed"]


def test_changing_or_removing_her_second_passphrase_needs_her_passphrase_and_alerts(world) -> None:
    her = world.survivor_a
    duress_passphrase_set(survivor=her, passphrase=SECOND, current_passphrase=USUAL)
    assert _kinds(her) == []  # setting one for the first time is hers to do
    duress_passphrase_set(
        survivor=her, passphrase="seven orange lanterns", current_passphrase=USUAL
    )
    assert _kinds(her) == ["second_changed"]
    with pytest.raises(PortalError) as refused:
        duress_passphrase_clear(survivor=her, actor=her.user)
    assert refused.value.code == "wrong_passphrase"
    her.refresh_from_db()
    assert her.duress_passphrase
    duress_passphrase_clear(survivor=her, actor=her.user, current_passphrase=USUAL)
    her.refresh_from_db()
    assert her.duress_passphrase == ""
    assert _kinds(her) == ["second_changed", "second_removed"]


def _normalised(queries: list[dict]) -> list[str]:
    """SQL shapes, without values that differ by account (ids, hashes, times)."""
    shapes = []
    for query in queries:
        sql = re.sub(r"'[^']*'", "?", query["sql"])
        sql = re.sub(r"\b\d+\b", "N", sql)
        sql = re.sub(r"\"s\w+_x\w+\"", "SAVEPOINT_ID", sql)
        shapes.append(sql)
    return shapes


@override_settings(PASSWORD_HASHERS=["tests.portal.test_quiet_changes.CountingHasher"])
def test_a_duress_sign_in_does_the_same_work_as_a_normal_one(world) -> None:
    for survivor in (world.survivor_a, world.survivor_b):
        survivor.user.set_password(USUAL)
        survivor.user.save()
    duress_passphrase_set(survivor=world.survivor_a, passphrase=SECOND, current_passphrase=USUAL)
    duress_passphrase_set(survivor=world.survivor_b, passphrase=SECOND, current_passphrase=USUAL)
    runs = {}
    for name, username, passphrase in (
        ("normal", world.survivor_b.user.username, USUAL),
        ("duress", world.survivor_a.user.username, SECOND),
        ("wrong", world.survivor_b.user.username, "not the one at all"),
        ("unknown", "nobody-at-all", USUAL),
    ):
        HASHES.clear()
        with CaptureQueriesContext(connection) as queries:
            response = Client().post("/", {"username": username, "passphrase": passphrase})
        runs[name] = (response.status_code, len(HASHES), _normalised(queries.captured_queries))
    assert runs["normal"][0] == runs["duress"][0] == 303
    # Two hashes on every path: her usual passphrase and her second one.
    assert {name: run[1] for name, run in runs.items()} == dict.fromkeys(runs, 2)
    # The same queries, except the one alert her worker gets.
    alert_insert = [q for q in runs["duress"][2] if 'INSERT INTO "survivors_alert"' in q]
    assert len(alert_insert) == 1
    assert [q for q in runs["duress"][2] if q not in alert_insert] == runs["normal"][2]
