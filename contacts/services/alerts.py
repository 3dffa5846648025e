"""Alerts to a survivor's Women's Support Service (WSS) worker, created in the
same transaction as their cause."""

from __future__ import annotations

import logging

from ..models import Alert, Participant, Survivor

logger = logging.getLogger(__name__)


def alert_raise(*, survivor: Survivor, kind: str, urgent: bool = False) -> Alert:
    """Raise one alert for her worker. Call inside the cause's transaction."""
    if kind not in Alert.Kind.values:
        raise ValueError(f"Unknown alert kind {kind!r}")
    alert = Alert.objects.create(survivor=survivor, kind=kind, urgent=urgent)
    logger.info("alert %s raised (kind %s) for case %s", alert.pk, kind, survivor.pk)
    return alert


def alerts_for_linked_survivors(*, participant: Participant, kind: str, urgent: bool) -> int:
    """Alert the worker of every survivor linked to him, in the caller's transaction.

    The lookup runs whether or not anyone is linked, so the programme side's
    request does the same work either way. Returns nothing the programme side
    may show (the count is for tests and logs by id only).
    """
    survivor_ids = list(
        Survivor.objects.filter(participant=participant).values_list("pk", flat=True)
    )
    alerts = Alert.objects.bulk_create(
        [Alert(survivor_id=pk, kind=kind, urgent=urgent) for pk in survivor_ids]
    )
    return len(alerts)
