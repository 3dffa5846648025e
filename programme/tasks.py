"""Celery tasks of the programme side: thin wake-ups that call one service each
(``acks_late``, ids only)."""

from __future__ import annotations

from celery import shared_task

from programme.services import records_request


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def participant_records_export_build(*, records_request_id: int) -> None:
    """Build the file answering his records request (SPEC 12)."""
    records_request.participant_records_export_build(records_request_id=records_request_id)
