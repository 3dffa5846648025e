"""SPEC 2: the audit log is append-only in the database, not only in
Python. The suite runs on SQLite and again on PostgreSQL (``.ci/run``), so each
of these holds on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from checkins.services.retention import retention_purge
from contacts.models import AuditAction, AuditEvent
from contacts.services.audit import audit_record


@pytest.fixture
def event(db: None) -> AuditEvent:
    return audit_record(actor=None, action=AuditAction.AUDIT_VIEW)


def _refused(statement) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        statement()


def test_the_database_refuses_an_update_that_skips_the_model(event) -> None:
    _refused(lambda: AuditEvent._base_manager.filter(pk=event.pk).update(action="edited"))
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.AUDIT_VIEW


def test_the_database_refuses_a_delete_that_skips_the_model(event) -> None:
    _refused(lambda: AuditEvent._base_manager.filter(pk=event.pk).delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_raw_sql(event) -> None:
    table = AuditEvent._meta.db_table

    def update() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["x", event.pk])  # noqa: S608

    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608

    _refused(update)
    _refused(delete)
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.AUDIT_VIEW


def test_new_rows_are_still_written(event) -> None:
    before = AuditEvent.objects.count()
    audit_record(actor=None, action=AuditAction.AUDIT_EXPORT)
    assert AuditEvent.objects.count() == before + 1


def test_retention_keeps_the_audit_log_and_records_what_it_removed(event) -> None:
    """The purge deletes old messages and texts, never audit rows: it adds one
    row saying how many of each it removed."""
    old = AuditEvent.objects.count()
    retention_purge(now=timezone.now() + timedelta(days=3650))
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert AuditEvent.objects.count() == old + 1
    purge = AuditEvent.objects.get(action=AuditAction.RETENTION_PURGE)
    assert purge.object_type == "counts" and purge.object_id.startswith("m")


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_leaves_it_protected() -> None:
    """``manage.py flush`` (tests, development) is the one way to empty it; the
    protection is back afterwards."""
    audit_record(actor=None, action=AuditAction.AUDIT_VIEW)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    kept = audit_record(actor=None, action=AuditAction.AUDIT_VIEW)
    _refused(lambda: AuditEvent._base_manager.filter(pk=kept.pk).delete())
