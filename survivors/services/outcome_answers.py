"""Answering an outcome check-point (SPEC 14): her worker records her answers
during a call, or she answers in her portal. Answers saved while the
check-point is still due are her draft, replaced by each save; finishing marks
the check-point answered. Every answer is optional and "prefer not to say" is
an answer with no value. Women's Support Service (WSS) worker rules as for the
contact log: her own worker, or the duty worker while her worker is away.

Refused, writing nothing: no consent, a check-point no longer due, a
restricted case (SPEC 12), anyone else, an unknown question or a value off the
scale. The audit row carries ids only, never the answers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import OutcomeAnswerError
from survivors.models import CheckPoint, OutcomeAnswer, Survivor
from survivors.selectors.cover import covered_worker
from survivors.selectors.outcome_answers import active_questions


def _her_own_account(*, actor: User, survivor: Survivor) -> bool:
    return survivor.user_id is not None and actor.pk == survivor.user_id


def _check_actor(*, actor: User, survivor: Survivor) -> None:
    if _her_own_account(actor=actor, survivor=survivor) or survivor.worker_id == actor.pk:
        return
    if covered_worker(user=actor, survivor=survivor) is None:
        raise OutcomeAnswerError("not_allowed")


def _checked_answers(answers: dict[int, int | None]) -> dict[int, int | None]:
    """Each answer a point of its question's scale, or None; every question an
    active one."""
    scales = {question.pk: question.scale_points for question in active_questions()}
    checked: dict[int, int | None] = {}
    for question_id, value in answers.items():
        if not isinstance(question_id, int) or question_id not in scales:
            raise OutcomeAnswerError("unknown_question")
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 1 <= value <= scales[question_id]
        ):
            raise OutcomeAnswerError("out_of_range")
        checked[question_id] = value
    return checked


def outcome_answers_save(
    *,
    actor: User,
    check_point: CheckPoint,
    answers: dict[int, int | None],
    finish: bool,
) -> CheckPoint:
    """Save her answers (question id -> value, None for "prefer not to say"),
    replacing any earlier draft; with ``finish`` the check-point is answered,
    by her worker (``answered_by``) or by her in her portal (None)."""
    survivor = check_point.survivor
    _check_actor(actor=actor, survivor=survivor)
    if survivor.restricted_at is not None:
        raise OutcomeAnswerError("restricted")  # kept, not used (SPEC 12)
    if survivor.outcomes_consent_at is None:
        raise OutcomeAnswerError("no_consent")
    checked = _checked_answers(answers)
    with transaction.atomic():
        # One save at a time for this check-point: two finishes cannot both count.
        locked = CheckPoint.objects.select_for_update().get(pk=check_point.pk)
        if locked.state != CheckPoint.State.DUE:
            raise OutcomeAnswerError("not_due")
        now = timezone.now()
        OutcomeAnswer.objects.filter(check_point=locked).delete()
        OutcomeAnswer.objects.bulk_create(
            OutcomeAnswer(check_point=locked, question_id=question_id, value=value, saved_at=now)
            for question_id, value in checked.items()
        )
        if finish:
            locked.state = CheckPoint.State.ANSWERED
            locked.answered_at = now
            locked.answered_by = None if _her_own_account(actor=actor, survivor=survivor) else actor
            locked.save(update_fields=["state", "answered_at", "answered_by"])
        audit_record(
            actor=actor,
            action=(
                AuditAction.OUTCOME_ANSWERS_FINISH if finish else AuditAction.OUTCOME_ANSWERS_DRAFT
            ),
            obj=locked,
            survivor=survivor,
        )
    check_point.state = locked.state
    check_point.answered_at = locked.answered_at
    check_point.answered_by = locked.answered_by
    return check_point
