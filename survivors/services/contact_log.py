"""The contact log: calls, visits and texts her Women's Support Service (WSS)
worker made, with their outcome. The note is encrypted at rest."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import ContactLogError
from survivors.models import ContactLogEntry, Survivor
from survivors.selectors.cover import covered_worker
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
    if survivor.restricted_at is not None:
        raise ContactLogError("restricted")  # kept, not used (SPEC 12)
    if kind not in ContactLogEntry.Kind.values:
        raise ContactLogError("unknown_kind")
    if outcome not in ContactLogEntry.Outcome.values:
        raise ContactLogError("unknown_outcome")
    happened_at = happened_at or timezone.now()
    if happened_at > timezone.now() + timedelta(minutes=5):
        raise ContactLogError("in_future")
    # Her own worker; or the duty worker while her worker is away (SPEC 9),
    # recorded as done in cover.
    covering_for = None
    if survivor.worker_id != actor.pk:
        covering_for = covered_worker(user=actor, survivor=survivor)
        if covering_for is None:
            raise ContactLogError("not_her_worker")
    with transaction.atomic():
        entry = ContactLogEntry.objects.create(
            survivor=survivor,
            worker=actor,
            kind=kind,
            outcome=outcome,
            happened_at=happened_at,
            note=note.strip(),
            covering_for=covering_for,
        )
        action = (
            AuditAction.CONTACT_LOG_ADD
            if covering_for is None
            else AuditAction.CONTACT_LOG_ADD_IN_COVER
        )
        audit_record(actor=actor, action=action, obj=entry, survivor=survivor)
        # Reaching her stops the first-contact clock (SPEC 9).
        case_contact_logged(actor=actor, survivor=survivor, entry=entry)
    return entry
