"""Taking in the programme's events (SPEC 2: information flows one way).

The programme records an event in the transaction of each write and never
knows what follows. Here, woken once that transaction commits (and swept by
beat in case a wake-up was lost), each event is taken in once: its receipt is
inserted first, and whoever inserts it raises the alerts for every survivor
linked to the man and asks for her optional nudge. A replayed or concurrent
run finds the receipt and does nothing; alerts are also unique per event and
survivor."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from programme.models import ProgrammeEvent, RiskConcern
from survivors.models import Alert, ProgrammeEventReceipt, Survivor
from survivors.services.alerts import alert_raise
from survivors.services.check_points import check_points_register_changed
from survivors.services.programme_items import programme_item_receive
from survivors.signals import nudge_wanted

logger = logging.getLogger(__name__)

# What each kind of event raises for her worker.
ALERT_KINDS: dict[str, str] = {
    ProgrammeEvent.Kind.STATUS_CHANGE: Alert.Kind.STATUS_CHANGE,
    ProgrammeEvent.Kind.RISK_CONCERN: Alert.Kind.RISK_CONCERN,
    # Monthly case management and reports (SPEC 10): an item on her case too.
    ProgrammeEvent.Kind.CASE_MANAGEMENT: Alert.Kind.PROGRAMME_ITEM,
    ProgrammeEvent.Kind.REPORT: Alert.Kind.PROGRAMME_ITEM,
}
ITEM_KINDS = (ProgrammeEvent.Kind.CASE_MANAGEMENT, ProgrammeEvent.Kind.REPORT)
# His register changed: her outcome check-points may fall due (SPEC 14).
REGISTER_KINDS = (ProgrammeEvent.Kind.STATUS_CHANGE, ProgrammeEvent.Kind.ATTENDANCE)
BATCH = 200


def programme_events_pending(*, limit: int = BATCH) -> list[ProgrammeEvent]:
    """Events not yet taken in, oldest first."""
    received = ProgrammeEventReceipt.objects.filter(event_id=OuterRef("pk"))
    return list(
        ProgrammeEvent.objects.filter(~Exists(received))
        .select_related("risk_concern")
        .order_by("id")[:limit]
    )


def programme_event_take_in(*, event: ProgrammeEvent) -> int:
    """Take one event in; returns how many alerts it raised (0 if another run
    had it already)."""
    raised = 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProgrammeEventReceipt.objects.create(event=event)
        except IntegrityError:
            return 0  # taken in already
        if event.kind in REGISTER_KINDS:
            check_points_register_changed(participant_id=event.participant_id)
        alert_kind = ALERT_KINDS.get(event.kind)
        if alert_kind is None:
            return 0  # attendance: she reads it on her status page; nothing to raise
        urgent = (
            event.kind == ProgrammeEvent.Kind.RISK_CONCERN
            and event.risk_concern is not None
            and event.risk_concern.urgency == RiskConcern.Urgency.URGENT
        )
        for survivor in Survivor.objects.filter(participant_id=event.participant_id):
            alert_raise(
                survivor=survivor,
                kind=alert_kind,
                urgent=urgent,
                risk_concern=event.risk_concern,
                programme_event=event,
            )
            raised += 1
            if event.kind in ITEM_KINDS:
                programme_item_receive(survivor=survivor, event=event)
            if event.kind == ProgrammeEvent.Kind.STATUS_CHANGE:
                nudge_wanted.send(sender=Survivor, survivor=survivor)
    logger.info("programme event %s taken in", event.pk)
    return raised


def programme_events_consume(*, limit: int = BATCH) -> int:
    """Take in every pending event (up to ``limit``); returns alerts raised."""
    return sum(
        programme_event_take_in(event=event) for event in programme_events_pending(limit=limit)
    )
