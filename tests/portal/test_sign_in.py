"""Signing in: enumeration resistance, lockout and cool-off, a new session key,
the second (duress) passphrase, activation through the page, timeouts."""

from __future__ import annotations

import time
from datetime import time as time_of_day
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, override_settings
from django.utils import timezone

from contacts.models import AuditEvent
from survivors.models import Alert, Message, SafeContactWindow
from survivors.services.activation import activation_code_issue
from survivors.services.safe_contact import Window, safe_contact_update
from survivors.services.second_passphrase import duress_passphrase_set

from ..conftest import sign_in, without_csrf_token

PASSPHRASE = "a long passphrase 42"
SECOND = "blue kettle morning"


class CountingHasher(MD5PasswordHasher):
    """A real (fast) password hasher that counts every hash it computes: checking
    a passphrase and hashing a dummy one both go through ``encode``."""

    algorithm = "counting_md5"
    computed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.computed += 1
        return super().encode(password, salt)


COUNTING_HASHER = "tests.portal.test_sign_in.CountingHasher"


def _normalise(body: str, username: str) -> str:
    body = without_csrf_token(body)
    return body.replace(f'value="{username}"', 'value="USERNAME"')


def test_a_wrong_passphrase_looks_the_same_whether_or_not_the_username_exists(world) -> None:
    real = world.survivor_a.user.username
    known = Client().post("/", {"username": real, "passphrase": "wrong guess"})
    unknown = Client().post("/", {"username": "nobody-at-all", "passphrase": "wrong guess"})
    assert known.status_code == unknown.status_code == 400
    assert _normalise(known.content.decode(), real) == _normalise(
        unknown.content.decode(), "nobody-at-all"
    )
    assert "did not match" in known.content.decode()
    assert sorted(known.headers) == sorted(unknown.headers)


def test_staff_cannot_sign_in_to_the_portal(world) -> None:
    response = Client().post(
        "/", {"username": world.wss_a.username, "passphrase": "correct-horse-battery"}
    )
    assert response.status_code == 400
    assert "did not match" in response.content.decode()


@override_settings(PASSWORD_HASHERS=[COUNTING_HASHER])
def test_sign_in_does_the_same_hashing_for_existing_and_unknown_usernames(world) -> None:
    """Same timing by construction (SPEC 8): every failed attempt computes the same
    number of password hashes, whether the username exists (with or without a
    second passphrase), belongs to staff, or does not exist at all: one for the
    second passphrase (a dummy when there is none) and one for the passphrase
    (Django's dummy when there is no such user). The wall-clock figure is
    measured by `make security` (security/test_sign_in_timing.py), not here:
    a timing assertion fails on a busy machine."""
    user = world.survivor_a.user
    user.set_password(PASSPHRASE)
    user.save()
    duress_passphrase_set(
        survivor=world.survivor_a, passphrase=SECOND, current_passphrase=PASSPHRASE
    )
    world.survivor_b.user.set_password(PASSPHRASE)
    world.survivor_b.user.save()

    def hashes_for(username: str, attempt: int) -> int:
        client = Client(REMOTE_ADDR=f"10.1.{attempt}.1")  # no lockout
        before = CountingHasher.computed
        response = client.post("/", {"username": username, "passphrase": "wrong guess 123"})
        assert response.status_code == 400
        return CountingHasher.computed - before

    names = {
        "with a second passphrase": user.username,
        "without one": world.survivor_b.user.username,
        "a staff account": world.wss_a.username,
        "no such account": "nobody-at-all",
    }
    counts = {label: {hashes_for(name, n) for n in range(3)} for label, name in names.items()}
    assert counts == dict.fromkeys(names, {2}), counts


def test_signing_in_starts_a_new_session(world) -> None:
    client = Client()
    client.get("/")
    client.cookies["sessionid"] = "planted-by-someone-else"
    response = client.post(
        "/", {"username": world.survivor_a.user.username, "passphrase": PASSPHRASE}
    )
    assert response.status_code == 303 and response["Location"] == "/"
    assert client.cookies["sessionid"].value != "planted-by-someone-else"
    assert "His current status" in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="portal.sign_in", survivor_id=world.survivor_a.pk)


def test_lockout_by_username_and_address_with_a_cool_off(world) -> None:
    username = world.survivor_a.user.username
    client = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(4):
        assert (
            client.post("/", {"username": username, "passphrase": "bad guess"}).status_code == 400
        )
    # The fifth failure locks; then even her right passphrase is refused for now.
    assert client.post("/", {"username": username, "passphrase": "bad guess"}).status_code == 429
    locked = client.post("/", {"username": username, "passphrase": PASSPHRASE})
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many attempts" in body and "15 minutes" in body
    assert "<title>Garden Club</title>" in body
    # An unknown username is locked out exactly the same way.
    other = Client(REMOTE_ADDR="10.1.1.1")
    for _ in range(5):
        other.post("/", {"username": "nobody-at-all", "passphrase": "bad guess"})
    unknown = other.post("/", {"username": "nobody-at-all", "passphrase": "bad guess"})
    assert unknown.status_code == 429
    assert _normalise(unknown.content.decode(), "x") == _normalise(body, "x")
    # From another address she can still sign in: he cannot lock her out everywhere.
    elsewhere = Client(REMOTE_ADDR="10.2.2.2")
    assert elsewhere.post("/", {"username": username, "passphrase": PASSPHRASE}).status_code == 303
    # After the cool-off the first address works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert client.post("/", {"username": username, "passphrase": PASSPHRASE}).status_code == 303


def test_the_second_passphrase_shows_an_empty_account_and_alerts_her_worker(world) -> None:
    survivor = world.survivor_a
    duress_passphrase_set(survivor=survivor, passphrase=SECOND, current_passphrase=PASSPHRASE)
    safe_contact_update(
        actor=survivor.user,
        survivor=survivor,
        safe_phone="07911 123456",
        voicemail_safe=True,
        code_word="bluebell",
        windows=[
            Window(
                weekday=1,
                starts_at=time_of_day(9),
                ends_at=time_of_day(10),
            )
        ],
        current_passphrase=PASSPHRASE,
    )
    client = Client()
    response = client.post("/", {"username": survivor.user.username, "passphrase": SECOND})
    assert response.status_code == 303 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "There is nothing to show here yet." in home
    assert "His current status" not in home
    settings_page = client.get("/settings/").content.decode()
    for secret in ("7911", "bluebell", "You have a second passphrase", "Remove this time"):
        assert secret not in settings_page
    alert = Alert.objects.get(survivor=survivor, kind="duress")
    assert alert.kind == "duress" and alert.urgent
    # Whatever is done under duress is not stored.
    saved = client.post(
        "/settings/",
        {
            "safe_phone": "07912 345678",
            "code_word": "changed",
            "current_passphrase": SECOND,
            "window-TOTAL_FORMS": "0",
            "window-INITIAL_FORMS": "0",
        },
    )
    assert saved.status_code == 303
    assert client.post("/settings/pause/", {"paused": "1"}).status_code == 303
    # ...though the account behaves normally for whoever is holding the phone.
    shown = client.get("/settings/").content.decode()
    assert 'value="+447912345678"' in shown and "Start contact again" in shown
    survivor.refresh_from_db()
    assert survivor.safe_phone == "+447911123456" and survivor.code_word == "bluebell"
    assert not survivor.contact_paused
    assert SafeContactWindow.objects.filter(survivor=survivor).count() == 1
    assert Message.objects.filter(survivor=survivor).count() == 1


def test_her_usual_passphrase_does_not_raise_an_alert(world) -> None:
    survivor = world.survivor_a
    duress_passphrase_set(survivor=survivor, passphrase=SECOND, current_passphrase=PASSPHRASE)
    client = Client()
    client.post("/", {"username": survivor.user.username, "passphrase": PASSPHRASE})
    assert "His current status" in client.get("/").content.decode()
    assert not Alert.objects.filter(survivor=survivor).exists()


def test_activation_page_sets_up_her_account_and_signs_her_in(world) -> None:
    survivor = world.survivor_b
    survivor.user = None
    survivor.save()
    code = activation_code_issue(actor=world.wss_other, survivor=survivor)
    client = Client()
    form = {
        "code": code,
        "username": "wren",
        "passphrase": "short",
        "passphrase_again": "short",
    }
    weak = client.post("/start/", form)
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    form.update(passphrase="orange kettle river seven", passphrase_again="orange kettle river 7")
    assert "two passphrases are different" in client.post("/start/", form).content.decode()
    form.update(passphrase_again="orange kettle river seven")
    done = client.post("/start/", form)
    assert done.status_code == 303
    assert "Your account is ready" in client.get("/").content.decode()
    again = Client().post("/start/", {**form, "username": "wren2"})
    assert "expired or been used" in again.content.decode()


def test_idle_timeout_ends_her_session(world, settings) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    assert client.get("/settings/").status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    assert client.get("/settings/")["Location"] == "/"
    assert client.get("/settings/")["Location"] == "/"  # still signed out


def test_absolute_timeout_ends_her_session_even_when_active(world, settings) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    client.get("/")
    session = client.session
    session["started_at"] = int(time.time()) - settings.SESSION_ABSOLUTE_TIMEOUT - 1
    session["last_seen"] = int(time.time())
    session.save()
    assert client.get("/settings/")["Location"] == "/"


def test_idle_timeout_defaults_to_fifteen_minutes(settings) -> None:
    assert settings.SESSION_IDLE_TIMEOUT == 15 * 60


@pytest.mark.parametrize("path", ["/leave/"])
def test_quick_exit_ends_the_session_and_clears_site_data(world, path: str) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    key = client.session.session_key
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "https://www.bbc.co.uk/weather"
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response["Cache-Control"] == "no-store"
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()


def test_sign_out_ends_the_session_and_clears_site_data(world) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    response = client.post("/sign-out/")
    assert response["Location"] == "/"
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get("/settings/")["Location"] == "/"


def test_quick_exit_goes_where_comms_staff_chose(world, pages) -> None:
    from wagtail.models import Site

    from cms.models import BrandingSettings

    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.quick_exit_url = "https://www.example.org/recipes"
    branding.save()
    response = sign_in(Client(), world.survivor_a.user).get("/leave/")
    assert response["Location"] == "https://www.example.org/recipes"
