"""Referrals from the programme (SPEC 13): the partner details he named, taken
in from ``programme.signals.partner_details_passed_on``.

They are stored here, in the programme worker's transaction, as referrals
waiting for triage: one per person, in one statement whose shape depends only
on how many he named. Nothing here looks for her among existing cases
(matching by keyed hash is triage's work), so the programme side's request
runs the same statements whoever she is and whatever is known of her (SPEC 2).
"""

from __future__ import annotations

from django.utils import timezone

from contacts.encryption import phone_hash
from survivors.models import Referral


def referrals_from_programme(
    *,
    participant_id: int,
    occasion: str,
    source_detail: str,
    partners: list[dict[str, str]],
) -> list[Referral]:
    """One waiting referral per person (``partners``: dicts with ``known_as``,
    ``phone`` in E.164, ``relationship``, ``safety_notes``), received now,
    from ``occasion`` (a ``ReferralSource`` value), with his id."""
    now = timezone.now()
    return Referral.objects.bulk_create(
        [
            Referral(
                source=occasion,
                source_detail=source_detail,
                received_at=now,
                participant_id=participant_id,
                relationship=partner["relationship"],
                known_as=partner["known_as"],
                phone=partner["phone"],
                phone_hash=phone_hash(partner["phone"]),
                safety_notes=partner["safety_notes"],
                state=Referral.State.WAITING,
            )
            for partner in partners
        ]
    )
