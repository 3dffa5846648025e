"""The outcome questions (SPEC 14), edited by the service manager: wording and
one label per point in every language of settings.LANGUAGES, 2 to 11 points,
whether higher is better, their order, and active or not. A question that has
answers is never deleted (it is made inactive), and its number of points never
changes (its answers would no longer fit). Every change is audited in the same
transaction; bad input writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from contacts import policy
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import OutcomesError
from survivors.models import OutcomeQuestion
from survivors.selectors.outcome_questions import language_codes, question_has_answers

MIN_POINTS, MAX_POINTS = 2, 11


@dataclass(frozen=True)
class QuestionWording:
    """What the manager enters: per language code, the wording and the labels
    (lowest point first)."""

    text: dict[str, str]
    scale_points: int
    scale_labels: dict[str, list[str]]
    higher_is_better: bool
    position: int
    active: bool


def _checked(wording: QuestionWording) -> QuestionWording:
    """Every language worded, 2 to 11 points, one label per point everywhere."""
    codes = language_codes()
    text = {code: (wording.text.get(code) or "").strip() for code in codes}
    if not all(text.values()):
        raise OutcomesError(
            "missing_text",
            str(OutcomesError.messages["missing_text"]).format(languages=", ".join(codes)),
        )
    points = wording.scale_points
    if not isinstance(points, int) or not MIN_POINTS <= points <= MAX_POINTS:
        raise OutcomesError("bad_scale")
    labels: dict[str, list[str]] = {}
    for code in codes:
        given = [label.strip() for label in wording.scale_labels.get(code) or []]
        if len(given) != points or not all(given):
            raise OutcomesError(
                "label_count",
                str(OutcomesError.messages["label_count"]).format(points=points),
            )
        labels[code] = given
    return QuestionWording(
        text=text,
        scale_points=points,
        scale_labels=labels,
        higher_is_better=bool(wording.higher_is_better),
        position=max(0, int(wording.position)),
        active=bool(wording.active),
    )


def _manager_only(actor: User) -> None:
    if not policy.is_manager(actor):
        raise OutcomesError("not_manager")


def outcome_question_create(*, actor: User, wording: QuestionWording) -> OutcomeQuestion:
    _manager_only(actor)
    checked = _checked(wording)
    with transaction.atomic():
        question = OutcomeQuestion.objects.create(
            position=checked.position,
            text=checked.text,
            scale_points=checked.scale_points,
            scale_labels=checked.scale_labels,
            higher_is_better=checked.higher_is_better,
            active=checked.active,
        )
        audit_record(actor=actor, action=AuditAction.OUTCOME_QUESTION_CREATE, obj=question)
    return question


def outcome_question_update(
    *, actor: User, question: OutcomeQuestion, wording: QuestionWording
) -> OutcomeQuestion:
    _manager_only(actor)
    checked = _checked(wording)
    with transaction.atomic():
        row = OutcomeQuestion.objects.select_for_update().get(pk=question.pk)
        if row.scale_points != checked.scale_points and question_has_answers(question=row):
            raise OutcomesError("scale_has_answers")
        row.text = checked.text
        row.scale_points = checked.scale_points
        row.scale_labels = checked.scale_labels
        row.higher_is_better = checked.higher_is_better
        row.position = checked.position
        row.active = checked.active
        row.save()
        audit_record(actor=actor, action=AuditAction.OUTCOME_QUESTION_UPDATE, obj=row)
    return row


def outcome_question_delete(*, actor: User, question: OutcomeQuestion) -> None:
    """Only a question nobody has answered; one with answers is made inactive."""
    _manager_only(actor)
    with transaction.atomic():
        row = OutcomeQuestion.objects.select_for_update().get(pk=question.pk)
        if question_has_answers(question=row):
            raise OutcomesError("has_answers")
        audit_record(actor=actor, action=AuditAction.OUTCOME_QUESTION_DELETE, obj=row)
        row.delete()
