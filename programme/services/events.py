"""Recording the programme's outgoing events (``ProgrammeEvent``), in the
caller's transaction, and announcing them once it commits (``programme.signals``).

Nothing here knows who consumes them: the same rows and the same signal for
every man, linked or not (SPEC 2)."""

from __future__ import annotations

from django.db import transaction

from programme.models import (
    Attendance,
    CaseManagementEntry,
    Participant,
    ProgrammeEvent,
    ProgrammeReport,
    RiskConcern,
    StatusChange,
)
from programme.signals import programme_events_recorded


def _announce_on_commit() -> None:
    transaction.on_commit(lambda: programme_events_recorded.send(sender=ProgrammeEvent))


def event_status_change(*, change: StatusChange) -> ProgrammeEvent:
    event = ProgrammeEvent.objects.create(
        kind=ProgrammeEvent.Kind.STATUS_CHANGE,
        participant_id=change.participant_id,
        status_change=change,
    )
    _announce_on_commit()
    return event


def event_risk_concern(*, concern: RiskConcern) -> ProgrammeEvent:
    event = ProgrammeEvent.objects.create(
        kind=ProgrammeEvent.Kind.RISK_CONCERN,
        participant_id=concern.participant_id,
        risk_concern=concern,
    )
    _announce_on_commit()
    return event


def events_attendance(*, marks: list[Attendance]) -> None:
    """One event per mark written (one statement however many)."""
    if not marks:
        return
    ProgrammeEvent.objects.bulk_create(
        ProgrammeEvent(
            kind=ProgrammeEvent.Kind.ATTENDANCE,
            participant_id=mark.participant_id,
            session_id=mark.session_id,
            mark=mark.mark,
        )
        for mark in marks
    )
    _announce_on_commit()


def event_attendance_cleared(*, participant: Participant | int, session_id: int) -> None:
    ProgrammeEvent.objects.create(
        kind=ProgrammeEvent.Kind.ATTENDANCE_CLEARED,
        participant_id=participant if isinstance(participant, int) else participant.pk,
        session_id=session_id,
    )
    _announce_on_commit()


def event_case_entry(*, entry: CaseManagementEntry) -> ProgrammeEvent:
    event = ProgrammeEvent.objects.create(
        kind=ProgrammeEvent.Kind.CASE_MANAGEMENT,
        participant_id=entry.participant_id,
        case_entry=entry,
    )
    _announce_on_commit()
    return event


def event_report(*, report: ProgrammeReport) -> ProgrammeEvent:
    event = ProgrammeEvent.objects.create(
        kind=ProgrammeEvent.Kind.REPORT,
        participant_id=report.participant_id,
        report=report,
    )
    _announce_on_commit()
    return event
