"""The one discretion check (SPEC 4): words that may never appear in a text to
her phone, a page title or a page address, because someone else may read her
screen or her browser's history.

The list is the ``DISCRETION_WORDS`` setting. Text is normalised before it is
matched, so that look-alike spellings do not slip through: compatibility forms
folded (NFKC: full-width letters, ligatures), invisible format characters
removed (zero-width spaces and joiners, soft hyphens, direction marks: Unicode
category Cf), accents dropped, common Cyrillic, Greek and Armenian look-alikes
mapped to the Latin letter they imitate, and case folded. A listed word
matches anywhere inside a word ("supportive", "nonviolent"): stricter is safer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.conf import settings

# Letters from other scripts that look like Latin letters in common fonts
# (after case folding), mapped to the Latin letter. A subset of Unicode's
# confusables.txt: the ones a person can type on a phone keyboard.
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "ь": "b",
        "с": "c",
        "ԁ": "d",
        "е": "e",
        "ё": "e",
        "һ": "h",
        "н": "h",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "ӏ": "l",
        "м": "m",
        "п": "n",
        "о": "o",
        "р": "p",
        "ԛ": "q",
        "г": "r",
        "ѕ": "s",
        "т": "t",
        "у": "y",
        "ѵ": "v",
        "ԝ": "w",
        "х": "x",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "μ": "u",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "γ": "y",
        "ω": "w",
        "ζ": "z",
        # Armenian
        "օ": "o",
        "ս": "u",
        "ո": "n",
        "հ": "h",
        "ց": "g",
        # Latin letters that are not plain ASCII after folding
        "ı": "i",
        "ȷ": "j",
        "ɡ": "g",
        "ʀ": "r",
        "ʏ": "y",
        "ᴠ": "v",
    }
)


def discretion_normalise(text: str) -> str:
    """The text as the discretion check reads it (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    text = text.casefold()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return text.translate(CONFUSABLES)


def discretion_words_for(language: str | None = None) -> list[str]:
    """The words a text in ``language`` is checked against (SPEC 11): the one list
    (``DISCRETION_WORDS``) plus that language's own (``DISCRETION_WORDS_BY_LANGUAGE``).
    English words are refused in every language: they turn up in any text."""
    own = settings.DISCRETION_WORDS_BY_LANGUAGE.get(language or "", [])
    return [*settings.DISCRETION_WORDS, *own]


def discretion_words_in(
    text: str, *, words: Iterable[str] | None = None, language: str | None = None
) -> list[str]:
    """The listed words that ``text`` contains once normalised (empty: it is
    discreet). With ``language``, that language's list is checked as well."""
    normalised = discretion_normalise(text)
    listed = discretion_words_for(language) if words is None else words
    return [word for word in listed if discretion_normalise(word) in normalised]
