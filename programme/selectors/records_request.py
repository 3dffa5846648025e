"""Reads for his subject access request (SPEC 12): what the programme holds about
him, section by section, as plain data for the export's HTML and JSON, and the
requests themselves.

Only his own programme records, in full: his details, the registers, his
status history, the monthly case-management entries and the programme's
reports. Nothing of anyone else and no staff names (third parties); no
programme events and no audit rows (who read his record). Nothing here looks
beyond the programme's own tables, so nothing can differ with whether anyone
is linked to him (SPEC 2). Of the risk concerns, only those he was told about
(``told_him_at``), in basic form: kind, date, urgency, when he was told; the
others are withheld (``WITHHELD``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from programme.models import (
    Attendance,
    CaseManagementEntry,
    Participant,
    ParticipantRecordsRequest,
    ProgrammeReport,
    RiskConcern,
    StatusChange,
)

# Said in every export, the same words for every man (whether or not he has any).
WITHHELD = [
    "Risk concerns not yet discussed with you are not part of this copy; each is "
    "reviewed on its own before anything from it is given to you.",
    "The names of staff and of anyone else are left out.",
]


def _when(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


def records_details(*, participant: Participant) -> dict[str, Any]:
    return {
        "reference": participant.reference,
        "group": participant.group.name if participant.group is not None else "",
        "status": participant.get_status_display(),
        "status_since": _when(participant.status_changed_at),
        "status_reason": participant.status_reason,
        "on_record_since": _when(participant.created_at),
    }


def records_attendance(*, participant: Participant) -> list[dict[str, Any]]:
    marks = (
        Attendance.objects.filter(participant=participant)
        .select_related("session__group", "session__module")
        .order_by("session__starts_at", "pk")
    )
    return [
        {
            "session": _when(mark.session.starts_at),
            "group": mark.session.group.name,
            "place": mark.session.location,
            "topic": mark.session.module.name if mark.session.module is not None else "",
            "mark": mark.get_mark_display(),
            "recorded_at": _when(mark.recorded_at),
        }
        for mark in marks
    ]


def records_status_history(*, participant: Participant) -> list[dict[str, Any]]:
    changes = StatusChange.objects.filter(participant=participant).order_by("changed_at", "pk")
    return [
        {
            "status": change.get_status_display(),
            "reason": change.reason,
            "changed_at": _when(change.changed_at),
        }
        for change in changes
    ]


def records_risk_concerns(*, participant: Participant) -> list[dict[str, Any]]:
    """The risk concerns he was told about, basic information only, never who
    raised them; the others stay out (see ``WITHHELD``)."""
    concerns = RiskConcern.objects.filter(participant=participant, told_him_at__isnull=False)
    return [
        {
            "kind": concern.get_kind_display(),
            "date": concern.occurred_on,
            "urgency": concern.get_urgency_display(),
            "told_you_at": _when(concern.told_him_at),
        }
        for concern in concerns.order_by("occurred_on", "pk")
    ]


def records_case_management(*, participant: Participant) -> list[dict[str, Any]]:
    """Each monthly entry, without its risk part: a risk he was told about is
    under the risk concerns (``records_risk_concerns``)."""
    entries = CaseManagementEntry.objects.filter(participant=participant).order_by("month", "pk")
    return [
        {
            "month": entry.month.strftime("%Y-%m"),
            "engagement": entry.get_engagement_display(),
            "engagement_note": entry.engagement_note,
            "assessment_outcome": entry.get_assessment_outcome_display()
            if entry.assessment_outcome
            else "",
            "end_of_programme_summary": entry.end_summary,
            "recorded_at": _when(entry.created_at),
        }
        for entry in entries
    ]


def records_reports(*, participant: Participant) -> list[dict[str, Any]]:
    reports = ProgrammeReport.objects.filter(participant=participant).order_by("created_at", "pk")
    return [
        {
            "kind": report.get_kind_display(),
            "written_at": _when(report.created_at),
            "paragraphs": report.paragraphs(),
        }
        for report in reports
    ]


# The export's sections, in order: (key, heading, reader). The build reports its
# progress after each.
SECTIONS: list[tuple[str, str, Callable[..., Any]]] = [
    ("details", "Your details", records_details),
    ("attendance", "Sessions and attendance", records_attendance),
    ("status_history", "Status history", records_status_history),
    ("risk_concerns", "Risk concerns discussed with you", records_risk_concerns),
    ("case_management", "Monthly case management", records_case_management),
    ("reports", "Reports", records_reports),
]


# --- The requests -----------------------------------------------------------------


def records_requests(*, participant: Participant) -> list[ParticipantRecordsRequest]:
    return list(
        ParticipantRecordsRequest.objects.filter(participant=participant).select_related(
            "recorded_by"
        )
    )


def records_request(
    *, participant: Participant, records_request_id: int
) -> ParticipantRecordsRequest | None:
    return (
        ParticipantRecordsRequest.objects.filter(participant=participant, pk=records_request_id)
        .select_related("participant", "recorded_by")
        .first()
    )


def records_request_open(*, participant: Participant) -> ParticipantRecordsRequest | None:
    return ParticipantRecordsRequest.objects.filter(
        participant=participant, state__in=ParticipantRecordsRequest.OPEN_STATES
    ).first()
