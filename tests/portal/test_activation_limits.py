"""The activation page is not a username oracle (SPEC 8): one answer
for a taken name (staff or survivor) and a reserved one, a few refused names
per code, and tries limited per address and per code."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from contacts.models import AuditEvent
from survivors.models import ActivationAttempt, ActivationCode
from survivors.services.activation import activation_code_issue

from ..conftest import without_csrf_token

GOOD = "orange kettle river seven"


def _newcomer(world):
    survivor = world.survivor_b
    survivor.user = None
    survivor.save()
    return survivor, activation_code_issue(actor=world.wss_other, survivor=survivor)


def _try(client: Client, code: str, username: str, passphrase: str = GOOD):
    return client.post(
        "/start/",
        {
            "code": code,
            "username": username,
            "passphrase": passphrase,
            "passphrase_again": passphrase,
        },
    )


def _masked(body: str, username: str) -> str:
    body = without_csrf_token(body)
    return body.replace(f'value="{username}"', 'value="…"')


def test_a_survivors_username_is_answered_like_a_reserved_one(world) -> None:
    _, code = _newcomer(world)
    client = Client(REMOTE_ADDR="10.20.0.2")
    taken = world.survivor_a.user.username
    first = _masked(_try(client, code, taken).content.decode(), taken)
    second = _masked(_try(client, code, "support-group").content.decode(), "support-group")
    assert first == second
    assert "That username cannot be used" in first
    assert "taken" not in first and "in use" not in first


def test_one_code_cannot_test_more_than_a_few_usernames(world) -> None:
    survivor, code = _newcomer(world)
    client = Client(REMOTE_ADDR="10.20.0.3")
    for username in ("admin", world.survivor_a.user.username, "staff"):
        assert "That username cannot be used" in _try(client, code, username).content.decode()
    # The code has stopped working, even with a name that is free.
    spent = _try(client, code, "wren-free")
    assert spent.status_code == 400
    assert "expired or been used" in spent.content.decode()
    survivor.refresh_from_db()
    assert survivor.user is None
    assert AuditEvent.objects.filter(action="activation_code.spent", survivor_id=survivor.pk)
    # Her worker issues a new one and she carries on.
    fresh = activation_code_issue(actor=world.wss_other, survivor=survivor)
    assert _try(client, fresh, "wren-free").status_code == 303


def test_a_weak_passphrase_does_not_use_up_the_code(world) -> None:
    _, code = _newcomer(world)
    client = Client(REMOTE_ADDR="10.20.0.4")
    for _ in range(3):
        assert "too short" in _try(client, code, "wren", passphrase="short").content.decode()
    assert ActivationCode.objects.get(used_at__isnull=True).username_refusals == 0
    assert _try(client, code, "wren").status_code == 303


def test_tries_are_limited_per_address_with_a_neutral_answer(world, settings) -> None:
    _, code = _newcomer(world)
    client = Client(REMOTE_ADDR="10.20.0.5")
    for n in range(settings.ACTIVATION_TRIES_PER_ADDRESS):
        assert _try(client, f"WRONG-CODE-{n:04d}", "wren").status_code == 400
    limited = _try(client, code, "wren")
    assert limited.status_code == 429
    assert "Too many tries. Wait 15 minutes" in limited.content.decode()
    # Her valid code from another address still works.
    assert _try(Client(REMOTE_ADDR="10.20.0.6"), code, "wren").status_code == 303


def test_tries_are_limited_per_code_from_any_address(world, settings) -> None:
    _, code = _newcomer(world)
    for n in range(settings.ACTIVATION_TRIES_PER_CODE):
        client = Client(REMOTE_ADDR=f"10.21.0.{n + 1}")
        assert _try(client, code, "wren", passphrase="short").status_code == 400
    limited = _try(Client(REMOTE_ADDR="10.21.1.1"), code, "wren")
    assert limited.status_code == 429
    assert "Too many tries. Wait 15 minutes" in limited.content.decode()
    # The same neutral answer for a code that was never valid.
    for n in range(settings.ACTIVATION_TRIES_PER_CODE):
        _try(Client(REMOTE_ADDR=f"10.22.0.{n + 1}"), "NEVER-VALID-0000", "wren")
    never = _try(Client(REMOTE_ADDR="10.22.1.1"), "NEVER-VALID-0000", "wren")
    assert never.status_code == 429
    assert _masked(never.content.decode().replace("NEVER-VALID-0000", code), "wren") == _masked(
        limited.content.decode(), "wren"
    )
    # After the window she can try again; the retention run purges old tries.
    ActivationAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert _try(Client(REMOTE_ADDR="10.21.1.1"), code, "wren").status_code == 303
    from checkins.services.retention import retention_apply

    retention_apply()
    assert not ActivationAttempt.objects.filter(at__lt=timezone.now() - timedelta(minutes=15))
