"""The Celery wiring: beat wakes the right tasks; every task survives a dead worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from checkins import tasks
from survivor_portal.celery import app

if TYPE_CHECKING:
    from celery import Task


def test_beat_wakes_the_dispatcher_the_sweeper_and_the_missed_check_every_minute() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    names = {entry["task"] for entry in schedule.values()}
    assert {
        "checkins.tasks.checkins_dispatch",
        "checkins.tasks.outbox_sweep",
        "checkins.tasks.checkins_mark_missed",
    } <= names
    for entry in schedule.values():
        assert entry["task"] in app.tasks
    for name in ("checkins-dispatch", "outbox-sweep", "checkins-missed"):
        assert float(schedule[name]["schedule"]) <= 60


def test_every_task_acks_late_and_is_rejected_if_its_worker_dies() -> None:
    every_task: list[Task[Any, Any]] = [
        tasks.outbox_drain,
        tasks.outbox_sweep,
        tasks.checkins_dispatch,
        tasks.checkins_mark_missed,
        tasks.inbound_process,
    ]
    for task in every_task:
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True


def test_processing_her_reply_logs_ids_only(her, caplog) -> None:
    """The worker logs each task's return value; a reply "3" must not show up
    there (or in any other log line) as urgent."""
    import logging

    from checkins.services.inbound import inbound_store
    from survivors.models import Alert

    from .conftest import HER_NUMBER

    caplog.set_level(logging.DEBUG)
    inbound = inbound_store(message_sid="SM" + "3" * 32, from_number=HER_NUMBER, body="3")
    result = tasks.inbound_process.apply(args=(inbound.pk,))
    assert result.result is None
    logged = "\n".join(
        record.getMessage() for record in caplog.records if record.levelno >= logging.INFO
    )
    assert f"inbound text {inbound.pk} processed" in logged
    assert "checkins.tasks.inbound_process" in logged  # the worker's own success line
    for word in ("urgent", "call", "well", "other", HER_NUMBER):
        assert word not in logged.lower(), word
    assert Alert.objects.filter(survivor=her).exists()
