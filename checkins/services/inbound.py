"""Replies to check-ins (SPEC 5). The webhook only stores the row (unique on
Twilio's MessageSid) and wakes a worker; the meaning is worked out here.

1 → recorded; 2 → "call requested" alert; 3 → urgent alert (her worker and the
duty view); STOP or another of Twilio's opt-out words → opt-out recorded, all
texts stop, her worker alerted (he may have sent it from her phone); anything
else → recorded for her worker to read. An unknown number leaves nothing.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from checkins.models import (
    CheckIn,
    CheckInPlan,
    InboundMessage,
    OutboundMessage,
    SmsOptOut,
    SmsStatusEvent,
)
from contacts.encryption import phone_hash
from contacts.services.queue import INBOUND_PROCESS, enqueue
from survivors.models import Alert, Survivor
from survivors.services.alerts import alert_raise

logger = logging.getLogger(__name__)

# Twilio's default opt-out keywords (Advanced Opt-Out), matched on the whole reply.
OPT_OUT_WORDS = {
    "STOP",
    "STOPALL",
    "STOP ALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "OPTOUT",
    "OPT OUT",
    "REVOKE",
}
REPLIES = {"1": CheckIn.Reply.WELL, "2": CheckIn.Reply.CALL, "3": CheckIn.Reply.URGENT}


def inbound_store(*, message_sid: str, from_number: str, body: str) -> InboundMessage | None:
    """The webhook's only write. Returns None for a replay (nothing new stored)."""
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                message_sid=message_sid[:64],
                from_hash=phone_hash(from_number.strip()),
                body=body[:1600],
            )
            enqueue(INBOUND_PROCESS, inbound.pk)
    except IntegrityError:
        return None
    logger.info("inbound text %s stored", inbound.pk)
    return inbound


def interpret(body: str) -> str:
    # Digits from her phone's keyboard in any script (Urdu ۳, Arabic ٣) are the
    # digits 1/2/3 the texts ask for (SPEC 11).
    body = "".join(
        str(unicodedata.digit(c)) if unicodedata.category(c) == "Nd" else c for c in body
    )
    text = " ".join(body.strip().upper().split()).rstrip(".!")
    if text in OPT_OUT_WORDS:
        return "stop"
    if text in REPLIES:
        return REPLIES[text]
    return CheckIn.Reply.OTHER


def sms_opt_out_record(*, survivor: Survivor, source: str) -> SmsOptOut:
    """Stop every text to her and give her worker a task (never a silent stop)."""
    with transaction.atomic():
        existing = SmsOptOut.objects.filter(survivor=survivor, lifted_at__isnull=True).first()
        if existing is not None:
            return existing
        opt_out = SmsOptOut.objects.create(survivor=survivor, source=source)
        CheckInPlan.objects.filter(survivor=survivor).update(next_due_at=None)
        OutboundMessage.objects.filter(
            survivor=survivor, state=OutboundMessage.State.QUEUED
        ).update(state=OutboundMessage.State.FAILED, error_code="opted_out")
        alert_raise(survivor=survivor, kind=Alert.Kind.OPTED_OUT)
    logger.info("texts to case %s stopped", survivor.pk)
    return opt_out


def inbound_process(*, inbound_id: int, now: datetime | None = None) -> str:
    """Work out what a stored reply means; idempotent (processed once)."""
    now = now or timezone.now()
    with transaction.atomic():
        if not InboundMessage.objects.filter(pk=inbound_id, processed_at__isnull=True).update(
            processed_at=now
        ):
            return "done_already"
        inbound = InboundMessage.objects.get(pk=inbound_id)
        survivor = Survivor.objects.filter(safe_phone_hash=inbound.from_hash).first()
        if survivor is None:
            # Keep nothing of a stranger's text.
            InboundMessage.objects.filter(pk=inbound_id).update(body="", meaning="unknown")
            logger.info("inbound text %s from an unknown number", inbound_id)
            return "unknown"
        meaning = interpret(inbound.body)
        checkin = (
            CheckIn.objects.filter(
                survivor=survivor, state__in=[CheckIn.State.SENT, CheckIn.State.MISSED]
            )
            .order_by("-sent_at", "-pk")
            .first()
        )
        InboundMessage.objects.filter(pk=inbound_id).update(
            survivor=survivor, checkin=checkin, meaning=meaning
        )
        if meaning == "stop":
            sms_opt_out_record(survivor=survivor, source="reply")
        else:
            if checkin is not None:
                CheckIn.objects.filter(pk=checkin.pk).update(
                    state=CheckIn.State.ANSWERED, answered_at=now, reply=meaning
                )
            if meaning == CheckIn.Reply.CALL:
                alert_raise(survivor=survivor, kind=Alert.Kind.CALL_REQUESTED)
            elif meaning == CheckIn.Reply.URGENT:
                alert_raise(survivor=survivor, kind=Alert.Kind.URGENT_REPLY, urgent=True)
            elif meaning == CheckIn.Reply.OTHER:
                alert_raise(survivor=survivor, kind=Alert.Kind.OTHER_REPLY)
    # Ids only: what her reply meant (a call, urgent) stays out of the logs.
    logger.info("inbound text %s processed", inbound_id)
    return str(meaning)


def inbound_sweep(*, limit: int = 500) -> int:
    """Process stored replies whose wake-up was lost."""
    ids = list(
        InboundMessage.objects.filter(processed_at__isnull=True)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        inbound_process(inbound_id=pk)
    return len(ids)


def texts_erase_for(*, survivor: Survivor) -> dict[str, int]:
    """For her case's erasure (SPEC 12): delete the texts only her numbers lead
    to, her current number's and each number her texts went to (replies that
    matched no case, or matched hers), and the status callbacks of her texts.
    Her own outbox rows, opt-outs and plan go with her case (foreign keys)."""
    outbound = OutboundMessage.objects.filter(survivor=survivor)
    numbers = {row.to_number for row in outbound.only("to_number")}
    hashes = {phone_hash(number) for number in numbers if number}
    if survivor.safe_phone_hash:
        hashes.add(survivor.safe_phone_hash)
    sids = [sid for sid in outbound.values_list("message_sid", flat=True) if sid]
    counts: dict[str, int] = {}
    for deleted in (
        InboundMessage.objects.filter(from_hash__in=hashes).delete()[1],
        SmsStatusEvent.objects.filter(message_sid__in=sids).delete()[1],
    ):
        for label, count in deleted.items():
            counts[label] = counts.get(label, 0) + count
    return counts
