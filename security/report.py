"""`make security`: the security figures in one table; exits 1 if any is off.

1. Runs the tests that measure figures (access matrix, canary channels,
   webhook forgeries, form fuzzing, portal headers, raw database dump, sign-in
   timing for existing and unknown usernames), each recording its numbers
   through tests/figures.py; among them the TOTP gate under gunicorn with
   forged SCRIPT_NAME headers and the duress session compared response by
   response with a normal one.
2. Counts `manage.py check --deploy` warnings with production variables.
3. Scans the running portal (gunicorn, production settings, plain HTTP on
   127.0.0.1) with MDN's HTTP Observatory package, offline. Over plain HTTP the
   HTTPS redirect and HSTS cannot pass; tests/security/test_https.py asserts
   them instead, and the report counts every other Observatory test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "security"
VENV = ROOT / ".venv" / "bin"
FIGURES = ROOT / "var" / "security-figures.jsonl"
PORT = 8793

# figure -> (check, what it must be)
EXPECTED = {
    "access matrix: URL x role pairs checked": (lambda v: v >= 1000, ">= 1000"),
    "access matrix: unexpected answers": (lambda v: v == 0, "0"),
    "canary hits on programme-side pages (matrix)": (lambda v: v == 0, "0"),
    "canary hits on the programme side (all channels)": (lambda v: v == 0, "0"),
    "forged webhook kinds tried": (lambda v: v >= 10, ">= 10"),
    "rows written by forged webhooks": (lambda v: v == 0, "0"),
    "forms fuzzed": (lambda v: v >= 5, ">= 5"),
    "fewest examples for one form": (lambda v: v >= 200, ">= 200"),
    "500s while fuzzing forms": (lambda v: v == 0, "0"),
    "portal responses checked": (lambda v: v >= 5, ">= 5"),
    "portal responses without no-store": (lambda v: v == 0, "0"),
    "portal responses without CSP": (lambda v: v == 0, "0"),
    "portal requests to a third-party origin": (lambda v: v == 0, "0"),
    "canary plaintexts in a raw database dump": (lambda v: v == 0, "0"),
    "SCRIPT_NAME bypass attempts: staff URLs tried": (lambda v: v >= 20, ">= 20"),
    "SCRIPT_NAME bypass attempts: got through": (lambda v: v == 0, "0"),
    "duress differences found": (lambda v: v == 0, "0"),
    "role-rule violations found": (lambda v: v == 0, "0"),
    # Wall-clock, so only here (a quiet machine); `make test` asserts the mechanism.
    "sign-in timing: largest median difference, existing vs unknown (%)": (
        lambda v: v < 20,
        "< 20",
    ),
    "check --deploy warnings (production settings)": (lambda v: v == 0, "0"),
    "Observatory tests failed (other than HTTPS-only)": (lambda v: v == 0, "0"),
}
FIGURE_TESTS = [
    "tests/test_access_matrix.py",
    "tests/security",
    "tests/survivors/test_at_rest.py",
    "tests/checkins/test_webhooks.py",
    "security/test_sign_in_timing.py",
]


def production_env() -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "survivor_portal.settings.production",
        "SECRET_KEY": "security-report-" + os.urandom(32).hex(),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PHONE_HASH_KEY": "security-report-" + os.urandom(8).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,portal.example.org",
    }


def run_figure_tests() -> int:
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.unlink(missing_ok=True)
    env = {**os.environ, "SECURITY_FIGURES": str(FIGURES), "FUZZ_EXAMPLES": "200"}
    process = subprocess.run(
        # Two processes (pytest-xdist): the long fuzzing runs beside the others.
        [
            str(VENV / "pytest"),
            "-q",
            "-p",
            "no:randomly",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            *FIGURE_TESTS,
        ],
        cwd=ROOT,
        env=env,
    )
    return process.returncode


def deploy_warnings() -> int:
    process = subprocess.run(
        [str(VENV / "python"), "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
    )
    output = process.stdout + process.stderr
    if "no issues" in output:
        return 0
    for line in output.splitlines():
        if "identified" in line and "issue" in line:
            return int("".join(ch for ch in line.split("identified")[1] if ch.isdigit()) or 1)
    return 1


def observatory() -> dict:
    """Start the portal with production settings on loopback and scan it."""
    node_modules = HERE / "node_modules" / "@mdn" / "mdn-http-observatory"
    if not node_modules.exists():
        # --ignore-scripts: its install step downloads lists from the internet.
        subprocess.run(
            [
                "npm",
                "install",
                "--ignore-scripts",
                "--no-package-lock",
                "--no-audit",
                "--no-fund",
                "--loglevel",
                "error",
            ],
            cwd=HERE,
            check=True,
        )
    preload = node_modules / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")  # no host of ours is on the HSTS preload list
    env = {
        **production_env(),
        "SECURE_SSL_REDIRECT": "false",
        # A scratch database of its own: the scan reads headers, not data.
        "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'scan.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
    }
    subprocess.run(
        [str(VENV / "python"), "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run(
        [str(VENV / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(VENV / "gunicorn"),
            "survivor_portal.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/ping", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        scan = subprocess.run(
            ["node", str(HERE / "observatory.mjs"), "127.0.0.1", str(PORT), "/"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(scan.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    tests_status = run_figure_tests()
    figures: dict[str, Any] = {}
    if FIGURES.exists():
        for line in FIGURES.read_text().splitlines():
            row = json.loads(line)
            name, value = row["name"], row["value"]
            # A figure recorded by several tests (e.g. each forgery kind) adds up.
            if (
                isinstance(value, int | float)
                and name in figures
                and name not in ("fewest examples for one form",)
            ):
                figures[name] = figures[name] + value
            elif name == "fewest examples for one form" and name in figures:
                figures[name] = min(figures[name], value)
            else:
                figures[name] = value
    figures["check --deploy warnings (production settings)"] = deploy_warnings()
    scan = observatory()
    https_only = {"redirection", "strict-transport-security"}
    failed = [
        name for name, test in scan["tests"].items() if not test["pass"] and name not in https_only
    ]
    figures["Observatory score (plain HTTP, grade)"] = f"{scan['score']} ({scan['grade']})"
    figures["Observatory tests failed (other than HTTPS-only)"] = len(failed)

    rows, bad = [], 0
    for name, value in figures.items():
        check, want = EXPECTED.get(name, (None, ""))
        ok = None if check is None else bool(check(value))
        bad += ok is False
        rows.append((name, value, want, ok))
    for name in EXPECTED:
        if name not in figures:
            rows.append((name, "not measured", EXPECTED[name][1], False))
            bad += 1
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'value':>14}  {'must be':>8}  result")
    for name, value, want, ok in rows:
        verdict = {True: "ok", False: "FAIL", None: ""}[ok]
        print(f"{name:<{width}}  {value!s:>14}  {want:>8}  {verdict}")
    if failed:
        print("Observatory failures:", ", ".join(failed))
    print(f"\n{len(rows)} figures, {bad} off; figure tests exit code {tests_status}")
    return 1 if bad or tests_status else 0


if __name__ == "__main__":
    sys.exit(main())
