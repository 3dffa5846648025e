"""Reads for monthly case management and programme reports (SPEC 10). The same
rows and the same counts for every man: nothing here looks beyond the
programme's own records (SPEC 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict

from contacts.selectors.listing import ListPage, list_page
from programme.models import CaseManagementEntry, Participant, ParticipantStatus, ProgrammeReport
from programme.selectors.lists import ParticipantFilter

# Men who have left are not due an entry (one already made still shows).
LEFT = (ParticipantStatus.DROPPED_OUT, ParticipantStatus.COMPLETED)


class CaseManagementFilter(ParticipantFilter):
    """The participants list's search, filters and sort, and whether this
    month's entry is made."""

    entry = django_filters.ChoiceFilter(
        choices=[("due", "Still to fill in"), ("recorded", "Recorded")],
        method="filter_entry",
        label="Entry",
        empty_label="Any",
    )

    def filter_entry(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # The participants carry ``recorded`` (``case_management_month`` annotates it).
        return queryset.filter(recorded=value == "recorded")


@dataclass(frozen=True)
class MonthRow:
    participant: Participant
    entry: CaseManagementEntry | None


@dataclass(frozen=True)
class CaseManagementMonth:
    """One page of the month's list, and the reminder counts over the whole month."""

    month: date
    listing: ListPage
    rows: list[MonthRow]
    total: int
    done: int

    @property
    def to_do(self) -> int:
        return self.total - self.done


def case_management_month(*, month: date, params: QueryDict) -> CaseManagementMonth:
    """Every participant on the programme this month (and any man who has left
    but has an entry), filtered and cut into pages like the other staff lists,
    with his entry if made; the counts cover the whole month. A fixed number of
    queries whatever the number of men: the two counts, the page count, the
    page, its entries, the group choices."""
    participants = (
        Participant.objects.annotate(
            recorded=Exists(
                CaseManagementEntry.objects.filter(participant=OuterRef("pk"), month=month)
            )
        )
        .filter(~Q(status__in=LEFT) | Q(recorded=True))
        .select_related("group")
        .order_by("reference", "pk")
    )
    listing = list_page(CaseManagementFilter, participants, params)
    page = listing.rows
    entries = {
        entry.participant_id: entry
        for entry in CaseManagementEntry.objects.filter(
            month=month, participant__in=[participant.pk for participant in page]
        )
    }
    return CaseManagementMonth(
        month=month,
        listing=listing,
        rows=[MonthRow(participant=p, entry=entries.get(p.pk)) for p in page],
        total=participants.count(),
        done=participants.filter(recorded=True).count(),
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
