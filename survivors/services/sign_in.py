"""What happens when she signs in to her portal (SPEC 4), whichever passphrase
she used: the sign-in is recorded, and a sign-in with her second ("duress")
passphrase silently alerts her Women's Support Service (WSS) worker.

The portal's views check the passphrase (``survivor_portal.auth``) and start
the session; the rules about what a sign-in means live here.
"""

from __future__ import annotations

from django.db import transaction

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.models import Alert, Survivor
from survivors.services.alerts import alert_raise
from survivors.services.safe_contact import survivor_language_set


def portal_sign_in_record(*, user: User, under_duress: bool) -> Survivor:
    """Record her sign-in (audit row, ids only). Under duress (her second
    passphrase) her worker gets an urgent alert in the same transaction; the
    audit row is the same in both cases, so the record does not tell them
    apart. Returns her record."""
    with transaction.atomic():
        survivor = user.survivor
        if under_duress:
            alert_raise(survivor=survivor, kind=Alert.Kind.DURESS, urgent=True)
        audit_record(actor=user, action=AuditAction.PORTAL_SIGN_IN, obj=survivor)
    return survivor


def portal_visit_language_keep(*, user: User, language: str) -> Survivor:
    """After she activates her account: the language she chose for this visit
    before signing in becomes hers, unless she already has one (SPEC 11).
    Returns her record, whose ``language`` the portal then uses."""
    survivor = Survivor.objects.get(user=user)
    if language and not survivor.language:
        survivor_language_set(actor=user, survivor=survivor, language=language)
    return survivor
