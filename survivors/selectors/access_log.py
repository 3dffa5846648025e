"""Who read her record (SPEC 12), from the audit log: her case's access log for
her Women's Support Service (WSS) worker and the manager, whether a read fits
the work, and the access alerts the manager sees. Reads only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.db.models import F, QuerySet

from contacts import policy, roles
from contacts.models import AuditAction, AuditEvent, User
from survivors.models import AccessAlert, Survivor
from survivors.selectors.cover import away_worker_ids

# The actions a list page writes, one row per case it showed (the caseload, the
# duty view, the allocations, an information session's invitations). They are
# on her log, but showing a page of names is the list's work: the volume rule
# counts cases opened one at a time.
LIST_READS = frozenset(
    {
        AuditAction.CASELOAD_VIEW,
        AuditAction.DUTY_VIEW,
        AuditAction.ALLOCATIONS_VIEW,
        AuditAction.INFO_SESSION_VIEW,
    }
)
# Reads that fit a role's work whoever her worker is: the duty worker sees urgent
# alerts across the service (SPEC 9); the manager allocates cases and reads
# their access logs (SPEC 3: "allocation only").
DUTY_READS = frozenset({AuditAction.DUTY_VIEW, AuditAction.SURVIVOR_VIEW_DUTY})
MANAGER_READS = frozenset(
    {AuditAction.ALLOCATIONS_VIEW, AuditAction.ALLOCATION_VIEW, AuditAction.CASE_READS_VIEW}
)


@dataclass(frozen=True)
class CaseRead:
    """One row of her access log: who (and in what role), what, when."""

    at: datetime
    actor_id: int
    actor_name: str
    role: str
    action: str
    action_label: str


def staff_role(user: User | None) -> str:
    """A staff member's role as a person reads it ("WSS worker (duty)")."""
    if user is None:
        return "Staff"
    names = {group.name for group in user.groups.all()}
    role = ", ".join(name for name in roles.ALL_ROLES if name in names)
    if user.is_duty_worker and roles.WSS_WORKER in names:
        role += " (duty)"
    return role or "No role"


def _label(action: str) -> str:
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action


def case_read_events(*, survivor_id: int) -> QuerySet[AuditEvent]:
    """Every staff account's audit row on her case, newest first (reads, list
    rows and changes alike): a queryset, so a page of it can be read."""
    return (
        AuditEvent.objects.filter(survivor_id=survivor_id, actor__kind=User.Kind.STAFF)
        .select_related("actor")
        .prefetch_related("actor__groups")
        .order_by("-at", "-id")
    )


def case_read(event: AuditEvent) -> CaseRead:
    """One row of ``case_read_events`` (staff rows only, so it has an actor)."""
    actor = cast(User, event.actor)
    return CaseRead(
        at=event.at,
        actor_id=actor.pk,
        actor_name=actor.get_full_name() or actor.username,
        role=staff_role(actor),
        action=event.action,
        action_label=_label(event.action),
    )


def case_reads(*, survivor_id: int) -> list[CaseRead]:
    """Her whole access log: who read (or changed) her record, in what role,
    what, when; newest first. Ids and staff names only, never her details."""
    return [case_read(event) for event in case_read_events(survivor_id=survivor_id)]


def reads_not_fitting(*, actor: User, action: str, survivor_ids: Iterable[int]) -> list[int]:
    """The cases among ``survivor_ids`` whose read by ``actor`` does not fit the
    work (SPEC 12): she is not the case's worker, is not the duty worker covering
    it while its worker is away, and the read is not her role's own (``DUTY_READS``
    for the duty worker, ``MANAGER_READS`` for the manager)."""
    if policy.is_manager(actor) and action in MANAGER_READS:
        return []
    if policy.is_duty_worker(actor) and action in DUTY_READS:
        return []
    cases = Survivor.objects.filter(pk__in=list(survivor_ids)).only("pk", "worker_id")
    away: set[int] | None = None
    unfitting = []
    for survivor in cases:
        if policy.can_work_with_survivor(actor, survivor):
            continue
        if policy.is_duty_worker(actor):
            away = away_worker_ids() if away is None else away
            if policy.can_cover_case(actor, survivor, away_worker_ids=away):
                continue
        unfitting.append(survivor.pk)
    return sorted(unfitting)


def cases_opened_since(*, actor: User, since: datetime) -> int:
    """How many different cases ``actor`` opened (read or changed one at a time,
    list rows left out) since ``since``: the volume rule's count."""
    return (
        AuditEvent.objects.filter(actor=actor, at__gte=since, survivor_id__isnull=False)
        .exclude(action__in=[action.value for action in LIST_READS])
        .values("survivor_id")
        .distinct()
        .count()
    )


def access_alerts(*, open_only: bool = False) -> QuerySet[AccessAlert]:
    """The manager's access alerts, open ones first, newest first."""
    alerts = AccessAlert.objects.select_related("account", "acknowledged_by")
    if open_only:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    return alerts.order_by(F("acknowledged_at").asc(nulls_first=True), "-raised_at", "-pk")


def access_alert(*, alert_id: int) -> AccessAlert | None:
    return AccessAlert.objects.filter(pk=alert_id).first()


def open_access_alert_count() -> int:
    return AccessAlert.objects.filter(acknowledged_at__isnull=True).count()
