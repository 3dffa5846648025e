"""Reads for the service manager: staff accounts, allocations, disclosures.
A manager sees allocations and aggregates, never her messages (SPEC 2).
WSS means Women's Support Service."""

from __future__ import annotations

from django.db.models import QuerySet

from survivors.models import Disclosure, Survivor


def allocations() -> QuerySet[Survivor]:
    """Every case with its worker and link: what a manager may see of her."""
    return Survivor.objects.select_related("worker", "participant", "user").order_by("pk")


def survivor_for_manager(*, survivor_id: int) -> Survivor | None:
    return (
        Survivor.objects.select_related("worker", "participant", "user")
        .filter(pk=survivor_id)
        .first()
    )


def disclosures_for_manager(*, limit: int = 200) -> list[Disclosure]:
    return list(
        Disclosure.objects.select_related("worker", "survivor").order_by("-disclosed_at")[:limit]
    )
