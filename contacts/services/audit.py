"""The append-only audit log: who did what to which object, when (SPEC 2)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Model

from contacts.models import AuditAction, AuditEvent, User
from contacts.signals import case_reads_recorded


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: Model | None = None,
    survivor: Model | None = None,
) -> AuditEvent:
    """Append one audit event: who, what, which object, when. Ids only.
    ``survivor`` is her case (a ``survivors.Survivor``) when the event concerns her.

    ``action`` must be a member of ``AuditAction``: a free string (a typo, a
    new action nobody listed) is refused with ``TypeError``."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit_record takes an AuditAction, not {type(action).__name__}")
    survivor_id = survivor.pk if survivor is not None else None
    if survivor_id is None and obj is not None and obj._meta.label == "survivors.Survivor":
        survivor_id = obj.pk
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action.value,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        survivor_id=survivor_id,
    )


def audit_reads_record(
    *,
    actor: User,
    action: AuditAction,
    obj: Model | None = None,
    survivor: Model | None = None,
    shown: Iterable[int] | None = None,
) -> None:
    """A staff read: one row, or with ``shown`` (the cases a list page showed)
    one row per case, so each appears on her access log (SPEC 12: a list that
    shows her name is a read of her record); an empty list still writes one row
    for the page. Listeners to ``case_reads_recorded`` (the access alerts) run
    in the same transaction (no savepoint of its own: a failure rolls back the
    request's work with it, and a list page stays at its query budget)."""
    with transaction.atomic(savepoint=False):
        if shown is None:
            event = audit_record(actor=actor, action=action, obj=obj, survivor=survivor)
            survivor_ids = [event.survivor_id] if event.survivor_id is not None else []
        else:
            survivor_ids = sorted(set(shown))
            if not survivor_ids:
                audit_record(actor=actor, action=action, obj=obj)
            else:
                if not isinstance(action, AuditAction):
                    raise TypeError("audit_reads_record takes an AuditAction")
                AuditEvent.objects.bulk_create(
                    AuditEvent(
                        actor=actor,
                        action=action.value,
                        object_type=(obj._meta.model_name or "") if obj is not None else "survivor",
                        object_id=str(obj.pk) if obj is not None else str(survivor_id),
                        survivor_id=survivor_id,
                    )
                    for survivor_id in survivor_ids
                )
        if survivor_ids:
            case_reads_recorded.send(
                sender=AuditEvent,
                actor=actor,
                action=action,
                survivor_ids=survivor_ids,
                listed=shown is not None,
            )
