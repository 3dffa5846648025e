"""The staff home page's reads for the Women's Support Service (WSS) side:
what each role has to do today. A worker's own caseload only; the duty
worker's covered queue; the manager's overview in case numbers and counts,
never her messages (SPEC 2, 3). A fixed handful of queries per role, however
many cases there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from contacts.models import User
from survivors.models import Alert, CaseState, Survivor
from survivors.selectors.cases import caseload_with_casework
from survivors.selectors.cover import CoverItem, cover_items

# How many rows each list on the home page shows; the count says how many in all.
SHOWN = 10


@dataclass(frozen=True)
class WorkerToday:
    """Her worker's day, from her caseload (one query)."""

    urgent: list[Survivor]  # cases with urgent alerts open
    unanswered: list[Survivor]  # cases where her last message waits for a reply
    first_contact: list[Survivor]  # referred, not yet reached: the clock runs
    reviews: list[Survivor]  # risk checklist reassessment due


def worker_today(*, worker: User, now: datetime | None = None) -> WorkerToday:
    cases = caseload_with_casework(worker=worker, now=now)
    return WorkerToday(
        urgent=[case for case in cases if case.urgent_alerts],
        unanswered=[case for case in cases if case.unanswered_messages],
        first_contact=sorted(
            (case for case in cases if case.casework.days_waiting is not None),  # type: ignore[attr-defined]
            key=lambda case: case.referred_at,
        ),
        reviews=[case for case in cases if case.casework.reassessment_due],  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class UrgentCounts:
    waiting: int  # urgent alerts not yet acknowledged, across the service
    overdue: int  # of which past their response deadline


def urgent_counts(*, now: datetime | None = None) -> UrgentCounts:
    now = now or timezone.now()
    deadline_passed = now - timedelta(hours=settings.COVER_URGENT_RESPONSE_HOURS)
    counts = Alert.objects.filter(urgent=True, acknowledged_at__isnull=True).aggregate(
        waiting=Count("pk"), overdue=Count("pk", filter=Q(created_at__lt=deadline_passed))
    )
    return UrgentCounts(waiting=counts["waiting"], overdue=counts["overdue"])


@dataclass(frozen=True)
class DutyToday:
    urgent: UrgentCounts
    covered: list[CoverItem]  # what waits on away workers' cases, soonest deadline first


def duty_today(*, now: datetime | None = None) -> DutyToday:
    now = now or timezone.now()
    return DutyToday(urgent=urgent_counts(now=now), covered=cover_items(now=now)[:SHOWN])


@dataclass(frozen=True)
class ServiceToday:
    """The manager's overview: case numbers and counts only."""

    unallocated: list[Survivor]
    unallocated_count: int
    waiting_longest: list[Survivor]  # referred, not yet reached, oldest referral first
    waiting_count: int
    urgent: UrgentCounts
    cover_overdue: int  # items on away workers' cases past their response deadline


def service_today(*, now: datetime | None = None) -> ServiceToday:
    now = now or timezone.now()
    unallocated = Survivor.objects.filter(worker__isnull=True).exclude(case_state=CaseState.CLOSED)
    waiting = Survivor.objects.filter(
        case_state=CaseState.REFERRED, first_contact_at__isnull=True
    ).select_related("worker")
    return ServiceToday(
        unallocated=list(unallocated.order_by("referred_at", "pk")[:SHOWN]),
        unallocated_count=unallocated.count(),
        waiting_longest=list(waiting.order_by("referred_at", "pk")[:SHOWN]),
        waiting_count=waiting.count(),
        urgent=urgent_counts(now=now),
        cover_overdue=sum(1 for item in cover_items(now=now) if item.overdue),
    )
