"""Reads for monthly case management and programme reports (SPEC 10). The same
rows and the same counts for every man: nothing here looks beyond the
programme's own records (SPEC 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from programme.models import CaseManagementEntry, Participant, ParticipantStatus, ProgrammeReport

# Men who have left are not due an entry (one already made still shows).
LEFT = (ParticipantStatus.DROPPED_OUT, ParticipantStatus.COMPLETED)


@dataclass(frozen=True)
class MonthRow:
    participant: Participant
    entry: CaseManagementEntry | None


@dataclass(frozen=True)
class CaseManagementMonth:
    month: date
    rows: list[MonthRow]

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.entry is not None)

    @property
    def to_do(self) -> int:
        return len(self.rows) - self.done


def case_management_month(*, month: date) -> CaseManagementMonth:
    """Every participant on the programme this month, with his entry if made:
    the list and the reminder count (``to_do``)."""
    entries = {
        entry.participant_id: entry
        for entry in CaseManagementEntry.objects.filter(month=month).select_related("author")
    }
    participants = (
        Participant.objects.filter(~Q(status__in=LEFT) | Q(pk__in=list(entries)))
        .select_related("group")
        .order_by("reference")
    )
    return CaseManagementMonth(
        month=month,
        rows=[MonthRow(participant=p, entry=entries.get(p.pk)) for p in participants],
    )


def participant_case_entries(
    *, participant: Participant, limit: int = 12
) -> list[CaseManagementEntry]:
    return list(
        CaseManagementEntry.objects.filter(participant=participant).select_related(
            "author", "risk_concern"
        )[:limit]
    )


def participant_reports(*, participant: Participant, limit: int = 20) -> list[ProgrammeReport]:
    return list(
        ProgrammeReport.objects.filter(participant=participant).select_related("author")[:limit]
    )


def case_entry_for_month(*, participant: Participant, month: date) -> CaseManagementEntry | None:
    return CaseManagementEntry.objects.filter(participant=participant, month=month).first()
