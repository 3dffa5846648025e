"""Referrals (SPEC 13): the triage queue and a case's referrals. Women's Support
Service (WSS) side. A referral is matched to a case, or to another referral, by
the keyed hash of her number only, never by a plaintext search. Reads only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from contacts import roles
from contacts.models import User
from survivors.models import Referral, Survivor
from survivors.selectors.first_contact import FirstContactClock, first_contact_clock


def case_referrals(*, survivor: Survivor) -> list[Referral]:
    """Every referral that opened or joined her case, oldest first."""
    return list(survivor.referrals.order_by("received_at", "id"))


def waiting_referrals() -> QuerySet[Referral]:
    """The queue: referrals waiting for triage, oldest first."""
    return Referral.objects.filter(state=Referral.State.WAITING).order_by("received_at", "id")


def waiting_referral_count() -> int:
    return waiting_referrals().count()


@dataclass(frozen=True)
class QueueRow:
    """One waiting referral as the queue shows it."""

    referral: Referral
    clock: FirstContactClock
    # Her number is already on a case (join it, or allocate anyway).
    matches_case: bool
    # The oldest waiting referral with the same number, when there are several
    # (they are one woman: allocating one takes them all); None when alone.
    group_first_id: int | None


def referral_queue(*, now: datetime | None = None) -> list[QueueRow]:
    """Every waiting referral, oldest first, with its first-contact clock and
    whether its number matches a case or another referral. Two queries
    whatever the queue's length."""
    now = now or timezone.now()
    referrals = list(waiting_referrals())
    hashes = Counter(referral.phone_hash for referral in referrals if referral.phone_hash)
    on_cases = set(
        Survivor.objects.filter(safe_phone_hash__in=list(hashes)).values_list(
            "safe_phone_hash", flat=True
        )
    )
    first_of: dict[str, int] = {}
    for referral in referrals:
        if referral.phone_hash:
            first_of.setdefault(referral.phone_hash, referral.pk)
    return [
        QueueRow(
            referral=referral,
            clock=first_contact_clock(
                source=referral.source, started_at=referral.received_at, now=now
            ),
            matches_case=bool(referral.phone_hash) and referral.phone_hash in on_cases,
            group_first_id=(
                first_of[referral.phone_hash] if hashes.get(referral.phone_hash, 0) > 1 else None
            ),
        )
        for referral in referrals
    ]


def referral_for_triage(*, referral_id: int) -> Referral | None:
    return (
        Referral.objects.select_related("participant", "recorded_by", "decided_by", "survivor")
        .filter(pk=referral_id)
        .first()
    )


@dataclass(frozen=True)
class ReferralMatches:
    """What her number matches: cases with the same safe number, and other
    waiting referrals with the same number."""

    cases: list[Survivor]
    referrals: list[Referral]


def matching_cases(*, referral: Referral) -> QuerySet[Survivor]:
    if not referral.phone_hash:
        return Survivor.objects.none()
    return (
        Survivor.objects.filter(safe_phone_hash=referral.phone_hash)
        .select_related("worker")
        .order_by("id")
    )


def referral_matches(*, referral: Referral) -> ReferralMatches:
    if not referral.phone_hash:
        return ReferralMatches(cases=[], referrals=[])
    others = (
        waiting_referrals()
        .filter(phone_hash=referral.phone_hash)
        .exclude(pk=referral.pk)
        .select_related("participant")
    )
    return ReferralMatches(cases=list(matching_cases(referral=referral)), referrals=list(others))


def same_number_waiting(*, referral: Referral) -> list[Referral]:
    """The referral and every other waiting one with her number, oldest first."""
    if not referral.phone_hash:
        return [referral]
    return list(
        waiting_referrals().filter(phone_hash=referral.phone_hash).select_related("participant")
    )


def referral_participant_ids(*, referrals: list[Referral]) -> set[int]:
    return {r.participant_id for r in referrals if r.participant_id is not None}


def triage_workers(*, participant_ids: set[int]) -> QuerySet[User]:
    """WSS workers a referral can go to: every active WSS worker except those who
    already support a partner of the same man (SPEC 2: two partners of one man
    always have different workers)."""
    workers = User.objects.filter(
        kind=User.Kind.STAFF, is_active=True, groups__name=roles.WSS_WORKER
    ).order_by("username")
    if participant_ids:
        holding = Survivor.objects.filter(
            participant_id__in=participant_ids, worker__isnull=False
        ).values("worker_id")
        workers = workers.exclude(pk__in=holding)
    return workers
