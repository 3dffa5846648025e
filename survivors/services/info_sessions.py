"""Information sessions (SPEC 10): sessions the Women's Support Service (WSS)
runs about the programme, where women can meet a programme worker.

The manager sets one up; her own worker invites her through her safe channels
(a notice in her account; the optional neutral text only inside her safe
times and only if she opted in, through the same nudge as a new message); she
answers yes or no in her account. Two partners of the same man are never
invited to the same session. The programme worker attending sees a head count
only (``survivors.selectors.info_sessions``)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts import policy
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import InformationSessionError, PortalError
from survivors.models import InformationSession, SessionInvitation, Survivor
from survivors.signals import nudge_wanted


def info_session_create(
    *, actor: User, starts_at: datetime, place: str, capacity: int, programme_worker: User
) -> InformationSession:
    place = (place or "").strip()
    if starts_at <= timezone.now():
        raise InformationSessionError("in_past")
    if not place:
        raise InformationSessionError("no_place")
    if capacity is None or capacity < 1:
        raise InformationSessionError("bad_capacity")
    if not policy.is_programme_worker(programme_worker):
        raise InformationSessionError("not_a_programme_worker")
    with transaction.atomic():
        session = InformationSession.objects.create(
            starts_at=starts_at,
            place=place,
            capacity=capacity,
            programme_worker=programme_worker,
            created_by=actor,
        )
        audit_record(actor=actor, action=AuditAction.INFO_SESSION_CREATE, obj=session)
    return session


def invitation_send(
    *, actor: User, session: InformationSession, survivor: Survivor
) -> SessionInvitation:
    """Her own worker invites her. Refused: another partner of the same man
    already invited, the session full or over, contact paused, not her case."""
    if not policy.can_work_with_survivor(actor, survivor):
        raise InformationSessionError("not_her_case")
    if survivor.restricted_at is not None:
        raise InformationSessionError("restricted")  # kept, not used (SPEC 12)
    if survivor.contact_paused:
        raise InformationSessionError("contact_paused")
    try:
        with transaction.atomic():
            # The session row is the lock: two workers inviting the two partners
            # of one man at the same moment are taken one after the other.
            locked = InformationSession.objects.select_for_update().get(pk=session.pk)
            if locked.starts_at <= timezone.now():
                raise InformationSessionError("session_over")
            invited = SessionInvitation.objects.filter(session=locked)
            if invited.filter(survivor=survivor).exists():
                raise InformationSessionError("already_invited")
            if (
                survivor.participant_id is not None
                and invited.filter(survivor__participant_id=survivor.participant_id).exists()
            ):
                raise InformationSessionError("same_man")
            if invited.exclude(answer=SessionInvitation.Answer.NO).count() >= locked.capacity:
                raise InformationSessionError("full")
            invitation = SessionInvitation.objects.create(
                session=locked, survivor=survivor, invited_by=actor
            )
            audit_record(
                actor=actor,
                action=AuditAction.INFO_SESSION_INVITE,
                obj=invitation,
                survivor=survivor,
            )
            nudge_wanted.send(sender=Survivor, survivor=survivor)
    except IntegrityError as error:  # the same invitation saved at the same moment
        raise InformationSessionError("already_invited") from error
    return invitation


def invitation_answer(*, survivor: Survivor, invitation_id: int, coming: bool) -> SessionInvitation:
    """She answers in her account (and may change her mind until it starts)."""
    with transaction.atomic():
        invitation = (
            SessionInvitation.objects.select_for_update()
            .select_related("session")
            .filter(pk=invitation_id, survivor=survivor, session__starts_at__gt=timezone.now())
            .first()
        )
        if invitation is None:
            raise PortalError("no_invitation")
        invitation.answer = SessionInvitation.Answer.YES if coming else SessionInvitation.Answer.NO
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["answer", "answered_at"])
        audit_record(
            actor=survivor.user,
            action=AuditAction.INFO_SESSION_ANSWER,
            obj=invitation,
            survivor=survivor,
        )
    return invitation
