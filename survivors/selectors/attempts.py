"""Contact attempts (SPEC 13): her contact log read as attempts to reach her."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min

from survivors.models import CaseState, ContactLogEntry, Survivor

# Attempts that did not reach her: nobody answered, or only a message was left.
UNANSWERED = (
    ContactLogEntry.Outcome.NO_ANSWER,
    ContactLogEntry.Outcome.VOICEMAIL,
    ContactLogEntry.Outcome.SENT,
    ContactLogEntry.Outcome.WRONG_NUMBER,
)


@dataclass(frozen=True)
class NoContactOffer:
    """Her case may be closed as "no contact could be made"."""

    attempts: int
    first_attempt_at: datetime


def no_contact_offer(*, survivor: Survivor) -> NoContactOffer | None:
    """The offer to close her case as "no contact could be made", or None.

    Offered while her case is open and she has not been reached, once at least
    ``NO_CONTACT_ATTEMPTS`` attempts went unanswered, the first of them at least
    ``NO_CONTACT_SPAN_DAYS`` days before the latest."""
    if survivor.first_contact_at is not None or survivor.case_state == CaseState.CLOSED:
        return None
    found = ContactLogEntry.objects.filter(survivor=survivor, outcome__in=UNANSWERED).aggregate(
        attempts=Count("id"), first=Min("happened_at"), latest=Max("happened_at")
    )
    attempts: int = found["attempts"]
    first: datetime | None = found["first"]
    latest: datetime | None = found["latest"]
    if first is None or latest is None or attempts < settings.NO_CONTACT_ATTEMPTS:
        return None
    if latest - first < timedelta(days=settings.NO_CONTACT_SPAN_DAYS):
        return None
    return NoContactOffer(attempts=attempts, first_attempt_at=first)
