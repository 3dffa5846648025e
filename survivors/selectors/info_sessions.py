"""Reads of information sessions (SPEC 10), each shaped for who asks: the
manager sees counts, a WSS (Women's Support Service) worker sees her own
invitees only, the programme worker attending sees a head count only once it
reaches ``HEAD_COUNT_THRESHOLD``, and she sees her own invitations."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from contacts.models import User
from survivors.models import InformationSession, SessionInvitation, Survivor

HEAD_COUNT_THRESHOLD = 5


@dataclass(frozen=True)
class HeadCount:
    """What the programme worker may know: a number of 5 or more, or "fewer than 5"."""

    coming: int | None

    def __str__(self) -> str:
        if self.coming is None:
            return f"Fewer than {HEAD_COUNT_THRESHOLD} women are coming so far."
        return f"{self.coming} women are coming."


def head_count(*, session: InformationSession) -> HeadCount:
    coming = session.invitations.filter(answer=SessionInvitation.Answer.YES).count()
    return HeadCount(coming=coming if coming >= HEAD_COUNT_THRESHOLD else None)


def sessions_with_counts() -> list[InformationSession]:
    """For the manager: invited, coming, not coming (aggregates, no names)."""
    return list(
        InformationSession.objects.select_related("programme_worker").annotate(
            invited=Count("invitations"),
            coming=Count("invitations", filter=Q(invitations__answer="yes")),
            declined=Count("invitations", filter=Q(invitations__answer="no")),
        )
    )


def sessions_upcoming() -> list[InformationSession]:
    return list(
        InformationSession.objects.filter(starts_at__gt=timezone.now()).select_related(
            "programme_worker"
        )
    )


def sessions_attended_by(*, worker: User) -> list[tuple[InformationSession, HeadCount]]:
    """The programme worker's own sessions, each with its head count only."""
    sessions = InformationSession.objects.filter(programme_worker=worker)
    return [(session, head_count(session=session)) for session in sessions]


def session_for_staff(*, session_id: int) -> InformationSession | None:
    return (
        InformationSession.objects.select_related("programme_worker").filter(pk=session_id).first()
    )


def invitations_by_worker(*, session: InformationSession, worker: User) -> list[SessionInvitation]:
    """Her own caseload's invitations to this session (never another worker's)."""
    return list(
        SessionInvitation.objects.filter(session=session, survivor__worker=worker).select_related(
            "survivor"
        )
    )


def invitations_for_her(*, survivor: Survivor) -> list[SessionInvitation]:
    """Her own invitations to sessions still to come."""
    return list(
        SessionInvitation.objects.filter(
            survivor=survivor, session__starts_at__gt=timezone.now()
        ).select_related("session")
    )
