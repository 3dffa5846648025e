"""Portal services: activation codes, her account, lockout, safe contact, pause,
second passphrase."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from contacts.models import AuditEvent, User
from survivors.errors import PortalError
from survivors.models import ActivationCode, SafeContactWindow
from survivors.selectors import portal as portal_selectors
from survivors.services import cases as cases_services
from survivors.services.activation import (
    activation_code_issue,
    code_hash,
    survivor_activate,
    survivor_lockout_lift,
)
from survivors.services.safe_contact import Window, contact_pause, safe_contact_update
from survivors.services.second_passphrase import duress_passphrase_clear, duress_passphrase_set

from ..factories import SurvivorFactory

GOOD = "orange kettle river seven"


@pytest.fixture
def newcomer(world):
    """A survivor her worker has just added: no account yet."""
    survivor = SurvivorFactory.create(known_as="New Person")
    cases_services.survivor_allocate(actor=world.manager, survivor=survivor, worker=world.wss_a)
    survivor.refresh_from_db()
    return survivor


# --- Activation codes ---------------------------------------------------------------


def test_her_worker_gets_a_readable_code_and_only_its_hash_is_stored(world, newcomer) -> None:
    code = activation_code_issue(actor=world.wss_a, survivor=newcomer)
    assert len(code.replace("-", "")) == 12
    stored = ActivationCode.objects.get(survivor=newcomer)
    state = portal_selectors.portal_account_state(survivor=newcomer)
    assert state["code_expires_at"] == stored.expires_at and not state["has_account"]
    assert stored.code_hash == code_hash(code) != code
    assert code not in str(list(ActivationCode.objects.values()))
    assert stored.expires_at - timezone.now() > timedelta(hours=71, minutes=59)
    assert stored.expires_at - timezone.now() <= timedelta(hours=72)
    assert AuditEvent.objects.filter(action="activation_code.issue", survivor_id=newcomer.pk)


def test_a_manager_may_issue_a_code_but_other_staff_may_not(world, newcomer) -> None:
    assert activation_code_issue(actor=world.manager, survivor=newcomer)
    for actor in (world.wss_other, world.programme, world.comms):
        with pytest.raises(PortalError) as error:
            activation_code_issue(actor=actor, survivor=newcomer)
        assert error.value.code == "not_allowed"


def test_activation_creates_her_account_and_the_code_works_once(world, newcomer) -> None:
    code = activation_code_issue(actor=world.wss_a, survivor=newcomer)
    user = survivor_activate(code=code.lower(), username="bluebird", passphrase=GOOD)
    newcomer.refresh_from_db()
    assert newcomer.user == user
    assert user.kind == User.Kind.SURVIVOR and user.check_password(GOOD)
    assert not user.groups.exists() and not user.is_staff
    with pytest.raises(PortalError) as error:
        survivor_activate(code=code, username="bluebird2", passphrase=GOOD)
    assert error.value.code == "invalid_code"
    assert "expired or been used" in error.value.message


def test_an_expired_code_is_refused(world, newcomer) -> None:
    code = activation_code_issue(actor=world.wss_a, survivor=newcomer)
    ActivationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(PortalError) as error:
        survivor_activate(code=code, username="bluebird", passphrase=GOOD)
    assert error.value.code == "invalid_code"
    assert not User.objects.filter(username="bluebird").exists()


def test_a_new_code_cancels_the_older_unused_one(world, newcomer) -> None:
    first = activation_code_issue(actor=world.wss_a, survivor=newcomer)
    second = activation_code_issue(actor=world.wss_a, survivor=newcomer)
    with pytest.raises(PortalError):
        survivor_activate(code=first, username="bluebird", passphrase=GOOD)
    assert survivor_activate(code=second, username="bluebird", passphrase=GOOD)


def test_weak_passphrase_and_taken_username_are_explained_and_change_nothing(
    world,
    newcomer,
) -> None:
    code = activation_code_issue(actor=world.wss_a, survivor=newcomer)
    with pytest.raises(PortalError) as error:
        survivor_activate(code=code, username="bluebird", passphrase="short")
    assert error.value.code == "weak_passphrase"
    assert "too short" in error.value.message
    with pytest.raises(PortalError) as error:
        survivor_activate(code=code, username=world.survivor_a.user.username, passphrase=GOOD)
    assert error.value.code == "username_unavailable"
    with pytest.raises(PortalError) as error:
        survivor_activate(code=code, username="a b", passphrase=GOOD)
    assert error.value.code == "username_invalid"
    newcomer.refresh_from_db()
    assert newcomer.user is None
    assert ActivationCode.objects.get().used_at is None  # still usable


def test_a_code_for_an_existing_account_resets_it_and_signs_out_old_devices(world) -> None:
    survivor = world.survivor_a
    old_device = Client()
    old_device.force_login(survivor.user)
    code = activation_code_issue(actor=world.wss_a, survivor=survivor)
    user = survivor_activate(code=code, username="newname", passphrase=GOOD)
    assert user.pk == survivor.user_id and user.username == "newname"
    assert old_device.get("/settings/").status_code == 302  # signed out


# --- Lockout ------------------------------------------------------------------------


def test_her_worker_lifts_a_lockout(world) -> None:
    username = world.survivor_a.user.username
    client = Client()
    for _ in range(5):
        client.post("/", {"username": username, "passphrase": "wrong guess here"})
    assert AccessAttempt.objects.filter(username=username).exists()
    assert portal_selectors.portal_account_state(survivor=world.survivor_a)["locked_out"]
    assert (
        client.post("/", {"username": username, "passphrase": "a long passphrase 42"}).status_code
        == 429
    )
    with pytest.raises(PortalError):
        survivor_lockout_lift(actor=world.wss_other, survivor=world.survivor_a)
    survivor_lockout_lift(actor=world.wss_a, survivor=world.survivor_a)
    assert not portal_selectors.portal_account_state(survivor=world.survivor_a)["locked_out"]
    response = client.post("/", {"username": username, "passphrase": "a long passphrase 42"})
    assert response.status_code == 303
    assert AuditEvent.objects.filter(action="survivor.lockout_lift").count() == 1


# --- Safe contact -------------------------------------------------------------------


def test_safe_contact_update_stores_e164_windows_and_an_audit_event(world) -> None:
    survivor = world.survivor_b
    safe_contact_update(
        actor=survivor.user,
        survivor=survivor,
        safe_phone="07911 123456",
        voicemail_safe=True,
        code_word="bluebell",
        windows=[
            Window(weekday=0, starts_at=time(9), ends_at=time(10)),
            Window(weekday=0, starts_at=time(18), ends_at=time(19, 30)),
            Window(weekday=3, starts_at=time(12), ends_at=time(13)),
        ],
        current_passphrase="a long passphrase 42",
    )
    survivor.refresh_from_db()
    assert survivor.safe_phone == "+447911123456"
    assert survivor.safe_phone_hash and survivor.voicemail_safe and survivor.code_word == "bluebell"
    assert list(
        SafeContactWindow.objects.filter(survivor=survivor).values_list("weekday", "starts_at")
    ) == [(0, time(9)), (0, time(18)), (3, time(12))]
    assert AuditEvent.objects.filter(action="safe_contact.update", survivor_id=survivor.pk)


def test_bad_phone_or_window_changes_nothing(world) -> None:
    survivor = world.survivor_a
    before = survivor.safe_phone
    for phone, windows in (
        ("12345", []),
        ("07911 123456", [Window(weekday=1, starts_at=time(10), ends_at=time(9))]),
    ):
        with pytest.raises(PortalError):
            safe_contact_update(
                actor=survivor.user,
                survivor=survivor,
                safe_phone=phone,
                voicemail_safe=False,
                code_word="",
                windows=windows,
                current_passphrase="a long passphrase 42",
            )
    survivor.refresh_from_db()
    assert survivor.safe_phone == before


def test_nobody_else_may_change_her_safe_contact(world) -> None:
    for actor in (world.survivor_b.user, world.wss_other, world.programme, world.manager):
        with pytest.raises(PortalError):
            safe_contact_update(
                actor=actor,
                survivor=world.survivor_a,
                safe_phone="",
                voicemail_safe=False,
                code_word="",
                windows=[],
                verification="in_person",
            )
    safe_contact_update(
        actor=world.wss_a,
        survivor=world.survivor_a,
        safe_phone="",
        voicemail_safe=False,
        code_word="",
        windows=[],
        notes="Only after 6pm",
        verification="in_person",
    )
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.safe_contact_notes == "Only after 6pm"


def test_pause_and_resume_are_audited(world) -> None:
    contact_pause(survivor=world.survivor_a, paused=True)
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.contact_paused
    contact_pause(survivor=world.survivor_a, paused=False, actor=world.wss_a)
    world.survivor_a.refresh_from_db()
    assert not world.survivor_a.contact_paused
    actions = list(
        AuditEvent.objects.filter(survivor_id=world.survivor_a.pk).values_list("action", flat=True)
    )
    assert "safe_contact.pause" in actions and "safe_contact.resume" in actions


def test_second_passphrase_needs_her_passphrase_and_must_differ(world) -> None:
    survivor = world.survivor_a
    with pytest.raises(PortalError) as error:
        duress_passphrase_set(
            survivor=survivor, passphrase=GOOD, current_passphrase="not mine at all"
        )
    assert error.value.code == "wrong_passphrase"
    with pytest.raises(PortalError) as error:
        duress_passphrase_set(
            survivor=survivor,
            passphrase="a long passphrase 42",
            current_passphrase="a long passphrase 42",
        )
    assert error.value.code == "same_as_passphrase"
    duress_passphrase_set(
        survivor=survivor, passphrase=GOOD, current_passphrase="a long passphrase 42"
    )
    survivor.refresh_from_db()
    assert survivor.duress_passphrase and GOOD not in survivor.duress_passphrase
    duress_passphrase_clear(survivor=survivor, actor=world.wss_a)
    survivor.refresh_from_db()
    assert survivor.duress_passphrase == ""
