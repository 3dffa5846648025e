"""Her casework, read (SPEC 9): the case lifecycle's dates, the risk checklist
and its history. Reads only; the rules that decide a level or a stage are here
so the services and the pages agree. WSS means Women's Support Service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from programme.models import Participant, ParticipantStatus
from survivors.models import (
    CaseState,
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


def casework_summary(
    *,
    survivor: Survivor,
    now: datetime | None = None,
    last_activity: datetime | None = None,
    level: str | None = None,
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
