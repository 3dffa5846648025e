"""Partner details he names leave this side, one way (SPEC 13).

At his assessment he names every partner and ex-partner; later he may
disclose a new partner. The programme worker enters their details once and
they are passed on, in the same transaction, to the other side (through
``programme.signals.partner_details_passed_on``, whose receiver this side
never imports). This side keeps only *how many* were passed on: the counter
on his record and one audit row per person, each naming him and nothing of
her. No name, number or note is stored here, logged, or put in a message or
the session, and nothing here changes with what happens to them next (SPEC 2).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from contacts.models import AuditAction, User
from contacts.phones import PhoneNumberInvalid, phone_e164
from contacts.services.audit import audit_record
from programme.errors import ProgrammeError
from programme.models import Participant
from programme.signals import partner_details_passed_on

# The values of ``survivors.models.Referral.Relationship`` and of the two
# programme sources in ``survivors.models.ReferralSource``: spelled out here
# because the programme side imports nothing of the other side (a test holds
# the two lists equal). ``programme.forms`` gives them their labels.
RELATIONSHIPS = ("current", "ex", "new")
OCCASION_INTAKE = "programme_intake"
OCCASION_NEW_PARTNER = "new_partner"
OCCASIONS = (OCCASION_INTAKE, OCCASION_NEW_PARTNER)
# Where he disclosed a new partner: passed on as the referral's source detail.
WHERE_DISCLOSED = {
    "group": "Disclosed in group",
    "case_management": "Disclosed at a case-management meeting",
    "worker": "Disclosed to his worker",
}
MAX_AT_ONCE = 3
NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class PassedOn:
    """What this side may know afterwards: how many, and the new total."""

    count: int
    total: int


def _checked(partner: dict[str, str]) -> dict[str, str]:
    known_as = (partner.get("known_as") or "").strip()
    if not known_as:
        raise ProgrammeError("no_name")
    if len(known_as) > NAME_MAX_LENGTH:
        raise ProgrammeError("name_too_long")
    try:
        phone = phone_e164(partner.get("phone") or "")
    except PhoneNumberInvalid:
        raise ProgrammeError("bad_phone") from None  # no number in the traceback
    if not phone:
        raise ProgrammeError("bad_phone")
    relationship = partner.get("relationship") or ""
    if relationship not in RELATIONSHIPS:
        raise ProgrammeError("unknown_relationship")
    return {
        "known_as": known_as,
        "phone": phone,
        "relationship": relationship,
        "safety_notes": (partner.get("safety_notes") or "").strip(),
    }


def partner_details_pass_on(
    *,
    actor: User,
    participant: Participant,
    occasion: str,
    where: str = "",
    partners: list[dict[str, str]],
) -> PassedOn:
    """Pass on the details of the people he named (``partners``: dicts with
    ``known_as``, ``phone``, ``relationship``, ``safety_notes``), on
    ``occasion`` (at his assessment, or a new partner he disclosed ``where``).

    Everything is checked before anything is written; then, in one
    transaction: his counter goes up by the number passed on, one audit row
    per person (him, never her), and the signal whose receiver stores them on
    the other side. Refuses (``ProgrammeError``, nothing written) no people,
    more than ``MAX_AT_ONCE``, a missing or too long name, a number that is
    not one, an unknown relationship or occasion, a new partner without where
    he told of her, and a send that nobody received."""
    if occasion not in OCCASIONS:
        raise ProgrammeError("unknown_occasion")
    source_detail = ""
    if occasion == OCCASION_NEW_PARTNER:
        if where not in WHERE_DISCLOSED:
            raise ProgrammeError("no_where")
        source_detail = WHERE_DISCLOSED[where]
    if not partners:
        raise ProgrammeError("no_details_named")
    if len(partners) > MAX_AT_ONCE:
        raise ProgrammeError("too_many_named")
    checked = [_checked(partner) for partner in partners]
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(
            partner_details_passed_on=F("partner_details_passed_on") + len(checked)
        )
        for _ in checked:
            audit_record(
                actor=actor, action=AuditAction.PARTICIPANT_PARTNER_DETAILS, obj=participant
            )
        received = partner_details_passed_on.send(
            sender=Participant,
            participant_id=participant.pk,
            occasion=occasion,
            source_detail=source_detail,
            partners=checked,
        )
        if not received:
            # Nobody on the other side took them: they must not vanish while
            # his record says they were passed on.
            raise ProgrammeError("not_passed_on")
        participant.refresh_from_db(fields=["partner_details_passed_on"])
    return PassedOn(count=len(checked), total=participant.partner_details_passed_on)
