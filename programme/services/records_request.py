"""His subject access request (SPEC 12), answered from the programme side.

Recording a request queues the build (a Celery task, by name, once the
request commits); the build gathers his programme records
(``programme.selectors.records_request``) into one encrypted ZIP, readable HTML
and the same data as JSON (``contacts.exports``). Only the staff member who
recorded the request downloads it, each download audited; the file is deleted
after the retention schedule's ``exports`` period (30 days).

The same work, rows and file for every man: nothing here reads, counts or
writes anything but his programme records and the request (SPEC 2). No
programme event is recorded: the other side has no part in his request."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from contacts.exports import (
    export_file_delete,
    export_file_read,
    export_file_write,
    export_kept,
    export_zip,
)
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from contacts.services.queue import PARTICIPANT_RECORDS_EXPORT_BUILD, enqueue
from programme.errors import RecordsRequestError
from programme.models import Participant, ParticipantRecordsRequest
from programme.selectors.records_request import SECTIONS, WITHHELD

logger = logging.getLogger(__name__)

State = ParticipantRecordsRequest.State

# How long a built file is kept for download.
# A build that has not finished in this time was lost (a worker killed, a lost
# wake-up): ``participant_records_exports_expire`` marks it failed, so it does
# not stop a new request for long.
STALE_AFTER = timedelta(hours=24)


def participant_records_request_record(
    *, actor: User, participant: Participant, received_on: date
) -> ParticipantRecordsRequest:
    """Record his request and queue its build. Refused (``RecordsRequestError``)
    while another is waiting or building, or with a date received in the future
    or more than a year ago."""
    today = timezone.localdate()
    if received_on > today:
        raise RecordsRequestError("in_future")
    if received_on < today - timedelta(days=366):
        raise RecordsRequestError("too_old")
    try:
        with transaction.atomic():
            Participant.objects.select_for_update().filter(pk=participant.pk).first()
            if ParticipantRecordsRequest.objects.filter(
                participant=participant, state__in=ParticipantRecordsRequest.OPEN_STATES
            ).exists():
                raise RecordsRequestError("already_open")
            records_request = ParticipantRecordsRequest.objects.create(
                participant=participant, received_on=received_on, recorded_by=actor
            )
            audit_record(
                actor=actor, action=AuditAction.PARTICIPANT_RECORDS_REQUEST, obj=records_request
            )
            enqueue(PARTICIPANT_RECORDS_EXPORT_BUILD, records_request_id=records_request.pk)
    except IntegrityError as error:  # two requests recorded at the same moment
        raise RecordsRequestError("already_open") from error
    return records_request


def participant_records_export_data(
    *, records_request: ParticipantRecordsRequest, built_at: datetime
) -> dict[str, Any]:
    """What the export holds, section by section, reporting progress as it goes."""
    participant = records_request.participant
    data: dict[str, Any] = {
        "request": {
            "received_on": records_request.received_on,
            "prepared_at": timezone.localtime(built_at),
        }
    }
    for done, (key, _heading, read) in enumerate(SECTIONS, start=1):
        data[key] = read(participant=participant)
        ParticipantRecordsRequest.objects.filter(pk=records_request.pk).update(
            progress=90 * done // len(SECTIONS)
        )
    data["not_included"] = WITHHELD
    return data


def participant_records_export_build(
    *, records_request_id: int
) -> ParticipantRecordsRequest | None:
    """Build the file of a waiting request (the Celery task calls this). A
    request already taken by another build, or gone, is left alone (None). A
    failure marks the request failed, with nothing stored, and logs its id only."""
    claimed = ParticipantRecordsRequest.objects.filter(
        pk=records_request_id, state=State.WAITING
    ).update(state=State.BUILDING, progress=0)
    if not claimed:
        return None
    records_request = ParticipantRecordsRequest.objects.select_related("participant__group").get(
        pk=records_request_id
    )
    name = ""
    try:
        built_at = timezone.now()
        data = participant_records_export_data(records_request=records_request, built_at=built_at)
        html = render_to_string(
            "staff/participant_records_export.html",
            {"data": data, "sections": [(key, heading) for key, heading, _ in SECTIONS]},
        )
        name = export_file_write(
            export_zip(
                stem=f"records-{records_request.participant.reference}", html=html, data=data
            )
        )
        with transaction.atomic():
            records_request.state = State.READY
            records_request.progress = 100
            records_request.file_name = name
            records_request.built_at = built_at
            records_request.expires_at = built_at + export_kept()
            records_request.save(
                update_fields=["state", "progress", "file_name", "built_at", "expires_at"]
            )
            audit_record(
                actor=None, action=AuditAction.PARTICIPANT_RECORDS_BUILT, obj=records_request
            )
    except Exception as error:
        export_file_delete(name)
        ParticipantRecordsRequest.objects.filter(pk=records_request_id).update(
            state=State.FAILED, file_name=""
        )
        logger.error(
            "records request %s: build failed (%s)", records_request_id, type(error).__name__
        )
        return None
    logger.info("records request %s: file built", records_request_id)
    return records_request


def participant_records_export_download(
    *, actor: User, records_request: ParticipantRecordsRequest
) -> bytes:
    """The ZIP, for the staff member who recorded the request only; each
    download is counted and audited."""
    if records_request.recorded_by_id != actor.pk:
        raise RecordsRequestError("not_recorder")
    if records_request.state == State.FAILED:
        raise RecordsRequestError("failed")
    if records_request.state in ParticipantRecordsRequest.OPEN_STATES:
        raise RecordsRequestError("not_ready")
    expires_at = records_request.expires_at
    if records_request.state != State.READY or expires_at is None or expires_at <= timezone.now():
        raise RecordsRequestError("expired")
    try:
        content = export_file_read(records_request.file_name)
    except FileNotFoundError as error:
        raise RecordsRequestError("expired") from error
    with transaction.atomic():
        ParticipantRecordsRequest.objects.filter(pk=records_request.pk).update(
            downloads=F("downloads") + 1
        )
        audit_record(
            actor=actor, action=AuditAction.PARTICIPANT_RECORDS_DOWNLOAD, obj=records_request
        )
    return content


def participant_records_exports_expire(*, now: datetime) -> int:
    """Delete the files of requests past their expiry and mark them expired;
    mark builds lost for ``STALE_AFTER`` failed. Returns how many expired."""
    expired = 0
    due = ParticipantRecordsRequest.objects.filter(state=State.READY, expires_at__lte=now)
    for records_request in due.only("pk", "file_name"):
        # The file first: a row left "ready" by a crash in between finds no
        # file, which its download already answers as expired.
        export_file_delete(records_request.file_name)
        expired += ParticipantRecordsRequest.objects.filter(
            pk=records_request.pk, state=State.READY
        ).update(state=State.EXPIRED, file_name="")
    ParticipantRecordsRequest.objects.filter(
        state__in=ParticipantRecordsRequest.OPEN_STATES, recorded_at__lte=now - STALE_AFTER
    ).update(state=State.FAILED)
    return expired
