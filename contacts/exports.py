"""Subject access exports (SPEC 12), shared by both sides' requests.

An export is one ZIP holding a readable HTML document and a JSON file of the
same data. The ZIP is encrypted at rest with the field-encryption keys (Fernet,
``contacts.encryption``) and written under ``EXPORT_ROOT`` with a random name;
the requesting side's own model keeps that name, who may download it and
when it expires. Nothing here knows whose export it is.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import zipfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from contacts.encryption import current_fernet

_NAME = re.compile(r"^[0-9a-f]{32}\.zip\.enc$")


def export_zip(*, stem: str, html: str, data: Mapping[str, Any]) -> bytes:
    """The ZIP's bytes: ``<stem>.html`` (to read and print) and ``<stem>.json``
    (the same data, machine-readable; dates as ISO 8601)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.html", html)
        archive.writestr(
            f"{stem}.json",
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False, sort_keys=True),
        )
    return buffer.getvalue()


def _path(name: str) -> Path:
    if not _NAME.match(name):
        raise ValueError("Not an export file name.")
    return Path(settings.EXPORT_ROOT) / name


def export_file_write(content: bytes) -> str:
    """Encrypt and store ``content``; returns the file's name (random, no meaning)."""
    name = f"{secrets.token_hex(16)}.zip.enc"
    path = _path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(current_fernet().encrypt(content))
    return name


def export_file_read(name: str) -> bytes:
    """The decrypted ZIP; ``FileNotFoundError`` when it was deleted."""
    return current_fernet().decrypt(_path(name).read_bytes())


def export_file_delete(name: str) -> None:
    """Delete the stored file; a file already gone is not an error."""
    if name:
        _path(name).unlink(missing_ok=True)


def export_kept() -> timedelta:
    """How long an export is kept after it is built: the retention schedule's
    ``exports`` row (SPEC 12; 30 days by default)."""
    return timedelta(days=int(settings.RETENTION_SCHEDULE["exports"]["days"]))
