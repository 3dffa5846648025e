"""Programme-side writes: status changes, risk concerns, groups, sessions and
the attendance register. Each write the Women's Support Service side may act
on records a programme event in its own transaction
(``programme.services.events``); what happens next is that side's business,
and nothing of it comes back here (SPEC 2). What a register shows (who is on
it, whether the session has started) is read in ``programme.selectors.records``."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from programme.errors import ProgrammeError, RegisterError
from programme.models import (
    Attendance,
    AttendanceMark,
    Participant,
    ParticipantStatus,
    ProgrammeGroup,
    ProgrammeModule,
    ProgrammeSession,
    RiskConcern,
    StatusChange,
)
from programme.selectors.records import (
    NOT_STARTED,
    PRESENT_MARKS,
    register_participants,
    session_has_started,
)
from programme.services.events import (
    event_attendance_cleared,
    event_risk_concern,
    event_status_change,
    events_attendance,
)

# --- Programme side ---------------------------------------------------------------

# The reason recorded when a first mark records his start (her page shows it).
STARTED_REASON = "Started group sessions"


def status_change_record(
    *, actor: User, participant: Participant, status: str, reason: str = ""
) -> StatusChange:
    if status not in ParticipantStatus.values:
        raise ProgrammeError("unknown_status")
    with transaction.atomic():
        now = timezone.now()
        change = StatusChange.objects.create(
            participant=participant,
            status=status,
            reason=reason.strip(),
            author=actor,
            changed_at=now,
        )
        Participant.objects.filter(pk=participant.pk).update(
            status=status, status_changed_at=now, status_reason=reason.strip()
        )
        participant.refresh_from_db(fields=["status", "status_changed_at", "status_reason"])
        event_status_change(change=change)
        audit_record(actor=actor, action=AuditAction.PARTICIPANT_STATUS_CHANGE, obj=change)
    return change


def risk_concern_raise(
    *,
    actor: User,
    participant: Participant,
    kind: str,
    occurred_on: date,
    urgency: str,
    told_him: bool = False,
) -> RiskConcern:
    """Basic information only: what kind, when, how urgent. There is deliberately
    no free-text field: the detail of his disclosure must not reach her (SPEC 2).
    ``told_him``: he has been told about it, so it goes into his copy of his
    records (SPEC 12).

    Refuses (``ProgrammeError``) an unknown kind or urgency and a date after
    today (the programme's local date)."""
    if kind not in RiskConcern.Kind.values:
        raise ProgrammeError("unknown_concern_kind")
    if urgency not in RiskConcern.Urgency.values:
        raise ProgrammeError("unknown_urgency")
    if occurred_on > timezone.localdate():
        raise ProgrammeError("in_future")
    with transaction.atomic():
        concern = RiskConcern.objects.create(
            participant=participant,
            kind=kind,
            occurred_on=occurred_on,
            urgency=urgency,
            author=actor,
            told_him_at=timezone.now() if told_him else None,
        )
        event_risk_concern(concern=concern)
        audit_record(actor=actor, action=AuditAction.PARTICIPANT_RISK_CONCERN, obj=concern)
        if told_him:
            audit_record(actor=actor, action=AuditAction.PARTICIPANT_RISK_CONCERN_TOLD, obj=concern)
    return concern


def risk_concern_mark_told(
    *, actor: User, participant: Participant, concern_id: int
) -> RiskConcern:
    """Record that he has been told about one of his risk concerns, so that it
    goes into his copy of his records (SPEC 12). Nothing is published to the
    other side: the concern itself already was.

    Refuses (``ProgrammeError``) a concern not on his record
    (``concern_not_found``) and one already recorded as told
    (``concern_already_told``)."""
    with transaction.atomic():
        concern = (
            RiskConcern.objects.select_for_update()
            .filter(pk=concern_id, participant=participant)
            .first()
        )
        if concern is None:
            raise ProgrammeError("concern_not_found")
        if concern.told_him_at is not None:
            raise ProgrammeError("concern_already_told")
        concern.told_him_at = timezone.now()
        concern.save(update_fields=["told_him_at"])
        audit_record(actor=actor, action=AuditAction.PARTICIPANT_RISK_CONCERN_TOLD, obj=concern)
    return concern


# --- Groups, sessions and the attendance register -----------------------------------


def group_create(*, actor: User, name: str, meeting_details: str = "") -> ProgrammeGroup:
    """A new group. Names are unique whatever their case ("Tuesday" and "tuesday"
    are one group): ``ProgrammeError("group_name_taken")``."""
    name = name.strip()
    if not name:
        raise ProgrammeError("no_group_name")
    try:
        with transaction.atomic():
            if ProgrammeGroup.objects.filter(name__iexact=name).exists():
                raise ProgrammeError("group_name_taken")
            group = ProgrammeGroup.objects.create(
                name=name, meeting_details=meeting_details.strip()
            )
            audit_record(actor=actor, action=AuditAction.GROUP_CREATE, obj=group)
    except IntegrityError as error:  # the same name saved at the same moment
        raise ProgrammeError("group_name_taken") from error
    return group


def session_create(
    *,
    actor: User,
    group: ProgrammeGroup,
    starts_at: datetime,
    location: str = "",
    module: ProgrammeModule | None = None,
) -> ProgrammeSession:
    with transaction.atomic():
        session = ProgrammeSession.objects.create(
            group=group, starts_at=starts_at, location=location.strip(), module=module
        )
        audit_record(actor=actor, action=AuditAction.SESSION_CREATE, obj=session)
    return session


def session_topic_set(
    *, actor: User, session: ProgrammeSession, module: ProgrammeModule | None
) -> bool:
    """Name the topic a session works on (or none). Nothing is published: her
    status page reads the next session's topic when she opens it. Returns
    whether anything changed."""
    if session.module_id == (module.pk if module else None):
        return False
    with transaction.atomic():
        session.module = module
        session.save(update_fields=["module"])
        audit_record(actor=actor, action=AuditAction.SESSION_TOPIC, obj=session)
    return True


def participant_create(
    *, actor: User, reference: str, group: ProgrammeGroup | None = None
) -> Participant:
    """A new participant. References are unique whatever their case:
    ``ProgrammeError("reference_taken")``."""
    reference = reference.strip()
    if not reference:
        raise ProgrammeError("no_reference")
    try:
        with transaction.atomic():
            if Participant.objects.filter(reference__iexact=reference).exists():
                raise ProgrammeError("reference_taken")
            participant = Participant.objects.create(reference=reference, group=group)
            audit_record(actor=actor, action=AuditAction.PARTICIPANT_CREATE, obj=participant)
    except IntegrityError as error:  # the same reference saved at the same moment
        raise ProgrammeError("reference_taken") from error
    return participant


class Applied(NamedTuple):
    """What saving marks did: how many marks changed, and the men whose first
    mark saying they were there recorded their start (SPEC 6), for the page to say so."""

    changed: int
    started: list[Participant]


def attendance_register_submit(
    *,
    actor: User,
    session: ProgrammeSession,
    marks: dict[int, str],
    on_register: list[Participant] | None = None,
) -> Applied:
    """Save a whole register in one go: every person on it gets one mark.

    Refuses the lot (nothing saved) if anyone is unmarked, a mark is unknown, or
    a person is not on this register. ``on_register`` is the register as the
    caller already read it in this request (saves a query). Returns how many
    marks changed and who started (``Applied``); saving the same register twice
    changes nothing the second time.
    """
    if any(mark not in AttendanceMark.values for mark in marks.values()):
        raise RegisterError("bad_mark")
    if not session_has_started(session=session):
        raise RegisterError("not_started")
    if on_register is None:
        on_register = register_participants(session=session)
    expected = {p.pk for p in on_register}
    if set(marks) - expected:
        raise RegisterError("unknown_participant")
    if expected - set(marks):
        raise RegisterError("incomplete")
    try:
        with transaction.atomic():
            applied = attendance_apply(
                actor=actor, pairs=[(session.pk, pk, mark) for pk, mark in marks.items()]
            )
            audit_record(actor=actor, action=AuditAction.SESSION_REGISTER, obj=session)
    except IntegrityError as error:
        # Someone saved the same register at the same moment: nothing of ours was kept.
        raise RegisterError("conflict") from error
    return applied


def attendance_apply(*, actor: User, pairs: list[tuple[int, int, str]]) -> Applied:
    """Set (session id, participant id, mark) triples; only real changes are written.

    Refuses the lot (``RegisterError("not_started")``) if any session has not
    started yet. Call inside a transaction.

    The register before he starts (SPEC 6): a man still referred or in
    assessment may be on a register (he is in the group). A mark saying he was
    there ("attended" or "late") records his start: his status becomes
    "attending", with a reason, through ``status_change_record`` in the same
    transaction, so the Women's Support Service side gets the usual status
    event and her page never shows sessions beside "he has not started". A
    "missed" or "excused" mark changes nothing about his status.

    Five statements however many rows, plus a status change per man who starts."""
    if not pairs:
        return Applied(0, [])
    session_ids = {session_id for session_id, _, _ in pairs}
    if ProgrammeSession.objects.filter(pk__in=session_ids, starts_at__gt=timezone.now()).exists():
        raise RegisterError("not_started")
    existing = {
        (a.session_id, a.participant_id): a
        for a in Attendance.objects.filter(session_id__in=session_ids).select_for_update()
    }
    now = timezone.now()
    to_create, to_update = [], []
    for session_id, participant_id, mark in pairs:
        current = existing.get((session_id, participant_id))
        if current is None:
            to_create.append(
                Attendance(
                    session_id=session_id,
                    participant_id=participant_id,
                    mark=mark,
                    recorded_by=actor,
                    recorded_at=now,
                )
            )
        elif current.mark != mark:
            current.mark, current.recorded_by, current.recorded_at = mark, actor, now
            to_update.append(current)
    Attendance.objects.bulk_create(to_create)
    Attendance.objects.bulk_update(to_update, ["mark", "recorded_by", "recorded_at"])
    events_attendance(marks=[*to_create, *to_update])
    present = {a.participant_id for a in [*to_create, *to_update] if a.mark in PRESENT_MARKS}
    started = []
    if present:
        starting = Participant.objects.filter(pk__in=present, status__in=NOT_STARTED)
        for participant in starting.order_by("reference"):
            status_change_record(
                actor=actor,
                participant=participant,
                status=ParticipantStatus.ATTENDING,
                reason=STARTED_REASON,
            )
            started.append(participant)
    return Applied(len(to_create) + len(to_update), started)


def attendance_clear(*, actor: User, session: ProgrammeSession, participant_id: int) -> Attendance:
    """Remove a mistaken mark, so the session shows as not marked for him.

    Allowed at any time (a mark wrongly recorded before the session started must
    be removable). Raises ``RegisterError("not_marked")`` if there is no mark."""
    with transaction.atomic():
        attendance = (
            Attendance.objects.select_for_update()
            .filter(session=session, participant_id=participant_id)
            .select_related("participant")
            .first()
        )
        if attendance is None:
            raise RegisterError("not_marked")
        audit_record(actor=actor, action=AuditAction.SESSION_MARK_CLEARED, obj=attendance)
        event_attendance_cleared(participant=participant_id, session_id=session.pk)
        attendance.delete()
    return attendance
