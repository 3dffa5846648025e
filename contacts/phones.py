"""Phone numbers as E.164, for both sides: her safe number on the Women's
Support Service (WSS) side, a partner's number the programme passes on
(SPEC 13). The keyed hash that finds a number without a plaintext search is
``contacts.encryption.phone_hash``."""

from __future__ import annotations

import phonenumbers


class PhoneNumberInvalid(ValueError):
    """Not a number a phone in the UK (or abroad, with its +code) could ring."""


def phone_e164(raw: str, *, region: str = "GB") -> str:
    """A phone number as E.164 (``+447700900123``); "" for an empty one."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise PhoneNumberInvalid(raw) from error
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # Ofcom keeps 07700 900000-900999 for drama and testing (demo data uses them).
    fictional = e164.startswith("+447700900") and len(e164) == 13
    if not (phonenumbers.is_valid_number(number) or fictional):
        raise PhoneNumberInvalid(raw)
    return e164
