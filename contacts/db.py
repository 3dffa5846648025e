"""A cursor for a statement that runs on every visit to her status page.

PostgreSQL spends more time planning her status page's one statement (about
0.9 ms on the development machine) than running it (0.2 ms). psycopg can
prepare a statement once per connection and reuse the plan (``prepare=True``);
Django turns that off for every statement (``prepare_threshold=None``, so that
transaction-mode connection poolers keep working) and uses client-side binding,
which never prepares. ``prepared_cursor`` is Django's own cursor (health check,
connection, error wrapping, query logging for ``assertNumQueries`` all as
usual) over psycopg's server-binding cursor, asking for each statement to be
prepared. It takes effect only where the settings allow prepared statements
(``DATABASE_PREPARED_STATEMENTS``, on by default; PostgreSQL only); anywhere
else it is the ordinary cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper


@contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    """A cursor whose statements PostgreSQL plans once per connection."""
    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get(
        "prepare_threshold"
    ):
        with connection.cursor() as cursor:
            yield cursor
        return
    # What Django does before any cursor: the health check, then connect.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(connection.connection)
    cursor = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        yield cursor


@cache
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)

    return PreparingCursor
