"""The programme side's errors say nothing of the other side (SPEC 2: no error
message on the programme side differs by, or tells of, a survivor): no class
name, code or message in ``programme.errors`` uses her side's words."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from contacts.discretion import discretion_normalise
from contacts.errors import ServiceError
from programme import errors

# The discretion list (SPEC 4) less the programme's own name, which is the
# programme side's word for itself.
PROGRAMME_OWN_WORDS = {"programme", "program"}
# Her side's words beyond that list. Words of four letters or more match inside
# a word, as the discretion check does; shorter ones only as a whole word
# ("her" is not "other").
HER_SIDE_WORDS = ["survivor", "partner", "woman", "women", "wss", "her", "hers", "she"]


def her_side_words_in(text: str) -> list[str]:
    listed = [w for w in settings.DISCRETION_WORDS if w not in PROGRAMME_OWN_WORDS]
    tokens = re.findall(r"[a-z]+", discretion_normalise(text))
    return sorted(
        {
            word
            for word in [*listed, *HER_SIDE_WORDS]
            for token in tokens
            if (word in token if len(word) >= 4 else word == token)
        }
    )


def _programme_errors() -> list[type[ServiceError]]:
    return [
        value
        for value in vars(errors).values()
        if isinstance(value, type)
        and issubclass(value, ServiceError)
        and value.__module__ == errors.__name__
    ]


def test_the_check_finds_her_side_words_and_passes_the_programme_s_own() -> None:
    assert her_side_words_in("Tell Her worker") == ["her"]
    assert her_side_words_in("SurvivorNotice") == ["survivor"]
    assert her_side_words_in("There is another programme group for him.") == []


@pytest.mark.parametrize("error_class", _programme_errors(), ids=lambda cls: cls.__name__)
def test_no_programme_error_uses_her_side_s_words(error_class: type[ServiceError]) -> None:
    class_name = re.sub(r"(?<!^)(?=[A-Z])", " ", error_class.__name__)
    texts = [class_name, *error_class.messages, *map(str, error_class.messages.values())]
    assert {text: her_side_words_in(text) for text in texts if her_side_words_in(text)} == {}


def test_the_programme_s_errors_live_on_the_programme_side() -> None:
    names = {cls.__name__ for cls in _programme_errors()}
    assert {"ProgrammeError", "RegisterError", "RegisterImportError"} <= names
