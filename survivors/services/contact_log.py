"""The contact log: calls, visits and texts her Women's Support Service (WSS)
worker made, with their outcome. The note is encrypted at rest.

Every attempt to reach her is recorded here, and attempts that break her
safe-contact details are refused, writing nothing (SPEC 13): a voicemail where
a voicemail is not safe; before she has been reached, a call outside her safe
times unless marked urgent with the reason."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import ContactLogError
from survivors.models import ContactLogEntry, Survivor
from survivors.selectors import casework as casework_selectors
from survivors.selectors.cover import covered_worker
from survivors.services.lifecycle import case_contact_logged


def _outside_safe_times(*, survivor: Survivor, at: datetime) -> bool:
    """Whether ``at`` is outside her safe times; with none recorded, no time is."""
    if not survivor.windows.exists():
        return False
    return not casework_selectors.in_safe_window(survivor=survivor, at=at)


def _check_safe_contact(
    *, survivor: Survivor, kind: str, outcome: str, happened_at: datetime, urgent_reason: str
) -> None:
    """Refuse an attempt that breaks her safe-contact details (SPEC 13)."""
    if outcome == ContactLogEntry.Outcome.VOICEMAIL and not survivor.voicemail_safe:
        raise ContactLogError("voicemail_not_safe")
    if (
        kind == ContactLogEntry.Kind.CALL
        and survivor.first_contact_at is None
        and not urgent_reason
        and _outside_safe_times(survivor=survivor, at=happened_at)
    ):
        raise ContactLogError("outside_safe_times")


def contact_log_add(
    *,
    actor: User,
    survivor: Survivor,
    kind: str,
    outcome: str,
    happened_at: datetime | None = None,
    note: str = "",
    urgent: bool = False,
    urgent_reason: str = "",
) -> ContactLogEntry:
    """Log one attempt to reach her, whatever came of it. The first attempt
    (the earliest, a back-dated one included) is kept on her case for the
    first-contact clock; reaching her stops that clock (SPEC 9, 13)."""
    if survivor.restricted_at is not None:
        raise ContactLogError("restricted")  # kept, not used (SPEC 12)
    if kind not in ContactLogEntry.Kind.values:
        raise ContactLogError("unknown_kind")
    if outcome not in ContactLogEntry.Outcome.values:
        raise ContactLogError("unknown_outcome")
    happened_at = happened_at or timezone.now()
    if happened_at > timezone.now() + timedelta(minutes=5):
        raise ContactLogError("in_future")
    urgent_reason = urgent_reason.strip() if urgent else ""
    if urgent and not urgent_reason:
        raise ContactLogError("urgent_reason_needed")
    # Her own worker; or the duty worker while her worker is away (SPEC 9),
    # recorded as done in cover.
    covering_for = None
    if survivor.worker_id != actor.pk:
        covering_for = covered_worker(user=actor, survivor=survivor)
        if covering_for is None:
            raise ContactLogError("not_her_worker")
    _check_safe_contact(
        survivor=survivor,
        kind=kind,
        outcome=outcome,
        happened_at=happened_at,
        urgent_reason=urgent_reason,
    )
    with transaction.atomic():
        entry = ContactLogEntry.objects.create(
            survivor=survivor,
            worker=actor,
            kind=kind,
            outcome=outcome,
            happened_at=happened_at,
            note=note.strip(),
            covering_for=covering_for,
            urgent_reason=urgent_reason,
        )
        action = (
            AuditAction.CONTACT_LOG_ADD
            if covering_for is None
            else AuditAction.CONTACT_LOG_ADD_IN_COVER
        )
        audit_record(actor=actor, action=action, obj=entry, survivor=survivor)
        # The first attempt, whatever its outcome, for the first-contact clock
        # (SPEC 13): set once, moved back by an earlier (back-dated) attempt.
        Survivor.objects.filter(pk=survivor.pk).filter(
            Q(first_attempt_at__isnull=True) | Q(first_attempt_at__gt=happened_at)
        ).update(first_attempt_at=happened_at)
        survivor.first_attempt_at = Survivor.objects.values_list("first_attempt_at", flat=True).get(
            pk=survivor.pk
        )
        # Reaching her stops the first-contact clock (SPEC 9).
        case_contact_logged(actor=actor, survivor=survivor, entry=entry)
    return entry
