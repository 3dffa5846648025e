"""SPEC 2: the audit log is append-only in the database, not only in
Python. The suite runs on SQLite and again on PostgreSQL (``.ci/run``), so each
of these holds on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from checkins.services.retention import retention_apply
from contacts.audit_protection import audit_rows_delete
from contacts.models import AuditAction, AuditEvent, AuditRetentionCutoff
from contacts.services.audit import audit_record


@pytest.fixture
def event(db: None) -> AuditEvent:
    return audit_record(actor=None, action=AuditAction.AUDIT_VIEW)


def _written(at) -> AuditEvent:
    return AuditEvent.objects.create(action=AuditAction.AUDIT_VIEW, at=at)


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


def test_retention_keeps_audit_rows_inside_their_period_and_records_the_run(event) -> None:
    """SPEC 12: a run deletes no audit row younger than the log's own period; it
    adds one row naming the run (whose record holds the counts)."""
    old = AuditEvent.objects.count()
    run = retention_apply(now=timezone.now() + timedelta(days=365))
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert AuditEvent.objects.count() == old + 1
    purge = AuditEvent.objects.get(action=AuditAction.RETENTION_PURGE)
    assert (purge.object_type, purge.object_id) == ("purge_run", str(run.pk))


def test_a_recorded_cutoff_lets_only_older_rows_be_deleted(event) -> None:
    """The one DELETE the trigger allows: rows older than the cutoff a
    retention run records. A recent row is still refused, and UPDATE always."""
    aged = _written(event.at - timedelta(days=9))
    with transaction.atomic():
        AuditRetentionCutoff.objects.update_or_create(
            pk=1, defaults={"deletes_before": event.at - timedelta(days=1)}
        )
        _refused(lambda: AuditEvent._base_manager.filter(pk=event.pk).delete())
        _refused(lambda: AuditEvent._base_manager.filter(pk=aged.pk).update(action="edited"))
        assert AuditEvent._base_manager.filter(pk=aged.pk).delete()[0] == 1
        AuditRetentionCutoff.objects.filter(pk=1).update(deletes_before=None)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    # With the cutoff cleared, even an old row is refused again.
    older = _written(event.at - timedelta(days=9))
    _refused(lambda: AuditEvent._base_manager.filter(pk=older.pk).delete())


def test_the_retention_helper_deletes_only_rows_past_the_cutoff(event) -> None:
    aged = _written(event.at - timedelta(days=9))
    cutoff = event.at - timedelta(days=1)
    assert audit_rows_delete(ids=[aged.pk, event.pk], cutoff=cutoff) == 1
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert not AuditEvent.objects.filter(pk=aged.pk).exists()
    assert AuditRetentionCutoff.objects.get().deletes_before is None
    _refused(lambda: AuditEvent._base_manager.filter(pk=event.pk).delete())


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_leaves_it_protected() -> None:
    """``manage.py flush`` (tests, development) is the one way to empty it; the
    protection is back afterwards."""
    audit_record(actor=None, action=AuditAction.AUDIT_VIEW)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    kept = audit_record(actor=None, action=AuditAction.AUDIT_VIEW)
    _refused(lambda: AuditEvent._base_manager.filter(pk=kept.pk).delete())
