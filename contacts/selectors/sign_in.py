"""Reads for staff sign-in (SPEC 8): which second factors a staff member has."""

from __future__ import annotations

from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import User


def has_second_factor(*, user: User) -> bool:
    """Any confirmed second factor (an authenticator or backup codes): after the
    password step she is asked for a code rather than to set one up."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def has_authenticator(*, user: User) -> bool:
    """A confirmed authenticator app (TOTP)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
