"""Before any change of how a member of staff signs in, she gives her password
and a current code again (SPEC 8; OWASP ASVS level 2): a new set of backup
codes, a new authenticator, a new password. A signed-in session alone (an
unlocked browser, a stolen cookie) changes nothing, and wrong tries count
towards the same lockout as staff sign-in."""

from __future__ import annotations

import base64
import re

from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import AuditAction, AuditEvent, BackupCode, BackupCodeDevice, User

from ..conftest import sign_in
from ..factories import staff_user
from .test_staff_sign_in import code_for

PASSWORD = "correct-horse-battery"  # tests.factories' staff password
NEW_PASSWORD = "walnut orchard lantern 58"
CODE = re.compile(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>")


def authenticator_code(user: User, *, ahead: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return code_for(base64.b32encode(device.bin_key).decode(), ahead)


def throttles_reset() -> None:
    """As if she waited: a failure slows the next try down (django-otp)."""
    TOTPDevice.objects.update(throttling_failure_count=0)
    BackupCodeDevice.objects.update(throttling_failure_count=0)


def make_codes(client: Client, data: dict[str, str]) -> tuple[int, list[str], str]:
    response = client.post("/staff/security/", data)
    body = response.content.decode()
    return response.status_code, CODE.findall(body), body


def backup_code_signs_in(username: str, code: str) -> bool:
    client = Client()
    client.post("/staff/login/", {"username": username, "password": PASSWORD})
    return client.post("/staff/otp/verify/", {"backup_code": code}).status_code == 302


def test_a_signed_in_session_alone_gets_no_new_backup_codes(world) -> None:
    worker = world.wss_a
    client = sign_in(Client(), worker)
    status, old_codes, _ = make_codes(
        client, {"password": PASSWORD, "code": authenticator_code(worker)}
    )
    assert status == 200 and len(old_codes) == 10
    made = AuditEvent.objects.filter(action=AuditAction.STAFF_BACKUP_CODES_GENERATE).count()

    for data in (
        {},  # the cookie and the CSRF token only
        {"password": PASSWORD},
        {"code": authenticator_code(worker, ahead=1)},
        {"password": "not her password", "code": authenticator_code(worker, ahead=1)},
        {"password": PASSWORD, "code": "123456"},
        {"password": PASSWORD, "code": "aaaa-bbbb-cccc-dddd"},
    ):
        throttles_reset()
        status, codes, body = make_codes(client, data)
        assert status == 400, data
        assert codes == [], data
        assert "nothing was changed" in body or "This field is required" in body, data

    # Nothing changed: the same ten codes, and an old one still signs her in.
    throttles_reset()
    assert BackupCode.objects.filter(device__user=worker).count() == 10
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_BACKUP_CODES_GENERATE).count() == made
    assert backup_code_signs_in(worker.username, old_codes[0])


def test_her_password_and_a_current_code_make_a_new_set(world) -> None:
    worker = world.wss_a
    client = sign_in(Client(), worker)
    _, old_codes, _ = make_codes(client, {"password": PASSWORD, "code": authenticator_code(worker)})
    # One of her backup codes does instead of the app (a flat phone).
    status, new_codes, body = make_codes(client, {"password": PASSWORD, "code": old_codes[1]})
    assert status == 200 and len(new_codes) == 10
    assert "New backup codes made" in body
    assert not backup_code_signs_in(worker.username, old_codes[0])
    throttles_reset()
    assert backup_code_signs_in(worker.username, new_codes[0])


def test_a_wrong_code_counts_towards_the_authenticators_throttle(world) -> None:
    worker = world.wss_a
    client = sign_in(Client(), worker)
    make_codes(client, {"password": PASSWORD, "code": "000000"})
    assert TOTPDevice.objects.get(user=worker).throttling_failure_count == 1
    # Straight after the failure even the right code waits (django-otp's throttle).
    status, codes, _ = make_codes(
        client, {"password": PASSWORD, "code": authenticator_code(worker)}
    )
    assert status == 400 and codes == []


def test_wrong_passwords_lock_her_out_as_staff_sign_in_does(world, settings) -> None:
    worker = world.wss_a
    client = sign_in(Client(), worker)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        make_codes(client, {"password": "a guess", "code": authenticator_code(worker)})
    assert AccessAttempt.objects.filter(username=worker.username).exists()
    # Now even her right password is refused here, and at the sign-in page.
    status, codes, body = make_codes(
        client, {"password": PASSWORD, "code": authenticator_code(worker)}
    )
    assert codes == [] and "Too many attempts" in body
    signing_in = Client().post("/staff/login/", {"username": worker.username, "password": PASSWORD})
    assert not signing_in.get("Location", "").startswith("/staff/otp/")


def test_a_password_change_needs_her_password_and_a_current_code(world) -> None:
    worker = world.wss_a
    client = sign_in(Client(), worker)
    change = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for data in (
        {**change, "password": PASSWORD},
        {**change, "password": PASSWORD, "code": "123456"},
        {**change, "password": "not it", "code": authenticator_code(worker)},
    ):
        throttles_reset()
        response = client.post("/staff/password/", data)
        assert response.status_code == 400, data
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD) and not worker.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action=AuditAction.STAFF_PASSWORD_CHANGE).exists()

    throttles_reset()
    done = client.post(
        "/staff/password/",
        {**change, "password": PASSWORD, "code": authenticator_code(worker, ahead=1)},
        follow=True,
    )
    assert "Your password has been changed." in done.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_PASSWORD_CHANGE).exists()


def test_a_new_authenticator_needs_her_password_again() -> None:
    """A manager's reset leaves her with no second factor; whoever holds the
    browser after the password step cannot put their own phone in its place."""
    user = staff_user("WSS worker", username="reset-worker", otp=False)
    client = Client()
    client.post("/staff/login/", {"username": "reset-worker", "password": PASSWORD})
    key = client.get("/staff/otp/setup/").context["key"]
    for data in ({"token": code_for(key)}, {"password": "not it", "token": code_for(key)}):
        response = client.post("/staff/otp/setup/", data)
        assert response.status_code == 200, data
        assert not TOTPDevice.objects.get(user=user).confirmed, data
    assert "That password did not work" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.STAFF_OTP_ENROLLED).exists()

    done = client.post("/staff/otp/setup/", {"password": PASSWORD, "token": code_for(key)})
    assert done.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_OTP_ENROLLED, actor=user).exists()
