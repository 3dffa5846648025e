"""How many SMS segments a text takes, by the real encoding rules (3GPP TS 23.038).

A text written only in the GSM 03.38 default alphabet (plus its extension
table, whose characters take two septets each) is sent as GSM-7: 160 septets
fit in one segment, 153 in each part of a longer one. Any other character
(Welsh ŵ and ŷ, Polish ą and ł, Urdu, emoji, curly quotes) sends the whole
text as UCS-2: 70 UTF-16 code units in one segment, 67 in each part of a longer
one (a character outside the Basic Multilingual Plane counts as two).

Her check-in and nudge texts must fit in one segment in every language (SPEC 11):
a text split in two can arrive in pieces or out of order on her phone.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int  # segments the text is sent in
    single_limit: int  # what fits in one segment in this encoding


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def sms_segments(text: str) -> Segments:
    """The encoding, size and number of segments of ``text``."""
    if is_gsm7(text):
        units = sum(2 if char in GSM7_EXTENSION else 1 for char in text)
        single, part, encoding = GSM7_SINGLE, GSM7_PART, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = UCS2_SINGLE, UCS2_PART, "UCS-2"
    count = 1 if units <= single else -(-units // part)
    return Segments(encoding=encoding, units=units, count=count, single_limit=single)
