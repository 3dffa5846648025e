"""Retention (SPEC 7, 9, 12): one schedule, record type by record type
(``RETENTION_SCHEDULE``, described in ``checkins/selectors/retention.py``),
applied nightly.

A run deletes each record type in batches of ``RETENTION_BATCH_SIZE`` rows, one
transaction per batch, and saves its counts (a ``PurgeRun``: counts only, never
content) with each batch. A run stopped half way (a database error, a killed
worker) keeps what it committed; the next run deletes the rest and names the
run it took over. A case under legal hold (``Survivor.legal_hold_at``) is kept
whole, with its messages, check-ins, texts, referrals and audit rows, and
counted as "held"."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from checkins.models import CheckIn, InboundMessage, OutboundMessage, PurgeRun, SmsStatusEvent
from checkins.selectors.retention import retention_schedule
from contacts.audit_protection import audit_rows_delete
from contacts.models import AuditAction, AuditEvent, User
from programme.services.records_request import participant_records_exports_expire
from survivors.models import ActivationAttempt, CaseState, Message, Referral, Survivor
from survivors.services.erasure import case_erase
from survivors.services.subject_access import subject_access_exports_expire

logger = logging.getLogger(__name__)

FINISHED_TEXTS = [
    OutboundMessage.State.SENT,
    OutboundMessage.State.DELIVERED,
    OutboundMessage.State.UNDELIVERED,
    OutboundMessage.State.FAILED,
    OutboundMessage.State.EXPIRED,
]
HELD = {"survivor__legal_hold_at__isnull": False}
NOT_HELD = {"survivor__legal_hold_at__isnull": True}

Deleter = Callable[[list[int]], int]


def _count(run: PurgeRun, record_type: str, *, deleted: int = 0, held: int = 0) -> None:
    counts = run.counts.setdefault(record_type, {"deleted": 0, "held": 0})
    counts["deleted"] += deleted
    counts["held"] += held
    PurgeRun.objects.filter(pk=run.pk).update(counts=run.counts)


def _in_batches(
    run: PurgeRun, record_type: str, rows: QuerySet, delete: Deleter | None = None
) -> None:
    """Delete ``rows`` a batch at a time, each batch and its count in one transaction."""
    size = settings.RETENTION_BATCH_SIZE

    def delete_rows(ids: list[int]) -> int:
        # By primary key only: repeating the selection's joins in the DELETE
        # made it about twice as slow on PostgreSQL (bench/retention_purge.py).
        return rows.model._default_manager.filter(pk__in=ids).delete()[0]

    while True:
        with transaction.atomic():
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:size])
            if ids:
                _count(run, record_type, deleted=(delete or delete_rows)(ids))
        if len(ids) < size:
            return


def _closed_case_delete(*, survivor: Survivor) -> None:
    """A closed case goes whole (SPEC 9): her record with everything on it
    (checklists, contact log, disclosures, messages, check-ins) and her portal
    account."""
    case_erase(survivor=survivor, reason="retention")


def _closed_cases(run: PurgeRun, *, now: datetime, cutoff: datetime) -> None:
    old = Survivor.objects.filter(case_state=CaseState.CLOSED, closed_at__lt=cutoff)
    _count(run, "closed_cases", held=old.filter(legal_hold_at__isnull=False).count())

    deletable = old.filter(legal_hold_at__isnull=True)

    def delete(ids: list[int]) -> int:
        # Checked again as it deletes: a case reopened or held meanwhile is kept.
        cases = list(deletable.filter(pk__in=ids))
        for survivor in cases:
            _closed_case_delete(survivor=survivor)
        return len(cases)

    _in_batches(run, "closed_cases", deletable, delete)


def _per_case(run: PurgeRun, record_type: str, rows: Iterable[QuerySet]) -> None:
    """Rows that belong to a case: those of a case under legal hold are kept."""
    for old in rows:
        _count(run, record_type, held=old.filter(**HELD).count())
        _in_batches(run, record_type, old.filter(**NOT_HELD))


def _messages(run: PurgeRun, *, now: datetime, cutoff: datetime) -> None:
    _per_case(run, "messages", [Message.objects.filter(created_at__lt=cutoff)])


def _checkins(run: PurgeRun, *, now: datetime, cutoff: datetime) -> None:
    checkins = CheckIn.objects.filter(created_at__lt=cutoff).exclude(
        state__in=[CheckIn.State.QUEUED, CheckIn.State.SENT]
    )
    replies = InboundMessage.objects.filter(received_at__lt=cutoff)
    _per_case(run, "checkins", [checkins, replies])


def _texts(run: PurgeRun, *, now: datetime, cutoff: datetime) -> None:
    texts = OutboundMessage.objects.filter(created_at__lt=cutoff, state__in=FINISHED_TEXTS)
    _per_case(run, "texts", [texts])
    # Status callbacks carry Twilio's id of the text, not the case.
    held_sids = OutboundMessage.objects.filter(message_sid__isnull=False, **HELD).values(
        "message_sid"
    )
    callbacks = SmsStatusEvent.objects.filter(received_at__lt=cutoff)
    _count(run, "texts", held=callbacks.filter(message_sid__in=held_sids).count())
    _in_batches(run, "texts", callbacks.exclude(message_sid__in=held_sids))


def _sign_in_records(run: PurgeRun, *, now: datetime, cutoff: datetime) -> None:
    """Failures past the lockout cool-off (lockout no longer counts them); every
    access-log row of an account that is not staff (a survivor's sign-in history
    is never kept: rows left from before, or under a username she has since
    changed); staff access-log rows past the period; activation-page tries past
    their rate-limit window."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    staff_usernames = User.objects.filter(kind=User.Kind.STAFF).values("username")
    for rows in [
        AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME),
        AccessLog.objects.exclude(username__in=staff_usernames),
        AccessLog.objects.filter(attempt_time__lt=cutoff),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        ActivationAttempt.objects.filter(at__lt=now - settings.ACTIVATION_TRY_WINDOW),
    ]:
        _in_batches(run, "sign_in_records", rows)


def _exports(run: PurgeRun, *, now: datetime, cutoff: datetime) -> None:
    """Records request exports: each side's own service deletes its files past
    their expiry and marks the requests expired."""
    with transaction.atomic():
        expired = subject_access_exports_expire(now=now)
        expired += participant_records_exports_expire(now=now)
        _count(run, "exports", deleted=expired)


def _declined_referrals(run: PurgeRun, *, now: datetime, cutoff: datetime) -> None:
    """Referrals that never made or joined a case (SPEC 13): declined ones from
    the decision, those never decided from the day they came in. A referral that
    made or joined a case goes with that case."""
    old = Referral.objects.filter(
        Q(state=Referral.State.DECLINED, decided_at__lt=cutoff)
        | Q(state=Referral.State.WAITING, received_at__lt=cutoff)
    )
    held = Q(survivor__isnull=False, survivor__legal_hold_at__isnull=False)
    _count(run, "declined_referrals", held=old.filter(held).count())
    _in_batches(run, "declined_referrals", old.exclude(held))


def _audit(run: PurgeRun, *, now: datetime, cutoff: datetime) -> None:
    held_cases = list(
        Survivor.objects.filter(legal_hold_at__isnull=False).values_list("pk", flat=True)
    )
    _count(
        run,
        "audit",
        held=AuditEvent.objects.filter(at__lt=cutoff, survivor_id__in=held_cases).count(),
    )

    def delete(ids: list[int]) -> int:
        return audit_rows_delete(ids=ids, cutoff=cutoff)

    _in_batches(
        run,
        "audit",
        AuditEvent.objects.filter(at__lt=cutoff).exclude(survivor_id__in=held_cases),
        delete,
    )


PURGES = {
    "closed_cases": _closed_cases,
    "messages": _messages,
    "checkins": _checkins,
    "texts": _texts,
    "sign_in_records": _sign_in_records,
    "exports": _exports,
    "declined_referrals": _declined_referrals,
    "audit": _audit,
}


def retention_apply(*, now: datetime | None = None) -> PurgeRun:
    """Apply the schedule to every record type; returns the run's record. The
    finished run writes one audit row naming the run (its counts are on it)."""
    now = now or timezone.now()
    schedule = retention_schedule()
    unfinished = PurgeRun.objects.filter(finished_at__isnull=True).order_by("-started_at").first()
    run = PurgeRun.objects.create(started_at=now, resumes=unfinished, counts={})
    logger.info("retention run %s started", run.pk)
    for row in schedule:
        _count(run, row.record_type)  # a type not reached stays out of the counts
        PURGES[row.record_type](run, now=now, cutoff=now - timedelta(days=row.days))
    with transaction.atomic():
        PurgeRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
        AuditEvent.objects.create(
            action=AuditAction.RETENTION_PURGE, object_type="purge_run", object_id=str(run.pk)
        )
    run.refresh_from_db()
    logger.info("retention run %s finished", run.pk)
    return run
