"""The append-only audit log: who did what to which object, when (SPEC 2)."""

from __future__ import annotations

from django.db.models import Model

from contacts.models import AuditAction, AuditEvent, User


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
