"""The data migration that hid duress markers (contacts 0005) writes the same
encrypted state the portal reads today, without importing the portal."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from survivor_portal.portal_state import STATE_KEY, _open

migration = import_module("contacts.migrations.0005_duress_messages_and_phone_alerts")


def test_a_legacy_duress_session_is_rewritten_in_the_portals_format(db) -> None:
    store = SessionStore()
    store["portal_quiet"] = True
    store["portal_quiet_settings"] = {"code_word": "typed-by-him"}
    store.create()
    migration.hide_duress_markers(apps, None)
    data = Session.objects.get(pk=store.session_key).get_decoded()
    assert "portal_quiet" not in data and "portal_quiet_settings" not in data
    state = _open(data[STATE_KEY])
    assert state.quiet is True and state.settings == {"code_word": "typed-by-him"}
    assert migration.STATE_KEY == STATE_KEY
