"""The contact log: calls, visits and texts her Women's Support Service (WSS)
worker made, with their outcome. The note is encrypted at rest."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from contacts.errors import ContactLogError
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.models import ContactLogEntry, Survivor
from survivors.services.lifecycle import case_contact_logged


def contact_log_add(
    *,
    actor: User,
    survivor: Survivor,
    kind: str,
    outcome: str,
    happened_at: datetime | None = None,
    note: str = "",
) -> ContactLogEntry:
    if kind not in ContactLogEntry.Kind.values:
        raise ContactLogError("unknown_kind")
    if outcome not in ContactLogEntry.Outcome.values:
        raise ContactLogError("unknown_outcome")
    happened_at = happened_at or timezone.now()
    if happened_at > timezone.now() + timedelta(minutes=5):
        raise ContactLogError("in_future")
    with transaction.atomic():
        entry = ContactLogEntry.objects.create(
            survivor=survivor,
            worker=actor,
            kind=kind,
            outcome=outcome,
            happened_at=happened_at,
            note=note.strip(),
        )
        audit_record(actor=actor, action=AuditAction.CONTACT_LOG_ADD, obj=entry, survivor=survivor)
        # Reaching her stops the first-contact clock (SPEC 9).
        case_contact_logged(actor=actor, survivor=survivor, entry=entry)
    return entry
