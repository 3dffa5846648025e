"""Answering an outcome check-point (SPEC 14): the questions in her language,
her saved draft, and which check-point waits for her. Reads only.

Questions are data (``OutcomeQuestion``): their wording and scale labels are
held per language code of settings.LANGUAGES, and fall back to English where
a translation is missing."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from survivors.models import CheckPoint, OutcomeAnswer, OutcomeQuestion, Survivor

ENGLISH = settings.LANGUAGE_CODE
# The value a form posts for "prefer not to say" (stored as an answer with no value).
PREFER_NOT_TO_SAY = "none"


@dataclass(frozen=True)
class QuestionShown:
    """One question as a page shows it: its wording and its choices (value,
    label; lowest first) in one language, and what is saved so far."""

    id: int
    text: str
    lang: str
    choices: list[tuple[str, str]]
    current: str  # a value of ``choices``, PREFER_NOT_TO_SAY, or "" (no answer)

    @property
    def field_name(self) -> str:
        return f"q{self.id}"


def active_questions() -> list[OutcomeQuestion]:
    return list(OutcomeQuestion.objects.filter(active=True).order_by("position", "id"))


def answer_language(*, survivor: Survivor) -> str:
    """Her language if the service offers it, else English."""
    codes = {code.lower(): code for code, _name in settings.LANGUAGES}
    return codes.get((survivor.language or "").lower(), ENGLISH)


def _in_language(values: dict[str, object], lang: str) -> tuple[object, str]:
    if values.get(lang):
        return values[lang], lang
    return values.get(ENGLISH) or "", ENGLISH


def _labels(question: OutcomeQuestion, lang: str) -> list[str]:
    labels = question.scale_labels or {}
    for code in (lang, ENGLISH):
        found = labels.get(code)
        if isinstance(found, list) and len(found) == question.scale_points:
            return [str(label) for label in found]
    # No labels held for this scale: the points themselves.
    return [str(point) for point in range(1, question.scale_points + 1)]


def draft_answers(*, check_point: CheckPoint) -> dict[int, int | None]:
    """What is saved for this check-point, question id -> value (None: prefer
    not to say)."""
    return dict(
        OutcomeAnswer.objects.filter(check_point=check_point).values_list("question_id", "value")
    )


def questions_shown(
    *, check_point: CheckPoint, lang: str, posted: dict[str, str] | None = None
) -> list[QuestionShown]:
    """Every active question in ``lang`` (English where it is missing), with
    the saved answers, or with ``posted`` (a form that could not be saved)."""
    saved = draft_answers(check_point=check_point)
    shown = []
    for question in active_questions():
        text, text_lang = _in_language(question.text or {}, lang)
        labels = _labels(question, text_lang)
        if posted is not None:
            current = posted.get(f"q{question.pk}", "")
        elif question.pk in saved:
            value = saved[question.pk]
            current = PREFER_NOT_TO_SAY if value is None else str(value)
        else:
            current = ""
        shown.append(
            QuestionShown(
                id=question.pk,
                text=str(text),
                lang=text_lang,
                choices=[(str(point), label) for point, label in enumerate(labels, start=1)],
                current=current,
            )
        )
    return shown


def check_point_for_case(*, survivor: Survivor, check_point_id: int) -> CheckPoint | None:
    """One of her check-points (None if it is not hers)."""
    return CheckPoint.objects.filter(survivor=survivor, pk=check_point_id).first()


def _waiting_for_her(*, survivor_filter: dict[str, object]) -> CheckPoint | None:
    return (
        CheckPoint.objects.filter(
            **survivor_filter,
            state=CheckPoint.State.DUE,
            due_at__lte=timezone.now(),
            survivor__outcomes_consent_at__isnull=False,
            survivor__restricted_at__isnull=True,
        )
        .select_related("survivor")
        .order_by("due_at", "id")
        .first()
    )


def check_point_due_for_her(*, survivor: Survivor) -> CheckPoint | None:
    """Her earliest due check-point that she may answer in her portal: she has
    agreed, and her case is not restricted."""
    return _waiting_for_her(survivor_filter={"survivor": survivor})
