"""Who read her record (SPEC 12): the staff reads of her case in the audit log,
oldest first. Reads only; WSS means Women's Support Service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contacts import roles
from contacts.models import AuditAction, AuditEvent, User

# The audit actions that are a staff member reading her record.
READ_ACTIONS = (
    AuditAction.SURVIVOR_VIEW,
    AuditAction.SURVIVOR_VIEW_DUTY,
    AuditAction.ALERT_VIEW,
    AuditAction.THREAD_VIEW,
    AuditAction.CHECKINS_VIEW,
    AuditAction.ALLOCATION_VIEW,
    AuditAction.RISK_ASSESSMENT_VIEW,
    AuditAction.PLAN_VIEW,
    AuditAction.PROGRAMME_ITEM_VIEW,
    AuditAction.SUBJECT_ACCESS_VIEW,
    AuditAction.SUBJECT_ACCESS_DOWNLOAD,
)


@dataclass(frozen=True)
class CaseRead:
    at: datetime
    actor_id: int | None
    actor_name: str
    role: str
    action: str
    action_label: str


def staff_role(user: User | None) -> str:
    """A staff member's role as she would read it ("WSS worker", "Service manager")."""
    if user is None:
        return "Staff"
    names = {group.name for group in user.groups.all()}  # prefetched where it matters
    return next((role for role in roles.ALL_ROLES if role in names), "Staff")


def case_reads(*, survivor_id: int) -> list[CaseRead]:
    """Every staff read of her case: only rows about her case, by staff accounts."""
    events = AuditEvent.objects.filter(
        survivor_id=survivor_id, action__in=[action.value for action in READ_ACTIONS]
    ).order_by("at", "id")
    actor_ids = {event.actor_id for event in events if event.actor_id is not None}
    actors = {
        user.pk: user
        for user in User.objects.filter(pk__in=actor_ids, kind=User.Kind.STAFF).prefetch_related(
            "groups"
        )
    }
    reads = []
    for event in events:
        actor = actors.get(event.actor_id) if event.actor_id is not None else None
        if actor is None:
            continue
        reads.append(
            CaseRead(
                at=event.at,
                actor_id=actor.pk,
                actor_name=actor.get_full_name() or actor.username,
                role=staff_role(actor),
                action=event.action,
                action_label=AuditAction(event.action).label,
            )
        )
    return reads
