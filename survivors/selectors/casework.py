"""Her casework, read (SPEC 9): the case lifecycle's dates, the risk checklist
and its history. Reads only; the rules that decide a level or a stage are here
so the services and the pages agree. WSS means Women's Support Service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from programme.models import Participant, ParticipantStatus, ProgrammeSession
from survivors.models import (
    Alert,
    CaseState,
    MaracTask,
    RiskAssessment,
    RiskLevel,
    RiskQuestion,
    Survivor,
)

# His course has ended: her support runs on for SUPPORT_AFTER_END_WEEKS from the
# date the programme recorded the end (its status change, read on this side only).
PROGRAMME_END_STATUSES = (ParticipantStatus.COMPLETED, ParticipantStatus.DROPPED_OUT)

# Lower bound of each level, by number of "yes" answers (SafeLives: 14+ high).
MEDIUM_FROM = 10
HIGH_FROM = 14
LEVEL_ORDER = {RiskLevel.STANDARD: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


def level_for_score(score: int) -> str:
    """0–9 standard, 10–13 medium, 14 or more high."""
    if score >= HIGH_FROM:
        return RiskLevel.HIGH
    if score >= MEDIUM_FROM:
        return RiskLevel.MEDIUM
    return RiskLevel.STANDARD


def level_rank(level: str) -> int:
    return LEVEL_ORDER[RiskLevel(level)]


# --- Lifecycle ----------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseState.REFERRED: (CaseState.FIRST_CONTACT, CaseState.CLOSED),
    CaseState.FIRST_CONTACT: (CaseState.ACTIVE, CaseState.DORMANT, CaseState.CLOSED),
    CaseState.ACTIVE: (CaseState.DORMANT, CaseState.CLOSED),
    CaseState.DORMANT: (CaseState.ACTIVE, CaseState.CLOSED),
    CaseState.CLOSED: (CaseState.ACTIVE,),  # reopened
}


def next_states(*, survivor: Survivor) -> list[tuple[str, str]]:
    """The stages her case may move to now, as (value, label)."""
    return [(state, CaseState(state).label) for state in TRANSITIONS[survivor.case_state]]


def programme_ended_at(*, participant: Participant | None) -> datetime | None:
    """When his course ended (completed or dropped out), or ``None`` while it runs."""
    if participant is None or participant.status not in PROGRAMME_END_STATUSES:
        return None
    return participant.status_changed_at


def support_ends_on(*, survivor: Survivor) -> date | None:
    ended = programme_ended_at(participant=survivor.participant)
    if ended is None:
        return None
    ends = ended + timedelta(weeks=settings.SUPPORT_AFTER_END_WEEKS)
    return timezone.localtime(ends).date()


def in_safe_window(*, survivor: Survivor, at: datetime | None = None) -> bool:
    """Whether ``at`` (default now) falls inside one of her safe times, in her zone."""
    local = (at or timezone.now()).astimezone(ZoneInfo(survivor.time_zone))
    return any(
        window.starts_at <= local.time() < window.ends_at
        for window in survivor.windows.all()
        if window.weekday == local.weekday()
    )


@dataclass(frozen=True)
class CaseworkSummary:
    state: str
    state_label: str
    days_waiting: int | None  # referred, no first contact yet: days since referral
    days_to_first_contact: int | None
    support_ends: date | None
    proposed_dormant: bool
    last_activity: datetime | None
    level: str | None
    level_label: str
    reassessment_due: bool = False
    marac_task_open: bool = False


def casework_summary(
    *,
    survivor: Survivor,
    now: datetime | None = None,
    last_activity: datetime | None = None,
    level: str | None = None,
    latest_assessed_at: datetime | None = None,
    last_risk_event: datetime | None = None,
    marac_task_open: bool = False,
) -> CaseworkSummary:
    """Her case's stage and dates as the caseload and her page show them.

    ``last_activity`` (latest contact logged or message either way) and
    ``level`` (latest checklist) come annotated from the caseload query."""
    now = now or timezone.now()
    days_waiting = days_to_first = None
    if survivor.first_contact_at is not None:
        days_to_first = max((survivor.first_contact_at - survivor.referred_at).days, 0)
    elif survivor.case_state == CaseState.REFERRED:
        days_waiting = max((now - survivor.referred_at).days, 0)
    quiet_since = max(
        [
            moment
            for moment in (last_activity, survivor.first_contact_at, survivor.referred_at)
            if moment is not None
        ]
    )
    proposed = survivor.case_state in (
        CaseState.FIRST_CONTACT,
        CaseState.ACTIVE,
    ) and now - quiet_since >= timedelta(weeks=settings.CASE_DORMANT_AFTER_WEEKS)
    return CaseworkSummary(
        state=survivor.case_state,
        state_label=CaseState(survivor.case_state).label,
        days_waiting=days_waiting,
        days_to_first_contact=days_to_first,
        support_ends=support_ends_on(survivor=survivor),
        proposed_dormant=proposed,
        last_activity=last_activity,
        level=level,
        level_label=RiskLevel(level).label if level else "Not assessed",
        reassessment_due=reassessment_due(
            latest_assessed_at=latest_assessed_at, last_risk_event_at=last_risk_event, now=now
        ),
        marac_task_open=marac_task_open,
    )


def last_activity_at(*, survivor: Survivor) -> datetime | None:
    """Her latest logged contact or message (either way), for one case."""
    moments = [
        survivor.contact_log.order_by("-happened_at").values_list("happened_at", flat=True).first(),
        survivor.messages.order_by("-created_at").values_list("created_at", flat=True).first(),
    ]
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


# --- The risk checklist ---------------------------------------------------------


def risk_questions() -> list[RiskQuestion]:
    return list(RiskQuestion.objects.filter(active=True).order_by("number"))


def assessments_for_case(*, survivor: Survivor) -> list[RiskAssessment]:
    """Every checklist on her case, newest first, with who did it."""
    return list(survivor.assessments.select_related("assessed_by").order_by("-assessed_at", "-pk"))


def latest_assessment(*, survivor: Survivor) -> RiskAssessment | None:
    return survivor.assessments.order_by("-assessed_at", "-pk").first()


def assessment_for_case(*, survivor: Survivor, assessment_id: int) -> RiskAssessment | None:
    """One checklist of her case with its answers; ``None`` if not hers."""
    return (
        RiskAssessment.objects.select_related("assessed_by")
        .prefetch_related("answers__question")
        .filter(pk=assessment_id, survivor=survivor)
        .first()
    )


# --- The MARAC pathway and reassessment ----------------------------------------


def escalation_incidents(*, survivor: Survivor, since: datetime) -> QuerySet[Alert]:
    """Incidents that count towards potential escalation, from what this service
    already sees: an urgent risk concern, a check-in reply 3, a duress sign-in,
    his status changed to order breached. Each is one alert (one per event)."""
    return Alert.objects.filter(survivor=survivor, created_at__gte=since).filter(
        Q(kind__in=(Alert.Kind.URGENT_REPLY, Alert.Kind.DURESS))
        | Q(kind=Alert.Kind.RISK_CONCERN, urgent=True)
        | Q(
            kind=Alert.Kind.STATUS_CHANGE,
            programme_event__status_change__status=ParticipantStatus.ORDER_BREACHED,
        )
    )


def is_escalation_incident(*, alert: Alert) -> bool:
    return (
        escalation_incidents(survivor=alert.survivor, since=alert.created_at)
        .filter(pk=alert.pk)
        .exists()
    )


def incident_line(*, alert: Alert) -> str:
    """One line of evidence: when and what, no detail."""
    when = timezone.localtime(alert.created_at).strftime("%d %b %Y %H:%M")
    if alert.kind == Alert.Kind.STATUS_CHANGE:
        what = "His status changed: order breached"
    elif alert.kind == Alert.Kind.RISK_CONCERN:
        what = "Urgent risk concern raised by the programme"
    else:
        what = alert.get_kind_display()
    return f"{when}: {what}"


def open_marac_task(*, survivor: Survivor) -> MaracTask | None:
    return MaracTask.objects.filter(survivor=survivor, closed_at__isnull=True).first()


def marac_history(*, survivor: Survivor) -> dict[str, list]:
    return {
        "marac_tasks": list(
            survivor.marac_tasks.filter(closed_at__isnull=False).select_related("closed_by")[:20]
        ),
        "marac_referrals": list(
            survivor.marac_referrals.select_related("referred_by", "disclosure")[:20]
        ),
    }


RISK_EVENT_ALERTS = (Alert.Kind.STATUS_CHANGE, Alert.Kind.RISK_CONCERN)


def reassessment_due(
    *,
    latest_assessed_at: datetime | None,
    last_risk_event_at: datetime | None,
    now: datetime | None = None,
) -> bool:
    """Due REASSESSMENT_WEEKS after the last checklist, or at once after a
    programme event that changes her risk (his status, a risk concern)."""
    if latest_assessed_at is None:
        return False  # never assessed: the caseload says "Not assessed"
    now = now or timezone.now()
    if now - latest_assessed_at >= timedelta(weeks=settings.REASSESSMENT_WEEKS):
        return True
    return last_risk_event_at is not None and last_risk_event_at > latest_assessed_at


def last_risk_event_at(*, survivor: Survivor) -> datetime | None:
    return (
        survivor.alerts.filter(kind__in=RISK_EVENT_ALERTS)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def last_session_nears(
    *, participant: Participant | None, now: datetime | None = None
) -> ProgrammeSession | None:
    """His group's last scheduled session, if it is within PLAN_REVIEW_LAST_SESSION_DAYS
    and he is still attending: her worker reviews her plan with her before it.
    Read from the programme's own records on this side; nothing is written there."""
    if (
        participant is None
        or participant.group_id is None
        or participant.status != ParticipantStatus.ATTENDING
    ):
        return None
    now = now or timezone.now()
    last = (
        ProgrammeSession.objects.filter(group_id=participant.group_id)
        .order_by("-starts_at")
        .first()
    )
    if last is None or last.starts_at < now:
        return None
    if last.starts_at - now > timedelta(days=settings.PLAN_REVIEW_LAST_SESSION_DAYS):
        return None
    return last
