"""The seeded information pages (and the tests' ``world``) for a test, written
in a few statements.

``seed_pages()`` costs about 0.45 s of CPU and 970 queries (Wagtail's page
tree, revisions, log entries, search index and reference index), and about 95
tests ask for the pages. Most of them start from the same database: the
migrated one, rolled back after every test. So the first test in a process
seeds for real and records what seeding did, table by table: the rows it
added, changed and removed, and a digest of the rows, before, of every table
its statements named (what it read, as content types, and what it wrote). A
later test whose database holds exactly those rows there gets the recorded rows
written back, a few statements per table, and what seeding's signal receivers
would have emptied is emptied. Any other starting point (after a transactional
test's flush the ids differ; a test made its own rows first) seeds for real.

``build_world()`` (``tests/conftest.py``) is written back the same way
(``replayed``): about 15 ms of CPU each for some 350 tests, 2-3 ms written
back; the World it returns is fetched again from the rows written back.

The database afterwards is the one ``seed_pages()`` leaves, row for row, except
that timestamps are those of the recording, seconds or minutes earlier in the
same run: ``tests/cms/test_information_pages.py`` and
``tests/test_recorded_world.py`` check it table by table. No recording is
written back on another day than it was made.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from typing import TypeVar

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from django.utils import timezone

Row = tuple
Key = tuple
T = TypeVar("T")


@dataclass
class _Table:
    name: str
    columns: list[str]
    key: list[str]  # the primary key's columns, or ["rowid"] (SQLite tables without one)
    key_from_rowid: bool = False


@dataclass
class Recording:
    """What ``seed()`` did to the database: per table it changed, the rows
    added, changed and removed; and a digest of the rows, before, of every
    table its statements named."""

    before: dict[str, bytes] = field(default_factory=dict)
    inserted: dict[str, list[Row]] = field(default_factory=dict)
    updated: dict[str, list[Row]] = field(default_factory=dict)
    deleted: dict[str, list[Key]] = field(default_factory=dict)
    # Rows written today stay today's: a recording is not written back after
    # midnight (a row's date would then be yesterday's).
    made_on: date = field(default_factory=timezone.localdate)
    # What seed() returned: None, or a dataclass of model instances, kept as
    # each field's model and primary key and fetched again after writing back.
    result: tuple[type, dict[str, tuple[type[Model], object]]] | None = None

    @classmethod
    def of(cls, seed: Callable[[], object]) -> Recording:
        """Run ``seed()`` and record what it did (not what it returned)."""

        def run() -> None:
            seed()

        return cls.made(run)[0]

    @classmethod
    def made(cls, seed: Callable[[], T]) -> tuple[Recording, T]:
        """Run ``seed()``, record what it did; the recording and seed()'s result."""
        statements: list[str] = []

        def capture(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.cursor() as cursor:
            names = _table_names(cursor)
            derived = _kept_by_triggers(cursor)
            before = snapshot(names)
            with connection.execute_wrapper(capture):
                result = seed()
            after = snapshot(names)
        recording = cls(result=_remembered(result))
        for name in names:
            width = len(_tables[name].key)
            old = {row[:width]: row for row in before[name]}
            new = {row[:width]: row for row in after[name]}
            inserted = [row for key, row in new.items() if key not in old]
            updated = [row for key, row in new.items() if key in old and old[key] != row]
            deleted = [key for key in old if key not in new]
            if (inserted or updated or deleted) and name not in derived:
                recording.inserted[name] = inserted
                recording.updated[name] = updated
                recording.deleted[name] = deleted
        # Every table seeding's statements named: what it wrote and what it read
        # (content types, locales, ...). Same rows there, same seeding.
        named = {table for sql in statements for table in _NAMED.findall(sql)}
        for name in sorted(set(names) & (named | set(recording.inserted))):
            recording.before[name] = _digest(before[name])
        return recording, result

    def matches(self) -> bool:
        """Every table seeding read or wrote holds exactly the rows it started
        from, on the day it was recorded."""
        if self.made_on != timezone.localdate():
            return False
        with connection.cursor() as cursor:
            return all(
                _digest(_rows(cursor, _tables[name])) == digest
                for name, digest in self.before.items()
            )

    def replay(self) -> None:
        """Write what seeding wrote (call only when ``matches()``)."""
        with transaction.atomic(), connection.cursor() as cursor:
            for name in self.inserted:
                _replay_table(cursor, _tables[name], self, name)

    def recalled(self) -> object:
        """What seed() returned, fetched from the rows written back."""
        if self.result is None:
            return None
        kind, by_name = self.result
        wanted: dict[type[Model], set] = {}
        for model, pk in by_name.values():
            wanted.setdefault(model, set()).add(pk)
        found = {model: model._default_manager.in_bulk(pks) for model, pks in wanted.items()}
        return kind(**{name: found[model][pk] for name, (model, pk) in by_name.items()})


def _remembered(result: object) -> tuple[type, dict[str, tuple[type[Model], object]]] | None:
    if result is None:
        return None
    if not is_dataclass(result) or not all(
        isinstance(getattr(result, f.name), Model) for f in fields(result)
    ):
        raise TypeError(f"cannot record {type(result).__name__}: not a dataclass of model rows")
    return type(result), {
        f.name: (type(getattr(result, f.name)), getattr(result, f.name).pk) for f in fields(result)
    }


# A process keeps a few recordings (from the starting points seen first); any
# other starting point seeds for real without recording.
MAX_RECORDINGS = 4
_recordings: list[Recording] = []
_tables: dict[str, _Table] = {}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(name: str) -> str:
    return "rowid" if name == "rowid" else _quote(name)


def _describe(cursor: CursorWrapper, name: str) -> _Table:
    if name not in _tables:
        introspection = connection.introspection
        columns = [column.name for column in introspection.get_table_description(cursor, name)]
        key = introspection.get_primary_key_columns(cursor, name) or []
        # SQLite's virtual tables (Wagtail's full-text index) have only a rowid.
        _tables[name] = _Table(name, columns, key or ["rowid"], key_from_rowid=not key)
    return _tables[name]


def _table_names(cursor: CursorWrapper) -> list[str]:
    if connection.vendor != "sqlite":
        return list(connection.introspection.table_names(cursor))
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    tables = cursor.fetchall()
    virtual = [name for name, sql in tables if sql and "VIRTUAL TABLE" in sql.upper()]
    return [
        name
        for name, _ in tables
        # not SQLite's own tables, nor the shadow tables behind a full-text index
        if not name.startswith("sqlite_") and not any(name.startswith(f"{v}_") for v in virtual)
    ]


_NAMED = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+\"?(\w+)", re.IGNORECASE)
_WRITES = re.compile(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)", re.IGNORECASE)


def _kept_by_triggers(cursor: CursorWrapper) -> set[str]:
    """Tables that triggers write (on SQLite, Wagtail's full-text index follows
    its index table): writing the source row writes these too."""
    if connection.vendor == "sqlite":
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
    else:
        cursor.execute("SELECT pg_get_functiondef(tgfoid) FROM pg_trigger WHERE NOT tgisinternal")
    bodies = [row[0] or "" for row in cursor.fetchall()]
    return {name for body in bodies for name in _WRITES.findall(body.split("BEGIN", 1)[-1])}


def _rows(cursor: CursorWrapper, table: _Table) -> list[Row]:
    """Every row as (key..., column...), in key order."""
    key = ", ".join(_column(k) for k in table.key)
    columns = ", ".join(_quote(c) for c in table.columns)
    cursor.execute(f"SELECT {key}, {columns} FROM {_quote(table.name)} ORDER BY {key}")  # noqa: S608 - introspected names
    return [tuple(row) for row in cursor.fetchall()]


def _digest(rows: list[Row]) -> bytes:
    # A value without a stable repr (a memoryview) makes the digests differ:
    # then seeding runs for real, never a wrong write.
    return hashlib.sha256(repr(rows).encode()).digest()


def snapshot(names: list[str] | None = None) -> dict[str, list[Row]]:
    """Every row of the named tables (default: all), keyed by table."""
    with connection.cursor() as cursor:
        names = _table_names(cursor) if names is None else names
        return {name: _rows(cursor, _describe(cursor, name)) for name in names}


def _replay_table(cursor: CursorWrapper, table: _Table, recording: Recording, name: str) -> None:
    width = len(table.key)
    where = " AND ".join(f"{_column(k)} = %s" for k in table.key)
    if recording.deleted[name]:
        cursor.executemany(
            f"DELETE FROM {_quote(name)} WHERE {where}",  # noqa: S608 - introspected names
            recording.deleted[name],
        )
    if recording.updated[name]:
        assignments = ", ".join(f"{_quote(c)} = %s" for c in table.columns)
        cursor.executemany(
            f"UPDATE {_quote(name)} SET {assignments} WHERE {where}",  # noqa: S608
            [row[width:] + row[:width] for row in recording.updated[name]],
        )
    if recording.inserted[name]:
        columns = (["rowid"] if table.key_from_rowid else []) + table.columns
        rows = [row if table.key_from_rowid else row[width:] for row in recording.inserted[name]]
        cursor.executemany(
            f"INSERT INTO {_quote(name)} ({', '.join(_column(c) for c in columns)})"  # noqa: S608
            f" VALUES ({', '.join(['%s'] * len(columns))})",
            rows,
        )
        if connection.vendor == "postgresql" and width == 1:
            _advance_sequence(cursor, table)


def _advance_sequence(cursor: CursorWrapper, table: _Table) -> None:
    """Rows were written with their ids: move the table's sequence past them."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table.name, table.key[0]])
    sequence = cursor.fetchone()[0]
    if sequence is not None:
        key, name = _quote(table.key[0]), _quote(table.name)
        cursor.execute(
            f"SELECT setval(%s, GREATEST((SELECT MAX({key}) FROM {name}),"  # noqa: S608
            f" (SELECT last_value FROM {sequence})))",
            [sequence],
        )


def _forget_caches() -> None:
    """What seeding's signal receivers empty when it saves the site, the
    branding and pages: Wagtail's site root paths, the branding and the
    rendered status explanations."""
    from wagtail.models import Site

    from cms.explanations import forget_rendered
    from survivor_portal.context_processors import _forget_branding

    Site.clear_site_root_paths_cache()
    _forget_branding()
    forget_rendered()


def replayed(
    seed: Callable[[], T], recordings: list[Recording], forget: Callable[[], None] | None = None
) -> tuple[T, bool]:
    """``seed()``'s rows in the test's database, and what it returned: written
    back from one of ``recordings`` whose starting point this is (then
    ``forget()`` empties what seed()'s receivers would have), else seeded for
    real and, while there is room, recorded. True when written back."""
    for recording in recordings:
        if recording.matches():
            recording.replay()
            if forget is not None:
                forget()
            return recording.recalled(), True  # type: ignore[return-value]
    with transaction.atomic():
        if len(recordings) < MAX_RECORDINGS:
            recording, result = Recording.made(seed)
            recordings.append(recording)
            return result, False
        return seed(), False


def seeded_pages() -> bool:
    """The seeded pages in the test's database; True when they were replayed
    from an earlier test's recording, False when seeded for real."""
    from cms.management.commands.seed_pages import seed_pages

    def seed() -> None:  # its count of pages made is not wanted here
        seed_pages()

    return replayed(seed, _recordings, _forget_caches)[1]
