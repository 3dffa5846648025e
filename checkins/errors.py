"""Check-ins' errors (SPEC 5): a check-in plan or the text of a check-in or a
nudge that cannot be saved."""

from __future__ import annotations

from contacts.errors import ServiceError


class CheckInError(ServiceError):
    messages = {
        "no_days": "Choose at least one day of the week.",
        "bad_frequency": "Choose how often to check in.",
        "bad_window": "The reply window must be between 1 and 168 hours.",
        "forbidden_word": "Texts cannot contain that word: someone else may read her phone.",
        "link": "Texts cannot contain a link: someone else may read her phone.",
        "empty": "Write the text.",
        "too_long": (
            "Keep the text to one text message: 160 characters in plain letters, or 70 if "
            "it uses any other letter (such as ŵ, ł or Urdu script), with the sender name "
            "in place of {name}."
        ),
        "no_replies": "A check-in text must offer the replies 1, 2 and 3.",
    }
