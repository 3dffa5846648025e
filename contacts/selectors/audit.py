"""The audit log, filtered for the service manager (ids only in every row)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from contacts.models import AuditEvent


def audit_events(
    *,
    actor_id: int | None = None,
    survivor_id: int | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if survivor_id is not None:
        events = events.filter(survivor_id=survivor_id)
    if action:
        events = events.filter(action__startswith=action)
    zone = timezone.get_current_timezone()
    if date_from is not None:
        events = events.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to is not None:
        events = events.filter(
            at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
        )
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
