"""Reads of the message line (the view audits a worker's read of a thread); a
manager gets counts only (SPEC 3)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from contacts import policy
from contacts.models import User
from survivors.models import Message, Survivor


def thread_for_survivor(*, survivor: Survivor) -> list[Message]:
    """Her view: everything she has not cleared."""
    return list(
        Message.objects.filter(survivor=survivor, hidden_for_survivor=False).order_by(
            "created_at", "pk"
        )
    )


def thread_for_worker(*, worker: User, survivor_id: int) -> tuple[Survivor, list[Message]] | None:
    """Her current worker sees the whole history (including what she cleared);
    anyone else gets ``None``."""
    survivor = Survivor.objects.filter(pk=survivor_id, worker=worker).first()
    if survivor is None or not policy.can_work_with_survivor(worker, survivor):
        return None
    messages = list(
        Message.objects.filter(survivor=survivor)
        .select_related("author", "covering_for")
        .order_by("created_at", "pk")
    )
    return survivor, messages


def unread_counts_for_worker(*, worker: User) -> dict[int, int]:
    """{case id: messages from her not yet read}, for the caseload dashboard."""
    rows = (
        Message.objects.filter(survivor__worker=worker, from_survivor=True, read_at__isnull=True)
        .values("survivor_id")
        .annotate(unread=Count("pk"))
    )
    return {row["survivor_id"]: row["unread"] for row in rows}


def message_counts_by_month() -> QuerySet:
    """Aggregates for the manager: counts only, never bodies."""
    from django.db.models.functions import TruncMonth

    return (
        Message.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            from_her=Count("pk", filter=Q(from_survivor=True)),
            from_workers=Count("pk", filter=Q(from_survivor=False)),
        )
        .order_by("month")
    )
