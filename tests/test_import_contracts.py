"""The import contracts in pyproject.toml (import-linter) hold, and a forbidden
import really fails them: a test of the test, on a copy of the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("contacts", "programme", "survivors", "checkins", "cms", "survivor_portal")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(cwd)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def code_copy(tmp_path: Path) -> Path:
    """The project's Python packages and contracts, copied (no static files)."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "*.pyc"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_import_contracts_hold(code_copy: Path) -> None:
    result = _lint_imports(code_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# Each probe breaks one contract (the contract's name, as printed, first).
PROBES = {
    "The programme knows nothing of survivors": {
        "programme/services/probe.py": "from survivors.models import Survivor\n",
    },
    "The apps form layers": {"contacts/probe.py": "from checkins.services import outbox\n"},
    "cms reads the status choices and shared rules only": {
        "cms/probe.py": "from contacts.services.audit import audit_record\n",
    },
    "Only checkins.sms talks to Twilio": {"survivors/views/probe.py": "import twilio.rest\n"},
    "Layers inside each app": {
        "checkins/services/probe.py": "from checkins.tasks import outbox_drain\n",
    },
    # A circle: outbox imports the probe, which imports checkins (which imports outbox).
    "No cycles between service modules": {
        "checkins/services/outbox_probe.py": "from .checkins import checkin_plan_set\n",
    },
}


def test_a_forbidden_import_fails_the_check(code_copy: Path) -> None:
    outbox = code_copy / "checkins/services/outbox.py"
    outbox.write_text(outbox.read_text() + "\nfrom . import outbox_probe  # noqa\n")
    for files in PROBES.values():
        for module, source in files.items():
            (code_copy / module).write_text(source)
    result = _lint_imports(code_copy)
    assert result.returncode != 0
    assert "0 kept" in result.stdout
    broken = result.stdout[result.stdout.index("Broken contracts") :]
    for contract in PROBES:
        assert contract in broken
