"""A few questions for her in her portal (SPEC 14, SPEC 4, SPEC 11): her
earliest due check-point in her language, every question optional with
"prefer not to say", a plain form that works without JavaScript, a draft
kept on the server through quick exit; a session signed in with her second
passphrase sees nothing to answer and stores nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from survivors.models import CheckPoint, OutcomeAnswer, OutcomeQuestion
from survivors.services.second_passphrase import duress_passphrase_set

from ..conftest import sign_in

USUAL = "a long passphrase 42"
SECOND = "blue kettle morning"
PAGE = "/your-views/"

QUESTION_TEXT = {
    "en-gb": "How settled do you feel at home?",
    "cy": "Pa mor gartrefol ydych chi’n teimlo gartref?",
    "pl": "Jak spokojnie czujesz się w domu?",
    "ur": "آپ گھر میں کتنا سکون محسوس کرتی ہیں؟",
}
LABELS = {
    "en-gb": ["Not at all", "A little", "Mostly", "Completely"],
    "cy": ["Dim o gwbl", "Ychydig", "Gan amlaf", "Yn llwyr"],
    "pl": ["Wcale", "Trochę", "Przeważnie", "Całkowicie"],
    "ur": ["بالکل نہیں", "تھوڑا", "زیادہ تر", "مکمل طور پر"],
}
# What the page itself says, in each language (locale/*/django.po).
PAGE_WORDS = {
    "en-gb": ("Prefer not to say", "Save and finish later", "Send my answers"),
    "cy": ("Gwell gen i beidio â dweud", "Cadw a gorffen wedyn", "Anfon fy atebion"),
    "pl": ("Wolę nie odpowiadać", "Zapisz i dokończ później", "Wyślij moje odpowiedzi"),
    "ur": ("میں نہیں بتانا چاہتی", "محفوظ کریں اور بعد میں مکمل کریں", "میرے جوابات بھیجیں"),
}


@pytest.fixture
def questions(db) -> list[OutcomeQuestion]:
    return [
        OutcomeQuestion.objects.create(
            position=1, text=QUESTION_TEXT, scale_points=4, scale_labels=LABELS
        ),
        # Held in English only: shown in English, marked as such, in any language.
        OutcomeQuestion.objects.create(
            position=2,
            text={"en-gb": "How often do you sleep well?"},
            scale_points=3,
            scale_labels={"en-gb": ["Rarely", "Sometimes", "Often"]},
        ),
    ]


def _due(survivor, *, in_portal: bool = True) -> CheckPoint:
    survivor.outcomes_consent_at = timezone.now()
    survivor.outcomes_in_portal = in_portal
    survivor.save(update_fields=["outcomes_consent_at", "outcomes_in_portal"])
    return CheckPoint.objects.create(
        survivor=survivor, stage=CheckPoint.Stage.INTAKE, due_at=timezone.now()
    )


def _signed_in(survivor, passphrase: str = USUAL) -> Client:
    """Signed in through the form, as she does (her language comes from her record)."""
    client = Client()
    response = client.post("/", {"username": survivor.user.username, "passphrase": passphrase})
    assert response.status_code == 303
    return client


def _checked(body: str) -> set[str]:
    return {
        re.search(r'id="([^"]+)"', tag).group(1)
        for tag in re.findall(r"<input[^>]*>", body)
        if 'type="radio"' in tag and " checked" in tag
    }


@pytest.mark.parametrize("language", ["en-gb", "cy", "pl", "ur"])
def test_her_questions_are_in_her_language_with_prefer_not_to_say(
    world, questions, language: str
) -> None:
    her = world.survivor_a
    her.language = language
    her.save(update_fields=["language"])
    _due(her)
    response = _signed_in(her).get(PAGE)
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert QUESTION_TEXT[language] in body
    for label in LABELS[language]:
        assert label in body
    for words in PAGE_WORDS[language]:
        assert words in body
    # The English-only question is shown in English, marked so.
    assert '<legend lang="en-gb" dir="auto">How often do you sleep well?</legend>' in body
    # "Prefer not to say" for every question; no question required.
    assert body.count('value="none"') == 2
    assert "required" not in re.search(r"<form.*</form>", body, re.S).group(0)
    # Quick exit on the page; no id in its address.
    assert 'id="leave"' in body


def test_a_plain_form_post_saves_a_draft_and_then_sends_her_answers(world, questions) -> None:
    first, second = questions
    her = world.survivor_a
    check_point = _due(her)
    client = _signed_in(her)
    # A plain post, as a browser without JavaScript sends it.
    draft = client.post(PAGE, {f"q{first.pk}": "3", "save": "draft"})
    assert draft.status_code == 303 and draft["Location"] == PAGE
    page = client.get(PAGE).content.decode()
    assert "Saved. You can come back and finish at any time." in page
    assert _checked(page) == {f"q{first.pk}-3"}
    check_point.refresh_from_db()
    assert check_point.state == CheckPoint.State.DUE
    sent = client.post(PAGE, {f"q{first.pk}": "4", f"q{second.pk}": "none", "save": "send"})
    assert sent.status_code == 303
    check_point.refresh_from_db()
    assert check_point.state == CheckPoint.State.ANSWERED
    assert check_point.answered_by is None  # she answered herself
    assert dict(check_point.answers.values_list("question_id", "value")) == {
        first.pk: 4,
        second.pk: None,
    }
    after = client.get(PAGE).content.decode()
    assert "Thank you. Your answers have been sent." in after
    assert "Nothing to answer just now." in after


def test_a_choice_off_the_scale_is_refused_clearly_and_nothing_saved(world, questions) -> None:
    first, second = questions
    her = world.survivor_a
    _due(her)
    client = _signed_in(her)
    response = client.post(PAGE, {f"q{first.pk}": "9", f"q{second.pk}": "2", "save": "send"})
    assert response.status_code == 400
    assert "One of the answers is not one of the choices. Nothing was saved" in (
        response.content.decode()
    )
    assert not OutcomeAnswer.objects.exists()


def test_what_she_saved_survives_quick_exit(world, questions) -> None:
    first, second = questions
    her = world.survivor_a
    _due(her)
    client = _signed_in(her)
    client.post(PAGE, {f"q{first.pk}": "2", f"q{second.pk}": "none", "save": "draft"})
    left = client.get("/leave/")
    assert left.status_code == 302
    # Her session is gone...
    assert client.get(PAGE)["Location"] == "/"
    # ...and signing in again, her draft is there, chosen as she left it.
    again = _signed_in(her).get(PAGE).content.decode()
    assert _checked(again) == {f"q{first.pk}-2", f"q{second.pk}-none"}


def test_her_second_passphrase_sees_nothing_to_answer_and_stores_nothing(world, questions) -> None:
    first, _second = questions
    her = world.survivor_a
    check_point = _due(her)
    duress_passphrase_set(survivor=her, passphrase=SECOND, current_passphrase=USUAL)
    quiet = _signed_in(her, SECOND)
    body = quiet.get(PAGE).content.decode()
    assert "Nothing to answer just now." in body
    assert QUESTION_TEXT["en-gb"] not in body and "<fieldset" not in body
    assert "A few questions for you</a>" not in quiet.get("/").content.decode()
    posted = quiet.post(PAGE, {f"q{first.pk}": "3", "save": "send"})
    assert posted.status_code == 303
    check_point.refresh_from_db()
    assert check_point.state == CheckPoint.State.DUE
    assert not OutcomeAnswer.objects.exists()
    # Her own session still finds the questions waiting.
    assert QUESTION_TEXT["en-gb"] in _signed_in(her).get(PAGE).content.decode()


def test_nothing_due_is_the_same_calm_page(world, questions) -> None:
    body = sign_in(Client(), world.survivor_a.user).get(PAGE).content.decode()
    assert "Nothing to answer just now." in body
    assert "<fieldset" not in body


def test_her_home_page_links_to_her_questions_only_if_she_chose_invitations(
    world, questions
) -> None:
    her = world.survivor_a
    link = '<a href="/your-views/">A few questions for you</a>'
    client = sign_in(Client(), her.user)
    assert link not in client.get("/").content.decode()  # nothing due
    check_point = _due(her, in_portal=False)
    assert link not in client.get("/").content.decode()  # due, but no invitations here
    her.outcomes_in_portal = True
    her.save(update_fields=["outcomes_in_portal"])
    assert link in client.get("/").content.decode()
    check_point.state = CheckPoint.State.ANSWERED
    check_point.save()
    assert link not in client.get("/").content.decode()


def test_staff_and_other_women_never_reach_her_questions(world, questions) -> None:
    _due(world.survivor_a)
    other = sign_in(Client(), world.survivor_b.user).get(PAGE).content.decode()
    assert QUESTION_TEXT["en-gb"] not in other and "Nothing to answer just now." in other
    assert sign_in(Client(), world.wss_a).get(PAGE)["Location"] == "/"
