"""Retention (SPEC 7, 9): old messages, check-ins and their replies, and outbox
rows are deleted after the configured period; a closed case goes whole a set
period after its closing date; sign-in records (django-axes)
are kept only as long as lockout needs them. The audit event carries counts only."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from checkins.models import CheckIn, InboundMessage, OutboundMessage, SmsStatusEvent
from contacts.models import AuditAction, AuditEvent
from survivors.models import ActivationAttempt, CaseState, Message, Survivor

logger = logging.getLogger(__name__)


def _sign_in_records_purge(*, now: datetime, cutoff: datetime) -> int:
    """Activation-page tries past their window; failures past the lockout
    cool-off (lockout no longer counts them); every access-log row of an account
    that is not staff (a survivor's sign-in history is never kept: rows left
    from before, or under a username she has since changed); and staff
    access-log rows past the retention period."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from contacts.models import User

    staff_usernames = User.objects.filter(kind=User.Kind.STAFF).values("username")
    deleted = AccessAttempt.objects.filter(
        attempt_time__lt=now - settings.AXES_COOLOFF_TIME
    ).delete()[0]
    deleted += AccessLog.objects.exclude(username__in=staff_usernames).delete()[0]
    deleted += AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    # Activation-page tries only matter inside their rate-limit window.
    deleted += ActivationAttempt.objects.filter(
        at__lt=now - settings.ACTIVATION_TRY_WINDOW
    ).delete()[0]
    return deleted


def _closed_cases_purge(*, now: datetime) -> int:
    """A closed case is kept for ``CLOSED_CASE_RETENTION_DAYS`` from its closing
    date (SPEC 9), then deleted whole: her record with everything on it
    (checklists, contact log, disclosures, messages, check-ins) and her portal
    account. A reopened case has no closing date and is kept."""
    from contacts.models import User

    cutoff = now - timedelta(days=settings.CLOSED_CASE_RETENTION_DAYS)
    closed = Survivor.objects.filter(case_state=CaseState.CLOSED, closed_at__lt=cutoff)
    account_ids = list(closed.exclude(user=None).values_list("user_id", flat=True))
    deleted = closed.delete()[1].get(Survivor._meta.label, 0)
    User.objects.filter(pk__in=account_ids, kind=User.Kind.SURVIVOR).delete()
    return deleted


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what is older than ``RETENTION_DAYS``; returns counts per kind."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_DAYS)
    with transaction.atomic():
        counts = {
            "messages": Message.objects.filter(created_at__lt=cutoff).delete()[0],
            "replies": InboundMessage.objects.filter(received_at__lt=cutoff).delete()[0],
            "texts": OutboundMessage.objects.filter(
                created_at__lt=cutoff,
                state__in=[
                    OutboundMessage.State.SENT,
                    OutboundMessage.State.DELIVERED,
                    OutboundMessage.State.UNDELIVERED,
                    OutboundMessage.State.FAILED,
                    OutboundMessage.State.EXPIRED,
                ],
            ).delete()[0],
            "checkins": CheckIn.objects.filter(created_at__lt=cutoff)
            .exclude(state__in=[CheckIn.State.QUEUED, CheckIn.State.SENT])
            .delete()[0],
            "status_events": SmsStatusEvent.objects.filter(received_at__lt=cutoff).delete()[0],
            "purged_cases": _closed_cases_purge(now=now),
            "access_records": _sign_in_records_purge(now=now, cutoff=cutoff),
        }
        # Counts only, never content, in the event's object id: "m3 r2 t4 c1 s0 p0 a2".
        summary = " ".join(f"{key[0]}{value}" for key, value in counts.items())
        AuditEvent.objects.create(
            action=AuditAction.RETENTION_PURGE, object_type="counts", object_id=summary
        )
    logger.info("retention purge: %s", summary)
    return counts
