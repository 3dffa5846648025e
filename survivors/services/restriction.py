"""Restriction and legal hold of her case (SPEC 12), set and lifted by the
service manager of the Women's Support Service (WSS), each change audited.

A restricted case is kept but not used: no check-ins or texts go to her, her
worker can neither message her nor log contact, she cannot send from the
portal, and the services that write to her case refuse (``RESTRICTED``). A
legal hold (court proceedings, a Domestic Homicide Review) stops erasure and the
retention schedule. Each reason is encrypted at rest and cleared on lifting."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import DataRightsError
from survivors.models import Survivor

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 500


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise DataRightsError("no_reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DataRightsError(
            "too_long", f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."
        )
    return reason


def case_restrict(*, actor: User, survivor: Survivor, reason: str) -> Survivor:
    reason = _reason(reason)
    with transaction.atomic():
        locked = Survivor.objects.select_for_update().get(pk=survivor.pk)
        if locked.restricted_at is not None:
            raise DataRightsError("already_restricted")
        locked.restricted_at = timezone.now()
        locked.restriction_reason = reason
        locked.save(update_fields=["restricted_at", "restriction_reason"])
        audit_record(actor=actor, action=AuditAction.CASE_RESTRICT, obj=locked)
    logger.info("case %s restricted by %s", locked.pk, actor.pk)
    return locked


def case_restriction_lift(*, actor: User, survivor: Survivor) -> Survivor:
    """Her check-in plan carries on by itself (dispatch checks at each due time)."""
    with transaction.atomic():
        locked = Survivor.objects.select_for_update().get(pk=survivor.pk)
        if locked.restricted_at is None:
            raise DataRightsError("not_restricted")
        locked.restricted_at = None
        locked.restriction_reason = ""
        locked.save(update_fields=["restricted_at", "restriction_reason"])
        audit_record(actor=actor, action=AuditAction.CASE_RESTRICTION_LIFT, obj=locked)
    logger.info("case %s restriction lifted by %s", locked.pk, actor.pk)
    return locked


def case_legal_hold_set(*, actor: User, survivor: Survivor, reason: str) -> Survivor:
    reason = _reason(reason)
    with transaction.atomic():
        locked = Survivor.objects.select_for_update().get(pk=survivor.pk)
        if locked.legal_hold_at is not None:
            raise DataRightsError("already_held")
        locked.legal_hold_at = timezone.now()
        locked.legal_hold_reason = reason
        locked.save(update_fields=["legal_hold_at", "legal_hold_reason"])
        audit_record(actor=actor, action=AuditAction.CASE_HOLD_SET, obj=locked)
    logger.info("case %s legal hold set by %s", locked.pk, actor.pk)
    return locked


def case_legal_hold_lift(*, actor: User, survivor: Survivor) -> Survivor:
    with transaction.atomic():
        locked = Survivor.objects.select_for_update().get(pk=survivor.pk)
        if locked.legal_hold_at is None:
            raise DataRightsError("not_held")
        locked.legal_hold_at = None
        locked.legal_hold_reason = ""
        locked.save(update_fields=["legal_hold_at", "legal_hold_reason"])
        audit_record(actor=actor, action=AuditAction.CASE_HOLD_LIFT, obj=locked)
    logger.info("case %s legal hold lifted by %s", locked.pk, actor.pk)
    return locked
