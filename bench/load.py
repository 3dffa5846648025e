"""Load benchmark: the project against a bare Django peer, one endpoint at a time.

Two gunicorn servers with the same settings (2 x cores + 1 sync workers):
the project (production settings, PostgreSQL) and a bare Django project made
at bench time by `django-admin startproject` with one view answering "ok"
(bench/bare_django.py). wrk drives ONE endpoint at a time with all
BENCH_CONNECTIONS connections (default 50) for BENCH_SECONDS (default 10);
the endpoints are interleaved (bare Django, /ping, her status page, then the
message post, the worker dashboard and the inbound webhook), BENCH_ROUNDS
rounds (default 3, order rotated each round) and the medians are reported.

Why one at a time: the old driver ran five wrk processes at once against one
gunicorn, so every endpoint waited behind the slowest ones and all of them
showed the same ~27 requests/s. That measured the mix, not the endpoints.

Reconciliation: in every round, right after the scripted /ping run, a plain
`wrk` with no script (the command a person would type) is run against /ping;
both medians and their ratio are printed and must agree within 20 %. (Once
would do on a quiet machine; on a shared one two 10 s windows can differ by
more than that, so the pair is repeated like everything else.)

Budgets: zero errors; scripted /ping within 20 % of plain wrk; her status
page's throughput at least 1/10 of bare Django's in the same run (ratio
bare/status <= 10); her status page's p95 <= 100 ms with BENCH_CONNECTIONS
(50) connections.

Environment: LOAD_DATABASE_URL (default: a scratch database on the local
PostgreSQL, dropped and re-created), BENCH_ROUNDS, BENCH_SECONDS,
BENCH_CONNECTIONS, BENCH_THREADS (wrk threads, default 2),
BENCH_GUNICORN_THREADS (threads per gunicorn worker for both servers, default
1: sync workers, as docs/operations.md's production command), BENCH_SIDE_BY_SIDE_ONLY=1
(measure only bare Django, /ping and the status page), BENCH_PORT,
BENCH_BROKER_URL, BENCH_CACHE_URL (the project's CACHE_URL; default: none,
i.e. the per-process local-memory cache).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

from common import fail_if_any_failed, result

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PY = str(VENV_BIN / "python")
PORT = int(os.environ.get("BENCH_PORT", "8791"))
BARE_PORT = PORT + 1
BASE = f"http://127.0.0.1:{PORT}"
DATABASE_URL = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/survivor_portal_load"
)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", os.environ.get("BENCH_RUNS", "3")))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WORKERS = 2 * (os.cpu_count() or 1) + 1
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "1"))  # 1: sync workers
ONLY_SIDE_BY_SIDE = os.environ.get("BENCH_SIDE_BY_SIDE_ONLY", "") == "1"
TOKEN = "bench-auth-token-0123456789"
# What a browser sends; GZipMiddleware only compresses when asked.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
STATUS_RATIO_BUDGET = 10
STATUS_P95_BUDGET_MS = 100
RECONCILE_TOLERANCE = 0.20


def bench_env() -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = {
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
    env.pop("CACHE_URL", None)
    if os.environ.get("BENCH_CACHE_URL"):
        env["CACHE_URL"] = os.environ["BENCH_CACHE_URL"]
    return env


def recreate_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def gunicorn(app: str, port: int, *, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    """The same gunicorn settings for the project and for its bare peer."""
    return subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(GUNICORN_THREADS),
            "--log-level",
            "warning",
        ],
        cwd=cwd,
        env=env,
    )


def wait_for_server(port: int, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            url = f"http://127.0.0.1:{port}/ping"
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn on port {port} did not answer within {timeout:.0f} s")


def wrk(
    url: str,
    seconds: int,
    *,
    connections: int = CONNECTIONS,
    method: str = "GET",
    body: str = "",
    headers: dict[str, str] | None = None,
) -> dict:
    """One wrk run against one URL, nothing else running; its JSON summary.
    The Lua script only sets the request once and reports in `done`: it has no
    per-request hook, so wrk keeps its native fast path."""
    env = {
        **os.environ,
        "WRK_METHOD": method,
        "WRK_BODY": body,
        "WRK_HEADERS": "\n".join(f"{k}: {v}" for k, v in {**BROWSER, **(headers or {})}.items()),
    }
    command = [
        "wrk",
        f"-t{min(THREADS, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "report.lua"),
        url,
    ]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("WRK "):
            return json.loads(line[4:])
    raise SystemExit("wrk printed no result:\n" + out)


def plain_wrk(url: str, seconds: int) -> float:
    """The command a person would type: no script, no headers. Requests/s."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not found or "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit("plain wrk failed:\n" + out)
    return float(found.group(1))


BARE = "bare Django (peer)"
PING = "/ping (project's minimal view)"
STATUS = "her status page"
SIDE_BY_SIDE = (BARE, PING, STATUS)
EXPECTED = {
    BARE: (200, b"ok"),
    PING: (200, b"ok"),
    STATUS: (200, b"leave"),  # her status page, not the sign-in form (checked below)
    "message post": (303, b""),
    "worker dashboard": (200, b"Bench 0"),
    "inbound webhook": (200, b"<Response>"),
}


def precheck(targets: dict) -> None:
    """wrk counts any 2xx/3xx as success, so first prove each request really
    reaches the signed-in page it is meant to measure."""
    import gzip
    import http.client

    for name, (port, path, options) in targets.items():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request(
            options.get("method", "GET"),
            path,
            body=options.get("body") or None,
            headers={**BROWSER, **options.get("headers", {})},
        )
        response = conn.getresponse()
        body = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        status, marker = EXPECTED[name]
        if response.status != status or marker not in body or b'name="passphrase"' in body:
            raise SystemExit(f"{name}: unexpected answer {response.status} before the load run")


def medians(runs: list[dict]) -> dict:
    """Per endpoint: the median of each figure over the rounds; errors added up."""
    merged = {}
    for name in runs[0]:
        merged[name] = {
            key: median(run[name][key] for run in runs) for key in ("rps", "p50", "p95", "p99")
        }
        merged[name]["errors"] = sum(run[name]["errors"] for run in runs)
    return merged


def seed(env: dict[str, str]) -> dict:
    recreate_database()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    out = subprocess.run(
        [PY, "bench/load_setup.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def targets_for(seeded: dict) -> dict:
    from twilio.request_validator import RequestValidator

    her = f"{seeded['session_cookie']}={seeded['survivor_session']}"
    csrf = f"{seeded['csrf_cookie']}={seeded['csrf']}"
    worker = f"{seeded['session_cookie']}={seeded['worker_session']}"
    params = {
        "MessageSid": "SM" + "b" * 32,
        "From": seeded["her_phone"],
        "To": "+447700900001",
        "Body": "1",
        "AccountSid": "AC" + "0" * 32,
    }
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/sms/inbound/", params)
    form = "application/x-www-form-urlencoded"
    message = urlencode({"body": "Bench message", "csrfmiddlewaretoken": seeded["csrf"]})
    return {
        BARE: (BARE_PORT, "/ping", {}),
        PING: (PORT, "/ping", {}),
        # Her phone sends back both cookies it holds once signed in: the session
        # and the CSRF cookie (without the latter every answer would mint a new
        # CSRF secret and set it, which no browser of hers causes twice).
        STATUS: (PORT, "/", {"headers": {"Cookie": f"{her}; {csrf}"}}),
        "message post": (
            PORT,
            "/messages/",
            {
                "method": "POST",
                "body": message,
                "headers": {"Cookie": f"{her}; {csrf}", "Content-Type": form},
            },
        ),
        "worker dashboard": (PORT, "/staff/caseload/", {"headers": {"Cookie": worker}}),
        "inbound webhook": (
            PORT,
            "/sms/inbound/",
            {
                "method": "POST",
                "body": urlencode(params),
                "headers": {"X-Twilio-Signature": signature, "Content-Type": form},
            },
        ),
    }


def measure(targets: dict) -> tuple[dict, float, float]:
    """Interleaved rounds; returns (medians, plain wrk /ping median, scripted
    /ping median)."""
    if ONLY_SIDE_BY_SIDE:
        targets = {name: targets[name] for name in SIDE_BY_SIDE}
    url = {name: f"http://127.0.0.1:{port}{path}" for name, (port, path, _) in targets.items()}
    names = list(targets)
    # A short warm-up so every gunicorn worker has its connections and caches.
    for name, (_, _, options) in targets.items():
        wrk(url[name], 2, connections=5, **options)
    runs: list[dict] = []
    plain: list[float] = []
    for round_number in range(ROUNDS):
        shift = round_number % len(SIDE_BY_SIDE)  # rotate the first three each round
        order = names[shift:3] + names[:shift] + names[3:]
        run = {}
        for name in order:
            run[name] = wrk(url[name], SECONDS, **targets[name][2])
            if name == PING:
                plain.append(plain_wrk(url[PING], SECONDS))
        runs.append(run)
        print(
            f"   round {round_number + 1}: "
            + ", ".join(f"{name} {run[name]['rps']:.0f}/s" for name in names),
            flush=True,
        )
    stats = medians(runs)
    return stats, median(plain), stats[PING]["rps"]


def main() -> None:
    env = bench_env()
    seeded = seed(env)
    bare_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHONPATH"))}
    bare_env["DJANGO_SETTINGS_MODULE"] = "bare.settings"
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as folder:
        from bare_django import write_bare_project

        bare_root = write_bare_project(Path(folder), VENV_BIN / "django-admin")
        project = gunicorn("survivor_portal.wsgi", PORT, cwd=ROOT, env=env)
        bare = gunicorn("bare.wsgi", BARE_PORT, cwd=bare_root, env=bare_env)
        try:
            wait_for_server(PORT)
            wait_for_server(BARE_PORT)
            targets = targets_for(seeded)
            precheck(targets)
            stats, plain, scripted = measure(targets)
        finally:
            for server in (project, bare):
                server.terminate()
            for server in (project, bare):
                server.wait(timeout=30)
    report(stats, plain, scripted)


def report(stats: dict, plain: float, scripted: float) -> None:
    conditions = (
        f"gunicorn {WORKERS} workers x {GUNICORN_THREADS} threads each, "
        f"wrk -t{THREADS} -c{CONNECTIONS}, "
        f"{ROUNDS} rounds x {SECONDS} s, medians"
    )
    print(f"SHOW Side by side ({conditions}):")
    print(f"SHOW   {'':<32} {'requests/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name in SIDE_BY_SIDE:
        s = stats[name]
        print(
            f"SHOW   {name:<32} {s['rps']:>10.0f} "
            f"{s['p50']:>8.1f} {s['p95']:>8.1f} {s['p99']:>8.1f}"
        )
    rows = []
    for name, s in stats.items():
        rows.append(result(f"load: {name} requests/s (median of {ROUNDS})", round(s["rps"])))
        rows.append(
            result(
                f"load: {name} p50/p95/p99 ms (medians)",
                f"{s['p50']:.1f}/{s['p95']:.1f}/{s['p99']:.1f}",
            )
        )
        rows.append(result(f"load: {name} errors", s["errors"], "0", s["errors"] == 0))
    agreement = scripted / plain if plain else 0.0
    print(
        f"SHOW   /ping: this benchmark {scripted:.0f}/s, plain `wrk -t{THREADS} "
        f"-c{CONNECTIONS} -d{SECONDS}s` {plain:.0f}/s (medians), ratio {agreement:.2f}"
    )
    rows.append(result(f"load: /ping plain wrk requests/s (median of {ROUNDS})", round(plain)))
    rows.append(
        result(
            "load: /ping this benchmark / plain wrk (medians, run back to back)",
            round(agreement, 2),
            "0.8-1.2",
            abs(agreement - 1) <= RECONCILE_TOLERANCE,
        )
    )
    ratio = stats[BARE]["rps"] / max(stats[STATUS]["rps"], 0.001)
    print(
        f"SHOW   bare Django / status page throughput: {ratio:.1f} "
        f"(budget <= {STATUS_RATIO_BUDGET})"
    )
    rows.append(
        result(
            "load: bare Django / status page requests/s",
            round(ratio, 2),
            f"<= {STATUS_RATIO_BUDGET}",
            ratio <= STATUS_RATIO_BUDGET,
        )
    )
    rows.append(
        result(
            "load: bare Django / /ping requests/s",
            round(stats[BARE]["rps"] / max(stats[PING]["rps"], 0.001), 2),
        )
    )
    p95 = stats[STATUS]["p95"]
    rows.append(
        result(
            "load: status page p95 ms",
            round(p95, 1),
            f"<= {STATUS_P95_BUDGET_MS}",
            p95 <= STATUS_P95_BUDGET_MS,
        )
    )
    fail_if_any_failed(rows)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
