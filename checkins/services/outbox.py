"""The SMS outbox (SPEC 5): nothing sent twice, nothing lost.

Each text is an ``OutboundMessage`` row written in the same transaction as its
cause, with our own idempotency key. A worker claims due rows with a lease
(``select_for_update(skip_locked=True)`` on PostgreSQL; on SQLite a conditional
UPDATE ... WHERE state='queued' compare-and-set, which only one claimer can
win), sends through ``checkins.sms``, and records Twilio's MessageSid. Only the
holder of the lease token may finish a row. A periodic sweeper re-queues rows
whose lease expired (a killed worker, a lost broker message); such a row is
"in doubt" and the backend is asked whether the earlier attempt reached Twilio
before anything is sent again. The broker only carries wake-ups.

A text goes out with a validity period of the seconds left in her safe window
(``not_after``), so a text held up at Twilio never arrives after the time she
said was safe; with less than ``SMS_MIN_VALIDITY_SECONDS`` left it is not sent
at all and, for a check-in, her worker is told (as for "too old to send").
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from checkins import sms
from checkins.models import CheckIn, OutboundMessage, SmsOptOut, SmsStatusEvent
from contacts.services.queue import OUTBOX_DRAIN, enqueue
from survivors.models import Alert, Survivor
from survivors.services.alerts import alert_raise

logger = logging.getLogger(__name__)

State = OutboundMessage.State

# Status callbacks move a row forward only; they arrive out of order.
STATE_RANK = {
    State.QUEUED: 0,
    State.SENDING: 1,
    State.SENT: 2,
    State.DELIVERED: 3,
    State.UNDELIVERED: 3,
    State.FAILED: 3,
    State.EXPIRED: 3,
}
TWILIO_STATUS = {
    "accepted": State.SENT,
    "queued": State.SENT,
    "sending": State.SENT,
    "sent": State.SENT,
    "delivered": State.DELIVERED,
    "read": State.DELIVERED,
    "undelivered": State.UNDELIVERED,
    "failed": State.FAILED,
}
FINAL_FAILURES = {State.UNDELIVERED, State.FAILED}


def outbox_wake_on_commit() -> None:
    """Send a wake-up to a worker once the caller's transaction commits."""
    enqueue(OUTBOX_DRAIN)


def sms_opted_out(*, survivor: Survivor) -> bool:
    return SmsOptOut.objects.filter(survivor=survivor, lifted_at__isnull=True).exists()


def outbox_enqueue(
    *,
    survivor: Survivor,
    kind: str,
    body: str,
    idempotency_key: str,
    checkin: CheckIn | None = None,
    send_from: datetime | None = None,
    not_after: datetime | None = None,
    wake: bool = True,
) -> OutboundMessage | None:
    """Write one outbox row in the caller's transaction (idempotent on the key).

    Returns None when she has no safe number or has opted out."""
    if not survivor.safe_phone or sms_opted_out(survivor=survivor):
        return None
    existing = OutboundMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                idempotency_key=idempotency_key,
                kind=kind,
                survivor=survivor,
                checkin=checkin,
                to_number=survivor.safe_phone,
                body=body,
                next_attempt_at=send_from or timezone.now(),
                not_after=not_after,
            )
    except IntegrityError:
        return OutboundMessage.objects.get(idempotency_key=idempotency_key)
    logger.info("text %s queued for case %s", message.pk, survivor.pk)
    if wake:
        outbox_wake_on_commit()
    return message


# --- Claiming ---------------------------------------------------------------------


def outbox_claim(*, limit: int = 50, now: datetime | None = None) -> list[tuple[int, str]]:
    """Lease up to ``limit`` due rows to this worker: [(id, lease token)]."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    lease_until = now + timedelta(seconds=settings.SMS_LEASE_SECONDS)
    due = OutboundMessage.objects.filter(state=State.QUEUED, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    claim = {
        "state": State.SENDING,
        "lease_expires_at": lease_until,
        "lease_token": token,
        "attempts": F("attempts") + 1,
        "first_attempt_at": Coalesce(F("first_attempt_at"), Value(now)),
        "state_changed_at": now,
    }
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            if ids:
                OutboundMessage.objects.filter(pk__in=ids).update(**claim)
        return [(pk, token) for pk in ids]
    # SQLite: one compare-and-set UPDATE ... WHERE state='queued'. A row another
    # worker took in between no longer matches, so it is skipped; our token
    # then tells us which rows we won.
    ids = list(due.values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    OutboundMessage.objects.filter(pk__in=ids, state=State.QUEUED).update(**claim)
    won = OutboundMessage.objects.filter(pk__in=ids, lease_token=token, state=State.SENDING)
    return [
        (pk, token) for pk in won.order_by("next_attempt_at", "pk").values_list("pk", flat=True)
    ]


def _finish(message: OutboundMessage, **changes: object) -> bool:
    """Compare-and-set on the lease token: only the lease holder may finish."""
    changes.setdefault("state_changed_at", timezone.now())
    done = OutboundMessage.objects.filter(
        pk=message.pk, state=State.SENDING, lease_token=message.lease_token
    ).update(lease_token="", lease_expires_at=None, **changes)
    return bool(done)


# --- Sending one claimed row --------------------------------------------------------


def _claimed_rows(ids: list[int], lease_token: str) -> list[OutboundMessage]:
    rows = (
        OutboundMessage.objects.select_related("survivor", "checkin__plan")
        .filter(pk__in=ids, state=State.SENDING, lease_token=lease_token)
        .order_by("next_attempt_at", "pk")
    )
    return list(rows)


def _opted_out_ids(survivor_ids: set[int]) -> set[int]:
    return set(
        SmsOptOut.objects.filter(survivor_id__in=survivor_ids, lifted_at__isnull=True).values_list(
            "survivor_id", flat=True
        )
    )


def outbox_send_claimed(
    *,
    message_id: int,
    lease_token: str,
    backend: sms.SmsBackend,
    now: datetime | None = None,
) -> str:
    """Send one leased row. Returns the row's state afterwards (for logs/tests)."""
    rows = _claimed_rows([message_id], lease_token)
    if not rows:
        return "lost_lease"
    opted_out = _opted_out_ids({rows[0].survivor_id})
    return _send_loaded(rows[0], backend=backend, opted_out=bool(opted_out), now=now)


def validity_seconds_left(message: OutboundMessage, *, now: datetime) -> int:
    """Whole seconds left in her safe window, at most Twilio's 36,000."""
    if message.not_after is None:
        return sms.MAX_VALIDITY_SECONDS
    left = int((message.not_after - now).total_seconds())
    return min(left, sms.MAX_VALIDITY_SECONDS)


def _send_loaded(
    message: OutboundMessage,
    *,
    backend: sms.SmsBackend,
    opted_out: bool,
    now: datetime | None = None,
) -> str:
    now = now or timezone.now()
    if message.not_after is not None and now > message.not_after:
        return _expire(message)
    validity = validity_seconds_left(message, now=now)
    if validity < settings.SMS_MIN_VALIDITY_SECONDS:
        return _expire(message, code="window_ending")
    survivor = message.survivor
    # Nothing goes to a restricted case (SPEC 12), even a text queued before.
    stops = (
        ("opted_out", opted_out),
        ("contact_paused", survivor.contact_paused),
        ("restricted", survivor.restricted_at is not None),
    )
    code = next((name for name, stopped in stops if stopped), "")
    if code:
        with transaction.atomic():
            if (
                _finish(message, state=State.FAILED, error_code=code)
                and message.checkin_id is not None
            ):
                CheckIn.objects.filter(pk=message.checkin_id).update(state=CheckIn.State.NOT_SENT)
        logger.info("text %s not sent (%s)", message.pk, code)
        return State.FAILED
    if not _renew_lease(message, now=now):
        # The lease ran out while this worker was busy with earlier rows of its
        # batch; the sweeper may have handed the row to another worker.
        logger.info("text %s skipped: lease lost before sending", message.pk)
        return "lost_lease"
    try:
        sid = None
        # A row in doubt was claimed before, so its first attempt time is set.
        if message.in_doubt and message.first_attempt_at is not None:
            sid = backend.find_sent(
                message_id=message.pk,
                to=message.to_number,
                body=message.body,
                since=message.first_attempt_at,
            )
        if sid is None:
            result = backend.send(
                message_id=message.pk,
                to=message.to_number,
                body=message.body,
                validity_seconds=validity,
            )
            sid = result.sid
    except sms.PermanentSendError as error:
        return _fail_permanently(message, error.code)
    except sms.TransientSendError as error:
        return _retry_later(message, error.code, in_doubt=error.in_doubt)
    return _mark_sent(message, sid, callbacks=getattr(backend, "has_status_callbacks", True))


def _renew_lease(message: OutboundMessage, *, now: datetime) -> bool:
    """Right before a send: extend our lease if we still hold it (compare-and-set).

    A batch is claimed under one lease; renewing per row means a row is only
    sent by a worker whose lease covers the whole send (SMS_LEASE_SECONDS must
    exceed the Twilio timeout), so the sweeper can never hand it to another."""
    return bool(
        OutboundMessage.objects.filter(
            pk=message.pk,
            state=State.SENDING,
            lease_token=message.lease_token,
            lease_expires_at__gt=now,
        ).update(lease_expires_at=now + timedelta(seconds=settings.SMS_LEASE_SECONDS))
    )


def _mark_sent(message: OutboundMessage, sid: str, *, callbacks: bool = True) -> str:
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Safe to skip the wait for the disk here: if this write were lost
            # in a database crash, the row's lease expires, it comes back in
            # doubt, and find_sent() recovers the SID without sending again.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        state = State.SENT
        # A status callback may have beaten us here: apply the furthest one.
        events = SmsStatusEvent.objects.filter(message_sid=sid) if callbacks else []
        for event in events:
            mapped = TWILIO_STATUS.get(event.status)
            if mapped and STATE_RANK[mapped] > STATE_RANK[state]:
                state = mapped
        if not _finish(
            message, state=state, message_sid=sid, sent_at=now, in_doubt=False, error_code=""
        ):
            logger.warning("text %s lease lost before its SID was recorded", message.pk)
            return "lost_lease"
        if message.checkin is not None:
            plan_hours = message.checkin.plan.reply_window_hours
            CheckIn.objects.filter(pk=message.checkin.pk).update(
                state=CheckIn.State.SENT,
                sent_at=now,
                reply_by=now + timedelta(hours=plan_hours),
            )
    logger.info("text %s sent as %s", message.pk, sid)
    return state


def _expire(message: OutboundMessage, *, code: str = "too_old") -> str:
    """Not sent: her window has closed (``too_old``) or is about to
    (``window_ending``). A check-in becomes "too old to send" and her worker
    is told."""
    with transaction.atomic():
        if not _finish(message, state=State.EXPIRED, error_code=code):
            return "lost_lease"
        if message.checkin_id:
            CheckIn.objects.filter(pk=message.checkin_id).update(state=CheckIn.State.TOO_OLD)
            alert_raise(survivor=message.survivor, kind=Alert.Kind.CHECKIN_TOO_OLD)
    logger.info("text %s expired: %s", message.pk, code)
    return State.EXPIRED


def _fail_permanently(message: OutboundMessage, code: str) -> str:
    with transaction.atomic():
        if not _finish(message, state=State.FAILED, error_code=code):
            return "lost_lease"
        if message.checkin_id:
            CheckIn.objects.filter(pk=message.checkin_id).update(state=CheckIn.State.NOT_SENT)
        if code == sms.OPTED_OUT_CODE:
            from checkins.services.inbound import sms_opt_out_record

            sms_opt_out_record(survivor=message.survivor, source="twilio_21610")
        else:
            alert_raise(survivor=message.survivor, kind=Alert.Kind.SEND_FAILED)
    logger.warning("text %s failed permanently (code %s)", message.pk, code)
    return State.FAILED


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter: half fixed, half random."""
    ceiling = min(
        settings.SMS_RETRY_MAX_SECONDS,
        settings.SMS_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0)),
    )
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not secrets


def _retry_later(message: OutboundMessage, code: str, *, in_doubt: bool) -> str:
    if message.attempts >= settings.SMS_MAX_ATTEMPTS:
        with transaction.atomic():
            if not _finish(message, state=State.FAILED, error_code=code, in_doubt=False):
                return "lost_lease"
            if message.checkin_id:
                CheckIn.objects.filter(pk=message.checkin_id).update(state=CheckIn.State.NOT_SENT)
            alert_raise(survivor=message.survivor, kind=Alert.Kind.SEND_FAILED)
        logger.warning("text %s failed after %s attempts (%s)", message.pk, message.attempts, code)
        return State.FAILED
    delay = retry_delay(message.attempts)
    changes: dict[str, object] = {
        "state": State.QUEUED,
        "next_attempt_at": timezone.now() + timedelta(seconds=delay),
        "error_code": code,
    }
    if in_doubt:
        changes["in_doubt"] = True
    if not _finish(message, **changes):
        return "lost_lease"
    logger.info("text %s will retry in %.1fs (%s)", message.pk, delay, code)
    return State.QUEUED


# --- Draining, sweeping, status callbacks --------------------------------------------


def outbox_drain(
    *,
    backend: sms.SmsBackend | None = None,
    batch: int = 50,
    time_budget: float = 50.0,
    clock: Callable[[], float] | None = None,
    now: datetime | None = None,
) -> int:
    """Claim and send due rows until none are due or the time budget is spent.

    ``now`` fixes the wall clock (tests of her safe windows); default: the time."""
    import time

    clock = clock or time.monotonic
    backend = backend or sms.get_backend()
    started = clock()
    handled = 0
    while clock() - started < time_budget:
        claimed = outbox_claim(limit=batch, now=now)
        if not claimed:
            break
        rows = _claimed_rows([pk for pk, _token in claimed], claimed[0][1])
        opted_out = _opted_out_ids({row.survivor_id for row in rows})
        for message in rows:
            _send_loaded(
                message, backend=backend, opted_out=message.survivor_id in opted_out, now=now
            )
            handled += 1
    return handled


def outbox_due_exists(*, now: datetime | None = None) -> bool:
    return OutboundMessage.objects.filter(
        state=State.QUEUED, next_attempt_at__lte=now or timezone.now()
    ).exists()


def outbox_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Re-queue rows whose lease expired (in doubt: an attempt may have gone out)."""
    now = now or timezone.now()
    requeued = OutboundMessage.objects.filter(state=State.SENDING, lease_expires_at__lt=now).update(
        state=State.QUEUED,
        lease_token="",
        lease_expires_at=None,
        in_doubt=True,
        next_attempt_at=F("lease_expires_at"),
        state_changed_at=now,
    )
    if requeued:
        logger.warning("outbox sweep re-queued %s texts with expired leases", requeued)
    return {"requeued": requeued, "due": int(outbox_due_exists(now=now))}


def outbox_status_record(*, message_sid: str, status: str, error_code: str = "") -> bool:
    """A status callback: stored once per (SID, status); moves the row forward only.

    Returns False for a replay (nothing new stored)."""
    status = status.strip().lower()[:20]
    try:
        with transaction.atomic():
            SmsStatusEvent.objects.create(
                message_sid=message_sid, status=status, error_code=error_code[:32]
            )
            target = TWILIO_STATUS.get(status)
            if target is None:
                return True
            lower = [state for state, rank in STATE_RANK.items() if rank < STATE_RANK[target]]
            message = (
                OutboundMessage.objects.select_related("survivor")
                .filter(message_sid=message_sid)
                .first()
            )
            if message is None:
                return True
            moved = OutboundMessage.objects.filter(Q(pk=message.pk), Q(state__in=lower)).update(
                state=target, state_changed_at=timezone.now(), error_code=error_code[:32]
            )
            if moved and target in FINAL_FAILURES:
                if error_code == sms.OPTED_OUT_CODE:
                    from checkins.services.inbound import sms_opt_out_record

                    sms_opt_out_record(survivor=message.survivor, source="twilio_21610")
                else:
                    alert_raise(survivor=message.survivor, kind=Alert.Kind.SEND_FAILED)
    except IntegrityError:
        return False
    return True
