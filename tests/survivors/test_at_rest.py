"""Encryption at rest, key rotation and retention (SPEC 7)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from checkins.models import PurgeRun
from contacts.models import AuditEvent
from survivors.models import ContactLogEntry, Message
from survivors.services import messages as messages_services

from ..conftest import CANARY_CODE_WORD, CANARY_MESSAGE, CANARY_NAME, CANARY_PHONE
from ..figures import record


def raw_dump() -> str:
    """Every row of every table, as the database holds it."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.append(repr(cursor.fetchall()))
    return "\n".join(parts)


def test_a_raw_database_dump_shows_no_message_body_phone_number_code_word_or_name(world) -> None:
    messages_services.message_send_from_worker(
        worker=world.wss_a, survivor=world.survivor_a, body="reply canary 99 harbour"
    )
    ContactLogEntry.objects.create(
        survivor=world.survivor_a,
        worker=world.wss_a,
        kind="call",
        outcome="spoke",
        note="note canary 55 orchard",
    )
    dump = raw_dump()
    canaries = (
        CANARY_NAME,
        CANARY_MESSAGE,
        CANARY_PHONE,
        CANARY_CODE_WORD,
        "reply canary 99 harbour",
        "note canary 55 orchard",
        CANARY_PHONE.lstrip("+"),
    )
    record("canary plaintexts in a raw database dump", sum(c in dump for c in canaries))
    for canary in (
        CANARY_NAME,
        CANARY_MESSAGE,
        CANARY_PHONE,
        CANARY_CODE_WORD,
        "reply canary 99 harbour",
        "note canary 55 orchard",
        CANARY_PHONE.lstrip("+"),
    ):
        assert canary not in dump, f"{canary!r} found in clear ({connection.vendor})"
    # ...while the application still reads them.
    assert Message.objects.filter(survivor=world.survivor_a).first().body == CANARY_MESSAGE
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.known_as == CANARY_NAME


def test_key_rotation_round_trip(world, settings) -> None:
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    out = StringIO()
    call_command("reencrypt_fields", stdout=out)
    assert "survivors.Message: 1 rows re-encrypted" in out.getvalue()
    # The old key can now be retired: everything still decrypts with the new one alone.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.safe_phone == CANARY_PHONE
    assert world.survivor_a.code_word == CANARY_CODE_WORD
    assert world.survivor_a.known_as == CANARY_NAME
    assert Message.objects.get(survivor=world.survivor_a).body == CANARY_MESSAGE
    # New writes use the newest key.
    messages_services.message_send_from_survivor(survivor=world.survivor_a, body="after rotation")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Message.objects.filter(survivor=world.survivor_a).count() == 2


def test_retention_deletes_old_messages_and_records_counts_only(world, settings) -> None:
    settings.RETENTION_SCHEDULE = {
        **settings.RETENTION_SCHEDULE,
        "messages": {"days": 365, "from": "creation"},
    }
    old = Message.objects.get(survivor=world.survivor_a)
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    messages_services.message_send_from_survivor(survivor=world.survivor_a, body="recent")
    from checkins.tasks import retention_purge_nightly

    retention_purge_nightly.delay()
    assert list(Message.objects.values_list("body", flat=True)) == ["recent"]
    run = PurgeRun.objects.get()
    assert run.counts["messages"] == {"deleted": 1, "held": 0}
    assert "canary" not in str(run.counts)
    event = AuditEvent.objects.get(action="retention.purge")
    assert event.object_id == str(run.pk)
