"""For the linked-versus-unlinked tests (SPEC 2, SPEC 13): a man's named
partner passed on, and her referral then waiting, allocated to a case she was
reached on, declined, or joined into an existing case. The states are set on
the rows directly (what triage would leave), so the programme side can be
shown to be the same whichever it is."""

from __future__ import annotations

from django.utils import timezone

from programme.services.partners import partner_details_pass_on
from survivors.models import Referral

from .conftest import CANARY_NAME, CANARY_PHONE

REFERRAL_STATES = ("waiting", "allocated", "declined", "joined")


def pass_on_a_partner(world, participant, *, canary: bool = False) -> Referral:
    """He named one ex-partner at his assessment; she is now a waiting
    referral. ``canary``: she carries the canary name and number."""
    name, phone = (CANARY_NAME, CANARY_PHONE) if canary else ("Nina Quill", "+447700900456")
    partner_details_pass_on(
        actor=world.programme,
        participant=participant,
        occasion="programme_intake",
        partners=[{"known_as": name, "phone": phone, "relationship": "ex", "safety_notes": name}],
    )
    return Referral.objects.filter(participant=participant).latest("id")


def put_referral_in_state(world, referral: Referral, state: str) -> None:
    """What triage leaves: allocated to survivor A's case (she was reached: a
    first attempt recorded), joined into survivor B's existing case, declined."""
    if state == "waiting":
        return
    now = timezone.now()
    referral.state = state
    referral.decided_by = world.manager
    referral.decided_at = now
    if state == "allocated":
        referral.survivor = world.survivor_a
        world.survivor_a.first_attempt_at = now
        world.survivor_a.save(update_fields=["first_attempt_at"])
    elif state == "joined":
        referral.survivor = world.survivor_b
    elif state == "declined":
        referral.decline_reason = Referral.DeclineReason.OUT_OF_AREA
        referral.decline_note = "Lives outside the area"
    referral.save()
