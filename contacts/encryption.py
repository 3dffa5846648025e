"""Encryption at rest for message bodies, phone numbers and safe-contact notes.

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest
first), kept apart from ``SECRET_KEY`` and from the database. ``MultiFernet``
decrypts with any listed key and encrypts with the first, so a key is rotated
by putting a new one in front and running ``manage.py reencrypt_fields``.
Phone numbers are found by a keyed hash (HMAC-SHA256 with ``PHONE_HASH_KEY``),
never by their plaintext.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def current_fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _PREFIX + current_fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(_PREFIX):
        raise ValueError("Stored value is not encrypted.")
    try:
        return current_fernet().decrypt(stored[len(_PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise ValueError("Stored value cannot be decrypted with the configured keys.") from error


def rotate(stored: str) -> str:
    """Re-encrypt a stored token with the newest key."""
    return _PREFIX + current_fernet().rotate(stored[len(_PREFIX) :].encode("ascii")).decode("ascii")


def phone_hash(e164: str) -> str:
    key = settings.PHONE_HASH_KEY.encode("utf-8")
    return hmac.new(key, e164.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token; the empty string stays empty."""

    def from_db_value(
        self, value: str | None, expression: object, connection: object
    ) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: object) -> str | None:
        prepared = super().get_prep_value(value)
        if prepared is None or prepared == "":
            return prepared
        return encrypt(str(prepared))
