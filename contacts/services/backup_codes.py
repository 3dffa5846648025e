"""Backup codes for staff sign-in (SPEC 8): ten single-use codes, shown once,
stored hashed; a new set replaces the old; making a set and using a code are
both audited."""

from __future__ import annotations

import logging
import secrets
from base64 import b32encode

from django.db import transaction

from contacts.models import (
    AuditAction,
    BackupCode,
    BackupCodeDevice,
    User,
    backup_code_hash,
)
from contacts.services.audit import audit_record

logger = logging.getLogger(__name__)

CODES_PER_SET = 10


def _new_code() -> str:
    raw = b32encode(secrets.token_bytes(10)).decode("ascii").lower()  # 16 characters
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def backup_codes_generate(*, actor: User) -> list[str]:
    """A new set of codes for ``actor`` (the old set stops working at once).
    Returns the codes in clear: the only time they exist outside her hands."""
    codes = [_new_code() for _ in range(CODES_PER_SET)]
    with transaction.atomic():
        BackupCodeDevice.objects.filter(user=actor).delete()
        device = BackupCodeDevice.objects.create(user=actor, name="Backup codes", confirmed=True)
        BackupCode.objects.bulk_create(
            BackupCode(device=device, code_hash=backup_code_hash(code, secrets.token_hex(8)))
            for code in codes
        )
        audit_record(actor=actor, action=AuditAction.STAFF_BACKUP_CODES_GENERATE, obj=actor)
    logger.info("backup codes generated for user %s", actor.pk)
    return codes


def backup_code_verify(*, user: User, code: str) -> BackupCodeDevice | None:
    """The device if ``code`` is one of ``user``'s unused codes (it is used up
    now, and the use audited); None otherwise (a failure counts towards the
    device's throttle, as a wrong authenticator code does)."""
    device = BackupCodeDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return None
    with transaction.atomic():
        if not device.verify_token(code):
            return None
        audit_record(actor=user, action=AuditAction.STAFF_BACKUP_CODE_USE, obj=user)
    logger.info("backup code used by user %s", user.pk)
    return device
