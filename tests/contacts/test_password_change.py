"""Staff change their own password (SPEC 8): any time, with the old one, a
current code and Django's password validators; before anything else after a manager set or
reset it, so the manager never knows a password in use; and the session key
changes when the TOTP step succeeds."""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import roles
from contacts.models import AuditEvent, User
from contacts.services import accounts

from ..conftest import sign_in
from .test_staff_sign_in import code_for

NEW_PASSWORD = "walnut orchard lantern 58"


def _sign_in_with_totp(client: Client, username: str, password: str, *, step: int = 0) -> None:
    """Password, then set up (or verify) the authenticator, as a person would.

    ``step`` uses the next 30-second code (a code is accepted once)."""
    login = client.post("/staff/login/", {"username": username, "password": password})
    assert login.status_code == 302
    if login["Location"].startswith("/staff/otp/setup/"):
        client.get("/staff/otp/setup/")
        device = TOTPDevice.objects.get(user__username=username, confirmed=False)
        url = "/staff/otp/setup/"
        data = {"password": password}
    else:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        url = "/staff/otp/verify/"
        data = {}
    key = base64.b32encode(device.bin_key).decode()
    assert client.post(url, {**data, "token": code_for(key, step)}).status_code == 302


def _current_code(username: str, *, step: int) -> str:
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return code_for(base64.b32encode(device.bin_key).decode(), step)


def test_a_password_set_by_a_manager_must_be_changed_before_anything_else(world) -> None:
    user, temporary = accounts.staff_account_create(
        actor=world.manager, username="new.worker", role_names=[roles.WSS_WORKER]
    )
    client = Client()
    _sign_in_with_totp(client, "new.worker", temporary)
    for path in ("/staff/", "/staff/caseload/", "/staff/account/", "/editor/", "/ops/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/staff/password/", path
    page = client.get("/staff/password/")
    assert page.status_code == 200
    assert "Choose your own before you continue" in page.content.decode()

    # The code she signed in with is spent; the app's next one is asked for.
    code = _current_code("new.worker", step=1)
    wrong_old = client.post(
        "/staff/password/",
        {
            "password": "not it",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "code": code,
        },
    )
    assert wrong_old.status_code == 400
    assert "That password or code did not work" in wrong_old.content.decode()
    weak = client.post(
        "/staff/password/",
        {
            "password": temporary,
            "new_password1": "password1",
            "new_password2": "password1",
            "code": code,
        },
    )
    assert weak.status_code == 400
    assert "too short" in weak.content.decode() or "too common" in weak.content.decode()
    assert client.get("/staff/caseload/")["Location"] == "/staff/password/"

    done = client.post(
        "/staff/password/",
        {
            "password": temporary,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "code": code,
        },
        follow=True,
    )
    assert "Your password has been changed." in done.content.decode()
    assert client.get("/staff/caseload/").status_code == 200  # still signed in, verified
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(NEW_PASSWORD) and not user.check_password(temporary)
    assert AuditEvent.objects.filter(action="staff.password_change", actor=user).exists()

    # A manager's reset asks for a new choice again.
    again = accounts.staff_password_reset(actor=world.manager, user=user)
    fresh = Client()
    # The next day: no code of hers has been spent yet.
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    _sign_in_with_totp(fresh, "new.worker", again)
    assert fresh.get("/staff/caseload/")["Location"] == "/staff/password/"


def test_staff_change_their_password_any_time_and_other_sessions_end(world) -> None:
    elsewhere = sign_in(Client(), world.wss_a)
    here = sign_in(Client(), world.wss_a)
    assert "Change my password" in here.get("/staff/account/").content.decode()
    response = here.post(
        "/staff/password/",
        {
            "password": "correct-horse-battery",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "code": _current_code(world.wss_a.username, step=0),
        },
    )
    assert response.status_code == 302
    assert here.get("/staff/caseload/").status_code == 200
    assert elsewhere.get("/staff/caseload/")["Location"].startswith("/staff/login/")
    assert User.objects.get(pk=world.wss_a.pk).check_password(NEW_PASSWORD)


def test_the_session_key_changes_when_the_totp_step_succeeds(world) -> None:
    client = Client()
    cookie = settings.SESSION_COOKIE_NAME
    login = client.post(
        "/staff/login/", {"username": "worker-a", "password": "correct-horse-battery"}
    )
    assert login["Location"].startswith("/staff/otp/verify/")
    after_password = client.cookies[cookie].value
    device = TOTPDevice.objects.get(user=world.wss_a)
    key = base64.b32encode(device.bin_key).decode()
    assert client.post("/staff/otp/verify/", {"token": code_for(key)}).status_code == 302
    after_totp = client.cookies[cookie].value
    assert after_totp != after_password
    assert client.get("/staff/caseload/").status_code == 200
    # The key from the password step is gone server-side and opens nothing.
    assert not Session.objects.filter(session_key=after_password).exists()
    replay = Client()
    replay.cookies[cookie] = after_password
    assert replay.get("/staff/caseload/")["Location"].startswith("/staff/login/")
