"""Re-encrypt every encrypted field with the newest key in FIELD_ENCRYPTION_KEYS.

Rotation: put a new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after
it), deploy, run this command, then remove the old keys."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contacts.encryption import EncryptedTextField, rotate

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt stored secrets with the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            names = [f.attname for f in fields]
            count = 0
            # Read the stored tokens without decrypting, rotate, write back.
            for pk in model._base_manager.order_by("pk").values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    tokens = self._raw_tokens(model, fields, pk)
                    changes = {
                        name: rotate(token)
                        for name, token in zip(names, tokens, strict=True)
                        if token
                    }
                    if changes:
                        self._write_raw(model, pk, changes, fields)
                        count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        self.stdout.write(f"Done: {total} rows.")

    @staticmethod
    def _raw_tokens(model: Any, fields: list[EncryptedTextField], pk: Any) -> list[str]:
        from django.db import connection

        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        pk_column = connection.ops.quote_name(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} WHERE {pk_column} = %s", [pk])  # noqa: S608
            row = cursor.fetchone()
        if row is None:
            raise CommandError(f"{model._meta.label} {pk} vanished during rotation")
        return list(row)

    @staticmethod
    def _write_raw(model: Any, pk: Any, changes: dict[str, str], fields: list) -> None:
        from django.db import connection

        by_attname = {f.attname: f.column for f in fields}
        table = connection.ops.quote_name(model._meta.db_table)
        sets = ", ".join(f"{connection.ops.quote_name(by_attname[n])} = %s" for n in changes)
        pk_column = connection.ops.quote_name(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {sets} WHERE {pk_column} = %s",  # noqa: S608
                [*changes.values(), pk],
            )
