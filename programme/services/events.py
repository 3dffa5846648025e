"""Recording the programme's outgoing events (``ProgrammeEvent``), in the
caller's transaction, and announcing them once it commits (``programme.signals``).

Nothing here knows who consumes them: the same rows and the same signal for
every man, linked or not (SPEC 2)."""

from __future__ import annotations

from typing import Any

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


def _record(kind: str, participant_id: int, **links: Any) -> ProgrammeEvent:
    """One event, announced once the transaction that wrote it commits."""
    event = ProgrammeEvent.objects.create(kind=kind, participant_id=participant_id, **links)
    _announce_on_commit()
    return event


def event_status_change(*, change: StatusChange) -> ProgrammeEvent:
    return _record(ProgrammeEvent.Kind.STATUS_CHANGE, change.participant_id, status_change=change)


def event_risk_concern(*, concern: RiskConcern) -> ProgrammeEvent:
    return _record(ProgrammeEvent.Kind.RISK_CONCERN, concern.participant_id, risk_concern=concern)


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
    participant_id = participant if isinstance(participant, int) else participant.pk
    _record(ProgrammeEvent.Kind.ATTENDANCE_CLEARED, participant_id, session_id=session_id)


def event_case_entry(*, entry: CaseManagementEntry) -> ProgrammeEvent:
    return _record(ProgrammeEvent.Kind.CASE_MANAGEMENT, entry.participant_id, case_entry=entry)


def event_report(*, report: ProgrammeReport) -> ProgrammeEvent:
    return _record(ProgrammeEvent.Kind.REPORT, report.participant_id, report=report)
