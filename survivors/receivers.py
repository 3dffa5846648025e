"""What this side does when the programme announces events: queue the consumer
(by name, through the one queue helper). Runs in the programme worker's
request, after its commit, for every write alike: it only queues a wake-up."""

from __future__ import annotations

from typing import Any

from contacts.services.queue import PROGRAMME_EVENTS_CONSUME, enqueue


def wake_programme_events_consumer(**kwargs: Any) -> None:
    enqueue(PROGRAMME_EVENTS_CONSUME)
