"""The MARAC (multi-agency risk assessment conference) pathway (SPEC 9).

Four criteria: visible high risk (a checklist scoring 14 or more), professional
judgement (a checklist raised to high), potential escalation (a set number of
incidents within a window, counted from alerts this service already raises:
an urgent risk concern, a check-in reply 3, a duress sign-in, his status set to
order breached; each incident counted once) and repeat referral (an incident
within a set time of an earlier referral). When one is met her worker gets
exactly one task listing the evidence; a criterion met while a task is open
adds its evidence to that task. Recording the referral records a disclosure
with basis "high risk" (the usual disclosure rules apply) and closes the task;
closing it without a referral needs a reason."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import MaracError
from survivors.models import (
    Alert,
    Disclosure,
    MaracReferral,
    MaracTask,
    RiskAssessment,
    RiskLevel,
    Survivor,
)
from survivors.selectors.casework import (
    HIGH_FROM,
    escalation_incidents,
    incident_line,
    is_escalation_incident,
)
from survivors.services.disclosures import disclosure_record

logger = logging.getLogger(__name__)
Criterion = MaracTask.Criterion


def _task_add(
    *,
    survivor: Survivor,
    criteria: list[str],
    lines: list[str],
    incidents: Sequence[Alert] = (),
    assessment: RiskAssessment | None = None,
) -> MaracTask:
    """Open her one task, or add to the open one. Call with her row locked."""
    task = MaracTask.objects.filter(survivor=survivor, closed_at__isnull=True).first()
    if task is None:
        task = MaracTask.objects.create(
            survivor=survivor,
            criteria=",".join(criteria),
            evidence="\n".join(lines),
            assessment=assessment,
        )
        audit_record(actor=None, action=AuditAction.MARAC_TASK_RAISE, obj=task, survivor=survivor)
        logger.info("referral task %s raised for case %s", task.pk, survivor.pk)
    else:
        met = [code for code in task.criteria.split(",") if code]
        task.criteria = ",".join([*met, *(code for code in criteria if code not in met)])
        task.evidence = "\n".join([*task.evidence_lines, *lines])
        if assessment is not None:
            task.assessment = assessment
        task.save(update_fields=["criteria", "evidence", "assessment"])
    if incidents:
        task.incidents.add(*incidents)
    return task


def marac_assessment_check(*, survivor: Survivor, assessment: RiskAssessment) -> MaracTask | None:
    """A high checklist meets a criterion: 14 or more, or raised by judgement.
    Call inside the checklist's transaction."""
    if assessment.level != RiskLevel.HIGH:
        return None
    criterion = (
        Criterion.VISIBLE_HIGH_RISK
        if assessment.score >= HIGH_FROM
        else Criterion.PROFESSIONAL_JUDGEMENT
    )
    when = timezone.localtime(assessment.assessed_at).strftime("%d %b %Y %H:%M")
    line = f"{when}: checklist scored {assessment.score}, level high"
    if criterion == Criterion.PROFESSIONAL_JUDGEMENT:
        line += " (raised by professional judgement)"
    with transaction.atomic():
        Survivor.objects.select_for_update().filter(pk=survivor.pk).first()
        return _task_add(
            survivor=survivor, criteria=[criterion], lines=[line], assessment=assessment
        )


def marac_incident_check(*, alert: Alert) -> MaracTask | None:
    """After an alert is raised (a task, once its transaction commits):
    potential escalation and repeat referral. Safe to run twice: an incident
    already on a task is not counted again."""
    if not is_escalation_incident(alert=alert):
        return None
    if MaracTask.incidents.through.objects.filter(alert_id=alert.pk).exists():
        return None  # this alert was taken in already
    survivor = alert.survivor
    with transaction.atomic():
        Survivor.objects.select_for_update().filter(pk=survivor.pk).first()
        since = alert.created_at - timedelta(days=settings.MARAC_ESCALATION_WINDOW_DAYS)
        counted = MaracTask.incidents.through.objects.filter(maractask__survivor=survivor).values(
            "alert_id"
        )
        uncounted = list(
            escalation_incidents(survivor=survivor, since=since)
            .exclude(pk__in=counted)
            .order_by("created_at", "pk")
        )
        task = MaracTask.objects.filter(survivor=survivor, closed_at__isnull=True).first()
        escalating = task is not None and Criterion.POTENTIAL_ESCALATION in task.criteria
        criteria: list[str] = []
        incidents: list[Alert] = []
        lines: list[str] = []
        if len(uncounted) >= settings.MARAC_ESCALATION_INCIDENTS or escalating:
            criteria.append(Criterion.POTENTIAL_ESCALATION)
            incidents = uncounted
        earlier = (
            MaracReferral.objects.filter(
                survivor=survivor,
                referred_at__gte=alert.created_at
                - timedelta(days=settings.MARAC_REPEAT_WINDOW_DAYS),
                referred_at__lte=alert.created_at,
            )
            .order_by("-referred_at")
            .first()
        )
        if earlier is not None:
            criteria.append(Criterion.REPEAT_REFERRAL)
            if task is None or Criterion.REPEAT_REFERRAL not in task.criteria:
                referred = timezone.localtime(earlier.referred_at).strftime("%d %b %Y")
                lines.append(f"Referred on {referred}; a new incident since")
            if alert.pk in {a.pk for a in uncounted} - {a.pk for a in incidents}:
                incidents = [*incidents, alert]
        if not criteria:
            return None
        lines = [incident_line(alert=incident) for incident in incidents] + lines
        return _task_add(survivor=survivor, criteria=criteria, lines=lines, incidents=incidents)


def marac_referral_record(
    *,
    actor: User,
    survivor: Survivor,
    agency: str,
    details: str = "",
    referred_at: datetime | None = None,
) -> MaracReferral:
    """Record the referral: a disclosure with basis "high risk" (refused as any
    disclosure is, e.g. without the agency), and her open task closed. Refused
    on a restricted case (SPEC 12); sharing to protect her or someone else is
    still recorded as a disclosure (``disclosure_record``)."""
    if survivor.restricted_at is not None:
        raise MaracError("restricted")
    referred_at = referred_at or timezone.now()
    with transaction.atomic():
        Survivor.objects.select_for_update().filter(pk=survivor.pk).first()
        disclosure = disclosure_record(
            actor=actor,
            survivor=survivor,
            agency=agency,
            basis=Disclosure.Basis.HIGH_RISK,
            details=details,
            disclosed_at=referred_at,
        )
        repeat = MaracReferral.objects.filter(
            survivor=survivor,
            referred_at__gte=referred_at - timedelta(days=settings.MARAC_REPEAT_WINDOW_DAYS),
        ).exists()
        task = MaracTask.objects.filter(survivor=survivor, closed_at__isnull=True).first()
        referral = MaracReferral.objects.create(
            survivor=survivor,
            referred_by=actor,
            referred_at=referred_at,
            disclosure=disclosure,
            task=task,
            repeat=repeat,
        )
        if task is not None:
            task.closed_at, task.closed_by = referred_at, actor
            task.outcome = MaracTask.Outcome.REFERRED
            task.save(update_fields=["closed_at", "closed_by", "outcome"])
        audit_record(
            actor=actor, action=AuditAction.MARAC_REFERRAL_RECORD, obj=referral, survivor=survivor
        )
    logger.info("referral %s recorded for case %s", referral.pk, survivor.pk)
    return referral


def marac_task_close(*, actor: User, survivor: Survivor, reason: str) -> MaracTask:
    """Close her open task without a referral: only with a reason."""
    if survivor.restricted_at is not None:
        raise MaracError("restricted")  # kept, not used (SPEC 12)
    reason = (reason or "").strip()
    if not reason:
        raise MaracError("reason_required")
    with transaction.atomic():
        task = (
            MaracTask.objects.select_for_update()
            .filter(survivor=survivor, closed_at__isnull=True)
            .first()
        )
        if task is None:
            raise MaracError("no_open_task")
        task.closed_at, task.closed_by = timezone.now(), actor
        task.outcome = MaracTask.Outcome.NOT_REFERRED
        task.close_reason = reason
        task.save(update_fields=["closed_at", "closed_by", "outcome", "close_reason"])
        audit_record(actor=actor, action=AuditAction.MARAC_TASK_CLOSE, obj=task, survivor=survivor)
    return task


def marac_incident_check_by_id(*, alert_id: int) -> MaracTask | None:
    alert = Alert.objects.select_related("survivor").filter(pk=alert_id).first()
    if alert is None:
        return None  # purged meanwhile
    return marac_incident_check(alert=alert)


def marac_incidents_sweep(*, lookback_hours: int = 24) -> int:
    """Beat's safety net for lost wake-ups: for each case with an escalation
    incident in the last ``lookback_hours`` that no task counts yet, run the
    check on its newest one (which counts every uncounted incident in the
    window before it, as the lost check would have). Safe to repeat: nothing
    is counted twice. Returns how many cases were checked."""
    since = timezone.now() - timedelta(hours=lookback_hours)
    counted = MaracTask.incidents.through.objects.values("alert_id")
    checked = 0
    seen: set[int] = set()
    for alert in (
        Alert.objects.filter(created_at__gte=since)
        .exclude(pk__in=counted)
        .select_related("survivor")
        .order_by("survivor_id", "-created_at", "-pk")
    ):
        if alert.survivor_id in seen or not is_escalation_incident(alert=alert):
            continue
        seen.add(alert.survivor_id)
        marac_incident_check(alert=alert)
        checked += 1
    return checked
