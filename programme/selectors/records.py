"""Reads, and only reads: the views decide what a missing object means and
audit staff reads (``contacts/views/common.py``). WSS means Women's Support
Service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from programme.models import (
    Attendance,
    AttendanceMark,
    Participant,
    ParticipantStatus,
    ProgrammeGroup,
    ProgrammeSession,
    RiskConcern,
    StatusChange,
)
from programme.selectors.casework import participant_case_entries, participant_reports


def participant_attendance(*, participant: Participant, limit: int = 8) -> list[Attendance]:
    return list(
        Attendance.objects.filter(participant=participant)
        .select_related("session")
        .order_by("-session__starts_at")[:limit]
    )


def participant_next_session(*, participant: Participant) -> ProgrammeSession | None:
    if participant.group_id is None:
        return None
    return (
        ProgrammeSession.objects.filter(
            group_id=participant.group_id, starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )


def participant_record(*, participant_id: int) -> dict[str, Any] | None:
    """His own programme record: nothing here looks at survivors (SPEC 2)."""
    participant = Participant.objects.select_related("group").filter(pk=participant_id).first()
    if participant is None:
        return None
    return {
        "participant": participant,
        "attendance": participant_attendance(participant=participant, limit=20),
        "status_changes": list(
            StatusChange.objects.filter(participant=participant).select_related("author")[:20]
        ),
        "risk_concerns": list(
            RiskConcern.objects.filter(participant=participant).select_related("author")[:20]
        ),
        "next_session": participant_next_session(participant=participant),
        "case_entries": participant_case_entries(participant=participant),
        "reports": participant_reports(participant=participant),
    }


def participant(*, participant_id: int) -> Participant | None:
    return Participant.objects.select_related("group").filter(pk=participant_id).first()


def group_detail(*, group_id: int) -> dict[str, Any] | None:
    group = ProgrammeGroup.objects.filter(pk=group_id).first()
    if group is None:
        return None
    return {
        "group": group,
        "participants": list(group.participants.order_by("reference")),
    }


# --- A session's register ------------------------------------------------------------

# Men who have left the programme are not on a new register.
OFF_REGISTER = (ParticipantStatus.DROPPED_OUT, ParticipantStatus.COMPLETED)
# Before he starts group sessions (SPEC 6): a first "attended" or "late" mark
# records his start (``programme.services.records.attendance_apply``).
NOT_STARTED = (ParticipantStatus.REFERRED, ParticipantStatus.ASSESSMENT)
# The marks that say he was there.
PRESENT_MARKS = (AttendanceMark.ATTENDED, AttendanceMark.LATE)


def session(*, session_id: int) -> ProgrammeSession | None:
    return ProgrammeSession.objects.select_related("group", "module").filter(pk=session_id).first()


def session_has_started(*, session: ProgrammeSession, now: datetime | None = None) -> bool:
    """Attendance can only be recorded once a session has started."""
    return session.starts_at <= (now or timezone.now())


def register_participants(*, session: ProgrammeSession) -> list[Participant]:
    """Who is on this session's register: the group's current members, plus anyone
    already marked for it (so a later status change never hides a mark)."""
    marked = Attendance.objects.filter(session=session).values("participant_id")
    return list(
        Participant.objects.filter(
            Q(group_id=session.group_id) & ~Q(status__in=OFF_REGISTER) | Q(pk__in=marked)
        ).order_by("reference")
    )


def register_marks(*, session: ProgrammeSession) -> dict[int, str]:
    """The marks saved for this session, by participant id."""
    return dict(Attendance.objects.filter(session=session).values_list("participant_id", "mark"))
