"""What this side does when the programme announces events: queue the consumer
(by name, through the one queue helper). Runs in the programme worker's
request, after its commit, for every write alike: it only queues a wake-up."""

from __future__ import annotations

from typing import Any

from contacts.models import User
from contacts.services.queue import PROGRAMME_EVENTS_CONSUME, enqueue
from survivors.services.access_alerts import access_alerts_raise


def wake_programme_events_consumer(**kwargs: Any) -> None:
    enqueue(PROGRAMME_EVENTS_CONSUME)


def check_case_reads(
    *, actor: User, action: str, survivor_ids: list[int], listed: bool, **kwargs: Any
) -> None:
    """Every staff read of a case, as the audit log writes it (SPEC 12): raise an
    access alert for one that does not fit the work, in the same transaction."""
    access_alerts_raise(actor=actor, action=action, survivor_ids=survivor_ids, listed=listed)
