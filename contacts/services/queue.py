"""The one way a service queues a Celery task: by its registered name, once the
caller's transaction commits (Django-Styleguide). Services never import the
task modules, so the tasks (which call services) sit above them, not in a
circle with them; a rolled-back cause queues nothing. Each task is registered
under its module path, Celery's default name."""

from __future__ import annotations

from celery import Task, current_app
from django.db import transaction

# Every task a service may queue, by its registered name.
ALERT_EMAILS_SEND = "survivors.services.alerts.alert_emails_send"
INBOUND_PROCESS = "checkins.tasks.inbound_process"
OUTBOX_DRAIN = "checkins.tasks.outbox_drain"
PROGRAMME_EVENTS_CONSUME = "survivors.tasks.programme_events_consume"
MARAC_INCIDENT_CHECK = "survivors.tasks.marac_incident_check"
# Her subject access export (SPEC 12): in checkins, which reads her check-ins too.
SUBJECT_ACCESS_BUILD = "checkins.tasks.subject_access_export_build"
# His records request (SPEC 12)
PARTICIPANT_RECORDS_EXPORT_BUILD = "programme.tasks.participant_records_export_build"
TASK_NAMES = frozenset(
    {
        ALERT_EMAILS_SEND,
        INBOUND_PROCESS,
        OUTBOX_DRAIN,
        PROGRAMME_EVENTS_CONSUME,
        MARAC_INCIDENT_CHECK,
        SUBJECT_ACCESS_BUILD,
        PARTICIPANT_RECORDS_EXPORT_BUILD,
    }
)


def task_for(name: str) -> Task:
    """The task registered under ``name``, from Celery's registry (each app
    imports its tasks module when Django starts): no import of an app above."""
    if name not in TASK_NAMES:
        raise LookupError(f"No task {name!r} may be queued by a service.")
    try:
        return current_app.tasks[name]
    except KeyError:
        raise LookupError(f"Task {name!r} is not registered.") from None


def enqueue(name: str, *args: object, **kwargs: object) -> None:
    """Queue task ``name`` with these arguments (ids only) when the caller's
    transaction commits; at once if there is none."""
    task = task_for(name)
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
