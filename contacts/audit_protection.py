"""The audit log is append-only in the database too (SPEC 2), not only in
Python: a trigger refuses every UPDATE and DELETE on ``contacts_auditevent`` on
PostgreSQL and on SQLite, whoever sends it (the ORM's ``_base_manager``, raw
SQL, a shell). Nothing in the service deletes audit rows: retention purges
messages, check-ins, texts and sign-in records and leaves the log whole.

The one exception is ``manage.py flush`` (tests and development), which empties
every table: on PostgreSQL it uses TRUNCATE, which row triggers do not see; on
SQLite it deletes rows, so our ``flush`` command lifts the trigger for the
length of its own transaction and puts it back (``contacts/management/commands/flush.py``).
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "The audit log is append-only."

SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS contacts_auditevent_no_update BEFORE UPDATE ON "
    f"contacts_auditevent BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "CREATE TRIGGER IF NOT EXISTS contacts_auditevent_no_delete BEFORE DELETE ON "
    f"contacts_auditevent BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS contacts_auditevent_no_update",
    "DROP TRIGGER IF EXISTS contacts_auditevent_no_delete",
]
POSTGRES_CREATE = [
    "CREATE OR REPLACE FUNCTION contacts_auditevent_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
    "END $$",
    "DROP TRIGGER IF EXISTS contacts_auditevent_append_only ON contacts_auditevent",
    "CREATE TRIGGER contacts_auditevent_append_only BEFORE UPDATE OR DELETE ON "
    "contacts_auditevent FOR EACH ROW EXECUTE FUNCTION contacts_auditevent_append_only()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS contacts_auditevent_append_only ON contacts_auditevent",
    "DROP FUNCTION IF EXISTS contacts_auditevent_append_only()",
]


def _statements(connection: BaseDatabaseWrapper, *, create: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    if connection.vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    return []


def protect(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, create=True):
            cursor.execute(statement)


def unprotect(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, create=False):
            cursor.execute(statement)
