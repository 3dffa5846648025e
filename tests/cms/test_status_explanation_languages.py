"""The status explanations ship in every language the portal offers (SPEC 11):
a language added to LANGUAGES without its explanations fails here, and every
shipped text passes the discretion check in its own language (SPEC 4)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.html import strip_tags

from cms.management.commands.seed_pages import (
    STATUS_EXPLANATION_TRANSLATIONS,
    STATUS_EXPLANATIONS,
)
from cms.models import StatusExplanation
from contacts.discretion import discretion_words_in
from programme.models import ParticipantStatus

LANGUAGES = [code for code, _ in settings.LANGUAGES]


def test_every_status_has_an_explanation_in_every_language(pages) -> None:
    shipped = set(StatusExplanation.objects.values_list("status", "locale__language_code"))
    wanted = {(status, language) for status in ParticipantStatus.values for language in LANGUAGES}
    assert wanted - shipped == set()


def test_the_translations_of_one_explanation_are_one_wagtail_text(pages) -> None:
    """Comms staff see them as translations of each other in the editor."""
    for status in ParticipantStatus.values:
        keys = set(
            StatusExplanation.objects.filter(status=status).values_list(
                "translation_key", flat=True
            )
        )
        assert len(keys) == 1, status


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_explanation_is_discreet_in_its_language(language) -> None:
    texts = (
        {s: (h, t) for s, (h, t, _) in STATUS_EXPLANATIONS.items()}
        if language == settings.LANGUAGE_CODE
        else STATUS_EXPLANATION_TRANSLATIONS[language]
    )
    assert set(texts) == set(ParticipantStatus.values)
    for status, (heading, text) in texts.items():
        words = discretion_words_in(f"{heading} {strip_tags(text)}", language=language)
        assert words == [], (language, status, words)
