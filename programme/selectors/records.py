"""Reads, and only reads: the views decide what a missing object means and
audit staff reads (``contacts/views/common.py``). WSS means Women's Support
Service."""

from __future__ import annotations

from programme.models import (
    Attendance,
    Participant,
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
    from django.utils import timezone

    if participant.group_id is None:
        return None
    return (
        ProgrammeSession.objects.filter(
            group_id=participant.group_id, starts_at__gte=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )


def participant_record(*, participant_id: int) -> dict[str, object] | None:
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


def group_detail(*, group_id: int) -> dict[str, object] | None:
    group = ProgrammeGroup.objects.filter(pk=group_id).first()
    if group is None:
        return None
    return {
        "group": group,
        "participants": list(group.participants.order_by("reference")),
    }
