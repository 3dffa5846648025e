"""Reads for check-ins (SPEC 5). The view audits a worker's read of her
check-ins and replies (SPEC 2). WSS means Women's Support Service."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from checkins.models import CheckIn, CheckInPlan, InboundMessage, SmsOptOut
from survivors.models import SafeContactWindow, Survivor


def checkin_plan(*, survivor: Survivor) -> CheckInPlan | None:
    return CheckInPlan.objects.filter(survivor=survivor).first()


def checkin_page_for_worker(*, survivor: Survivor) -> dict[str, object]:
    """Her plan, recent check-ins and replies, for her own worker (caller checked)."""
    plan = checkin_plan(survivor=survivor)
    zone = ZoneInfo(survivor.time_zone)
    checkins = list(CheckIn.objects.filter(survivor=survivor).order_by("-due_at", "-pk")[:20])
    replies = list(
        InboundMessage.objects.filter(survivor=survivor).order_by("-received_at", "-pk")[:20]
    )
    windows = list(survivor.windows.order_by("weekday", "starts_at"))
    opt_out = SmsOptOut.objects.filter(survivor=survivor, lifted_at__isnull=True).first()
    return {
        "plan": plan,
        "next_due_local": plan.next_due_at.astimezone(zone) if plan and plan.next_due_at else None,
        "checkins": checkins,
        "replies": replies,
        "opt_out": opt_out,
        "has_windows": bool(windows),
        "windows": windows,
        "time_zone": survivor.time_zone,
        "why_none": checkin_why_none(
            survivor=survivor, plan=plan, windows=windows, opted_out=opt_out is not None
        ),
    }


def checkin_why_none(
    *,
    survivor: Survivor,
    plan: CheckInPlan | None,
    windows: list[SafeContactWindow] | None = None,
    opted_out: bool | None = None,
) -> list[str]:
    """Why no check-in will be sent, in plain words for her worker ([] if one will).

    Every reason that applies is listed, so fixing one does not reveal another."""
    if windows is None:
        windows = list(survivor.windows.all())
    if opted_out is None:
        opted_out = SmsOptOut.objects.filter(survivor=survivor, lifted_at__isnull=True).exists()
    reasons = []
    if plan is None:
        reasons.append("There is no check-in plan yet.")
    elif plan.paused:
        reasons.append("Check-ins are paused on this plan.")
    if survivor.contact_paused:
        reasons.append("She has paused all contact.")
    if opted_out:
        reasons.append("Texts are stopped: an opt-out was received.")
    if not survivor.safe_phone:
        reasons.append("She has no safe number to text.")
    if not windows:
        reasons.append("She has no safe contact times.")
    elif plan is not None and not plan.paused and not opted_out and plan.next_due_at is None:
        reasons.append(
            "The plan's days and time do not fall inside any of her safe contact times "
            "(listed below). Choose days and a time inside one of them."
        )
    return reasons


def checkin_plans_due(*, now: datetime) -> QuerySet[CheckInPlan]:
    """Plans due at ``now``: a range scan on the partial ``checkin_plan_due`` index."""
    return CheckInPlan.objects.filter(next_due_at__lte=now).order_by("next_due_at")
