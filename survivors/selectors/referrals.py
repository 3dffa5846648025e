"""Referrals (SPEC 13): the triage queue and a case's referrals."""

from __future__ import annotations

from survivors.models import Referral, Survivor


def case_referrals(*, survivor: Survivor) -> list[Referral]:
    """Every referral that opened or joined her case, oldest first."""
    return list(survivor.referrals.order_by("received_at", "id"))
