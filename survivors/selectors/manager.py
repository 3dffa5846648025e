"""Reads for the service manager: staff accounts, allocations, disclosures.
A manager sees allocations and aggregates, never her messages (SPEC 2).
WSS means Women's Support Service."""

from __future__ import annotations

from survivors.models import Survivor


def survivor_for_manager(*, survivor_id: int) -> Survivor | None:
    return (
        Survivor.objects.select_related("worker", "participant", "user")
        .filter(pk=survivor_id)
        .first()
    )
