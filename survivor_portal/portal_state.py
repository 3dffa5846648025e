"""What her session knows about itself, kept where a database dump cannot read it.

Every survivor session holds one value under the same neutral key: a Fernet
token made with the field-encryption keys (``contacts/encryption.py``), padded
to a fixed size before encryption, so a session signed in with her usual
passphrase and one signed in with her second ("duress") passphrase look the
same in the session table, in a cache, or in a signed cookie. Inside: whether
the session is the decoy, and what the decoy has "saved" in this session (its
settings, the messages sent from it), so that the decoy behaves like an
ordinary account for whoever holds the phone while nothing real changes.

Works with any session backend: it only reads and writes one session key.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from django.http import HttpRequest

from contacts.encryption import decrypt, encrypt

STATE_KEY = "portal_view"  # the same neutral key in every survivor session
PAD_TO = 1024  # plaintext bytes; the decoy's state fits well inside one block
_CACHE_ATTRIBUTE = "_portal_state"


class StateUnreadable(Exception):
    """The session's state cannot be decrypted (e.g. its key was retired)."""


@dataclass
class PortalState:
    quiet: bool = False
    # The decoy's own "saved" settings and sent messages (empty when not quiet).
    settings: dict[str, Any] = field(default_factory=dict)
    message_ids: list[int] = field(default_factory=list)
    writes: int = 0


def _seal(state: PortalState) -> str:
    data = asdict(state)
    data["nonce"] = secrets.token_hex(8)
    text = json.dumps(data, separators=(",", ":"))
    size = max(PAD_TO, -(-len(text) // PAD_TO) * PAD_TO)
    return encrypt(text.ljust(size))


def _open(token: str) -> PortalState:
    try:
        data = json.loads(decrypt(token))
    except (ValueError, TypeError) as error:
        raise StateUnreadable from error
    return PortalState(
        quiet=bool(data.get("quiet")),
        settings=dict(data.get("settings") or {}),
        message_ids=[int(pk) for pk in data.get("message_ids") or []],
        writes=int(data.get("writes") or 0),
    )


def state_start(request: HttpRequest, *, quiet: bool) -> PortalState:
    """At sign-in (both kinds): a fresh state, written the same way."""
    state = PortalState(quiet=quiet)
    state_save(request, state)
    return state


def state_for(request: HttpRequest) -> PortalState:
    """This session's state (decrypted once per request); a session without
    one (not signed in at the portal) is an ordinary one."""
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    token = request.session.get(STATE_KEY)
    state = _open(token) if token is not None else PortalState()
    setattr(request, _CACHE_ATTRIBUTE, state)
    return state


def state_save(request: HttpRequest, state: PortalState) -> None:
    """Write the state back. Every write action calls this in a normal session
    too, so both kinds of session change (and set their cookie) alike."""
    state.writes += 1
    request.session[STATE_KEY] = _seal(state)
    setattr(request, _CACHE_ATTRIBUTE, state)


def in_duress(request: HttpRequest) -> bool:
    return state_for(request).quiet
