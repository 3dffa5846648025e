"""Celery tasks of the Women's Support Service side: thin wake-ups that call
one service each (``acks_late``, ids only). The alert email task is defined
beside its service and registers with the worker here."""

from __future__ import annotations

from celery import shared_task

from survivors.services.alerts import alert_emails_send  # noqa: F401 - registers the task

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name="survivors.tasks.programme_events_consume", **TASK_OPTIONS)
def programme_events_consume() -> int:
    """Take in the programme's new events: alerts for her worker, her nudge.
    Woken after each programme write commits, and swept by beat."""
    from survivors.services.events import BATCH, programme_events_consume, programme_events_pending

    raised = programme_events_consume()
    if len(programme_events_pending(limit=BATCH)) == BATCH:
        programme_events_consume.delay()  # more than a batch waiting: go on now
    return raised


@shared_task(name="survivors.tasks.marac_incident_check", **TASK_OPTIONS)
def marac_incident_check(*, alert_id: int) -> None:
    """An alert was raised: does it meet a MARAC criterion (escalation, repeat)?"""
    from survivors.services.marac import marac_incident_check_by_id

    marac_incident_check_by_id(alert_id=alert_id)


@shared_task(name="survivors.tasks.marac_incidents_sweep", **TASK_OPTIONS)
def marac_incidents_sweep() -> int:
    """Beat: run the MARAC check for recent incidents whose wake-up was lost."""
    from survivors.services.marac import marac_incidents_sweep as sweep

    return sweep()
