"""Reads, and only reads: the views decide what a missing object means and
audit staff reads (``contacts/views/common.py``). WSS means Women's Support
Service."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from contacts import policy
from contacts.models import User
from programme.selectors.records import participant_attendance, participant_next_session
from survivors.models import (
    Alert,
    ContactChange,
    ContactLogEntry,
    MaracTask,
    Message,
    RiskAssessment,
    Survivor,
)
from survivors.selectors import attempts as attempt_selectors
from survivors.selectors import casework as casework_selectors
from survivors.selectors import check_points as check_point_selectors
from survivors.selectors import first_contact as first_contact_selectors
from survivors.selectors import referrals as referral_selectors
from survivors.selectors.casework import casework_summary
from survivors.selectors.contact_changes import contact_changed_recently, contact_changes_for_case
from survivors.selectors.cover import alert_covered_by
from survivors.selectors.programme_items import programme_items_for_case

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) subquery (no join fan-out, one statement in all)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("survivor_id").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


MISSED_CHECKIN_KINDS = (Alert.Kind.CHECKIN_MISSED, Alert.Kind.CHECKIN_TOO_OLD)


class CaseloadAnnotations(TypedDict):
    """What ``caseload_for_worker`` adds to each case, for the type checker."""

    urgent_alerts: int
    unanswered_messages: int
    unread_messages: int
    missed_checkins: int
    open_alerts: int
    last_alert_at: datetime | None
    last_contact_at: datetime | None
    last_message_at: datetime | None
    latest_level: str | None
    latest_assessed_at: datetime | None
    last_risk_event_at: datetime | None
    marac_task_open: bool
    last_contact_change_at: datetime | None


def caseload_for_worker(
    *, worker: User
) -> QuerySet[WithAnnotations[Survivor, CaseloadAnnotations]]:
    """Her own allocated survivors only, neediest first: urgent alerts, then
    unanswered messages, then missed check-ins, then other open alerts.

    One query however many survivors and alerts (bench/staff_dashboard.py)."""
    open_alerts = Alert.objects.filter(survivor=OuterRef("pk"), acknowledged_at__isnull=True)
    last_reply = (
        Message.objects.filter(survivor=OuterRef(OuterRef("pk")), from_survivor=False)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    unanswered = Message.objects.filter(survivor=OuterRef("pk"), from_survivor=True).filter(
        Q(created_at__gt=Subquery(last_reply))
        | ~Exists(Message.objects.filter(survivor=OuterRef(OuterRef("pk")), from_survivor=False))
    )
    return (
        Survivor.objects.filter(worker=worker)
        .select_related("participant")
        .annotate(
            urgent_alerts=_count(open_alerts.filter(urgent=True)),
            unanswered_messages=_count(unanswered),
            unread_messages=_count(
                Message.objects.filter(
                    survivor=OuterRef("pk"), from_survivor=True, read_at__isnull=True
                )
            ),
            missed_checkins=_count(open_alerts.filter(kind__in=MISSED_CHECKIN_KINDS)),
            open_alerts=_count(open_alerts),
            last_alert_at=Subquery(open_alerts.order_by("-created_at").values("created_at")[:1]),
            # Her casework (SPEC 9): the quiet spell and the latest checklist level.
            last_contact_at=Subquery(
                ContactLogEntry.objects.filter(survivor=OuterRef("pk"))
                .order_by("-happened_at")
                .values("happened_at")[:1]
            ),
            last_message_at=Subquery(
                Message.objects.filter(survivor=OuterRef("pk"))
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
            latest_level=Subquery(
                RiskAssessment.objects.filter(survivor=OuterRef("pk"))
                .order_by("-assessed_at", "-pk")
                .values("level")[:1]
            ),
            latest_assessed_at=Subquery(
                RiskAssessment.objects.filter(survivor=OuterRef("pk"))
                .order_by("-assessed_at", "-pk")
                .values("assessed_at")[:1]
            ),
            last_risk_event_at=Subquery(
                Alert.objects.filter(
                    survivor=OuterRef("pk"), kind__in=casework_selectors.RISK_EVENT_ALERTS
                )
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
            marac_task_open=Exists(
                MaracTask.objects.filter(survivor=OuterRef("pk"), closed_at__isnull=True)
            ),
            # Contact changes (SPEC 12): the caseload marks a recent one.
            last_contact_change_at=Subquery(
                ContactChange.objects.filter(survivor=OuterRef("pk"))
                .order_by("-changed_at")
                .values("changed_at")[:1]
            ),
        )
        .order_by(
            "-urgent_alerts",
            "-unanswered_messages",
            "-missed_checkins",
            "-open_alerts",
            "pk",  # then by case number: her name is encrypted, not sortable in SQL
        )
    )


def caseload_with_casework(
    *, worker: User, now: datetime | None = None
) -> list[WithAnnotations[Survivor, CaseloadAnnotations]]:
    """Her caseload (still one query), each case carrying ``casework``: its stage,
    the first-contact clock, the date support ends, a dormancy proposal and the
    latest checklist level; ``contact_changed_recently`` (SPEC 12); and
    ``first_contact_clock`` (SPEC 13: working hours left to the first attempt)."""
    survivors = list(caseload_for_worker(worker=worker))
    for survivor in survivors:
        moments = [m for m in (survivor.last_contact_at, survivor.last_message_at) if m]
        # Read by the caseload template as ``survivor.casework``.
        survivor.casework = casework_summary(  # type: ignore[attr-defined]
            survivor=survivor,
            now=now,
            last_activity=max(moments) if moments else None,
            level=survivor.latest_level,
            latest_assessed_at=survivor.latest_assessed_at,
            last_risk_event=survivor.last_risk_event_at,
            marac_task_open=survivor.marac_task_open,
        )
        survivor.contact_changed_recently = contact_changed_recently(  # type: ignore[attr-defined]
            survivor.last_contact_change_at, now=now
        )
        # The first-contact clock (SPEC 13): worked out from her row, no query.
        survivor.first_contact_clock = first_contact_selectors.case_clock(  # type: ignore[attr-defined]
            survivor=survivor, now=now
        )
    return survivors


def survivor_for_worker(*, worker: User, survivor_id: int) -> Survivor | None:
    """Her record, for her own worker; ``None`` for anyone else (the view answers
    404 either way: no existence leak)."""
    survivor = (
        Survivor.objects.select_related("participant", "participant__group", "user")
        .filter(pk=survivor_id, worker=worker)
        .first()
    )
    if survivor is None or not policy.can_work_with_survivor(worker, survivor):
        return None
    return survivor


def case_record(*, survivor: Survivor) -> dict[str, object]:
    """Everything on her page for her worker, in a fixed handful of queries."""
    participant = survivor.participant
    context: dict[str, object] = {
        "survivor": survivor,
        "participant": participant,
        "windows": list(survivor.windows.all()),
        "open_alerts": list(
            survivor.alerts.filter(acknowledged_at__isnull=True)
            .select_related("risk_concern", "programme_event__status_change")
            .order_by("-urgent", "-created_at")
        ),
        "past_alerts": list(
            survivor.alerts.filter(acknowledged_at__isnull=False)
            .select_related("acknowledged_by", "risk_concern", "programme_event__status_change")
            .order_by("-acknowledged_at")[:20]
        ),
        "contact_log": list(survivor.contact_log.select_related("worker")[:30]),
        "disclosures": list(survivor.disclosures.select_related("worker")[:30]),
        "programme_items": programme_items_for_case(survivor=survivor),
        "contact_changes": contact_changes_for_case(survivor=survivor),
        "unread_messages": survivor.messages.filter(
            from_survivor=True, read_at__isnull=True
        ).count(),
    }
    # Her casework (SPEC 9): stage, dates, latest checklist.
    latest = casework_selectors.latest_assessment(survivor=survivor)
    context.update(
        latest_assessment=latest,
        casework=casework_summary(
            survivor=survivor,
            last_activity=casework_selectors.last_activity_at(survivor=survivor),
            level=latest.level if latest else None,
            latest_assessed_at=latest.assessed_at if latest else None,
            last_risk_event=casework_selectors.last_risk_event_at(survivor=survivor),
        ),
        marac_task=casework_selectors.open_marac_task(survivor=survivor),
        last_session=casework_selectors.last_session_nears(participant=participant),
        **casework_selectors.marac_history(survivor=survivor),
        next_states=casework_selectors.next_states(survivor=survivor),
        in_safe_window_now=casework_selectors.in_safe_window(survivor=survivor),
    )
    # Referrals and first contact (SPEC 13).
    context.update(
        referrals=referral_selectors.case_referrals(survivor=survivor),
        first_contact_clock=first_contact_selectors.case_clock(survivor=survivor),
        no_contact_offer=attempt_selectors.no_contact_offer(survivor=survivor),
    )
    # Outcomes, with her consent (SPEC 14).
    context.update(check_points=check_point_selectors.case_check_points(survivor=survivor))
    if participant is not None:
        context["attendance"] = participant_attendance(participant=participant)
        context["next_session"] = participant_next_session(participant=participant)
    return context


def alert_for_actor(*, user: User, alert_id: int) -> Alert | None:
    """An alert her worker (or, if urgent, the duty worker) may act on; else ``None``."""
    alert = (
        Alert.objects.select_related("survivor", "survivor__worker", "risk_concern")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return None
    if not policy.can_act_on_alert(user, alert) and not alert_covered_by(user=user, alert=alert):
        return None
    return alert
