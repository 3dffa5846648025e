"""Celery tasks: thin wake-ups (SPEC 5). Each reloads rows from the database and
calls one service; the database outbox says what is due, so a lost or repeated
task message loses or repeats nothing. ``acks_late`` + ``reject_on_worker_lost``
on every task; no eta/countdown anywhere (retries are rows with a
``next_attempt_at``, picked up by the sweeper)."""

from __future__ import annotations

from celery import shared_task

from survivors.tasks import TASK_OPTIONS


@shared_task(**TASK_OPTIONS)
def outbox_drain() -> int:
    from checkins.services import outbox

    handled = outbox.outbox_drain()
    if outbox.outbox_due_exists():
        # The drain stopped at its time budget with work left: wake the next
        # worker now rather than wait for the sweeper.
        outbox_drain.delay()
    return handled


@shared_task(**TASK_OPTIONS)
def outbox_sweep() -> dict[str, int]:
    from checkins.services import inbound, outbox

    result = outbox.outbox_sweep()
    result["inbound"] = inbound.inbound_sweep()
    if result["due"]:
        outbox_drain.delay()
    return result


@shared_task(**TASK_OPTIONS)
def checkins_dispatch() -> dict[str, int]:
    from checkins.services import checkins

    return checkins.checkins_dispatch_due()


@shared_task(**TASK_OPTIONS)
def checkins_mark_missed() -> int:
    from checkins.services import checkins

    return checkins.checkins_mark_missed()


@shared_task(**TASK_OPTIONS)
def inbound_process(inbound_id: int) -> None:
    from checkins.services import inbound

    # Return nothing: the worker logs a task's return value ("succeeded in 0.01s:
    # 'urgent'"), and what her reply meant stays out of the logs.
    inbound.inbound_process(inbound_id=inbound_id)


@shared_task(**TASK_OPTIONS)
def retention_purge_nightly() -> int:
    """Apply the retention schedule (SPEC 12); returns the run's id (counts only
    are on its record)."""
    from checkins.services.retention import retention_apply

    return retention_apply().pk


@shared_task(**TASK_OPTIONS)
def subject_access_export_build(*, request_id: int) -> None:
    """Build her subject access export (SPEC 12). It lives here, not in
    survivors, because it reads her check-ins too (this app's records)."""
    from checkins.selectors.subject_access import check_ins_section
    from survivors.services.subject_access import subject_access_export_build as build

    build(request_id=request_id, check_ins=check_ins_section)
