"""Her second ("duress") passphrase (SPEC 4): signing in with it shows an
ordinary, empty-looking account and silently alerts her Women's Support
Service (WSS) worker. Only its hash is stored; every change is audited in the
same transaction.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import PortalError
from survivors.models import Alert, Survivor
from survivors.services.activation import passphrase_validate
from survivors.services.alerts import alert_raise
from survivors.services.safe_contact import from_her_account, may_edit_her_settings


def duress_passphrase_set(
    *, survivor: Survivor, passphrase: str, current_passphrase: str, actor: User | None = None
) -> Survivor:
    """Set her second passphrase. Signing in with it shows an empty-looking
    account and silently alerts her worker. She confirms her usual passphrase;
    the two must differ. Changing one she already had quietly alerts her worker."""
    user = survivor.user
    actor = actor if actor is not None else user
    if user is None:
        raise PortalError("no_account")
    if actor is None or actor.pk != user.pk:
        raise PortalError("not_allowed")
    if not user.check_password(current_passphrase):
        raise PortalError("wrong_passphrase")
    if user.check_password(passphrase):
        raise PortalError("same_as_passphrase")
    passphrase_validate(passphrase=passphrase, user=user)
    with transaction.atomic():
        had_one = bool(
            Survivor.objects.select_for_update()
            .filter(pk=survivor.pk)
            .values_list("duress_passphrase", flat=True)
            .first()
        )
        survivor.duress_passphrase = make_password(passphrase)
        survivor.save(update_fields=["duress_passphrase"])
        audit_record(actor=actor, action=AuditAction.DURESS_PASSPHRASE_SET, obj=survivor)
        if had_one:
            alert_raise(survivor=survivor, kind=Alert.Kind.SECOND_CHANGED)
    return survivor


def duress_passphrase_clear(
    *, survivor: Survivor, actor: User, current_passphrase: str | None = None
) -> Survivor:
    """Remove her second passphrase: she herself (with her usual passphrase,
    and her worker is quietly alerted), or her own worker."""
    if not may_edit_her_settings(actor, survivor):
        raise PortalError("not_allowed")
    by_her = from_her_account(actor, survivor)
    if by_her and not actor.check_password(current_passphrase or ""):
        raise PortalError("wrong_passphrase")
    with transaction.atomic():
        had_one = bool(
            Survivor.objects.select_for_update()
            .filter(pk=survivor.pk)
            .values_list("duress_passphrase", flat=True)
            .first()
        )
        if had_one and by_her:
            alert_raise(survivor=survivor, kind=Alert.Kind.SECOND_REMOVED)
        survivor.duress_passphrase = ""
        survivor.save(update_fields=["duress_passphrase"])
        audit_record(actor=actor, action=AuditAction.DURESS_PASSPHRASE_CLEAR, obj=survivor)
    return survivor
