"""Her setup code cannot be used to learn which usernames exist (SPEC 2: nothing
shows that an account exists; SPEC 8). Every refused name gets the same answer,
whether it is a staff account's, another woman's, reserved or malformed; a
code allows ACTIVATION_USERNAME_REFUSALS refused names, then stops working and
her worker is told, by an alert that carries no username."""

from __future__ import annotations

from django.test import Client

from survivors.models import ActivationCode, Alert
from survivors.services.activation import activation_code_issue

from ..conftest import client_for, without_csrf_token

GOOD = "orange kettle river seven"


def _newcomer(world):
    survivor = world.survivor_b
    survivor.user = None
    survivor.save()
    return survivor


def _try(client: Client, code: str, username: str):
    return client.post(
        "/start/",
        {"code": code, "username": username, "passphrase": GOOD, "passphrase_again": GOOD},
    )


def _answer(response, code: str, username: str) -> str:
    """The page as she sees it, without what she typed and the form token."""
    body = without_csrf_token(response.content.decode())
    return body.replace(f'value="{code}"', 'value="…"').replace(f'value="{username}"', 'value="…"')


def test_staff_survivor_reserved_and_malformed_names_get_one_answer(world) -> None:
    survivor = _newcomer(world)
    names = {
        "staff": world.wss_a.username,
        "manager": world.manager.username,
        "another woman": world.survivor_a.user.username,
        "reserved": "admin",
        "names the site": "support-group",
        "malformed": "no spaces allowed",
    }
    answers = {}
    for n, (reason, username) in enumerate(names.items()):
        # A fresh code and address each time, so no limit is reached.
        code = activation_code_issue(actor=world.wss_other, survivor=survivor)
        response = _try(Client(REMOTE_ADDR=f"10.30.0.{n + 1}"), code, username)
        assert response.status_code == 400, reason
        answers[reason] = _answer(response, code, username)
    assert len(set(answers.values())) == 1, [r for r in answers if answers[r] != answers["staff"]]
    assert "That username cannot be used" in answers["staff"]


def test_each_refused_name_counts_and_a_malformed_one_does_not(world) -> None:
    survivor = _newcomer(world)
    code = activation_code_issue(actor=world.wss_other, survivor=survivor)
    client = Client(REMOTE_ADDR="10.31.0.1")
    _try(client, code, "no spaces allowed")
    assert (
        ActivationCode.objects.get(survivor=survivor, used_at__isnull=True).username_refusals == 0
    )
    _try(client, code, world.wss_a.username)
    _try(client, code, world.survivor_a.user.username)
    assert (
        ActivationCode.objects.get(survivor=survivor, used_at__isnull=True).username_refusals == 2
    )


def test_at_the_limit_the_code_is_spent_and_her_worker_is_told_without_the_names(
    world, settings
) -> None:
    survivor = _newcomer(world)
    code = activation_code_issue(actor=world.wss_other, survivor=survivor)
    tried = [world.wss_a.username, world.manager.username, world.survivor_a.user.username]
    for n in range(settings.ACTIVATION_USERNAME_REFUSALS):
        response = _try(Client(REMOTE_ADDR=f"10.32.0.{n + 1}"), code, tried[n % len(tried)])
        assert "That username cannot be used" in response.content.decode()
        told = Alert.objects.filter(survivor=survivor, kind=Alert.Kind.CODE_SPENT)
        assert told.count() == (1 if n + 1 == settings.ACTIVATION_USERNAME_REFUSALS else 0)
    # Spent: even a free name is refused now, as any expired code is.
    spent = _try(Client(REMOTE_ADDR="10.32.1.1"), code, "wren-free")
    assert "expired or been used" in spent.content.decode()
    survivor.refresh_from_db()
    assert survivor.user is None
    # Her worker sees a neutral alert on her caseload; no name tried is on it.
    page = client_for("wss_other", world).get(f"/staff/cases/{survivor.pk}/").content.decode()
    assert "Setup code stopped working" in page
    for username in tried + ["wren-free"]:
        assert username not in page
