"""Check-in and nudge texts in her language (SPEC 11): one SMS
segment by the real encoding rules, the replies 1/2/3, and each language's own
discretion list on top of the English one."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from checkins.errors import CheckInError
from checkins.models import OutboundMessage, SmsTexts
from checkins.services.checkins import (
    DEFAULT_TEXTS,
    LONGEST_NAME,
    SAFE_CHECKIN_TEXT,
    checkins_dispatch_due,
    sms_nudge_queue,
    sms_texts_update,
    text_problem,
)
from checkins.sms_segments import sms_segments
from contacts.discretion import discretion_words_in
from survivors.models import Survivor

from ..conftest import sign_in
from .conftest import due_plan

# --- Segment counting (3GPP TS 23.038) ----------------------------------------------


def test_gsm7_texts_fit_160_characters_in_one_segment() -> None:
    assert sms_segments("a" * 160).count == 1
    assert sms_segments("a" * 160).encoding == "GSM-7"
    assert sms_segments("a" * 161).count == 2  # 153 + 8
    assert sms_segments("a" * 306).count == 2
    assert sms_segments("a" * 307).count == 3
    # Accents in the GSM alphabet stay GSM-7: é, ñ, Ø, £.
    assert sms_segments("é" * 80 + "£" * 80).encoding == "GSM-7"


def test_gsm7_extension_characters_take_two_septets() -> None:
    assert sms_segments("€" * 80).units == 160 and sms_segments("€" * 80).count == 1
    assert sms_segments("€" * 81).count == 2
    assert sms_segments("[x]{y}").units == 10


def test_any_other_letter_makes_the_whole_text_ucs2_of_70() -> None:
    welsh = "ŵ" + "a" * 69
    assert sms_segments(welsh).encoding == "UCS-2"
    assert sms_segments(welsh).count == 1
    assert sms_segments(welsh + "a").count == 2  # 71 code units: 67 + 4
    assert sms_segments("ł" * 134).count == 2 and sms_segments("ł" * 135).count == 3
    assert sms_segments("س" * 70).count == 1 and sms_segments("س" * 71).count == 2
    # A curly apostrophe alone turns an English text into UCS-2.
    assert sms_segments("It’s " + "a" * 66).count == 2
    # Outside the Basic Multilingual Plane a character counts twice.
    assert sms_segments("🙂" * 35).units == 70 and sms_segments("🙂" * 36).count == 2


# --- The shipped texts, in every language ---------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_shipped_text_fits_one_segment_offers_1_2_3_and_is_discreet(language) -> None:
    with translation.override(language):
        texts = {kind: translation.gettext(text) for kind, text in DEFAULT_TEXTS.items()}
        safe = translation.gettext(SAFE_CHECKIN_TEXT)
    for kind, text in [*texts.items(), ("checkin_text", safe)]:
        assert "{name}" in text or text == safe
        assert sms_segments(text.replace("{name}", LONGEST_NAME)).count == 1, (language, text)
        assert text_problem(text, language=language, kind=kind) is None, (language, text)
    if language != settings.LANGUAGE_CODE:
        assert texts["checkin_text"] != DEFAULT_TEXTS["checkin_text"], "not translated"


# --- Each language's discretion list ------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [
        ("cy", "Newyddion y rhaglen: atebwch 1, 2 neu 3", "rhaglen"),
        ("cy", "Neges gan yr heddlu. Atebwch 1, 2 neu 3", "heddlu"),
        ("pl", "Informacja o przemocy. Odpisz 1, 2 lub 3", "przemoc"),
        ("pl", "Wiadomosc z policji. Odpisz 1, 2 lub 3", "policj"),
        ("ur", "پولیس کا پیغام: 1، 2 یا 3", "پولیس"),
        ("ur", "گھریلو معاملہ: 1، 2 یا 3", "گھریلو"),
    ],
)
def test_a_text_with_a_word_from_its_languages_list_is_refused(language, text, word) -> None:
    assert word in discretion_words_in(text, language=language)
    assert text_problem(text, language=language, kind="checkin_text") == "forbidden_word"
    # Another language's list does not apply to it (the English one always does).
    other = "pl" if language != "pl" else "cy"
    assert word not in discretion_words_in(text, language=other)


@pytest.mark.parametrize("language", ["cy", "pl", "ur"])
def test_english_words_are_refused_in_every_language(language) -> None:
    assert text_problem("Support 1, 2, 3", language=language) == "forbidden_word"


def test_disguised_welsh_words_are_refused_after_normalising() -> None:
    assert text_problem("RHAGLEN\u200b: 1, 2, 3", language="cy") == "forbidden_word"
    assert text_problem("Rhag\u00adlen: 1, 2, 3", language="cy") == "forbidden_word"


def test_a_check_in_text_must_offer_the_digits_1_2_and_3() -> None:
    assert (
        text_problem("Helo {name}. Atebwch un, dau neu dri.", language="cy", kind="checkin_text")
        == "no_replies"
    )
    assert (
        text_problem("Helo {name}. Atebwch 1, 2 neu 3.", language="cy", kind="checkin_text") is None
    )
    assert (
        text_problem("Helo {name}. Atebwch 12 neu 3.", language="cy", kind="checkin_text")
        == "no_replies"
    )


# --- Sending in her language -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("cy", "Helo, Sam sydd yma."),
        ("pl", "Hej, tu Sam."),
        ("ur", "Sam: سب ٹھیک"),
        ("", "Hi, it's Sam."),
    ],
)
def test_her_check_in_is_sent_in_her_language(her, worker, language, start) -> None:
    Survivor.objects.filter(pk=her.pk).update(language=language)
    due_plan(her, worker)
    assert checkins_dispatch_due() == {"queued": 1}
    body = OutboundMessage.objects.get().body
    assert body.startswith(start), body
    assert sms_segments(body).count == 1
    assert all(digit in body for digit in "123")


def test_her_nudge_is_sent_in_her_language(her) -> None:
    her.language = "cy"
    her.sms_nudges = True
    her.save()
    message = sms_nudge_queue(survivor=her)
    assert message.body == "Helo, Sam sydd yma. Mae neges newydd i chi."


def test_the_managers_wording_per_language_is_used_and_checked(her, worker, db) -> None:
    sms_texts_update(
        actor=worker,
        checkin_text=SmsTexts.load().checkin_text,
        nudge_text=SmsTexts.load().nudge_text,
        translations={"cy": {"checkin_text": "Shwmae, {name} yma. Atebwch 1, 2 neu 3."}},
    )
    Survivor.objects.filter(pk=her.pk).update(language="cy")
    due_plan(her, worker)
    checkins_dispatch_due()
    assert OutboundMessage.objects.get().body == "Shwmae, Sam yma. Atebwch 1, 2 neu 3."
    before = SmsTexts.load().translations
    for wording, code in (
        ({"ur": {"checkin_text": "{name}: " + "س" * 60 + " 1 2 3"}}, "too_long"),
        ({"pl": {"nudge_text": "Wsparcie dla Ciebie"}}, "forbidden_word"),
        ({"pl": {"checkin_text": "Hej {name}, jak sie masz?"}}, "no_replies"),
    ):
        with pytest.raises(CheckInError) as refused:
            sms_texts_update(
                actor=worker,
                checkin_text=SmsTexts.load().checkin_text,
                nudge_text=SmsTexts.load().nudge_text,
                translations=wording,
            )
        assert refused.value.code == code
        assert SmsTexts.load().translations == before


def test_the_manager_edits_each_language_on_the_texts_page(world) -> None:
    client = sign_in(Client(), world.manager)
    page = client.get("/staff/texts/").content.decode()
    assert 'name="checkin_text__cy"' in page and 'name="nudge_text__ur"' in page
    assert "Helo, {name} sydd yma." in page  # the shipped Welsh, as the placeholder
    data = {
        "checkin_text": SmsTexts.load().checkin_text,
        "nudge_text": SmsTexts.load().nudge_text,
        "checkin_text__ur": "{name}: پولیس 1 2 3",
    }
    response = client.post("/staff/texts/", data)
    assert response.status_code == 400
    assert "ur: Texts cannot contain that word" in response.content.decode()
    data["checkin_text__ur"] = "{name}: ٹھیک 1، کال 2، فوری 3"
    assert client.post("/staff/texts/", data).status_code == 302
    assert SmsTexts.load().translations == {"ur": {"checkin_text": "{name}: ٹھیک 1، کال 2، فوری 3"}}
