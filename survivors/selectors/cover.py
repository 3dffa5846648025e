"""Cover when her Women's Support Service (WSS) worker is away (SPEC 9): what
waits on the duty view with its response deadline, and what was handled in
her absence. Reads only."""

from __future__ import annotations

from collections.abc import Iterable
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


def absences_for_user(*, user: User) -> list[WorkerAbsence]:
    """The absences ``user`` sees on the away page: a manager the latest 50 of
    every worker's, a worker her own."""
    if policy.is_manager(user):
        return list(WorkerAbsence.objects.select_related("worker").order_by("-starts_on")[:50])
    return absences_for_worker(worker=user)


def absence_for_user(*, user: User, absence_id: int) -> WorkerAbsence | None:
    """An absence ``user`` may end: any for a manager, her own for a worker."""
    absences = WorkerAbsence.objects.filter(pk=absence_id)
    if not policy.is_manager(user):
        absences = absences.filter(worker=user)
    return absences.first()


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


def alert_deadlines(
    *, alerts: Iterable[Alert], now: datetime
) -> list[tuple[Alert, datetime, bool]]:
    """Each alert with its response deadline, and whether that has passed."""
    return [
        (alert, deadline, deadline < now)
        for alert in alerts
        for deadline in [response_deadline(alert=alert)]
    ]


def _cover_item(
    kind: str,
    label: str,
    survivor: Survivor,
    arrived_at: datetime,
    deadline: datetime,
    now: datetime,
    alert_id: int | None = None,
) -> CoverItem:
    return CoverItem(
        kind=kind,
        label=label,
        survivor_id=survivor.pk,
        worker=survivor.worker.username if survivor.worker else "",
        arrived_at=arrived_at,
        deadline=deadline,
        overdue=deadline < now,
        alert_id=alert_id,
    )


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
        items.append(
            _cover_item(
                "alert",
                alert.get_kind_display(),
                alert.survivor,
                alert.created_at,
                response_deadline(alert=alert),
                now,
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
    for unanswered_message in unanswered:
        first_unanswered.setdefault(unanswered_message.survivor_id, unanswered_message)
    for message in first_unanswered.values():
        deadline = _deadline(message.created_at, urgent=False)
        items.append(
            _cover_item(
                "message", "Unanswered message", message.survivor, message.created_at, deadline, now
            )
        )
    for task in MaracTask.objects.filter(survivor__in=cases, closed_at__isnull=True).select_related(
        "survivor__worker"
    ):
        deadline = _deadline(task.created_at, urgent=False)
        items.append(
            _cover_item("task", "Referral task open", task.survivor, task.created_at, deadline, now)
        )
    return sorted(items, key=lambda item: (item.deadline, item.survivor_id))


def case_for_cover(*, user: User, survivor_id: int) -> Survivor | None:
    """Her case for the duty worker, only while her own worker is away; else
    ``None`` (a duty worker's own cases are on her caseload)."""
    if not policy.is_duty_worker(user):
        return None
    survivor = (
        Survivor.objects.filter(pk=survivor_id, worker__isnull=False)
        .select_related("worker")
        .first()
    )
    if survivor is None or not policy.can_cover_case(
        user, survivor, away_worker_ids=away_worker_ids()
    ):
        return None
    return survivor


def covered_worker(*, user: User, survivor: Survivor) -> User | None:
    """Her away worker, when ``user`` is the duty worker covering her case
    today (SPEC 9); else ``None``."""
    if policy.can_cover_case(user, survivor, away_worker_ids=away_worker_ids()):
        return survivor.worker
    return None


def open_alerts(*, survivor: Survivor) -> list[Alert]:
    """Her alerts not yet acknowledged, oldest first (the covered case's page)."""
    return list(survivor.alerts.filter(acknowledged_at__isnull=True).order_by("created_at", "pk"))


def replies_in_cover(*, survivor: Survivor, absence_start: date) -> list[Message]:
    """Replies the duty worker sent on her case since her worker went away."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(absence_start, datetime.min.time(), tzinfo=zone)
    return list(
        survivor.messages.filter(covering_for__isnull=False, created_at__gte=since)
        .select_related("author")
        .order_by("created_at", "pk")
    )


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
    return policy.can_cover_case(user, alert.survivor, away_worker_ids=away_worker_ids())


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
