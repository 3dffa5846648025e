"""The risk checklist (SPEC 9): questions as data, yes / no / not
known, score = number of yes, levels 1–9 / 10–13 / 14+, judgement raises and
never lowers (with a reason), every assessment kept, notes encrypted at rest,
every read audited, nothing on the programme side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from contacts.discretion import discretion_words_in
from contacts.models import AuditAction, AuditEvent
from survivors.errors import RiskAssessmentError
from survivors.models import RiskAnswer, RiskAssessment, RiskQuestion
from survivors.selectors.casework import level_for_score
from survivors.services import casework

from ..conftest import CANARY_CHECKLIST_NOTE, CANARY_JUDGEMENT, sign_in
from .test_at_rest import raw_dump

FIXTURE = Path(django_settings.BASE_DIR) / "survivors" / "fixtures"


@pytest.fixture
def questions(world) -> list[RiskQuestion]:
    call_command("loaddata", "risk_questions_placeholder", verbosity=0)
    return list(RiskQuestion.objects.filter(active=True))


def _answers(questions, yes: int, not_known: int = 0, note: str = "") -> dict:
    answers = {}
    for index, question in enumerate(questions):
        if index < yes:
            answers[question.pk] = ("yes", note)
        elif index < yes + not_known:
            answers[question.pk] = ("not_known", "")
        else:
            answers[question.pk] = ("no", "")
    return answers


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "standard"),
        (1, "standard"),
        (9, "standard"),
        (10, "medium"),
        (13, "medium"),
        (14, "high"),
        (24, "high"),
    ],
)
def test_the_level_follows_the_number_of_yes_answers(score: int, level: str) -> None:
    assert level_for_score(score) == level


def test_the_demo_questions_are_neutral_placeholders() -> None:
    rows = json.loads((FIXTURE / "risk_questions_placeholder.json").read_text())
    assert len(rows) == 24
    for row in rows:
        text = row["fields"]["text"]
        assert text.startswith("Placeholder question")
        assert discretion_words_in(text) == []


def test_score_counts_yes_only_and_the_service_keeps_every_answer(world, questions) -> None:
    assessment = casework.risk_assessment_record(
        actor=world.wss_a, survivor=world.survivor_a, answers=_answers(questions, 12, not_known=8)
    )
    assert (assessment.score, assessment.score_level, assessment.level) == (12, "medium", "medium")
    assert assessment.answers.count() == 24
    assert assessment.answers.filter(answer=RiskAnswer.Answer.NOT_KNOWN).count() == 8
    assert AuditEvent.objects.filter(
        action=AuditAction.RISK_ASSESSMENT_RECORD, object_id=str(assessment.pk)
    ).exists()


def test_judgement_may_raise_the_level_with_a_reason(world, questions) -> None:
    assessment = casework.risk_assessment_record(
        actor=world.wss_a,
        survivor=world.survivor_a,
        answers=_answers(questions, 3),
        level="high",
        reason="Recent escalation she described",
    )
    assert (assessment.score_level, assessment.level) == ("standard", "high")
    assert assessment.raised_by_judgement
    assert assessment.judgement_reason == "Recent escalation she described"


@pytest.mark.parametrize(
    ("yes", "level", "reason", "code"),
    [
        (15, "medium", "judged lower", "cannot_lower"),
        (10, "standard", "judged lower", "cannot_lower"),
        (3, "medium", "", "reason_required"),
        (3, "severe", "x", "unknown_level"),
    ],
)
def test_judgement_never_lowers_the_level_and_needs_a_reason(
    world, questions, yes: int, level: str, reason: str, code: str
) -> None:
    before = RiskAssessment.objects.count()
    with pytest.raises(RiskAssessmentError) as error:
        casework.risk_assessment_record(
            actor=world.wss_a,
            survivor=world.survivor_a,
            answers=_answers(questions, yes),
            level=level,
            reason=reason,
        )
    assert error.value.code == code
    assert RiskAssessment.objects.count() == before


def test_an_incomplete_or_odd_checklist_is_refused_and_nothing_is_written(world, questions) -> None:
    before = (RiskAssessment.objects.count(), RiskAnswer.objects.count())
    partial = _answers(questions, 5)
    partial.pop(questions[-1].pk)
    odd = _answers(questions, 5)
    odd[questions[0].pk] = ("maybe", "")
    stray = {**_answers(questions, 5), 999_999: ("yes", "")}
    for answers, code in (
        (partial, "incomplete"),
        (odd, "unknown_answer"),
        (stray, "unknown_question"),
    ):
        with pytest.raises(RiskAssessmentError) as error:
            casework.risk_assessment_record(
                actor=world.wss_a, survivor=world.survivor_a, answers=answers
            )
        assert error.value.code == code
    assert (RiskAssessment.objects.count(), RiskAnswer.objects.count()) == before


def test_without_questions_loaded_the_page_says_so(world) -> None:
    RiskAnswer.objects.all().delete()
    RiskQuestion.objects.all().delete()
    page = sign_in(Client(), world.wss_a).get(f"/staff/cases/{world.survivor_a.pk}/checklist/")
    assert "No checklist questions are loaded" in page.content.decode()
    with pytest.raises(RiskAssessmentError) as error:
        casework.risk_assessment_record(actor=world.wss_a, survivor=world.survivor_a, answers={})
    assert error.value.code == "no_questions"


def _form(questions, yes: int, **extra: str) -> dict[str, str]:
    data = {f"answer_{q.pk}": ("yes" if i < yes else "no") for i, q in enumerate(questions)}
    data.update(extra)
    return data


def test_her_worker_completes_the_checklist_and_every_one_is_kept(world, questions) -> None:
    client = sign_in(Client(), world.wss_a)
    case = world.survivor_a.pk
    response = client.post(
        f"/staff/cases/{case}/checklist/",
        _form(questions, 14, **{f"note_{questions[0].pk}": "She said it began last year"}),
        follow=True,
    )
    body = response.content.decode()
    assert "Checklist recorded: score 14, level high." in body
    assert "She said it began last year" in body
    client.post(f"/staff/cases/{case}/checklist/", _form(questions, 2))
    history = client.get(f"/staff/cases/{case}/checklist/")
    listed = history.context["assessments"]
    # The world's own checklist, then these two: newest first, none changed.
    assert [a.score for a in listed] == [2, 14, 1]
    assert all(a.assessed_by == world.wss_a for a in listed)
    assert "worker-a" in history.content.decode()
    case_page = client.get(f"/staff/cases/{case}/").content.decode()
    assert "<strong>Standard</strong> (score 2" in case_page
    caseload = client.get("/staff/caseload/")
    row = next(s for s in caseload.context["survivors"] if s.pk == case)
    assert row.casework.level_label == "Standard"


def test_an_unanswered_question_on_the_page_saves_nothing(world, questions) -> None:
    client = sign_in(Client(), world.wss_a)
    data = _form(questions, 14)
    data.pop(f"answer_{questions[3].pk}")
    before = RiskAssessment.objects.count()
    response = client.post(f"/staff/cases/{world.survivor_a.pk}/checklist/", data)
    assert response.status_code == 400
    assert "Answer this question: yes, no or not known." in response.content.decode()
    assert RiskAssessment.objects.count() == before


def test_lowering_by_judgement_on_the_page_is_refused_with_a_message(world, questions) -> None:
    client = sign_in(Client(), world.wss_a)
    response = client.post(
        f"/staff/cases/{world.survivor_a.pk}/checklist/",
        _form(questions, 14, level="standard", reason="she seems fine"),
    )
    assert response.status_code == 400
    assert "never lower it" in response.content.decode()


def test_notes_and_reasons_are_encrypted_at_rest(world) -> None:
    dump = raw_dump()
    assert CANARY_CHECKLIST_NOTE not in dump
    assert CANARY_JUDGEMENT not in dump
    answer = RiskAnswer.objects.get(assessment__survivor=world.survivor_a)
    assert answer.note == CANARY_CHECKLIST_NOTE


def test_every_read_is_audited_and_only_her_worker_reads_it(world) -> None:
    assessment = RiskAssessment.objects.get(survivor=world.survivor_a)
    case = world.survivor_a.pk
    own = sign_in(Client(), world.wss_a)
    reads = AuditEvent.objects.filter(
        action=AuditAction.RISK_ASSESSMENT_VIEW, object_id=str(case), actor=world.wss_a
    )
    before = reads.count()
    assert own.get(f"/staff/cases/{case}/checklist/").status_code == 200
    detail = own.get(f"/staff/cases/{case}/checklist/{assessment.pk}/")
    assert CANARY_JUDGEMENT in detail.content.decode()
    assert CANARY_CHECKLIST_NOTE in detail.content.decode()
    assert reads.count() == before + 2
    for user in (world.wss_other, world.programme, world.manager):
        client = sign_in(Client(), user)
        for path in (
            f"/staff/cases/{case}/checklist/",
            f"/staff/cases/{case}/checklist/{assessment.pk}/",
        ):
            response = client.get(path)
            assert response.status_code in (403, 404)
            assert CANARY_CHECKLIST_NOTE not in response.content.decode()
    # Another case's checklist cannot be opened through her case's address.
    other = RiskAssessment.objects.create(
        survivor=world.survivor_b,
        assessed_by=world.wss_other,
        score=0,
        score_level="standard",
        level="standard",
    )
    assert own.get(f"/staff/cases/{case}/checklist/{other.pk}/").status_code == 404
