"""The outcome questions (SPEC 14), held as data: read only."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from survivors.models import OutcomeAnswer, OutcomeQuestion, Survivor

FALLBACK_LANGUAGE = "en-gb"


def language_codes() -> list[str]:
    """Every language a question is worded in: those of settings.LANGUAGES."""
    return [code for code, _name in settings.LANGUAGES]


def _with_answers() -> QuerySet[OutcomeQuestion]:
    answered = OutcomeAnswer.objects.filter(question=OuterRef("pk"))
    return OutcomeQuestion.objects.annotate(has_answers=Exists(answered))


def active_questions() -> list[OutcomeQuestion]:
    """The questions asked now, in their order."""
    return list(OutcomeQuestion.objects.filter(active=True).order_by("position", "id"))


def all_questions() -> list[OutcomeQuestion]:
    """Every question, active or not, each with ``has_answers`` (the manager's list)."""
    return list(_with_answers().order_by("-active", "position", "id"))


def question_by_id(*, question_id: int) -> OutcomeQuestion | None:
    """One question with ``has_answers``; ``None`` if there is none."""
    return _with_answers().filter(pk=question_id).first()


def question_has_answers(*, question: OutcomeQuestion) -> bool:
    return OutcomeAnswer.objects.filter(question=question).exists()


def answers_count_for(*, survivor: Survivor) -> int:
    """How many answers she has given, at every check-point (drafts too)."""
    return OutcomeAnswer.objects.filter(check_point__survivor=survivor).count()


def _pick(values: dict[str, object], language: str) -> object | None:
    wanted = (language or "").lower()
    lowered = {str(code).lower(): value for code, value in values.items()}
    for code in (wanted, wanted.split("-")[0], FALLBACK_LANGUAGE):
        if code and lowered.get(code):
            return lowered[code]
    return None


def question_in(question: OutcomeQuestion, language: str) -> tuple[str, list[str]]:
    """Its wording and its labels (lowest point first) in ``language``, each
    falling back to English (``en-gb``) where that language has none."""
    text = _pick(question.text or {}, language)
    labels = _pick(question.scale_labels or {}, language)
    return (
        str(text) if text else "",
        [str(label) for label in labels] if isinstance(labels, list) else [],
    )
