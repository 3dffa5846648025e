"""The database as it stood before the apps were split (issue 14): contacts at
0008 and every other app (Django's, Wagtail's, the libraries') at its head, as a
database in use then had them. Only the split's own migrations are left to
apply from there.

``tests/migrated_db.py`` migrates the test database through this state and
keeps a copy of it; ``tests/split_migration_probe.py`` fills that copy with rows
and migrates it to the head (``tests/test_split_migration.py``).
"""

from __future__ import annotations

BEFORE = ("contacts", "0008_activation_limits")

# The project's apps that the split touched (cms is left to the second step as well).
SPLIT_APPS = {"contacts", "programme", "survivors", "checkins", "cms"}


def before_the_split(graph) -> list[tuple[str, str]]:
    """The migration targets of that state: contacts 0008, and the head of every
    app outside the split whose migrations need nothing of the split's."""
    targets = [BEFORE]
    for leaf in graph.leaf_nodes():
        split = (
            (app, name)
            for app, name in graph.forwards_plan(leaf)
            if app in SPLIT_APPS and not (app == "contacts" and name <= BEFORE[1])
        )
        if leaf[0] not in SPLIT_APPS and next(split, None) is None:
            targets.append(leaf)
    return targets
