"""Cover when a Women's Support Service (WSS) worker is away (SPEC 9): she (or
her manager) marks the dates; meanwhile the duty view shows her cases' open
items with response deadlines. Audited."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from contacts import policy
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import CoverError
from survivors.models import WorkerAbsence


def absence_mark(*, actor: User, worker: User, starts_on: date, ends_on: date) -> WorkerAbsence:
    if not policy.is_wss_worker(worker):
        raise CoverError("not_a_wss_worker")
    if actor.pk != worker.pk and not policy.is_manager(actor):
        raise CoverError("not_allowed")
    if ends_on < starts_on:
        raise CoverError("ends_before_start")
    if ends_on < timezone.localdate():
        raise CoverError("in_the_past")
    with transaction.atomic():
        absence = WorkerAbsence.objects.create(
            worker=worker, starts_on=starts_on, ends_on=ends_on, marked_by=actor
        )
        audit_record(actor=actor, action=AuditAction.ABSENCE_MARK, obj=absence)
    return absence


def absence_end(*, actor: User, absence: WorkerAbsence) -> WorkerAbsence | None:
    """Back early: an absence under way ends yesterday; one not yet begun is
    removed. ``None`` when removed."""
    if actor.pk != absence.worker_id and not policy.is_manager(actor):
        raise CoverError("not_allowed")
    today = timezone.localdate()
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.ABSENCE_END, obj=absence)
        if absence.starts_on >= today:
            absence.delete()
            return None
        absence.ends_on = min(absence.ends_on, today - timedelta(days=1))
        absence.save(update_fields=["ends_on"])
    return absence
