"""A copy of the migrated SQLite test database, keyed by everything that shapes it.

Migrating the in-memory SQLite test database takes 15-20 s of CPU per test
process (mostly Wagtail's migrations). The first run migrates as usual and
saves the result as ``var/test-db/<key>.sqlite3``; later runs copy that file into
the in-memory database instead of migrating again. The key is a hash of every
installed app's migration files, the locked package versions (``uv.lock``), the
post_migrate code (``contacts/roles.py``) and the installed apps, so any change
to a migration, a dependency or the roles migrates afresh. A clean checkout has
no copy, so it (and CI) always runs every migration. ``TEST_DB_CACHE=0`` turns
the copy off. PostgreSQL is always migrated.

The same migration also keeps ``<key>.before-split.sqlite3``: the database as it
stood before the apps were split (``tests/before_split.py``), which the split's
own test fills with rows and migrates on (``tests/test_split_migration.py``), so
those migrations are not run a second time for it.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "var" / "test-db"


def _key() -> str:
    from django.apps import apps

    digest = hashlib.sha256()
    for name in ("uv.lock", "contacts/roles.py"):
        digest.update((ROOT / name).read_bytes())
    for app in apps.get_app_configs():
        digest.update(app.name.encode())
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _enabled(alias: str) -> bool:
    from django.db import connections

    connection = connections[alias]
    return (
        os.environ.get("TEST_DB_CACHE", "1") != "0"
        and connection.vendor == "sqlite"
        and connection.is_in_memory_db()
    )


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target)


def load(path: Path | str, connection: object) -> None:
    """Copy the kept database at ``path`` into the connection's database."""
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        _copy(source, connection.connection)
    finally:
        source.close()


def _before_split_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.before-split.sqlite3")


def _save(connection: object, path: Path) -> None:
    """A copy of the connection's database at ``path``, written whole or not at all."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        connection.ensure_connection()
        _copy(connection.connection, target)
    finally:
        target.close()
    os.replace(partial, path)


def before_split_copy() -> Path | None:
    """The kept database from before the split, if the test database was
    migrated through it with the migration files there are now."""
    if os.environ.get("TEST_DB_CACHE", "1") == "0":
        return None
    path = _before_split_path(CACHE_DIR / f"{_key()}.sqlite3")
    return path if path.exists() else None


@contextmanager
def migrated_database_copy() -> Iterator[None]:
    """While active, the test database set-up's ``migrate`` of an in-memory
    SQLite database is replaced by a copy of an earlier, identical migration."""
    from django.core import management

    original: Callable = management.call_command

    def call_command(name: object, *args: object, **options: object) -> object:
        alias = str(options.get("database", "default"))
        if name != "migrate" or not options.get("run_syncdb") or not _enabled(alias):
            return original(name, *args, **options)
        from django.db import connections

        connection = connections[alias]
        path = CACHE_DIR / f"{_key()}.sqlite3"
        if path.exists():
            load(path, connection)
            return None
        # On the way, the database as it stood before the apps were split (the
        # executor alone, as that database was left), kept for the split's own
        # test: the same migrations run once for both.
        from django.db.migrations.executor import MigrationExecutor

        from .before_split import before_the_split

        executor = MigrationExecutor(connection)
        executor.migrate(before_the_split(executor.loader.graph))
        _save(connection, _before_split_path(path))
        result = original(name, *args, **options)
        _save(connection, path)
        for old in CACHE_DIR.glob("*.sqlite3"):
            if not old.name.startswith(path.stem):
                old.unlink(missing_ok=True)
        return result

    management.call_command = call_command
    try:
        yield
    finally:
        management.call_command = original


def prepare() -> None:
    """Migrate once into the cache, before the test processes start (``make
    test`` runs several): on a clean checkout each of them would otherwise run
    every migration itself, at the same time, on the same two cores."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survivor_portal.settings.test")
    django.setup()
    from django.db import connection

    if os.environ.get("TEST_DB_CACHE", "1") == "0" or connection.vendor != "sqlite":
        return
    with migrated_database_copy():
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


if __name__ == "__main__":
    prepare()
