"""What this side does when the other apps announce something.

Programme events: queue the consumer (by name, through the one queue helper).
Runs in the programme worker's request, after its commit, for every write
alike: it only queues a wake-up.

Partner details he named (SPEC 13): unlike the events, this receiver *stores*,
in the programme worker's transaction, by design: the details are written here
whole or not at all, and never kept on the programme side. It runs the same
statements whoever she is (no lookup of existing cases: that is triage's).

Case reads: access alerts, in the same transaction as the audit rows."""

from __future__ import annotations

from typing import Any

from contacts.models import User
from contacts.services.queue import PROGRAMME_EVENTS_CONSUME, enqueue
from survivors.services.access_alerts import access_alerts_raise
from survivors.services.referral_intake import referrals_from_programme


def wake_programme_events_consumer(**kwargs: Any) -> None:
    enqueue(PROGRAMME_EVENTS_CONSUME)


def store_partner_referrals(
    *,
    participant_id: int,
    occasion: str,
    source_detail: str,
    partners: list[dict[str, str]],
    **kwargs: Any,
) -> int:
    """The people he named, as waiting referrals (SPEC 13); the programme side
    learns only that someone received them (the number stored)."""
    stored = referrals_from_programme(
        participant_id=participant_id,
        occasion=occasion,
        source_detail=source_detail,
        partners=partners,
    )
    return len(stored)


def check_case_reads(
    *, actor: User, action: str, survivor_ids: list[int], listed: bool, **kwargs: Any
) -> None:
    """Every staff read of a case, as the audit log writes it (SPEC 12): raise an
    access alert for one that does not fit the work, in the same transaction."""
    access_alerts_raise(actor=actor, action=action, survivor_ids=survivor_ids, listed=listed)
