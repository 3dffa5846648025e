"""Reads. Staff reads of survivor data write an audit event (SPEC 2).
WSS means Women's Support Service."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from .. import policy
from ..models import (
    Attendance,
    Participant,
    ProgrammeGroup,
    ProgrammeSession,
    RiskConcern,
    StatusChange,
    Survivor,
    User,
)
from ..services import audit_record


def caseload_for_worker(*, worker: User) -> QuerySet[Survivor]:
    """Her own allocated survivors only, with open-alert counts, neediest first."""
    return (
        Survivor.objects.filter(worker=worker)
        .select_related("participant")
        .annotate(
            urgent_alerts=Count(
                "alerts", filter=Q(alerts__acknowledged_at__isnull=True, alerts__urgent=True)
            ),
            open_alerts=Count("alerts", filter=Q(alerts__acknowledged_at__isnull=True)),
        )
        .order_by("-urgent_alerts", "-open_alerts", "known_as", "pk")
    )


def survivor_for_worker(*, worker: User, survivor_id: int) -> Survivor:
    """Her record, for her own worker; anyone else gets a 404 (no existence leak)."""
    survivor = (
        Survivor.objects.select_related("participant", "participant__group")
        .filter(pk=survivor_id, worker=worker)
        .first()
    )
    if survivor is None or not policy.can_work_with_survivor(worker, survivor):
        raise Http404
    audit_record(actor=worker, action="survivor.view", obj=survivor)
    return survivor


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


def participant_record(*, participant_id: int) -> dict[str, object]:
    """His own programme record: nothing here looks at survivors (SPEC 2)."""
    participant = Participant.objects.select_related("group").filter(pk=participant_id).first()
    if participant is None:
        raise Http404
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
    }


def groups_list() -> QuerySet[ProgrammeGroup]:
    return ProgrammeGroup.objects.annotate(participant_count=Count("participants"))


def group_detail(*, group_id: int) -> dict[str, object]:
    group = ProgrammeGroup.objects.filter(pk=group_id).first()
    if group is None:
        raise Http404
    return {
        "group": group,
        "sessions": list(group.sessions.all()),
        "participants": list(group.participants.all()),
    }


def portal_status(*, user: User) -> dict[str, object]:
    """What she sees on her home page: his status, attendance, next session."""
    survivor = Survivor.objects.select_related("participant").filter(user=user).first()
    participant = survivor.participant if survivor is not None else None
    if participant is None:
        return {"survivor": survivor, "participant": None}
    return {
        "survivor": survivor,
        "participant": participant,
        "attendance": participant_attendance(participant=participant, limit=8),
        "next_session": participant_next_session(participant=participant),
    }
