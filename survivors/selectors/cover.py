"""Cover when her Women's Support Service (WSS) worker is away (SPEC 9): what
waits on the duty view with its response deadline, and what was handled in
her absence. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from contacts import policy
from contacts.models import User
from survivors.models import (
    Alert,
    ContactLogEntry,
    MaracTask,
    Message,
    Survivor,
    WorkerAbsence,
)


def absences_on(day: date) -> list[WorkerAbsence]:
    return list(
        WorkerAbsence.objects.filter(starts_on__lte=day, ends_on__gte=day).select_related("worker")
    )


def away_worker_ids(*, day: date | None = None) -> set[int]:
    return {absence.worker_id for absence in absences_on(day or timezone.localdate())}


def absences_for_worker(*, worker: User) -> list[WorkerAbsence]:
    return list(WorkerAbsence.objects.filter(worker=worker).order_by("-starts_on", "-pk")[:20])


def current_absence(*, worker: User, day: date | None = None) -> WorkerAbsence | None:
    day = day or timezone.localdate()
    return WorkerAbsence.objects.filter(worker=worker, starts_on__lte=day, ends_on__gte=day).first()


@dataclass(frozen=True)
class CoverItem:
    kind: str  # "alert", "message" or "task"
    label: str
    survivor_id: int
    worker: str
    arrived_at: datetime
    deadline: datetime
    overdue: bool
    alert_id: int | None = None


def _deadline(arrived: datetime, *, urgent: bool) -> datetime:
    hours = settings.COVER_URGENT_RESPONSE_HOURS if urgent else settings.COVER_RESPONSE_HOURS
    return arrived + timedelta(hours=hours)


def response_deadline(*, alert: Alert) -> datetime:
    return _deadline(alert.created_at, urgent=alert.urgent)


def cover_items(*, now: datetime | None = None) -> list[CoverItem]:
    """Everything waiting on the cases of workers away today, soonest deadline first:
    their other open alerts (urgent ones are on the urgent list), her unanswered
    messages and open referral tasks."""
    now = now or timezone.now()
    away = away_worker_ids(day=timezone.localdate(now))
    if not away:
        return []
    cases = Survivor.objects.filter(worker_id__in=away)
    items: list[CoverItem] = []
    for alert in (
        # Urgent alerts are on the duty view's urgent list already (with deadlines).
        Alert.objects.filter(survivor__in=cases, acknowledged_at__isnull=True, urgent=False)
        .select_related("survivor__worker")
        .order_by("created_at")
    ):
        deadline = response_deadline(alert=alert)
        items.append(
            CoverItem(
                kind="alert",
                label=alert.get_kind_display(),
                survivor_id=alert.survivor_id,
                worker=alert.survivor.worker.username,
                arrived_at=alert.created_at,
                deadline=deadline,
                overdue=deadline < now,
                alert_id=alert.pk,
            )
        )
    last_reply = (
        Message.objects.filter(survivor=OuterRef("survivor"), from_survivor=False)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    unanswered = (
        Message.objects.filter(survivor__in=cases, from_survivor=True)
        .annotate(last_reply=Subquery(last_reply))
        .filter(Q(last_reply__isnull=True) | Q(created_at__gt=F("last_reply")))
        .select_related("survivor__worker")
        .order_by("survivor_id", "created_at")
    )
    first_unanswered: dict[int, Message] = {}
    for message in unanswered:
        first_unanswered.setdefault(message.survivor_id, message)
    for message in first_unanswered.values():
        deadline = _deadline(message.created_at, urgent=False)
        items.append(
            CoverItem(
                kind="message",
                label="Unanswered message",
                survivor_id=message.survivor_id,
                worker=message.survivor.worker.username,
                arrived_at=message.created_at,
                deadline=deadline,
                overdue=deadline < now,
            )
        )
    for task in MaracTask.objects.filter(survivor__in=cases, closed_at__isnull=True).select_related(
        "survivor__worker"
    ):
        deadline = _deadline(task.created_at, urgent=False)
        items.append(
            CoverItem(
                kind="task",
                label="Referral task open",
                survivor_id=task.survivor_id,
                worker=task.survivor.worker.username,
                arrived_at=task.created_at,
                deadline=deadline,
                overdue=deadline < now,
            )
        )
    return sorted(items, key=lambda item: (item.deadline, item.survivor_id))


def case_for_cover(*, user: User, survivor_id: int) -> Survivor | None:
    """Her case for the duty worker, only while her own worker is away; else ``None``."""
    if not policy.is_duty_worker(user):
        return None
    survivor = Survivor.objects.filter(pk=survivor_id, worker__isnull=False).first()
    if survivor is None or survivor.worker_id not in away_worker_ids():
        return None
    if survivor.worker_id == user.pk:
        return None  # her own case: she works it on her caseload
    return survivor


def unanswered_messages(*, survivor: Survivor) -> list[Message]:
    last = (
        survivor.messages.filter(from_survivor=False)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    messages = survivor.messages.filter(from_survivor=True)
    if last is not None:
        messages = messages.filter(created_at__gt=last)
    return list(messages.order_by("created_at"))


def alert_covered_by(*, user: User, alert: Alert) -> bool:
    """The duty worker may act on any alert of a case whose worker is away."""
    return (
        policy.is_duty_worker(user)
        and alert.survivor.worker_id is not None
        and alert.survivor.worker_id != user.pk
        and alert.survivor.worker_id in away_worker_ids()
    )


@dataclass(frozen=True)
class HandledInAbsence:
    absence: WorkerAbsence
    alerts: list[Alert]
    contacts: list[ContactLogEntry]
    tasks: list[MaracTask]


def handled_in_absence(*, worker: User, day: date | None = None) -> HandledInAbsence | None:
    """Her latest absence that has ended, and what others did on her cases in it."""
    day = day or timezone.localdate()
    absence = (
        WorkerAbsence.objects.filter(worker=worker, ends_on__lt=day)
        .order_by("-ends_on", "-pk")
        .first()
    )
    if absence is None:
        return None
    zone = timezone.get_current_timezone()
    start = datetime.combine(absence.starts_on, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(absence.ends_on + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    cases = Survivor.objects.filter(worker=worker)
    return HandledInAbsence(
        absence=absence,
        alerts=list(
            Alert.objects.filter(
                survivor__in=cases, acknowledged_at__gte=start, acknowledged_at__lt=end
            )
            .exclude(acknowledged_by=worker)
            .select_related("acknowledged_by")
            .order_by("acknowledged_at")
        ),
        contacts=list(
            ContactLogEntry.objects.filter(
                survivor__in=cases, happened_at__gte=start, happened_at__lt=end
            )
            .exclude(worker=worker)
            .select_related("worker")
            .order_by("happened_at")
        ),
        tasks=list(
            MaracTask.objects.filter(survivor__in=cases, closed_at__gte=start, closed_at__lt=end)
            .exclude(closed_by=worker)
            .select_related("closed_by")
        ),
    )
