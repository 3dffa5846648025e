"""Her own request to be contacted, from the portal's public "Ask us to get in
touch" page (SPEC 13: she can ask to be contacted through a discreet page of
her portal's site).

The request becomes a referral from her ("self"), waiting for triage. If the
keyed hash of her number finds one open case, the referral joins that case at
once and her worker is alerted. Whoever sent the request is told nothing either
way (the page thanks her the same), and nothing is sent to the number: whoever
holds that phone may not be her.

Requests are counted per client address in the cache (an hour from the first
accepted one, ``CONTACT_REQUESTS_PER_ADDRESS_PER_HOUR``), so the public page
cannot be used to fill the triage queue. Logs carry ids only.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from datetime import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from contacts.encryption import phone_hash
from contacts.phones import PhoneNumberInvalid, phone_e164
from survivors.errors import ContactRequestError
from survivors.models import Alert, CaseState, Referral, ReferralSource, Survivor
from survivors.services.alerts import alert_raise

logger = logging.getLogger(__name__)

# How long an address's count lasts, from the first request it counts.
COUNT_SECONDS = 60 * 60
KNOWN_AS_MAX = 100


def contact_request_receive(
    *,
    phone: str,
    known_as: str,
    safe_days: Iterable[int],
    safe_from: time | None,
    safe_to: time | None,
    voicemail_safe: bool,
    client_address: str,
) -> Referral:
    """Store her request as a referral in one transaction: waiting for triage,
    or joined to the one open case her number belongs to (her worker alerted).

    Raises ContactRequestError: ``invalid_phone``, ``times_order``,
    ``unknown_day``, or ``too_many`` (this address has sent its allowance this
    hour; nothing is stored)."""
    try:
        e164 = phone_e164(phone)
    except PhoneNumberInvalid as error:
        raise ContactRequestError("invalid_phone") from error
    if not e164:
        raise ContactRequestError("invalid_phone")
    days = sorted(set(safe_days))
    if any(day not in range(7) for day in days):
        raise ContactRequestError("unknown_day")
    if safe_from is not None and safe_to is not None and safe_to <= safe_from:
        raise ContactRequestError("times_order")
    key = _count_key(client_address)
    if not _count_one(key):
        logger.info("contact request refused: this address's hourly allowance is used")
        raise ContactRequestError("too_many")
    try:
        with transaction.atomic():
            referral = _referral_store(
                e164=e164,
                known_as=(known_as or "").strip()[:KNOWN_AS_MAX],
                safe_days=",".join(str(day) for day in days),
                safe_from=safe_from,
                safe_to=safe_to,
                voicemail_safe=bool(voicemail_safe),
            )
    except BaseException:
        # Nothing was stored, so nothing is counted against the address.
        _uncount(key)
        raise
    return referral


def _referral_store(
    *,
    e164: str,
    known_as: str,
    safe_days: str,
    safe_from: time | None,
    safe_to: time | None,
    voicemail_safe: bool,
) -> Referral:
    hashed = phone_hash(e164)
    case = _open_case_with_number(hashed)
    referral = Referral.objects.create(
        source=ReferralSource.SELF,
        known_as=known_as,
        phone=e164,
        phone_hash=hashed,
        safe_days=safe_days,
        safe_from=safe_from,
        safe_to=safe_to,
        voicemail_safe=voicemail_safe,
        state=Referral.State.JOINED if case else Referral.State.WAITING,
        survivor=case,
        decided_at=timezone.now() if case else None,
    )
    if case is None:
        logger.info("contact request: referral %s waiting for triage", referral.pk)
        return referral
    alert_raise(survivor=case, kind=Alert.Kind.REFERRAL_JOINED)
    logger.info("contact request: referral %s joined case %s", referral.pk, case.pk)
    return referral


def _open_case_with_number(hashed: str) -> Survivor | None:
    """The one open case whose safe number this is, else None. Several open
    cases with the number, or only a restricted one (kept, not used, SPEC 12),
    are left to triage: a person decides."""
    cases = list(
        Survivor.objects.filter(safe_phone_hash=hashed)
        .exclude(case_state=CaseState.CLOSED)
        .order_by("pk")[:2]
    )
    if len(cases) != 1 or cases[0].restricted_at is not None:
        return None
    return cases[0]


def _count_key(client_address: str) -> str:
    """The cache key of an address's count: a keyed hash, so the cache holds
    no address."""
    digest = salted_hmac("contact-request-address", client_address or "").hexdigest()
    return f"contact-request:{digest}"


def _count_one(key: str) -> bool:
    """Count one request for this address (atomic in the cache: ``add`` then
    ``incr``); False when it is over the hourly allowance."""
    cache.add(key, 0, timeout=COUNT_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        # The count ran out between add and incr: a new hour starts now.
        cache.add(key, 0, timeout=COUNT_SECONDS)
        count = cache.incr(key)
    return count <= int(settings.CONTACT_REQUESTS_PER_ADDRESS_PER_HOUR)


def _uncount(key: str) -> None:
    with contextlib.suppress(ValueError):  # the count has gone already
        cache.decr(key)
