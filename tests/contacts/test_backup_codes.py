"""Backup codes (SPEC 8): ten single-use codes, shown once,
stored hashed; one signs her in instead of the authenticator code (throttled
the same way); a new set invalidates the old; every use is audited and shown
to her."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import roles
from contacts.models import AuditAction, AuditEvent, BackupCode, BackupCodeDevice
from contacts.services import accounts

from ..conftest import sign_in
from ..factories import staff_user
from .test_staff_sign_in import code_for

CODE = re.compile(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>")


def authenticator_code(user, *, ahead: int = 0) -> str:
    """The code her authenticator app shows now (``ahead``: the next ones; a
    code is accepted once)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return code_for(base64.b32encode(device.bin_key).decode(), ahead)


def _make_codes(client: Client, user, *, ahead: int = 0) -> list[str]:
    """Make a new set as she does: her password and a current code again."""
    response = client.post(
        "/staff/security/",
        {"password": "correct-horse-battery", "code": authenticator_code(user, ahead=ahead)},
    )
    assert response.status_code == 200
    return CODE.findall(response.content.decode())


def _password_step(username: str = "worker-a") -> Client:
    client = Client()
    login = client.post(
        "/staff/login/", {"username": username, "password": "correct-horse-battery"}
    )
    assert login["Location"].startswith("/staff/otp/verify/")
    return client


def test_she_makes_ten_codes_shown_once_and_stored_hashed(world) -> None:
    client = sign_in(Client(), world.wss_a)
    assert "You have no backup codes yet" in client.get("/staff/security/").content.decode()
    codes = _make_codes(client, world.wss_a)
    assert len(codes) == len(set(codes)) == 10
    stored = list(BackupCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert all(code not in row and code.replace("-", "") not in row for row in stored)
    page = client.get("/staff/security/").content.decode()
    assert "<strong>10</strong> of your backup codes are unused" in page
    assert not any(code in page for code in codes)  # never shown again
    assert AuditEvent.objects.filter(
        action=AuditAction.STAFF_BACKUP_CODES_GENERATE, actor=world.wss_a
    ).exists()


def test_a_code_signs_her_in_once_and_she_sees_it_was_used(world) -> None:
    codes = _make_codes(sign_in(Client(), world.wss_a), world.wss_a)
    client = _password_step()
    assert client.get("/staff/caseload/")["Location"].startswith("/staff/otp/")
    used = client.post(
        "/staff/otp/verify/?next=/staff/caseload/", {"backup_code": codes[3].upper()}
    )
    assert used.status_code == 302 and used["Location"] == "/staff/caseload/"
    page = client.get("/staff/caseload/", follow=True)
    assert page.status_code == 200
    assert "9 unused codes left" in page.content.decode()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.STAFF_BACKUP_CODE_USE, actor=world.wss_a
        ).count()
        == 1
    )
    security = client.get("/staff/security/").content.decode()
    assert "<strong>9</strong> of your backup codes are unused" in security
    assert "Codes used (to sign in" in security
    # The same code again, in a new sign-in: refused.
    again = _password_step()
    BackupCodeDevice.objects.update(throttling_failure_count=0)
    refused = again.post("/staff/otp/verify/", {"backup_code": codes[3]})
    assert refused.status_code == 200
    assert "That backup code did not work" in refused.content.decode()
    assert again.get("/staff/caseload/")["Location"].startswith("/staff/otp/")


def test_a_new_set_makes_the_old_codes_useless(world) -> None:
    client = sign_in(Client(), world.wss_a)
    old = _make_codes(client, world.wss_a)
    new = _make_codes(client, world.wss_a, ahead=1)
    assert not set(old) & set(new)
    assert BackupCode.objects.count() == 10
    signing_in = _password_step()
    assert (
        "did not work"
        in signing_in.post("/staff/otp/verify/", {"backup_code": old[0]}).content.decode()
    )
    BackupCodeDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)
    assert signing_in.post("/staff/otp/verify/", {"backup_code": new[0]}).status_code == 302


def test_wrong_codes_are_throttled_like_the_authenticator(world) -> None:
    codes = _make_codes(sign_in(Client(), world.wss_a), world.wss_a)
    client = _password_step()
    for _ in range(3):
        client.post("/staff/otp/verify/", {"backup_code": "aaaa-bbbb-cccc-dddd"})
    # Straight after failures even a right code waits (django-otp's throttle).
    assert client.post("/staff/otp/verify/", {"backup_code": codes[0]}).status_code == 200
    # Once the wait has passed (here: the last failure long ago), it works.
    BackupCodeDevice.objects.update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )
    assert client.post("/staff/otp/verify/", {"backup_code": codes[0]}).status_code == 302


def test_a_badly_typed_code_gets_a_clear_message(world) -> None:
    client = _password_step()
    response = client.post("/staff/otp/verify/", {"backup_code": "12"})
    assert response.status_code == 200
    assert "Enter one of your backup codes" in response.content.decode()


def test_a_managers_authenticator_reset_removes_her_backup_codes_too(world) -> None:
    _make_codes(sign_in(Client(), world.wss_a), world.wss_a)
    accounts.staff_totp_reset(actor=world.manager, user=world.wss_a)
    assert not BackupCodeDevice.objects.filter(user=world.wss_a).exists()


def test_every_staff_role_has_the_page(world) -> None:
    for user in (world.programme, world.manager, world.comms):
        assert sign_in(Client(), user).get("/staff/security/").status_code == 200
    lone = staff_user(roles.PROGRAMME_WORKER, username="prog-2")
    assert len(_make_codes(sign_in(Client(), lone), lone)) == 10
