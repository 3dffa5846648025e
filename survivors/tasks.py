"""Celery tasks of the Women's Support Service side: thin wake-ups that call
one service each (``acks_late``, ids only). The alert email task is defined
beside its service and registers with the worker here."""

from __future__ import annotations

from typing import TypedDict

from celery import shared_task

from survivors.services.alerts import alert_emails_send  # noqa: F401 - registers the task


class TaskOptions(TypedDict):
    """What every task of the project is declared with (``checkins.tasks`` too)."""

    acks_late: bool
    reject_on_worker_lost: bool
    ignore_result: bool


TASK_OPTIONS: TaskOptions = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
}


@shared_task(**TASK_OPTIONS)
def programme_events_consume() -> int:
    """Take in the programme's new events: alerts for her worker, her nudge.
    Woken after each programme write commits, and swept by beat."""
    from survivors.services import events

    raised = events.programme_events_consume()
    if len(events.programme_events_pending(limit=events.BATCH)) == events.BATCH:
        programme_events_consume.delay()  # more than a batch waiting: go on now
    return raised


@shared_task(**TASK_OPTIONS)
def marac_incident_check(*, alert_id: int) -> None:
    """An alert was raised: does it meet a MARAC criterion (escalation, repeat)?"""
    from survivors.services.marac import marac_incident_check_by_id

    marac_incident_check_by_id(alert_id=alert_id)


@shared_task(**TASK_OPTIONS)
def marac_incidents_sweep() -> int:
    """Beat: run the MARAC check for recent incidents whose wake-up was lost."""
    from survivors.services.marac import marac_incidents_sweep as sweep

    return sweep()


@shared_task(**TASK_OPTIONS)
def check_points_sweep() -> dict[str, int]:
    """Beat: her outcome check-points (SPEC 14) that fell due with time alone
    (the follow-up) or whose wake-up was lost; those left unanswered past
    their window recorded as missed. Counts only."""
    from survivors.services.check_points import check_points_sweep as sweep

    return sweep()._asdict()
