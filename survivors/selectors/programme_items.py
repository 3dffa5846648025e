"""Reads of the items from the programme on her case (SPEC 10). WSS means
Women's Support Service."""

from __future__ import annotations

from django.db.models import QuerySet

from contacts import policy
from contacts.models import User
from survivors.models import ProgrammeItem, Survivor


def _items() -> QuerySet[ProgrammeItem]:
    return ProgrammeItem.objects.select_related(
        "case_entry", "case_entry__risk_concern", "report", "shared_by"
    )


def programme_items_for_case(*, survivor: Survivor, limit: int = 30) -> list[ProgrammeItem]:
    return list(_items().filter(survivor=survivor)[:limit])


def programme_item_for_worker(*, worker: User, item_id: int) -> ProgrammeItem | None:
    """An item on her worker's own case; ``None`` for anyone else."""
    item = (
        _items()
        .select_related("survivor", "survivor__participant")
        .filter(pk=item_id, survivor__worker=worker)
        .first()
    )
    if item is None or not policy.can_work_with_survivor(worker, item.survivor):
        return None
    return item


def programme_items_shown_to_her(*, survivor: Survivor) -> list[ProgrammeItem]:
    """What her worker chose to show her in the portal, newest first."""
    return list(
        ProgrammeItem.objects.filter(survivor=survivor, portal_shared_at__isnull=False).order_by(
            "-portal_shared_at", "-id"
        )
    )
