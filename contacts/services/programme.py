"""Programme-side writes: status changes and risk concerns. Each alerts the
Women's Support Service (WSS) worker of every survivor linked to the man, in the
same transaction; nothing of that comes back to the programme side."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from ..models import (
    Alert,
    Participant,
    ParticipantStatus,
    RiskConcern,
    StatusChange,
    User,
)
from .alerts import alerts_for_linked_survivors
from .audit import audit_record

# --- Programme side ---------------------------------------------------------------


def status_change_record(
    *, actor: User, participant: Participant, status: str, reason: str = ""
) -> StatusChange:
    if status not in ParticipantStatus.values:
        raise ValueError(f"Unknown status {status!r}")
    with transaction.atomic():
        now = timezone.now()
        change = StatusChange.objects.create(
            participant=participant,
            status=status,
            reason=reason.strip(),
            author=actor,
            changed_at=now,
        )
        Participant.objects.filter(pk=participant.pk).update(
            status=status, status_changed_at=now, status_reason=reason.strip()
        )
        participant.refresh_from_db(fields=["status", "status_changed_at", "status_reason"])
        alerts_for_linked_survivors(
            participant=participant, kind=Alert.Kind.STATUS_CHANGE, urgent=False
        )
        audit_record(actor=actor, action="participant.status_change", obj=change)
    return change


def risk_concern_raise(
    *, actor: User, participant: Participant, kind: str, occurred_on: date, urgency: str
) -> RiskConcern:
    with transaction.atomic():
        concern = RiskConcern.objects.create(
            participant=participant,
            kind=kind,
            occurred_on=occurred_on,
            urgency=urgency,
            author=actor,
        )
        alerts_for_linked_survivors(
            participant=participant,
            kind=Alert.Kind.RISK_CONCERN,
            urgent=urgency == RiskConcern.Urgency.URGENT,
        )
        audit_record(actor=actor, action="participant.risk_concern", obj=concern)
    return concern
