"""Writes. Every sensitive write takes a keyword-only ``actor`` and writes its
audit row in the same transaction (SPEC 2). WSS means Women's Support Service.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts import policy
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from programme.models import Participant
from survivors.errors import AllocationError
from survivors.models import Allocation, Survivor

logger = logging.getLogger(__name__)


# --- Survivors and allocation -----------------------------------------------------


def survivor_create(
    *, actor: User, known_as: str, participant: Participant | None = None
) -> Survivor:
    with transaction.atomic():
        survivor = Survivor.objects.create(known_as=known_as.strip(), participant=participant)
        audit_record(actor=actor, action=AuditAction.SURVIVOR_CREATE, obj=survivor)
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
            # Her new worker's account is locked and her role read again, so a
            # role change made at the same moment cannot slip a case past it.
            worker = User.objects.select_for_update().get(pk=worker.pk)
            if not policy.is_wss_worker(worker):
                raise AllocationError("not_a_wss_worker")
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
            audit_record(actor=actor, action=AuditAction.SURVIVOR_ALLOCATE, obj=locked)
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
            audit_record(actor=actor, action=AuditAction.SURVIVOR_LINK_PARTICIPANT, obj=locked)
    except IntegrityError as error:
        raise AllocationError("same_worker_for_linked_partners") from error
    return locked


def survivor_open(
    *,
    actor: User,
    known_as: str,
    worker: User | None = None,
    participant: Participant | None = None,
    issue_code: bool = True,
) -> tuple[Survivor, str]:
    """Open her case: the record, her worker and link if given, and a one-time
    activation code for her portal account. All or nothing; returns the plain
    code (shown once, to be given to her in person or by phone) or ""."""
    from survivors.services.activation import activation_code_issue

    known_as = known_as.strip()
    if not known_as:
        raise AllocationError("no_name")
    with transaction.atomic():
        survivor = survivor_create(actor=actor, known_as=known_as)
        if participant is not None:
            survivor = survivor_link_participant(
                actor=actor, survivor=survivor, participant=participant
            )
        if worker is not None:
            survivor = survivor_allocate(actor=actor, survivor=survivor, worker=worker)
        code = activation_code_issue(actor=actor, survivor=survivor) if issue_code else ""
    return survivor, code
