"""The Celery wiring: beat wakes the right tasks; every task survives a dead worker."""

from __future__ import annotations

from django.conf import settings

from contacts import tasks
from survivor_portal.celery import app


def test_beat_wakes_the_dispatcher_the_sweeper_and_the_missed_check_every_minute() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    names = {entry["task"] for entry in schedule.values()}
    assert {
        "contacts.tasks.checkins_dispatch",
        "contacts.tasks.outbox_sweep",
        "contacts.tasks.checkins_mark_missed",
    } <= names
    for entry in schedule.values():
        assert entry["task"] in app.tasks
    for name in ("checkins-dispatch", "outbox-sweep", "checkins-missed"):
        assert float(schedule[name]["schedule"]) <= 60


def test_every_task_acks_late_and_is_rejected_if_its_worker_dies() -> None:
    for task in [
        tasks.outbox_drain,
        tasks.outbox_sweep,
        tasks.checkins_dispatch,
        tasks.checkins_mark_missed,
        tasks.inbound_process,
    ]:
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
