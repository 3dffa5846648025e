"""Data survives the split into programme/, survivors/ and checkins/: a database
built at the last migration before it, with rows in every table the move
touches, migrates to the head with nothing lost (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .migrated_db import before_split_copy

ROOT = Path(__file__).resolve().parents[1]


def test_a_database_from_before_the_split_migrates_with_nothing_lost(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "survivor_portal.settings.test",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'before-split.sqlite3'}",
    }
    # The database before the split, kept when the test database was migrated
    # through it (tests/migrated_db.py); without one the probe migrates to it.
    kept = before_split_copy()
    if kept is not None:
        env["BEFORE_SPLIT_DATABASE"] = str(kept)
    result = subprocess.run(  # noqa: S603 - our own probe, fixed arguments
        [sys.executable, str(ROOT / "tests" / "split_migration_probe.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    survived = json.loads(result.stdout.strip().splitlines()[-1])
    assert survived["started_before_split"] is True
    assert survived["before"] == survived["after"]
    assert all(count >= 1 for count in survived["before"].values())
    # Encrypted columns still decrypt through the moved models.
    assert survived["body"] == "Can you ring me on Thursday after 2? Not before."
    assert survived["known_as"] == "Sam"
    assert survived["text"].startswith("Hi, it's Sam.")
    assert survived["alert_concern"] == "threat"
    assert survived["pending"] is True
