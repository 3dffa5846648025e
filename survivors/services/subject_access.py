"""Her subject access request (SPEC 12), written: recorded by her Women's
Support Service (WSS) worker or the manager, built in the background into an
encrypted ZIP (a readable HTML document in her language and a JSON file of the
same data), downloaded only by whoever recorded it, deleted 30 days after it
was built."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from contacts import policy
from contacts.exports import (
    export_file_delete,
    export_file_read,
    export_file_write,
    export_kept,
    export_zip,
)
from contacts.models import AuditAction, User
from contacts.services import queue
from contacts.services.audit import audit_record
from survivors.errors import SubjectAccessError
from survivors.models import SubjectAccessRequest, Survivor
from survivors.selectors.subject_access import (
    SECTIONS,
    Section,
    StaffLabels,
    one_month_after,
    request_in_progress,
)

logger = logging.getLogger(__name__)

EXPORT_TEMPLATE = "staff/records_request_export.html"
State = SubjectAccessRequest.State


def subject_access_request_record(
    *, actor: User, survivor: Survivor, received_on: date, staff_names: bool = False
) -> SubjectAccessRequest:
    """Record her request and queue its export. One at a time per case: a
    second request while one is waiting or being built is refused."""
    if not (policy.is_manager(actor) or policy.can_work_with_survivor(actor, survivor)):
        raise SubjectAccessError("not_allowed")
    if staff_names and not policy.is_manager(actor):
        raise SubjectAccessError("names_need_manager")
    if received_on > timezone.localdate():
        raise SubjectAccessError("received_in_future")
    with transaction.atomic():
        # Her case locked, so two requests recorded at once cannot both pass.
        Survivor.objects.select_for_update().filter(pk=survivor.pk).first()
        if request_in_progress(survivor=survivor):
            raise SubjectAccessError("in_progress")
        request = SubjectAccessRequest.objects.create(
            survivor=survivor,
            received_on=received_on,
            due_on=one_month_after(received_on),
            recorded_by=actor,
            staff_names=staff_names,
        )
        audit_record(
            actor=actor, action=AuditAction.SUBJECT_ACCESS_RECORD, obj=request, survivor=survivor
        )
        queue.enqueue(queue.SUBJECT_ACCESS_BUILD, request_id=request.pk)
    return request


def _progress(request_id: int, percent: int) -> None:
    SubjectAccessRequest.objects.filter(pk=request_id, state=State.BUILDING).update(
        progress=percent
    )


def _her_language(survivor: Survivor) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return survivor.language if survivor.language in codes else settings.LANGUAGE_CODE


def _her_time_zone(survivor: Survivor) -> ZoneInfo:
    try:
        return ZoneInfo(survivor.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def subject_access_export_build(*, request_id: int, check_ins: Section) -> bool:
    """Gather everything held about her, section by section (progress saved
    after each, so the status page shows it), render and store the ZIP.

    ``check_ins`` reads her check-ins and replies: the check-ins app passes it
    in (this app may not import that one). True when the export is ready; a
    request already built, failed or expired is left alone."""
    claimed = SubjectAccessRequest.objects.filter(
        pk=request_id, state__in=(State.WAITING, State.BUILDING)
    ).update(state=State.BUILDING, progress=1)
    if not claimed:
        return False
    request = SubjectAccessRequest.objects.select_related("survivor__user").get(pk=request_id)
    survivor = request.survivor
    staff = StaffLabels(names=request.staff_names)
    sections = list(SECTIONS)
    sections.insert([key for key, _ in sections].index("messages") + 1, ("check_ins", check_ins))
    name = ""
    try:
        data: dict[str, Any] = {
            "request": {
                "reference": request.pk,
                "received_on": request.received_on,
                "due_on": request.due_on,
                "made_at": timezone.now(),
                "staff_named": request.staff_names,
            }
        }
        for done, (key, section) in enumerate(sections, start=1):
            data[key] = section(survivor, staff)
            _progress(request_id, 1 + 84 * done // len(sections))
        with (
            translation.override(_her_language(survivor)),
            timezone.override(_her_time_zone(survivor)),
        ):
            html = render_to_string(EXPORT_TEMPLATE, {"data": data})
        _progress(request_id, 90)
        name = export_file_write(export_zip(stem=f"records-{request.pk}", html=html, data=data))
    except Exception as error:
        # Ids only in the logs: the error's message may hold her data.
        logger.error("records request %s failed: %s", request_id, type(error).__name__)
        export_file_delete(name)
        SubjectAccessRequest.objects.filter(pk=request_id).update(state=State.FAILED)
        return False
    now = timezone.now()
    with transaction.atomic():
        finished = SubjectAccessRequest.objects.filter(pk=request_id, state=State.BUILDING).update(
            state=State.READY,
            progress=100,
            file_name=name,
            built_at=now,
            expires_at=now + export_kept(),
        )
        if finished:
            audit_record(
                actor=None, action=AuditAction.SUBJECT_ACCESS_BUILD, obj=request, survivor=survivor
            )
    if not finished:
        export_file_delete(name)
    return bool(finished)


def subject_access_export_download(
    *, actor: User, request: SubjectAccessRequest, now: datetime | None = None
) -> bytes:
    """The ZIP, for whoever recorded the request while she may still work with
    the case; every download audited."""
    now = now or timezone.now()
    if request.recorded_by_id != actor.pk:
        raise SubjectAccessError("not_recorder")
    if not (policy.is_manager(actor) or policy.can_work_with_survivor(actor, request.survivor)):
        raise SubjectAccessError("not_allowed")
    if request.state == State.EXPIRED or (request.expires_at and request.expires_at <= now):
        raise SubjectAccessError("expired")
    if request.state != State.READY:
        raise SubjectAccessError("not_ready")
    try:
        content = export_file_read(request.file_name)
    except FileNotFoundError:
        raise SubjectAccessError("expired") from None
    with transaction.atomic():
        SubjectAccessRequest.objects.filter(pk=request.pk).update(downloads=F("downloads") + 1)
        audit_record(
            actor=actor,
            action=AuditAction.SUBJECT_ACCESS_DOWNLOAD,
            obj=request,
            survivor=request.survivor,
        )
    return content


def subject_access_exports_expire(*, now: datetime) -> int:
    """Delete every export built more than 30 days ago and mark it expired.
    The file goes first: a run stopped half-way leaves a row that says ready
    over a missing file (its download says it has expired), never a file
    nobody will delete."""
    expired = 0
    for request in SubjectAccessRequest.objects.filter(
        state=State.READY, expires_at__lte=now
    ).select_related("survivor"):
        export_file_delete(request.file_name)
        with transaction.atomic():
            if SubjectAccessRequest.objects.filter(pk=request.pk, state=State.READY).update(
                state=State.EXPIRED, file_name=""
            ):
                audit_record(
                    actor=None,
                    action=AuditAction.SUBJECT_ACCESS_EXPIRE,
                    obj=request,
                    survivor=request.survivor,
                )
                expired += 1
    return expired
