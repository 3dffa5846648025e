"""Writes. Every sensitive write takes a keyword-only ``actor`` and writes its
audit row in the same transaction (SPEC 2). WSS means Women's Support Service.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from . import policy
from .errors import AllocationError
from .models import (
    Alert,
    Allocation,
    AuditEvent,
    Participant,
    ParticipantStatus,
    RiskConcern,
    StatusChange,
    Survivor,
    User,
)

logger = logging.getLogger(__name__)


# --- Audit ------------------------------------------------------------------------


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    survivor: Survivor | None = None,
) -> AuditEvent:
    """Append one audit event: who, what, which object, when. Ids only."""
    survivor_id = survivor.pk if survivor is not None else None
    if survivor_id is None and isinstance(obj, Survivor):
        survivor_id = obj.pk
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        survivor_id=survivor_id,
    )


# --- Survivors and allocation -----------------------------------------------------


def survivor_create(
    *, actor: User, known_as: str, participant: Participant | None = None
) -> Survivor:
    with transaction.atomic():
        survivor = Survivor.objects.create(known_as=known_as.strip(), participant=participant)
        audit_record(actor=actor, action="survivor.create", obj=survivor)
    return survivor


def _check_linked_partners_have_different_workers(
    *, survivor: Survivor, participant: Participant | None, worker: User | None
) -> None:
    if participant is None or worker is None:
        return
    clash = (
        Survivor.objects.filter(participant=participant, worker=worker)
        .exclude(pk=survivor.pk)
        .exists()
    )
    if clash:
        raise AllocationError("same_worker_for_linked_partners")


def survivor_allocate(*, actor: User, survivor: Survivor, worker: User) -> Survivor:
    """Give her case to ``worker``; the previous worker no longer sees it."""
    if not policy.is_wss_worker(worker):
        raise AllocationError("not_a_wss_worker")
    try:
        with transaction.atomic():
            locked = Survivor.objects.select_for_update().get(pk=survivor.pk)
            _check_linked_partners_have_different_workers(
                survivor=locked, participant=locked.participant, worker=worker
            )
            now = timezone.now()
            Allocation.objects.filter(survivor=locked, ended_at__isnull=True).update(ended_at=now)
            Allocation.objects.create(
                survivor=locked, worker=worker, started_at=now, allocated_by=actor
            )
            locked.worker = worker
            locked.allocated_at = now
            locked.save(update_fields=["worker", "allocated_at"])
            audit_record(actor=actor, action="survivor.allocate", obj=locked)
    except IntegrityError as error:
        # The database constraint caught a race the check above could not see.
        raise AllocationError("same_worker_for_linked_partners") from error
    logger.info("survivor %s allocated to worker %s", locked.pk, worker.pk)
    return locked


def survivor_link_participant(
    *, actor: User, survivor: Survivor, participant: Participant | None
) -> Survivor:
    """Link her to the man on the programme. The programme side sees nothing of it."""
    try:
        with transaction.atomic():
            locked = Survivor.objects.select_for_update().get(pk=survivor.pk)
            _check_linked_partners_have_different_workers(
                survivor=locked, participant=participant, worker=locked.worker
            )
            locked.participant = participant
            locked.save(update_fields=["participant"])
            audit_record(actor=actor, action="survivor.link_participant", obj=locked)
    except IntegrityError as error:
        raise AllocationError("same_worker_for_linked_partners") from error
    return locked


# --- Alerts -----------------------------------------------------------------------


def _alerts_for_linked_survivors(*, participant: Participant, kind: str, urgent: bool) -> None:
    """Alert the worker of every survivor linked to him, in the caller's transaction.

    The query runs whether or not anyone is linked, so the programme side's
    request does the same work either way.
    """
    survivor_ids = list(
        Survivor.objects.filter(participant=participant).values_list("pk", flat=True)
    )
    Alert.objects.bulk_create(
        [Alert(survivor_id=pk, kind=kind, urgent=urgent) for pk in survivor_ids]
    )


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
        _alerts_for_linked_survivors(
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
        _alerts_for_linked_survivors(
            participant=participant,
            kind=Alert.Kind.RISK_CONCERN,
            urgent=urgency == RiskConcern.Urgency.URGENT,
        )
        audit_record(actor=actor, action="participant.risk_concern", obj=concern)
    return concern
