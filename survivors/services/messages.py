"""The private message line between a survivor and her current Women's Support
Service (WSS) worker. Bodies are encrypted at rest (``Message.body``); nothing
here logs a body, a name or a number."""

from __future__ import annotations

import logging
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import RESTRICTED, MessageError
from survivors.models import Message, Survivor
from survivors.selectors.cover import covered_worker
from survivors.signals import nudge_wanted

logger = logging.getLogger(__name__)

# Bidirectional overrides and isolates that can disguise text (e.g. "txt.exe").
_BIDI_CONTROLS = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def message_clean_body(raw: str) -> str:
    """Normalise a body for storage: no NULs, lone surrogates or control
    characters (line breaks and tabs are kept), trimmed."""
    text = raw.encode("utf-8", "replace").decode("utf-8") if raw else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if char in ("\n", "\t"):
            kept.append(char)
        elif char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()


def _check_body(body: str) -> str:
    cleaned = message_clean_body(body)
    if not cleaned:
        raise MessageError("empty")
    if len(cleaned) > settings.MESSAGE_MAX_LENGTH:
        raise MessageError(
            "too_long",
            f"Messages can be up to {settings.MESSAGE_MAX_LENGTH} characters. "
            f"Yours has {len(cleaned)}.",
        )
    return cleaned


def _check_rate(*, author: User, under_duress: bool = False) -> None:
    """Counted per kind of session, so neither kind can use up the other's."""
    since = timezone.now() - timedelta(seconds=settings.MESSAGE_RATE_WINDOW_SECONDS)
    recent = Message.objects.filter(
        author=author, created_at__gte=since, sent_under_duress=under_duress
    ).count()
    if recent >= settings.MESSAGE_RATE_LIMIT:
        raise MessageError("rate_limited")


def message_send_from_survivor(
    *, survivor: Survivor, body: str, under_duress: bool = False
) -> Message:
    """She writes to whoever is her worker now. Under duress (a session signed
    in with her second passphrase) the message reaches her worker marked as
    such and never shows in her own view."""
    author = survivor.user
    if author is None:
        raise ValueError("Only a case with a portal account writes from the portal.")
    # A restricted case (SPEC 12) is kept, not used: nothing new on it.
    if survivor.restricted_at is not None:
        raise MessageError("restricted")
    cleaned = _check_body(body)
    _check_rate(author=author, under_duress=under_duress)
    with transaction.atomic():
        message = Message.objects.create(
            survivor=survivor,
            author=author,
            from_survivor=True,
            body=cleaned,
            sent_under_duress=under_duress,
            hidden_for_survivor=under_duress,
        )
        audit_record(actor=author, action=AuditAction.MESSAGE_SEND, obj=message, survivor=survivor)
    logger.info("message %s sent by case %s", message.pk, survivor.pk)
    return message


def message_send_from_worker(*, worker: User, survivor: Survivor, body: str) -> Message:
    """Her worker replies, or the duty worker while her worker is away (SPEC 9:
    the reply records whom she covered for, and is audited as done in cover);
    a neutral nudge is queued if she opted in (see nudges)."""
    cleaned = _check_body(body)
    _check_rate(author=worker)
    with transaction.atomic():
        locked = Survivor.objects.select_for_update().get(pk=survivor.pk)
        if locked.restricted_at is not None:
            raise MessageError("restricted", RESTRICTED)
        covering_for = None
        if locked.worker_id != worker.pk:
            covering_for = covered_worker(user=worker, survivor=locked)
            if covering_for is None:
                raise MessageError("not_her_worker")
        message = Message.objects.create(
            survivor=locked,
            author=worker,
            from_survivor=False,
            body=cleaned,
            covering_for=covering_for,
        )
        action = (
            AuditAction.MESSAGE_SEND if covering_for is None else AuditAction.MESSAGE_SEND_IN_COVER
        )
        audit_record(actor=worker, action=action, obj=message, survivor=locked)
        _queue_nudge_if_wanted(survivor=locked, message=message)
    logger.info("message %s sent by worker %s to case %s", message.pk, worker.pk, survivor.pk)
    return message


def _queue_nudge_if_wanted(*, survivor: Survivor, message: Message) -> None:
    """One neutral "new message" text per unread batch, only if she opted in and
    contact is not paused; it goes through the outbox inside her next safe window."""
    if not survivor.sms_nudges or survivor.contact_paused or not survivor.safe_phone:
        return
    earlier_unread = (
        Message.objects.filter(
            survivor=survivor, from_survivor=False, read_at__isnull=True, hidden_for_survivor=False
        )
        .exclude(pk=message.pk)
        .exists()
    )
    if earlier_unread:
        return  # a nudge for this batch was already queued
    nudge_wanted.send(sender=Survivor, survivor=survivor)


def thread_mark_read_by_survivor(*, survivor: Survivor) -> int:
    return Message.objects.filter(
        survivor=survivor, from_survivor=False, read_at__isnull=True
    ).update(read_at=timezone.now())


def thread_mark_read_by_worker(*, worker: User, survivor: Survivor) -> int:
    return Message.objects.filter(
        survivor=survivor, from_survivor=True, read_at__isnull=True
    ).update(read_at=timezone.now())


def thread_clear_for_survivor(*, survivor: Survivor) -> int:
    """She clears her view; her worker keeps the record (the service's policy)."""
    with transaction.atomic():
        count = Message.objects.filter(survivor=survivor, hidden_for_survivor=False).update(
            hidden_for_survivor=True
        )
        audit_record(actor=survivor.user, action=AuditAction.THREAD_CLEAR_VIEW, obj=survivor)
    return count
