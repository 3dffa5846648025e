"""Her outcome check-points (SPEC 14): what is due, answered or missed, and
what his programme register says is due by now.

The register is read from this side only (his status changes and attendance
marks, which the programme records for every man alike): the programme side
learns nothing of her, her consent or her check-points (SPEC 2)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from contacts.models import AuditAction, AuditEvent
from programme.models import Attendance, ParticipantStatus, StatusChange
from programme.selectors.records import PRESENT_MARKS
from survivors.models import CaseState, CheckPoint, Survivor

# His programme ends for any of these reasons; a suspension is not an end (a
# suspended man who starts attending again goes on with his course).
PROGRAMME_EXIT_STATUSES = (
    ParticipantStatus.COMPLETED,
    ParticipantStatus.DROPPED_OUT,
    ParticipantStatus.ORDER_BREACHED,
)


def case_check_points(*, survivor: Survivor) -> list[CheckPoint]:
    """Her check-points, in the order they fell due."""
    return list(survivor.check_points.order_by("due_at", "id"))


def days_after(moment: datetime, days: int) -> datetime:
    """``days`` calendar days after ``moment``, at the same time of day on the
    UK clock: across the last Sunday of March or October the gap is an hour
    shorter or longer, as people count days."""
    local = timezone.localtime(moment)
    wall = local.replace(tzinfo=None) + timedelta(days=days)
    return timezone.make_aware(wall, local.tzinfo)


def days_before(moment: datetime, days: int) -> datetime:
    """The inverse of ``days_after``: the same time of day ``days`` earlier."""
    return days_after(moment, -days)


def middle_session_count() -> int:
    """The attended sessions that make the middle of his course: half of its
    length, rounded up (13 of 26)."""
    return -(-settings.PROGRAMME_LENGTH_SESSIONS // 2)


def case_active_since(*, survivor: Survivor) -> datetime | None:
    """When her case last became active, or None if it is not active now: the
    last stage change on her audit trail (a case made active without one, as
    an import may, counts from her first contact or referral)."""
    if survivor.case_state != CaseState.ACTIVE:
        return None
    moved = (
        AuditEvent.objects.filter(survivor_id=survivor.pk, action=AuditAction.CASE_STATE_CHANGE)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    return moved or survivor.first_contact_at or survivor.referred_at


def outcomes_consented(*, survivor: Survivor) -> bool:
    """She agreed to her answers being used and has not withdrawn since."""
    consented, withdrawn = survivor.outcomes_consent_at, survivor.outcomes_withdrawn_at
    return consented is not None and (withdrawn is None or withdrawn < consented)


def check_points_due_by(
    *, survivor: Survivor, now: datetime, active_since: datetime | None = None
) -> dict[str, datetime]:
    """Each stage due for her by ``now``, with the moment it fell due (SPEC 14).

    - intake: when her case became active or he started the programme (his
      first status "attending"), whichever is later;
    - middle: when his attended sessions (attended or late) reached half the
      course (``middle_session_count``);
    - exit: when his programme ended (completed, dropped out, order breached;
      not a suspension);
    - follow-up: ``OUTCOMES_FOLLOW_UP_DAYS`` after his exit.

    Nothing without her consent, for a restricted case (kept, not used: SPEC
    12) or a case linked to nobody. A check-point cannot be due before she
    consented: one that fell due earlier is due from her consent.
    ``active_since``: when her case became active, if the caller knows it."""
    consented = survivor.outcomes_consent_at
    if (
        consented is None
        or not outcomes_consented(survivor=survivor)
        or survivor.participant_id is None
        or survivor.restricted_at is not None
    ):
        return {}
    changes = list(
        StatusChange.objects.filter(participant_id=survivor.participant_id, changed_at__lte=now)
        .order_by("changed_at", "id")
        .values_list("status", "changed_at")
    )
    started = next((at for status, at in changes if status == ParticipantStatus.ATTENDING), None)
    if started is None:
        return {}  # he has not started: nothing is due yet
    due: dict[str, datetime] = {}
    if active_since is None:
        active_since = case_active_since(survivor=survivor)
    if active_since is not None:
        due[CheckPoint.Stage.INTAKE] = max(active_since, started)
    half = middle_session_count()
    reached = list(
        Attendance.objects.filter(
            participant_id=survivor.participant_id, mark__in=PRESENT_MARKS, recorded_at__lte=now
        )
        .order_by("recorded_at", "id")
        .values_list("recorded_at", flat=True)[half - 1 : half]
    )
    if reached:
        due[CheckPoint.Stage.MIDDLE] = max(reached[0], started)
    ended = next(
        (at for status, at in changes if status in PROGRAMME_EXIT_STATUSES and at >= started),
        None,
    )
    if ended is not None:
        due[CheckPoint.Stage.EXIT] = ended
        follow_up = days_after(ended, settings.OUTCOMES_FOLLOW_UP_DAYS)
        if follow_up <= now:
            due[CheckPoint.Stage.FOLLOW_UP] = follow_up
    return {stage: max(at, consented) for stage, at in due.items()}


def check_point_window_ends(*, check_point: CheckPoint) -> datetime:
    """When an unanswered check-point is recorded as missed."""
    return days_after(check_point.due_at, settings.OUTCOMES_ANSWER_WINDOW_DAYS)


def portal_invitation(survivor: Survivor) -> CheckPoint | None:
    """The check-point her portal invites her to answer (SPEC 14): the
    earliest one due and not answered, inside its window, when she consented
    and chose invitations in her portal; else None. The invitation is neutral:
    what it says is the portal's business."""
    if not survivor.outcomes_in_portal or not outcomes_consented(survivor=survivor):
        return None
    now = timezone.now()
    cutoff = days_before(now, settings.OUTCOMES_ANSWER_WINDOW_DAYS)
    return (
        survivor.check_points.filter(
            state=CheckPoint.State.DUE, due_at__lte=now, due_at__gte=cutoff
        )
        .order_by("due_at", "id")
        .first()
    )
