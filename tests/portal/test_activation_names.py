"""Her setup code cannot be used to learn which usernames exist (SPEC 2: nothing
shows that an account exists; SPEC 8). Staff usernames are another namespace:
the portal never looks at them, so a staff name is simply free for her. Every
refused name gets the same answer, whether it is another woman's, reserved or
malformed; a code allows ACTIVATION_USERNAME_REFUSALS refused names, then stops
working and her worker is told, by an alert that carries no username."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.test import Client, RequestFactory

from contacts import roles
from contacts.services.accounts import staff_account_create
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


def test_a_staff_username_cannot_be_tested_from_the_portal(world) -> None:
    """Choosing a staff member's username is no different from choosing a free
    one: it is hers, nothing is counted, and both accounts sign in as before,
    each on its own side."""
    survivor = _newcomer(world)
    code = activation_code_issue(actor=world.wss_other, survivor=survivor)
    response = _try(Client(REMOTE_ADDR="10.29.0.1"), code, world.manager.username.upper())
    assert response.status_code == 303  # to her new home page
    survivor.refresh_from_db()
    assert survivor.user is not None
    assert survivor.user.username == world.manager.username.upper()
    assert ActivationCode.objects.get(survivor=survivor).username_refusals == 0
    her = authenticate(
        RequestFactory().post("/"), username=survivor.user.username, password=GOOD, portal=True
    )
    assert her == survivor.user
    password = "the manager's own password"
    world.manager.set_password(password)
    world.manager.save()
    assert (
        authenticate(RequestFactory().post("/"), username=world.manager.username, password=password)
        == world.manager
    )
    # Her passphrase opens nothing on the staff side, whatever the name.
    assert (
        authenticate(RequestFactory().post("/"), username=survivor.user.username, password=GOOD)
        is None
    )


def test_a_staff_account_can_take_a_name_a_woman_has_chosen(world) -> None:
    """Creating a staff account never tells a manager which names women have chosen."""
    taken = world.survivor_a.user.username
    user, _ = staff_account_create(
        actor=world.manager, username=taken, role_names=[roles.COMMS_STAFF]
    )
    assert user.username == taken and user.is_staff_member
    world.survivor_a.user.refresh_from_db()
    assert world.survivor_a.user.username == taken and world.survivor_a.user.is_survivor


def test_another_womans_reserved_and_malformed_names_get_one_answer(world) -> None:
    survivor = _newcomer(world)
    names = {
        "another woman": world.survivor_a.user.username,
        "another woman, other case": world.survivor_a.user.username.upper(),
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
    first = answers["another woman"]
    assert len(set(answers.values())) == 1, [r for r in answers if answers[r] != first]
    assert "That username cannot be used" in first


def test_each_refused_name_counts_and_a_malformed_one_does_not(world) -> None:
    survivor = _newcomer(world)
    code = activation_code_issue(actor=world.wss_other, survivor=survivor)
    client = Client(REMOTE_ADDR="10.31.0.1")
    _try(client, code, "no spaces allowed")
    assert (
        ActivationCode.objects.get(survivor=survivor, used_at__isnull=True).username_refusals == 0
    )
    _try(client, code, "admin")
    _try(client, code, world.survivor_a.user.username)
    assert (
        ActivationCode.objects.get(survivor=survivor, used_at__isnull=True).username_refusals == 2
    )


def test_at_the_limit_the_code_is_spent_and_her_worker_is_told_without_the_names(
    world, settings
) -> None:
    survivor = _newcomer(world)
    code = activation_code_issue(actor=world.wss_other, survivor=survivor)
    tried = ["admin", "support-group", world.survivor_a.user.username]
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
