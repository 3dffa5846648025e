"""Her plan, written (SPEC 9): by her in the portal or by her worker on her
case. Every save that changes something is a new version (none is ever
edited), with who saved it and which headings changed, audited. WSS means
Women's Support Service."""

from __future__ import annotations

import json
import logging

from django.db import transaction

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import PlanError
from survivors.models import PlanVersion, Survivor
from survivors.selectors.plan import (
    PLAN_KEYS,
    STEP_MAX_LENGTH,
    plan_current,
    plan_steps,
    plan_version_by_id,
)

logger = logging.getLogger(__name__)


def _clean(steps: dict[str, str]) -> dict[str, str]:
    if set(steps) - set(PLAN_KEYS):
        raise PlanError("unknown_heading")
    cleaned = {key: (steps.get(key) or "").replace("\r\n", "\n").strip() for key in PLAN_KEYS}
    if any(len(text) > STEP_MAX_LENGTH for text in cleaned.values()):
        raise PlanError("too_long")
    return cleaned


def plan_save(
    *,
    actor: User,
    survivor: Survivor,
    steps: dict[str, str],
    under_duress: bool = False,
    previous: PlanVersion | None = None,
) -> PlanVersion | None:
    """Save her plan as a new version; ``None`` if nothing changed. A save from
    a duress session is kept apart and compared with that session's own last
    version (``previous``), never with her real plan.

    On a restricted case (SPEC 12) her worker cannot save; she still can from
    her own account (the plan is hers, and no contact comes of it)."""
    if survivor.restricted_at is not None and actor.pk != survivor.user_id:
        raise PlanError("restricted")
    cleaned = _clean(steps)
    with transaction.atomic():
        Survivor.objects.select_for_update().filter(pk=survivor.pk).first()
        before = previous if under_duress else plan_current(survivor=survivor)
        old = plan_steps(before)
        changed = [key for key in PLAN_KEYS if cleaned[key] != old[key]]
        if not changed:
            return None
        version = PlanVersion.objects.create(
            survivor=survivor,
            author=actor,
            steps=json.dumps(cleaned),
            changed=",".join(changed),
            under_duress=under_duress,
        )
        audit_record(actor=actor, action=AuditAction.PLAN_SAVE, obj=version, survivor=survivor)
    logger.info("plan version %s saved for case %s", version.pk, survivor.pk)
    return version


def plan_save_in_session(
    *, actor: User, survivor: Survivor, steps: dict[str, str], previous_id: int | None
) -> PlanVersion | None:
    """A duress session's save: a version kept apart, never her plan."""
    previous = plan_version_by_id(survivor=survivor, version_id=previous_id)
    return plan_save(
        actor=actor, survivor=survivor, steps=steps, under_duress=True, previous=previous
    )
