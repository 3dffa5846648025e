"""Her casework, written (SPEC 9): the case lifecycle and the risk checklist.
Every change takes a keyword-only ``actor`` and writes its audit row in the same
transaction. WSS means Women's Support Service."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import CaseError, RiskAssessmentError
from survivors.models import (
    CaseState,
    ContactLogEntry,
    RiskAnswer,
    RiskAssessment,
    RiskLevel,
    RiskQuestion,
    Survivor,
)
from survivors.selectors.casework import (
    in_safe_window,
    level_for_score,
    level_rank,
)
from survivors.services.contact_log import contact_log_add
from survivors.services.lifecycle import REACHED_HER, case_state_change
from survivors.services.marac import marac_assessment_check

logger = logging.getLogger(__name__)


def case_reengagement_offer(
    *,
    actor: User,
    survivor: Survivor,
    kind: str,
    outcome: str,
    note: str = "",
    now: datetime | None = None,
) -> ContactLogEntry:
    """Reach out to her again after a quiet spell: only inside her safe times and
    never while she has paused contact. Logged as a contact; if it reached her, a
    dormant case is active again."""
    if survivor.restricted_at is not None:
        raise CaseError("restricted")  # kept, not used (SPEC 12)
    now = now or timezone.now()
    if survivor.case_state not in (CaseState.FIRST_CONTACT, CaseState.ACTIVE, CaseState.DORMANT):
        raise CaseError("not_dormant")
    if survivor.contact_paused:
        raise CaseError("contact_paused")
    if not in_safe_window(survivor=survivor, at=now):
        raise CaseError("outside_safe_window")
    with transaction.atomic():
        entry = contact_log_add(
            actor=actor, survivor=survivor, kind=kind, outcome=outcome, happened_at=now, note=note
        )
        audit_record(actor=actor, action=AuditAction.CASE_REENGAGEMENT_OFFER, obj=survivor)
        if survivor.case_state == CaseState.DORMANT and outcome in REACHED_HER:
            case_state_change(actor=actor, survivor=survivor, to_state=CaseState.ACTIVE, at=now)
    return entry


# --- The risk checklist -------------------------------------------------------------


def risk_assessment_record(
    *,
    actor: User,
    survivor: Survivor,
    answers: dict[int, tuple[str, str]],
    level: str = "",
    reason: str = "",
    at: datetime | None = None,
) -> RiskAssessment:
    """Record one completed checklist. ``answers`` maps each active question's id
    to (yes / no / not_known, note). Score = number of yes; the level follows
    from it, and her worker's judgement (``level``) may raise it, with a reason,
    never lower it. Earlier assessments are never changed."""
    if survivor.restricted_at is not None:
        raise RiskAssessmentError("restricted")  # kept, not used (SPEC 12)
    questions = {question.pk: question for question in RiskQuestion.objects.filter(active=True)}
    if not questions:
        raise RiskAssessmentError("no_questions")
    if set(answers) - set(questions):
        raise RiskAssessmentError("unknown_question")
    if set(questions) - set(answers):
        raise RiskAssessmentError("incomplete")
    if any(answer not in RiskAnswer.Answer.values for answer, _note in answers.values()):
        raise RiskAssessmentError("unknown_answer")
    score = sum(1 for answer, _note in answers.values() if answer == RiskAnswer.Answer.YES)
    score_level = level_for_score(score)
    level = level or score_level
    if level not in RiskLevel.values:
        raise RiskAssessmentError("unknown_level")
    if level_rank(level) < level_rank(score_level):
        raise RiskAssessmentError("cannot_lower")
    reason = (reason or "").strip()
    if level != score_level and not reason:
        raise RiskAssessmentError("reason_required")
    with transaction.atomic():
        assessment = RiskAssessment.objects.create(
            survivor=survivor,
            assessed_by=actor,
            assessed_at=at or timezone.now(),
            score=score,
            score_level=score_level,
            level=level,
            judgement_reason=reason if level != score_level else "",
        )
        RiskAnswer.objects.bulk_create(
            RiskAnswer(
                assessment=assessment,
                question=questions[question_id],
                answer=answer,
                note=(note or "").strip(),
            )
            for question_id, (answer, note) in sorted(answers.items())
        )
        audit_record(
            actor=actor,
            action=AuditAction.RISK_ASSESSMENT_RECORD,
            obj=assessment,
            survivor=survivor,
        )
        marac_assessment_check(survivor=survivor, assessment=assessment)
    logger.info("checklist %s recorded for case %s", assessment.pk, survivor.pk)
    return assessment
