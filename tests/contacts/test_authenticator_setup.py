"""Setting up a staff authenticator (SPEC 8): the audit log says when it was set
up and each time a code was accepted; a wrong code changes nothing but counts
towards the device's throttle."""

from __future__ import annotations

import base64

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import AuditAction, AuditEvent

from ..factories import staff_user


def code_for(base32_key: str) -> str:
    return f"{totp(base64.b32decode(base32_key), t0=0, step=30, digits=6):06d}"


def actions_of(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor=user).order_by("pk").values_list("action", flat=True)
    )


def test_setting_up_an_authenticator_is_audited_and_a_wrong_code_is_counted() -> None:
    user = staff_user("Programme worker", username="new-prog", otp=False)
    client = Client()
    client.post("/staff/login/", {"username": "new-prog", "password": "correct-horse-battery"})
    key = client.get("/staff/otp/setup/").context["key"]
    # Opening the page again shows the same key: one device being set up.
    assert client.get("/staff/otp/setup/").context["key"] == key

    wrong = client.post(
        "/staff/otp/setup/", {"password": "correct-horse-battery", "token": "000000"}
    )
    assert b"did not work" in wrong.content
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed and device.throttling_failure_count == 1
    assert actions_of(user) == [AuditAction.STAFF_SIGN_IN.value]

    device.throttle_reset()
    confirmed = client.post(
        "/staff/otp/setup/", {"password": "correct-horse-battery", "token": code_for(key)}
    )
    assert confirmed.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert actions_of(user) == [
        AuditAction.STAFF_SIGN_IN.value,
        AuditAction.STAFF_OTP_ENROLLED.value,
    ]


def test_signing_in_with_the_authenticator_is_audited() -> None:
    user = staff_user("Programme worker", username="prog-code", otp=False)
    device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    client = Client()
    client.post("/staff/login/", {"username": "prog-code", "password": "correct-horse-battery"})
    key = base64.b32encode(device.bin_key).decode("ascii")
    done = client.post("/staff/otp/verify/", {"token": code_for(key), "next": "/staff/"})
    assert done.status_code == 302 and done["Location"] == "/staff/"
    assert actions_of(user) == [
        AuditAction.STAFF_SIGN_IN.value,
        AuditAction.STAFF_OTP_VERIFIED.value,
    ]
