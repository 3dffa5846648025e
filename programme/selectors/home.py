"""The programme worker's day on the staff home page (SPEC 6): today's group
sessions and the registers still to complete. Programme records only, the
same rows and queries for every man whether or not anyone is linked to him
(SPEC 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from programme.models import Attendance, Participant, ProgrammeSession
from programme.selectors.records import OFF_REGISTER

# A register not saved within four weeks of its session is for the programme
# manager to chase, not for the day's list.
REGISTER_DAYS_BACK = 28


@dataclass(frozen=True)
class ProgrammeToday:
    sessions: list[ProgrammeSession]
    registers_due: list[ProgrammeSession]  # each with ``marked`` and ``expected``


def _count(queryset: QuerySet, group_by: str) -> Coalesce:
    """A correlated COUNT(*) subquery, grouped on ``group_by``."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def programme_today(*, now: datetime | None = None) -> ProgrammeToday:
    """Today's sessions (local day), and sessions of the last four weeks that have
    started but whose register has fewer marks than the group has men on it.
    Two queries, however many groups and men."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sessions = ProgrammeSession.objects.select_related("group", "module")
    registers_due = (
        sessions.filter(starts_at__lte=now, starts_at__gte=now - timedelta(days=REGISTER_DAYS_BACK))
        .annotate(
            marked=_count(Attendance.objects.filter(session=OuterRef("pk")), "session_id"),
            expected=_count(
                Participant.objects.filter(group=OuterRef("group")).exclude(
                    status__in=OFF_REGISTER
                ),
                "group_id",
            ),
        )
        .filter(marked__lt=F("expected"))
        .order_by("starts_at", "pk")
    )
    return ProgrammeToday(
        sessions=list(sessions.filter(starts_at__date=today).order_by("starts_at", "pk")),
        registers_due=list(registers_due[:20]),
    )
