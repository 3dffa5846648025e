"""Retention (SPEC 7): old messages, check-ins and their replies, and outbox
rows are deleted after the configured period. The audit event carries counts only."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import AuditEvent, CheckIn, InboundMessage, Message, OutboundMessage, SmsStatusEvent

logger = logging.getLogger(__name__)


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete what is older than ``RETENTION_DAYS``; returns counts per kind."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS)
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
        }
        # Counts only, never content, in the event's object id: "m3 r2 t4 c1 s0".
        summary = " ".join(f"{key[0]}{value}" for key, value in counts.items())
        AuditEvent.objects.create(action="retention.purge", object_type="counts", object_id=summary)
    logger.info("retention purge: %s", summary)
    return counts
