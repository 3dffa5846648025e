"""Her case's stages (SPEC 9): referred → first contact → active ⇄ dormant →
closed, each change audited in its own transaction with its actor. WSS means
Women's Support Service."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import CaseError
from survivors.models import CaseState, ClosureOutcome, ContactLogEntry, Survivor
from survivors.selectors.casework import TRANSITIONS
from survivors.services.check_points import check_points_case_active

logger = logging.getLogger(__name__)

# A contact that counts as reaching her (the first-contact clock stops).
REACHED_HER = (ContactLogEntry.Outcome.SPOKE, ContactLogEntry.Outcome.MET)


def case_state_change(
    *,
    actor: User,
    survivor: Survivor,
    to_state: str,
    outcome: str = "",
    at: datetime | None = None,
) -> Survivor:
    """Move her case one step: referred → first contact → active ⇄ dormant →
    closed (a closed case may be reopened as active). Closing needs an outcome
    and starts the retention clock; first contact stops the first-contact clock."""
    if survivor.restricted_at is not None:
        raise CaseError("restricted")  # kept, not used (SPEC 12)
    if to_state not in CaseState.values:
        raise CaseError("unknown_state")
    if to_state == CaseState.CLOSED:
        if not outcome:
            raise CaseError("no_outcome")
        if outcome not in ClosureOutcome.values:
            raise CaseError("unknown_outcome")
    at = at or timezone.now()
    with transaction.atomic():
        locked = Survivor.objects.select_for_update().get(pk=survivor.pk)
        if to_state not in TRANSITIONS[locked.case_state]:
            raise CaseError("not_allowed")
        fields = ["case_state"]
        if to_state == CaseState.FIRST_CONTACT:
            locked.first_contact_at = max(at, locked.referred_at)
            fields.append("first_contact_at")
        if to_state == CaseState.CLOSED:
            locked.closed_at, locked.closure_outcome = at, outcome
            fields += ["closed_at", "closure_outcome"]
        elif locked.case_state == CaseState.CLOSED:  # reopened
            locked.closed_at, locked.closure_outcome = None, ""
            fields += ["closed_at", "closure_outcome"]
        locked.case_state = to_state
        locked.save(update_fields=fields)
        audit_record(actor=actor, action=AuditAction.CASE_STATE_CHANGE, obj=locked)
    logger.info("case %s moved to %s", locked.pk, to_state)
    if to_state == CaseState.ACTIVE:
        check_points_case_active(survivor=locked, at=at)  # her intake may be due (SPEC 14)
    for name in fields:
        setattr(survivor, name, getattr(locked, name))
    return survivor


def case_contact_logged(*, actor: User, survivor: Survivor, entry: ContactLogEntry) -> None:
    """A contact that reached her while the case waits for first contact stops
    the clock (at the contact's own time). Call inside the contact's transaction."""
    if survivor.case_state == CaseState.REFERRED and entry.outcome in REACHED_HER:
        case_state_change(
            actor=actor, survivor=survivor, to_state=CaseState.FIRST_CONTACT, at=entry.happened_at
        )
