"""Staff sign-in (SPEC 8): the password step, then an authenticator app (TOTP,
django-otp). Setting up the authenticator, and each step passed, is audited in
the same transaction as the change it records.

A wrong code is not an error here: the function returns nothing, and the
device's throttle (django-otp's failure count) is saved all the same, so
repeated guesses slow down. The views sign the person in (``django_otp.login``)
and rotate the session key; that is the request's business, not the record's.
Backup codes, the other second factor, are in ``contacts/services/backup_codes.py``.

Before any change of how she signs in (a new set of backup codes, a new
authenticator, a new password) she gives her password and a current code again
(``factor_change_reauthenticate``; OWASP ASVS level 2): a signed-in session
alone, at an unlocked browser or stolen, cannot give itself lasting factors.
"""

from __future__ import annotations

import logging
import re

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import AuditAction, BackupCodeDevice, User
from contacts.services.audit import audit_record

logger = logging.getLogger(__name__)


def staff_sign_in_record(*, actor: User) -> None:
    """``actor`` passed the password step (the second factor is still to come)."""
    audit_record(actor=actor, action=AuditAction.STAFF_SIGN_IN)


def authenticator_setup_start(*, actor: User) -> TOTPDevice | None:
    """The authenticator ``actor`` is setting up: her unconfirmed device, made
    now if she has none. None if she already has a confirmed one: once one is
    confirmed, only a manager can reset it (``staff_totp_reset``), so setting up
    cannot add a second device."""
    with transaction.atomic():
        # Lock her row: two set-up pages opened at once share one device.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        devices = TOTPDevice.objects.devices_for_user(actor)
        if devices.filter(confirmed=True).exists():
            return None
        device = devices.filter(confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=actor, name="Authenticator", confirmed=False)
    return device


def authenticator_confirm(*, actor: User, device: TOTPDevice, token: str) -> bool:
    """Confirm ``actor``'s new authenticator with a code from it; audited.
    False if the code is wrong (the device stays unconfirmed)."""
    with transaction.atomic():
        if device.user_id != actor.pk or not device.verify_token(token.strip()):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=actor, action=AuditAction.STAFF_OTP_ENROLLED)
    logger.info("staff member %s set up an authenticator", actor.pk)
    return True


def authenticator_code_verify(*, actor: User, token: str) -> TOTPDevice | None:
    """The confirmed authenticator of ``actor``'s that ``token`` comes from (the
    step is audited), or None if the code is wrong."""
    with transaction.atomic():
        for device in TOTPDevice.objects.devices_for_user(actor, confirmed=True):
            if device.verify_token(token.strip()):
                audit_record(actor=actor, action=AuditAction.STAFF_OTP_VERIFIED)
                return device
    return None


AUTHENTICATOR_CODE = re.compile(r"[0-9]{6}")


def password_recheck(*, request: HttpRequest, actor: User, password: str) -> bool:
    """Is ``password`` ``actor``'s password? Asked through ``authenticate`` so a
    wrong one counts towards the lockout staff sign-in uses (django-axes, by
    username and address: after the limit, her next try gets the lockout page
    and her sign-in waits out the same cool-off)."""
    user = authenticate(request, username=actor.get_username(), password=password)
    return user is not None and user.pk == actor.pk


def second_factor_check(*, actor: User, code: str) -> bool:
    """A current code from ``actor``'s authenticator, or one of her unused backup
    codes (used up now). A wrong code counts towards the device's own throttle,
    as at sign-in; a code accepted once is not accepted again (django-otp)."""
    code = code.strip()
    with transaction.atomic():
        if AUTHENTICATOR_CODE.fullmatch(code):
            devices = list(TOTPDevice.objects.devices_for_user(actor, confirmed=True))
        else:
            devices = list(BackupCodeDevice.objects.filter(user=actor, confirmed=True))
        return any(device.verify_token(code) for device in devices)


def factor_change_reauthenticate(
    *, request: HttpRequest, actor: User, password: str, code: str
) -> bool:
    """Her password and a current code, both right, before a change of her
    factors (SPEC 8). The code is only tried after the right password, so a
    wrong password never uses up one of her backup codes."""
    return password_recheck(request=request, actor=actor, password=password) and (
        second_factor_check(actor=actor, code=code)
    )
