"""Django's ``flush`` (empty every table: tests and development), which on
SQLite must lift the audit log's append-only trigger while it deletes, and
puts it back in the same transaction (``contacts.audit_protection``).
PostgreSQL's flush uses TRUNCATE, which the row trigger does not see."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from contacts import audit_protection


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            audit_protection.unprotect(connection)
            super().handle(**options)
            audit_protection.protect(connection)
        return None
