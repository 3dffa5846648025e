"""Contact attempts (SPEC 13): her contact log read as attempts to reach her."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from survivors.models import Survivor


@dataclass(frozen=True)
class NoContactOffer:
    """Her case may be closed as "no contact could be made"."""

    attempts: int
    first_attempt_at: datetime


def no_contact_offer(*, survivor: Survivor) -> NoContactOffer | None:
    """The offer to close her case as "no contact could be made", or None."""
    return None
