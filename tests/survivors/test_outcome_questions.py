"""The outcome questions (SPEC 14) are data the service manager edits: wording
and one label per point in every language, 2 to 11 points, higher better or
worse, their order, active or not. Bad input is refused with a clear message
and nothing saved; nobody else may change them; a question with answers is
never deleted, only made inactive."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from contacts.models import AuditEvent
from survivors.errors import OutcomesError
from survivors.models import CheckPoint, OutcomeAnswer, OutcomeQuestion
from survivors.selectors.outcome_questions import active_questions, question_in
from survivors.services.outcome_questions import (
    QuestionWording,
    outcome_question_create,
    outcome_question_delete,
)

from ..conftest import sign_in

CODES = [code for code, _name in settings.LANGUAGES]
LABELS = {
    "en-gb": "Not at all\nA little\nMostly\nCompletely",
    "cy": "Ddim o gwbl\nYchydig\nGan amlaf\nYn llwyr",
    "pl": "Wcale\nTrochę\nPrzeważnie\nCałkowicie",
    "ur": "بالکل نہیں\nتھوڑا سا\nزیادہ تر\nمکمل طور پر",
}


def _form(**changes: str) -> dict[str, str]:
    data = {
        "scale_points": "4",
        "higher_is_better": "on",
        "position": "10",
        "active": "on",
        **{f"text_{code}": f"Placeholder question ({code})" for code in CODES},
        **{f"labels_{code}": LABELS[code] for code in CODES},
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _manager(world) -> Client:
    return sign_in(Client(), world.manager)


def _answered(question: OutcomeQuestion, world) -> OutcomeAnswer:
    point = CheckPoint.objects.create(
        survivor=world.survivor_a, stage="intake", due_at=timezone.now(), state="answered"
    )
    return OutcomeAnswer.objects.create(check_point=point, question=question, value=2)


def test_the_manager_adds_lists_and_changes_a_question(world) -> None:
    client = _manager(world)
    page = client.get("/staff/outcome-questions/").content.decode()
    assert "Add a question" in page and "No questions yet" in page
    assert "Outcome questions" in client.get("/staff/").content.decode()  # her menu
    response = client.post("/staff/outcome-questions/new/", _form())
    assert response.status_code == 302
    question = OutcomeQuestion.objects.get()
    assert question.scale_points == 4 and question.higher_is_better and question.active
    assert question.text["cy"] == "Placeholder question (cy)"
    assert question.scale_labels["ur"] == ["بالکل نہیں", "تھوڑا سا", "زیادہ تر", "مکمل طور پر"]
    listed = client.get("/staff/outcome-questions/").content.decode()
    assert "Placeholder question (en-gb)" in listed
    # Changed: worse when higher, another position, inactive.
    edit = f"/staff/outcome-questions/{question.pk}/"
    assert "Placeholder question (pl)" in client.get(edit).content.decode()
    response = client.post(
        edit, _form(higher_is_better=None, active=None, position="3", text_pl="Inne pytanie")
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert not question.higher_is_better and not question.active and question.position == 3
    assert question.text["pl"] == "Inne pytanie"
    assert active_questions() == []
    actions = AuditEvent.objects.filter(object_type="outcomequestion").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["outcome_question.create", "outcome_question.update"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text_cy": ""}, "Give the wording in Cymraeg (cy)."),
        ({"labels_ur": ""}, "Give the labels in اردو (ur), one a line."),
        ({"labels_pl": "Wcale\nTrochę\nCałkowicie"}, "Give 4 labels in Polski (pl)"),
        ({"scale_points": "12"}, "a whole number from 2 to 11"),
        ({"scale_points": "1"}, "a whole number from 2 to 11"),
        ({"scale_points": "many"}, "a whole number from 2 to 11"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(world, changes, message) -> None:
    response = _manager(world).post("/staff/outcome-questions/new/", _form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OutcomeQuestion.objects.exists()
    assert not AuditEvent.objects.filter(object_type="outcomequestion").exists()


def test_the_service_refuses_the_same_bad_input_whoever_calls_it(world) -> None:
    good = QuestionWording(
        text=dict.fromkeys(CODES, "Placeholder"),
        scale_points=2,
        scale_labels={code: ["Low", "High"] for code in CODES},
        higher_is_better=True,
        position=0,
        active=True,
    )
    cases: dict[str, dict[str, Any]] = {
        "missing_text": {"text": {"en-gb": "Only English"}},
        "bad_scale": {"scale_points": 11 + 1},
        "label_count": {"scale_labels": {code: ["Low"] for code in CODES}},
    }
    for code, change in cases.items():
        wording = QuestionWording(**{**good.__dict__, **change})
        with pytest.raises(OutcomesError) as refused:
            outcome_question_create(actor=world.manager, wording=wording)
        assert refused.value.code == code
        assert "Nothing was saved" in str(refused.value.message)
    with pytest.raises(OutcomesError) as refused:
        outcome_question_create(actor=world.wss_a, wording=good)
    assert refused.value.code == "not_manager"
    assert not OutcomeQuestion.objects.exists()


@pytest.mark.parametrize("role", ["wss_a", "wss_other", "programme", "comms"])
def test_nobody_but_the_manager_may_see_or_change_the_questions(world, role) -> None:
    question = OutcomeQuestion.objects.create(
        text={"en-gb": "Placeholder"}, scale_points=2, scale_labels={"en-gb": ["a", "b"]}
    )
    client = sign_in(Client(), getattr(world, role))
    assert client.get("/staff/outcome-questions/").status_code == 403
    assert client.post("/staff/outcome-questions/new/", _form()).status_code == 403
    edit = f"/staff/outcome-questions/{question.pk}/"
    assert client.post(edit, {"delete": "1"}).status_code == 403
    assert client.post(edit, _form(scale_points="4")).status_code == 403
    assert OutcomeQuestion.objects.count() == 1
    assert OutcomeQuestion.objects.get().scale_points == 2
    assert "Outcome questions" not in client.get("/staff/").content.decode()


def test_a_question_with_answers_is_deactivated_never_deleted(world) -> None:
    client = _manager(world)
    client.post("/staff/outcome-questions/new/", _form())
    question = OutcomeQuestion.objects.get()
    edit = f"/staff/outcome-questions/{question.pk}/"
    _answered(question, world)
    page = client.get(edit).content.decode()
    assert "Delete this question" not in page and "can be made inactive but not deleted" in page
    response = client.post(edit, {"delete": "1"})
    assert response.status_code == 400
    assert "cannot be deleted: make it inactive instead" in response.content.decode()
    with pytest.raises(OutcomesError):
        outcome_question_delete(actor=world.manager, question=question)
    assert OutcomeQuestion.objects.filter(pk=question.pk).exists()
    # Its number of points cannot change either: the answers would not fit.
    response = client.post(
        edit, _form(scale_points="2", **{f"labels_{code}": "Low\nHigh" for code in CODES})
    )
    assert response.status_code == 400
    assert "its number of points cannot change" in response.content.decode()
    # Made inactive instead: kept, with its answers, no longer asked.
    assert client.post(edit, _form(active=None)).status_code == 302
    question.refresh_from_db()
    assert not question.active and OutcomeAnswer.objects.filter(question=question).exists()


def test_a_question_nobody_answered_can_be_deleted(world) -> None:
    client = _manager(world)
    client.post("/staff/outcome-questions/new/", _form())
    question = OutcomeQuestion.objects.get()
    response = client.post(f"/staff/outcome-questions/{question.pk}/", {"delete": "1"})
    assert response.status_code == 302
    assert not OutcomeQuestion.objects.exists()
    assert AuditEvent.objects.filter(action="outcome_question.delete").count() == 1


def test_a_question_in_her_language_falls_back_to_english(world) -> None:
    question = OutcomeQuestion.objects.create(
        text={"en-gb": "How are things?", "cy": "Sut mae pethau?"},
        scale_points=2,
        scale_labels={"en-gb": ["Low", "High"], "cy": ["Isel", "Uchel"]},
    )
    assert question_in(question, "cy") == ("Sut mae pethau?", ["Isel", "Uchel"])
    assert question_in(question, "pl") == ("How are things?", ["Low", "High"])
    assert question_in(question, "") == ("How are things?", ["Low", "High"])


def test_the_demo_seeds_three_placeholder_questions_in_every_language_once(world) -> None:
    from survivor_portal.management.commands.seed_demo import _seed_outcome_questions

    _seed_outcome_questions(manager=world.manager)
    _seed_outcome_questions(manager=world.manager)
    questions = active_questions()
    assert len(questions) == 3
    for question in questions:
        for code in CODES:
            text, labels = question_in(question, code)
            assert text == question.text[code] and len(labels) == question.scale_points
        assert "placeholder" in question.text["en-gb"].lower()
        assert "licensed wording" in question.text["en-gb"]
