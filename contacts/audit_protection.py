"""The audit log is append-only in the database too (SPEC 2), not only in
Python: a trigger refuses every UPDATE and DELETE on ``contacts_auditevent`` on
PostgreSQL and on SQLite, whoever sends it (the ORM's ``_base_manager``, raw
SQL, a shell).

One kind of DELETE is let through: the retention run (SPEC 12) deletes rows
past the audit log's own period. It writes its cutoff to the one-row table
``contacts_auditretentioncutoff`` and clears it again in the same transaction
(``audit_rows_delete_before`` below); the trigger lets a DELETE through only
when the row's ``at`` is older than that cutoff. Outside a retention run the
cutoff is empty and every DELETE is refused; UPDATE is always refused.

The other exception is ``manage.py flush`` (tests and development), which empties
every table: on PostgreSQL it uses TRUNCATE, which row triggers do not see; on
SQLite it deletes rows, so our ``flush`` command lifts the trigger for the
length of its own transaction and puts it back (``contacts/management/commands/flush.py``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "The audit log is append-only."

CUTOFF_TABLE = "contacts_auditretentioncutoff"
# A DELETE is allowed only for a row older than the cutoff the retention run set.
_OLDER_THAN_CUTOFF = (
    "EXISTS (SELECT 1 FROM contacts_auditretentioncutoff "
    "WHERE deletes_before IS NOT NULL AND OLD.at < deletes_before)"
)


def _sqlite_create(delete_allowed_if: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS contacts_auditevent_no_update",
        "DROP TRIGGER IF EXISTS contacts_auditevent_no_delete",
        "CREATE TRIGGER contacts_auditevent_no_update BEFORE UPDATE ON "
        f"contacts_auditevent BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        "CREATE TRIGGER contacts_auditevent_no_delete BEFORE DELETE ON "
        f"contacts_auditevent WHEN NOT {delete_allowed_if} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def _postgres_create(delete_allowed_if: str) -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION contacts_auditevent_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' AND {delete_allowed_if} THEN RETURN OLD; END IF; "
        f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
        "END $$",
        "DROP TRIGGER IF EXISTS contacts_auditevent_append_only ON contacts_auditevent",
        "CREATE TRIGGER contacts_auditevent_append_only BEFORE UPDATE OR DELETE ON "
        "contacts_auditevent FOR EACH ROW EXECUTE FUNCTION contacts_auditevent_append_only()",
    ]


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS contacts_auditevent_no_update",
    "DROP TRIGGER IF EXISTS contacts_auditevent_no_delete",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS contacts_auditevent_append_only ON contacts_auditevent",
    "DROP FUNCTION IF EXISTS contacts_auditevent_append_only()",
]


def _statements(connection: BaseDatabaseWrapper, *, create: bool) -> list[str]:
    # Migration 0001 protects the log before 0002 makes the cutoff table: until
    # then the trigger refuses every DELETE (a trigger naming a missing table
    # would break SQLite's ALTER TABLE on any other table).
    if create and CUTOFF_TABLE in connection.introspection.table_names():
        allowed = _OLDER_THAN_CUTOFF
    else:
        allowed = "FALSE" if connection.vendor == "postgresql" else "0"
    if connection.vendor == "postgresql":
        return _postgres_create(allowed) if create else POSTGRES_DROP
    if connection.vendor == "sqlite":
        return _sqlite_create(allowed) if create else SQLITE_DROP
    return []


def protect(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, create=True):
            cursor.execute(statement)


def unprotect(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, create=False):
            cursor.execute(statement)


def audit_rows_delete(*, ids: Collection[int], cutoff: datetime) -> int:
    """Delete the audit rows among ``ids`` that are older than ``cutoff``;
    returns how many. The only code that deletes audit rows (retention, SPEC 12):
    it records the cutoff the trigger checks, deletes, and clears the cutoff
    again, all in one transaction."""
    from contacts.models import AuditEvent, AuditRetentionCutoff

    with transaction.atomic():
        AuditRetentionCutoff.objects.update_or_create(pk=1, defaults={"deletes_before": cutoff})
        # The model and its queryset refuse deletes in Python; the base manager
        # sends the DELETE and the trigger decides.
        deleted = AuditEvent._base_manager.filter(pk__in=list(ids), at__lt=cutoff).delete()[0]
        AuditRetentionCutoff.objects.filter(pk=1).update(deletes_before=None)
    return deleted
