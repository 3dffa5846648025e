"""The manager's breach register (SPEC 12, UK GDPR art. 33): record a breach
and keep it up to date, each change audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contacts.errors import BreachError
from contacts.models import AuditAction, Breach, User
from contacts.services.audit import audit_record

FIELDS = (
    "occurred_at",
    "discovered_at",
    "data_involved",
    "people_affected",
    "reportable",
    "reportable_reason",
    "reported_at",
    "actions_taken",
)


def _check(
    *,
    occurred_at: datetime,
    discovered_at: datetime,
    reportable: str,
    reportable_reason: str,
    reported_at: datetime | None,
) -> None:
    now = timezone.now()
    if max(occurred_at, discovered_at, reported_at or occurred_at) > now:
        raise BreachError("in_the_future")
    if discovered_at < occurred_at:
        raise BreachError("discovered_before_occurred")
    if reportable != Breach.Reportable.UNDECIDED and not reportable_reason.strip():
        raise BreachError("no_reason")
    if reported_at is not None:
        if reportable != Breach.Reportable.YES:
            raise BreachError("reported_but_not_reportable")
        if reported_at < discovered_at:
            raise BreachError("reported_before_discovered")


def breach_record(
    *,
    actor: User,
    occurred_at: datetime,
    discovered_at: datetime,
    data_involved: str,
    people_affected: int,
    reportable: str = Breach.Reportable.UNDECIDED,
    reportable_reason: str = "",
    reported_at: datetime | None = None,
    actions_taken: str = "",
) -> Breach:
    _check(
        occurred_at=occurred_at,
        discovered_at=discovered_at,
        reportable=reportable,
        reportable_reason=reportable_reason,
        reported_at=reported_at,
    )
    with transaction.atomic():
        breach = Breach.objects.create(
            occurred_at=occurred_at,
            discovered_at=discovered_at,
            data_involved=data_involved.strip(),
            people_affected=people_affected,
            reportable=reportable,
            reportable_reason=reportable_reason.strip(),
            reported_at=reported_at,
            actions_taken=actions_taken.strip(),
            recorded_by=actor,
        )
        audit_record(actor=actor, action=AuditAction.BREACH_RECORD, obj=breach)
    return breach


def breach_update(
    *,
    actor: User,
    breach: Breach,
    occurred_at: datetime,
    discovered_at: datetime,
    data_involved: str,
    people_affected: int,
    reportable: str,
    reportable_reason: str = "",
    reported_at: datetime | None = None,
    actions_taken: str = "",
) -> Breach:
    _check(
        occurred_at=occurred_at,
        discovered_at=discovered_at,
        reportable=reportable,
        reportable_reason=reportable_reason,
        reported_at=reported_at,
    )
    with transaction.atomic():
        locked = Breach.objects.select_for_update().get(pk=breach.pk)
        locked.occurred_at = occurred_at
        locked.discovered_at = discovered_at
        locked.data_involved = data_involved.strip()
        locked.people_affected = people_affected
        locked.reportable = reportable
        locked.reportable_reason = reportable_reason.strip()
        locked.reported_at = reported_at
        locked.actions_taken = actions_taken.strip()
        locked.save(update_fields=list(FIELDS))
        audit_record(actor=actor, action=AuditAction.BREACH_UPDATE, obj=locked)
    return locked
