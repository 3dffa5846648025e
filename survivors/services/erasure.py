"""Erasing her case (SPEC 12): on her request, by the service manager of the
Women's Support Service (WSS), or by the retention schedule (no actor, from a
Celery task); or refusing her request with the reason the law allows.

Erasure removes her from every table: her case and everything that points to
it (the foreign keys cascade), the texts found by her number's keyed hash (the
``survivor_erasing`` signal, answered by ``checkins``), her portal account, its
sessions (database and cache), django-axes' records under her username, the
admin's history of her account, and her files. What stays is an ``ErasedCase``
tombstone (old case id, when, by whom, how many rows of each kind) and the
``ErasureRequest`` record, so the audit log (ids only, never edited) still adds
up. Nothing on the programme side is touched: he never points to her."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date
from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from contacts.exports import export_file_delete
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import DataRightsError
from survivors.models import (
    ErasedCase,
    ErasureRequest,
    MaracReferral,
    SubjectAccessRequest,
    Survivor,
)
from survivors.signals import survivor_erasing

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 1000


def _check_received_on(received_on: date) -> None:
    if received_on > timezone.localdate():
        raise DataRightsError("in_future")


def _sessions_delete(user_id: int) -> int:
    """Every session of her account, expired or not, through the session engine
    so a cached copy goes too (``cached_db``)."""
    engine = import_module(settings.SESSION_ENGINE)
    target, ended = str(user_id), 0
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == target:
            engine.SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended


def _sign_in_records_delete(username: str) -> Counter[str]:
    """django-axes' failures and log rows under her username. Usernames are
    unique per side only, so a staff account of the same name loses its failure
    count too: a lockout lifted early, never a record of her kept."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    counts: Counter[str] = Counter()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        counts.update(model.objects.filter(username__iexact=username).delete()[1])
    return counts


def _account_delete(user: User) -> Counter[str]:
    counts: Counter[str] = Counter()
    counts["sessions"] = _sessions_delete(user.pk)
    counts.update(_sign_in_records_delete(user.username))
    # The Django admin's history of her account names it by its username.
    counts.update(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).delete()[1]
    )
    counts.update(user.delete()[1])
    return counts


def _files_delete(file_names: list[str]) -> None:
    for name in file_names:
        export_file_delete(name)


def case_erase(
    *,
    survivor: Survivor,
    actor: User | None = None,
    reason: str = "request",
    received_on: date | None = None,
) -> ErasedCase:
    """Erase her case for good. ``reason`` is "request" (she asked, on
    ``received_on``; recorded as an ``ErasureRequest``) or "retention" (the
    schedule, from a task: no actor). Refused while a legal hold is on."""
    if reason not in ("request", "retention"):
        raise ValueError("reason is 'request' or 'retention'")
    if received_on is not None:
        _check_received_on(received_on)
    with transaction.atomic():
        locked = Survivor.objects.select_for_update().filter(pk=survivor.pk).first()
        if locked is None:
            raise DataRightsError("already_erased")
        if locked.legal_hold_at is not None:
            raise DataRightsError("legal_hold")
        case_id, user = locked.pk, locked.user
        audit_record(actor=actor, action=AuditAction.CASE_ERASE, obj=locked)
        counts: Counter[str] = Counter()
        for _receiver, deleted in survivor_erasing.send(sender=Survivor, survivor=locked):
            counts.update(deleted or {})
        # Her subject access exports: the rows go with the case, the encrypted
        # files once the erasure has committed (a rolled-back erasure keeps them).
        file_names = [
            name
            for name in SubjectAccessRequest.objects.filter(survivor=locked).values_list(
                "file_name", flat=True
            )
            if name
        ]
        transaction.on_commit(lambda: _files_delete(file_names))
        # A referral protects its disclosure; both are hers, the referral goes first.
        counts.update(MaracReferral.objects.filter(survivor=locked).delete()[1])
        counts.update(locked.delete()[1])
        if user is not None:
            counts.update(_account_delete(user))
        # An earlier refusal's note may name her; the refusal itself stays.
        ErasureRequest.objects.filter(case_id=case_id).update(note="")
        if reason == "request":
            ErasureRequest.objects.create(
                case_id=case_id,
                received_on=received_on or timezone.localdate(),
                decided_by=actor,
                outcome=ErasureRequest.Outcome.ERASED,
            )
        tombstone = ErasedCase.objects.create(
            case_id=case_id,
            erased_by=actor,
            reason=reason,
            counts={key: value for key, value in sorted(counts.items()) if value},
        )
    logger.info("case %s erased (%s)", case_id, reason)
    return tombstone


def case_erasure_refuse(
    *, actor: User, survivor: Survivor, received_on: date, refusal_reason: str, note: str = ""
) -> ErasureRequest:
    """Refuse her request with the reason the law allows, recorded; "other"
    needs a note saying which."""
    if refusal_reason not in ErasureRequest.RefusalReason.values:
        raise DataRightsError("unknown_reason")
    note = (note or "").strip()
    if refusal_reason == ErasureRequest.RefusalReason.OTHER and not note:
        raise DataRightsError("note_required")
    if len(note) > NOTE_MAX_LENGTH:
        raise DataRightsError(
            "too_long", f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."
        )
    _check_received_on(received_on)
    with transaction.atomic():
        locked = Survivor.objects.select_for_update().filter(pk=survivor.pk).first()
        if locked is None:
            raise DataRightsError("already_erased")
        request = ErasureRequest.objects.create(
            case_id=locked.pk,
            received_on=received_on,
            decided_by=actor,
            outcome=ErasureRequest.Outcome.REFUSED,
            refusal_reason=refusal_reason,
            note=note,
        )
        audit_record(
            actor=actor, action=AuditAction.CASE_ERASURE_REFUSE, obj=request, survivor=locked
        )
    logger.info("erasure of case %s refused by %s", locked.pk, actor.pk)
    return request
