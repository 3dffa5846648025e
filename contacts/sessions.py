"""A staff member's own signed-in sessions (SPEC 8): what she sees of
each (the browser it is in, when it began, when it was last used) and the
token that names one without giving its session key away. Staff sessions only:
nothing about a survivor's phone is ever recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import salted_hmac

DEVICE_KEY = "staff_device"
_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str) -> str:
    """ "Chrome on Windows": enough to recognise her own browser, nothing more."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "A browser")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    label = f"{browser} on {system}" if system else browser
    return re.sub(r"[^\w .-]", "", label)[:40]


def session_token(session_key: str) -> str:
    return salted_hmac("contacts.sessions", session_key).hexdigest()[:24]


@dataclass(frozen=True)
class OwnSession:
    token: str
    device: str
    started: datetime | None
    last_seen: datetime | None
    current: bool


def _when(stamp: object) -> datetime | None:
    if isinstance(stamp, int | float):
        return datetime.fromtimestamp(stamp, tz=timezone.get_current_timezone())
    return None


def live_sessions_of(user_id: int) -> list[tuple[str, dict]]:
    """(session key, data) of every unexpired session of this account."""
    found = []
    target = str(user_id)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if str(data.get("_auth_user_id", "")) == target:
            found.append((session.session_key, data))
    return found


def own_sessions(*, user_id: int, current_key: str | None) -> list[OwnSession]:
    sessions = [
        OwnSession(
            token=session_token(key),
            device=data.get(DEVICE_KEY) or "A browser",
            started=_when(data.get("started_at")),
            last_seen=_when(data.get("last_seen")),
            current=key == current_key,
        )
        for key, data in live_sessions_of(user_id)
    ]
    return sorted(
        sessions,
        key=lambda s: (not s.current, -(s.last_seen or s.started or timezone.now()).timestamp()),
    )
