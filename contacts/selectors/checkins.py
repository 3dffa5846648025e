"""Reads for check-ins (SPEC 5). A worker's read of her check-ins and replies
is audited (SPEC 2). WSS means Women's Support Service."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from ..models import CheckIn, CheckInPlan, InboundMessage, SmsOptOut, Survivor, User
from ..services import audit_record


def checkin_page_for_worker(*, worker: User, survivor: Survivor) -> dict[str, object]:
    """Her plan, recent check-ins and replies, for her own worker (caller checked)."""
    plan = CheckInPlan.objects.filter(survivor=survivor).first()
    zone = ZoneInfo(survivor.time_zone)
    checkins = list(CheckIn.objects.filter(survivor=survivor).order_by("-due_at", "-pk")[:20])
    replies = list(
        InboundMessage.objects.filter(survivor=survivor).order_by("-received_at", "-pk")[:20]
    )
    audit_record(actor=worker, action="checkins.view", obj=survivor)
    return {
        "plan": plan,
        "next_due_local": plan.next_due_at.astimezone(zone) if plan and plan.next_due_at else None,
        "checkins": checkins,
        "replies": replies,
        "opt_out": SmsOptOut.objects.filter(survivor=survivor, lifted_at__isnull=True).first(),
        "has_windows": survivor.windows.exists(),
        "time_zone": survivor.time_zone,
    }


def checkin_plans_due(*, now: datetime) -> QuerySet[CheckInPlan]:
    """Plans due at ``now``: a range scan on the partial ``checkin_plan_due`` index."""
    return CheckInPlan.objects.filter(next_due_at__lte=now).order_by("next_due_at")
