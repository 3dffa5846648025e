"""The one way a service queues a Celery task: by its registered name, once the
caller's transaction commits (Django-Styleguide). Services never import the
task modules, so the tasks (which call services) sit above them, not in a
circle with them; a rolled-back cause queues nothing.

Task names never change (queued messages and the beat schedule outlive a
deploy); each name is the dotted path of the function that implements it."""

from __future__ import annotations

from importlib import import_module

from celery import Task
from django.db import transaction

# Every task a service may queue, by its registered name.
ALERT_EMAILS_SEND = "contacts.services.alerts.alert_emails_send"
INBOUND_PROCESS = "contacts.tasks.inbound_process"
OUTBOX_DRAIN = "contacts.tasks.outbox_drain"
STATUS_CHANGE_NUDGES = "contacts.tasks.status_change_nudges"
TASK_NAMES = frozenset({ALERT_EMAILS_SEND, INBOUND_PROCESS, OUTBOX_DRAIN, STATUS_CHANGE_NUDGES})


def task_for(name: str) -> Task:
    """The task registered under ``name`` (imported lazily, by name)."""
    if name not in TASK_NAMES:
        raise LookupError(f"No task {name!r} may be queued by a service.")
    module, _, attribute = name.rpartition(".")
    task = getattr(import_module(module), attribute)
    if task.name != name:  # a renamed task would strand queued messages
        raise LookupError(f"Task {name!r} is registered as {task.name!r}.")
    return task


def enqueue(name: str, *args: object, **kwargs: object) -> None:
    """Queue task ``name`` with these arguments (ids only) when the caller's
    transaction commits; at once if there is none."""
    task = task_for(name)
    transaction.on_commit(lambda: task.delay(*args, **kwargs))
