"""Referrals and triage (SPEC 13), Women's Support Service (WSS) side: an
agency's referral recorded by staff, and the triage queue's three decisions:
allocate (a new case, to a worker), join (an existing case with her number),
decline (with a reason). Each decision is one transaction with its audit rows;
a referral is decided once.

Referrals are matched by the keyed hash of her number only (SPEC 13), and two
partners of one man never share a worker (SPEC 2): the case-opening and
allocation services hold that rule, and a clash rolls the whole decision back."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import time

from django.db import transaction
from django.utils import timezone

from contacts import policy
from contacts.encryption import phone_hash
from contacts.models import AuditAction, User
from contacts.phones import PhoneNumberInvalid, phone_e164
from contacts.services.audit import audit_record
from programme.models import Participant
from survivors.errors import AllocationError, ReferralError
from survivors.models import Alert, CaseState, Referral, ReferralSource, SafeContactWindow, Survivor
from survivors.services.alerts import alert_raise
from survivors.services.cases import survivor_link_participant, survivor_open

logger = logging.getLogger(__name__)

# The sources staff record by hand: the agencies (the programme's own referrals
# arrive through its signal, hers through her portal's page).
AGENCY_SOURCES = (
    ReferralSource.POLICE,
    ReferralSource.MARAC,
    ReferralSource.CHILDRENS_SERVICES,
    ReferralSource.HEALTH,
    ReferralSource.IDVA,
    ReferralSource.OTHER,
)
NAME_MAX_LENGTH = 100


def _safe_days(days: list[int] | None) -> str:
    days = sorted(set(days or []))
    if any(day not in range(7) for day in days):
        raise ReferralError("unknown_day")
    return ",".join(str(day) for day in days)


def referral_record(
    *,
    actor: User,
    source: str,
    known_as: str,
    phone: str = "",
    source_detail: str = "",
    relationship: str = "",
    participant: Participant | None = None,
    safety_notes: str = "",
    safe_days: list[int] | None = None,
    safe_from: time | None = None,
    safe_to: time | None = None,
    voicemail_safe: bool | None = None,
) -> Referral:
    """An agency's referral, recorded by a WSS worker or the manager: it waits
    in the triage queue. Her number is stored encrypted with its keyed hash."""
    if not policy.can_record_referral(actor):
        raise ReferralError("not_allowed_to_record")
    if source not in AGENCY_SOURCES:
        raise ReferralError("unknown_source")
    known_as = (known_as or "").strip()
    if not known_as:
        raise ReferralError("no_name")
    if len(known_as) > NAME_MAX_LENGTH:
        raise ReferralError("name_too_long")
    try:
        e164 = phone_e164(phone)
    except PhoneNumberInvalid as error:
        raise ReferralError("invalid_phone") from error
    if relationship and relationship not in Referral.Relationship.values:
        raise ReferralError("unknown_relationship")
    days = _safe_days(safe_days)
    if (safe_from is None) != (safe_to is None):
        raise ReferralError("safe_times_needed")
    if days and safe_from is None:
        raise ReferralError("safe_times_needed")
    if safe_from is not None and safe_to is not None and safe_to <= safe_from:
        raise ReferralError("window_order")
    with transaction.atomic():
        referral = Referral.objects.create(
            source=source,
            source_detail=source_detail.strip(),
            participant=participant,
            relationship=relationship,
            known_as=known_as,
            phone=e164,
            phone_hash=phone_hash(e164) if e164 else "",
            safety_notes=safety_notes.strip(),
            safe_days=days,
            safe_from=safe_from,
            safe_to=safe_to,
            voicemail_safe=voicemail_safe,
            recorded_by=actor,
        )
        audit_record(actor=actor, action=AuditAction.REFERRAL_RECORD, obj=referral)
    logger.info("referral %s recorded", referral.pk)
    return referral


def _lock_waiting(*, actor: User, referral: Referral) -> Referral:
    """The referral, locked, if the actor may triage and it is still waiting."""
    if not policy.can_triage_referrals(actor):
        raise ReferralError("not_allowed")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.state != Referral.State.WAITING:
        raise ReferralError("already_decided")
    return locked


def _decide(referral: Referral, *, actor: User, state: str, survivor: Survivor | None) -> None:
    referral.state = state
    referral.survivor = survivor
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save(update_fields=["state", "survivor", "decided_by", "decided_at"])


def referral_allocate(*, actor: User, referral: Referral, worker: User) -> Survivor:
    """Open her case from the referral and allocate it to ``worker``. Every other
    waiting referral with her number joins the new case in the same
    transaction (duplicates become one case, keeping all their sources). All or
    nothing: a worker who already supports a partner of the same man is
    refused (``AllocationError``) and nothing is written."""
    with transaction.atomic():
        locked = _lock_waiting(actor=actor, referral=referral)
        group = [locked]
        if locked.phone_hash:
            group += list(
                Referral.objects.select_for_update()
                .filter(state=Referral.State.WAITING, phone_hash=locked.phone_hash)
                .exclude(pk=locked.pk)
                .order_by("received_at", "id")
            )
        # The clock starts at the first referral of her (SPEC 9, 13); the man,
        # where only a duplicate names him, comes from that one.
        first = min(group, key=lambda r: (r.received_at, r.pk))
        participant_id = locked.participant_id or next(
            (r.participant_id for r in group if r.participant_id is not None), None
        )
        participant = (
            Participant.objects.get(pk=participant_id) if participant_id is not None else None
        )
        known_as = locked.known_as or next((r.known_as for r in group if r.known_as), "")
        survivor, _code = survivor_open(
            actor=actor,
            known_as=known_as,
            worker=worker,
            participant=participant,
            issue_code=False,
        )
        survivor.safe_phone = locked.phone
        survivor.safe_phone_hash = locked.phone_hash
        survivor.voicemail_safe = bool(locked.voicemail_safe)
        survivor.referred_at = first.received_at
        survivor.referral_source = first.source
        survivor.case_state = CaseState.REFERRED
        survivor.save(
            update_fields=[
                "safe_phone",
                "safe_phone_hash",
                "voicemail_safe",
                "referred_at",
                "referral_source",
                "case_state",
            ]
        )
        if locked.safe_days and locked.safe_from and locked.safe_to:
            SafeContactWindow.objects.bulk_create(
                SafeContactWindow(
                    survivor=survivor,
                    weekday=int(day),
                    starts_at=locked.safe_from,
                    ends_at=locked.safe_to,
                )
                for day in locked.safe_days.split(",")
            )
        _decide(locked, actor=actor, state=Referral.State.ALLOCATED, survivor=survivor)
        audit_record(
            actor=actor, action=AuditAction.REFERRAL_ALLOCATE, obj=locked, survivor=survivor
        )
        for duplicate in group[1:]:
            _decide(duplicate, actor=actor, state=Referral.State.JOINED, survivor=survivor)
            audit_record(
                actor=actor, action=AuditAction.REFERRAL_JOIN, obj=duplicate, survivor=survivor
            )
    logger.info("referral %s allocated as case %s", locked.pk, survivor.pk)
    return survivor


@dataclass(frozen=True)
class JoinOutcome:
    survivor: Survivor
    # The case had no man linked and the referral names one: True if linked,
    # False if linking would give two partners of one man the same worker
    # (the case is kept as it was), None if there was nothing to link.
    linked: bool | None


def referral_join(*, actor: User, referral: Referral, survivor: Survivor) -> JoinOutcome:
    """Put the referral on an existing case with her number and tell the case's
    worker (an alert). A restricted case takes no joins (SPEC 12)."""
    with transaction.atomic():
        locked = _lock_waiting(actor=actor, referral=referral)
        case = Survivor.objects.select_for_update().get(pk=survivor.pk)
        if not locked.phone_hash or case.safe_phone_hash != locked.phone_hash:
            raise ReferralError("not_a_match")
        if case.restricted_at is not None:
            raise ReferralError("restricted")
        _decide(locked, actor=actor, state=Referral.State.JOINED, survivor=case)
        audit_record(actor=actor, action=AuditAction.REFERRAL_JOIN, obj=locked, survivor=case)
        alert_raise(survivor=case, kind=Alert.Kind.REFERRAL_JOINED)
        linked: bool | None = None
        if case.participant_id is None and locked.participant is not None:
            clash = (
                case.worker_id is not None
                and Survivor.objects.filter(
                    participant=locked.participant, worker_id=case.worker_id
                ).exists()
            )
            if clash:
                linked = False
            else:
                try:
                    case = survivor_link_participant(
                        actor=actor, survivor=case, participant=locked.participant
                    )
                except AllocationError:
                    # A race the check above could not see: the link's own
                    # savepoint rolled back; the join stands without it.
                    linked = False
                else:
                    linked = True
    logger.info("referral %s joined case %s", locked.pk, case.pk)
    return JoinOutcome(survivor=case, linked=linked)


def referral_decline(*, actor: User, referral: Referral, reason: str, note: str = "") -> Referral:
    """Decline the referral with a reason (and, for "other", a note saying why)."""
    if reason not in Referral.DeclineReason.values:
        raise ReferralError("unknown_reason")
    note = (note or "").strip()
    if reason == Referral.DeclineReason.OTHER and not note:
        raise ReferralError("note_required")
    with transaction.atomic():
        locked = _lock_waiting(actor=actor, referral=referral)
        _decide(locked, actor=actor, state=Referral.State.DECLINED, survivor=None)
        locked.decline_reason = reason
        locked.decline_note = note
        locked.save(update_fields=["decline_reason", "decline_note"])
        audit_record(actor=actor, action=AuditAction.REFERRAL_DECLINE, obj=locked)
    logger.info("referral %s declined", locked.pk)
    return locked
