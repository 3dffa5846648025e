"""Load benchmark: gunicorn (2 x cores + 1 workers) on PostgreSQL, driven over
loopback by wrk with 50 concurrent connections for 60 s, split evenly across
the minimal view (the peer), the survivor status page, a message post, the
worker dashboard and the inbound SMS webhook.

Budgets: zero errors; status page p95 <= 3 x the minimal view's p95 (a ratio
measured in the same run, because absolute times vary between machines).
Timings are medians of BENCH_RUNS runs (default 3); errors are added up.

Environment: LOAD_DATABASE_URL (default: a scratch database on the local
PostgreSQL, dropped and re-created), BENCH_SECONDS (default 60),
BENCH_CONNECTIONS (default 50).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from common import fail_if_any_failed, result

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("BENCH_PORT", "8791"))
BASE = f"http://127.0.0.1:{PORT}"
DATABASE_URL = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/survivor_portal_load"
)
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
TOKEN = "bench-auth-token-0123456789"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def bench_env() -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "survivor_portal.settings.production",
        "SECRET_KEY": "bench-" + "k" * 60 + os.urandom(8).hex(),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PHONE_HASH_KEY": "bench-phone-hash-key",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": DATABASE_URL,
        "CONN_MAX_AGE": "60",
        "SECURE_SSL_REDIRECT": "false",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
        "MESSAGE_RATE_LIMIT": "100000000",
        "PUBLIC_BASE_URL": BASE,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
    }


def recreate_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def wait_for_server(timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(BASE + "/ping", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def wrk(
    path: str,
    connections: int,
    seconds: int,
    *,
    method: str = "GET",
    body: str = "",
    headers: dict[str, str] | None = None,
) -> subprocess.Popen:
    env = {
        **os.environ,
        "WRK_METHOD": method,
        "WRK_BODY": body,
        "WRK_HEADERS": "\n".join(f"{k}: {v}" for k, v in (headers or {}).items()),
    }
    return subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "report.lua"),
            BASE + path,
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


EXPECTED = {
    "/ping": (200, b"ok"),
    "/": (200, b"leave"),  # her status page, not the sign-in form (checked below)
    "/messages/": (303, b""),
    "/staff/caseload/": (200, b"Bench 0"),
    "/sms/inbound/": (200, b"<Response>"),
}


def precheck(targets: dict) -> None:
    """wrk counts any 2xx/3xx as success, so first prove each request really
    reaches the signed-in page it is meant to measure."""
    import http.client

    for name, (path, options) in targets.items():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        conn.request(
            options.get("method", "GET"),
            path,
            body=options.get("body") or None,
            headers=options.get("headers", {}),
        )
        response = conn.getresponse()
        body = response.read()
        status, marker = EXPECTED[path]
        if response.status != status or marker not in body or b'name="passphrase"' in body:
            raise SystemExit(f"{name}: unexpected answer {response.status} before the load run")


def median_stats(runs: list[dict]) -> dict:
    """Per endpoint: the median of each timing over the runs; errors added up.
    The status/minimal p95 ratio is taken per run (same run, same load), then
    its median."""
    from statistics import median

    merged = {}
    for name in runs[0]:
        merged[name] = {
            key: median(run[name][key] for run in runs) for key in ("rps", "p50", "p95", "p99")
        }
        merged[name]["errors"] = sum(run[name]["errors"] for run in runs)
    merged["ratio"] = median(
        run["survivor status page"]["p95"] / max(run["minimal view (peer)"]["p95"], 0.001)
        for run in runs
    )
    return merged


def parse(process: subprocess.Popen) -> dict:
    out, _ = process.communicate()
    for line in out.splitlines():
        if line.startswith("WRK "):
            return json.loads(line[4:])
    raise SystemExit("wrk printed no result:\n" + out)


def main() -> None:
    env = bench_env()
    recreate_database()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    seeded = json.loads(
        subprocess.run(
            [PY, "bench/load_setup.py"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    workers = 2 * (os.cpu_count() or 1) + 1
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "survivor_portal.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_server()
        her = f"{seeded['session_cookie']}={seeded['survivor_session']}"
        csrf = f"{seeded['csrf_cookie']}={seeded['csrf']}"
        worker = f"{seeded['session_cookie']}={seeded['worker_session']}"
        from twilio.request_validator import RequestValidator

        params = {
            "MessageSid": "SM" + "b" * 32,
            "From": seeded["her_phone"],
            "To": "+447700900001",
            "Body": "1",
            "AccountSid": "AC" + "0" * 32,
        }
        signature = RequestValidator(TOKEN).compute_signature(BASE + "/sms/inbound/", params)
        each = max(1, CONNECTIONS // 5)
        targets = {
            "minimal view (peer)": ("/ping", {}),
            "survivor status page": ("/", {"headers": {"Cookie": her}}),
            "message post": (
                "/messages/",
                {
                    "method": "POST",
                    "body": urlencode(
                        {"body": "Bench message", "csrfmiddlewaretoken": seeded["csrf"]}
                    ),
                    "headers": {
                        "Cookie": f"{her}; {csrf}",
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                },
            ),
            "worker dashboard": ("/staff/caseload/", {"headers": {"Cookie": worker}}),
            "inbound webhook": (
                "/sms/inbound/",
                {
                    "method": "POST",
                    "body": urlencode(params),
                    "headers": {
                        "X-Twilio-Signature": signature,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                },
            ),
        }
        precheck(targets)
        # A short warm-up so every gunicorn worker has its connections and caches.
        for path, options in targets.values():
            parse(wrk(path, 5, 2, **options))
        runs = []
        for _ in range(RUNS):
            running = {
                name: wrk(path, each, SECONDS, **options)
                for name, (path, options) in targets.items()
            }
            runs.append({name: parse(process) for name, process in running.items()})
        stats = median_stats(runs)
    finally:
        server.terminate()
        server.wait(timeout=30)

    rows = []
    ratio = stats.pop("ratio")
    for name, s in stats.items():
        rows.append(result(f"load: {name} requests/s (median of {RUNS} runs)", s["rps"]))
        rows.append(
            result(
                f"load: {name} p50/p95/p99 ms (medians)",
                f"{s['p50']:.1f}/{s['p95']:.1f}/{s['p99']:.1f}",
            )
        )
        rows.append(result(f"load: {name} errors", s["errors"], "0", s["errors"] == 0))
    rows.append(
        result("load: status page p95 / minimal view p95", round(ratio, 2), "<= 3", ratio <= 3)
    )
    fail_if_any_failed(rows)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
