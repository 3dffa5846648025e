"""`make fault`: scripted faults against real processes on PostgreSQL + Redis,
each ending with a count of texts lost and texts sent twice (both must be 0).

Twilio is the project's test fake at its HTTP transport
(tests/checkins/fake_twilio.py: a twilio HttpClient subclass, shared through
a folder so worker processes and this script see the same "phones").

Scenarios:
  twilio-outage     Twilio answers 500, 429 and time-outs for a while, then recovers
  broker-restart    Redis is restarted in the middle of a dispatch
  worker-sigkill    a worker is killed with SIGKILL mid-batch; a new one starts
  db-drop-webhook   database connections are killed while replies arrive on the webhook
  webhook-twice     every reply is delivered twice
  beat-twice        two beat processes are started by mistake

Environment: FAULT_DATABASE_URL (a scratch database, re-created),
FAULT_BROKER_URL (default redis://127.0.0.1:6379/13), FAULT_ONLY (comma list).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV = ROOT / ".venv" / "bin"
DATABASE_URL = os.environ.get(
    "FAULT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/survivor_portal_fault"
)
BROKER_URL = os.environ.get("FAULT_BROKER_URL", "redis://127.0.0.1:6379/13")
WORK = ROOT / "var" / "fault"
PORT = 8792
TOKEN = "fault-auth-token-0123456789abcdef"


def configure_environment() -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "survivor_portal.settings.production",
            "SECRET_KEY": "fault-" + "k" * 60,
            "FIELD_ENCRYPTION_KEYS": os.environ.get("FAULT_KEYS") or Fernet.generate_key().decode(),
            "PHONE_HASH_KEY": "fault-phone-hash-key",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": DATABASE_URL,
            "SECURE_SSL_REDIRECT": "false",
            "CELERY_BROKER_URL": BROKER_URL,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{PORT}",
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM": "+447700900001",
            "TWILIO_HTTP_CLIENT": "tests.checkins.fake_twilio.FakeTwilio",
            "SMS_LEASE_SECONDS": "4",
            "SMS_RETRY_BASE_SECONDS": "0.2",
            "SMS_RETRY_MAX_SECONDS": "1",
            "SMS_MAX_ATTEMPTS": "30",
            "BEAT_INTERVAL_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    os.environ["FAULT_KEYS"] = os.environ["FIELD_ENCRYPTION_KEYS"]


def recreate_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [VENV / "python", "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )


class Processes:
    """Celery workers, beats and gunicorn started for one scenario."""

    def __init__(self, fake_dir: Path) -> None:
        self.fake_dir = fake_dir
        self.running: list[subprocess.Popen] = []

    def _start(self, args: list[str]) -> subprocess.Popen:
        env = {**os.environ, "FAKE_TWILIO_DIR": str(self.fake_dir)}
        log = open(WORK / "processes.log", "a")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
        )
        self.running.append(process)
        return process

    def worker(self, name: str, concurrency: int = 2) -> subprocess.Popen:
        return self._start(
            [
                str(VENV / "celery"),
                "-A",
                "survivor_portal",
                "worker",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "WARNING",
                "--hostname",
                f"{name}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ]
        )

    def beat(self, name: str) -> subprocess.Popen:
        return self._start(
            [
                str(VENV / "celery"),
                "-A",
                "survivor_portal",
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                str(WORK / f"beat-{name}.db"),
            ]
        )

    def web(self, port: int = PORT) -> subprocess.Popen:
        process = self._start(
            [
                str(VENV / "gunicorn"),
                "survivor_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ]
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2)
                return process
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not start")

    @staticmethod
    def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.kill(process, signal.SIGTERM)
        self.running.clear()


def seed(prefix: str, count: int, *, plans: bool = False) -> list[str]:
    """Survivors with a safe number and all-day windows; either outbox rows
    queued now, or check-in plans due now. Returns their numbers."""
    from datetime import time as clock

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from checkins.services import checkins as checkins_services
    from checkins.services import outbox
    from contacts import roles
    from contacts.encryption import phone_hash
    from contacts.models import User
    from survivors.models import SafeContactWindow, Survivor

    roles.roles_ensure()
    worker, created = User.objects.get_or_create(username="fault-worker")
    if created:
        worker.groups.add(Group.objects.get(name=roles.WSS_WORKER))
    numbers = []
    base = abs(hash(prefix)) % 900 + 100
    for n in range(count):
        number = f"+447{base:03d}{n:06d}"
        survivor = Survivor.objects.create(known_as=f"{prefix} {n}", worker=worker)
        survivor.safe_phone = number
        survivor.safe_phone_hash = phone_hash(number)
        survivor.save()
        SafeContactWindow.objects.bulk_create(
            SafeContactWindow(
                survivor=survivor, weekday=d, starts_at=clock(0, 0), ends_at=clock(23, 59)
            )
            for d in range(7)
        )
        if plans:
            now = timezone.localtime()
            checkins_services.checkin_plan_set(
                actor=worker,
                survivor=survivor,
                frequency="daily",
                weekdays=[],
                send_at=(now - timedelta(minutes=1)).time(),
            )
        else:
            outbox.outbox_enqueue(
                survivor=survivor,
                kind="checkin",
                body="Hi, it's Sam.",
                idempotency_key=f"fault:{prefix}:{n}",
                wake=False,
            )
        numbers.append(number)
    if plans:
        from checkins.models import CheckInPlan

        # Found by their numbers' keyed hashes (names are encrypted at rest).
        hashes = [phone_hash(number) for number in numbers]
        CheckInPlan.objects.filter(survivor__safe_phone_hash__in=hashes).update(
            next_due_at=timezone.now() - timedelta(seconds=30)
        )
    return numbers


def wake(task: str = "checkins.tasks.outbox_drain") -> None:
    from survivor_portal.celery import app

    app.send_task(task)


def wait_until(condition, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def outbox_settled(numbers: list[str]) -> bool:
    from checkins.models import OutboundMessage

    open_states = [OutboundMessage.State.QUEUED, OutboundMessage.State.SENDING]
    hashes = _hashes(numbers)
    return (
        not OutboundMessage.objects.filter(
            survivor__safe_phone_hash__in=hashes, state__in=open_states
        ).exists()
        and OutboundMessage.objects.filter(survivor__safe_phone_hash__in=hashes).exists()
    )


def _hashes(numbers: list[str]) -> list[str]:
    from contacts.encryption import phone_hash

    return [phone_hash(n) for n in numbers]


def count_texts(fake_dir: Path, numbers: list[str]) -> tuple[int, int]:
    from tests.checkins.fake_twilio import FakeTwilio

    received: dict[str, int] = {}
    for message in FakeTwilio(fake_dir).messages:
        received[message["to"]] = received.get(message["to"], 0) + 1
    lost = sum(1 for n in numbers if received.get(n, 0) == 0)
    twice = sum(received.get(n, 0) - 1 for n in numbers if received.get(n, 0) > 1)
    return lost, twice


# --- Scenarios ----------------------------------------------------------------------


def scenario_twilio_outage(procs: Processes, fake) -> tuple[list[str], str]:
    fake.script(
        [{"status": 500}] * 6
        + [{"status": 429}] * 6
        + [{"raise": "timeout"}] * 6
        + [{"raise": "connection"}] * 4
    )
    numbers = seed("outage", 60)
    procs.worker("outage")
    procs.beat("outage")
    wake()
    wait_until(lambda: outbox_settled(numbers), 120)
    return numbers, "22 failed answers, then recovery"


def scenario_broker_restart(procs: Processes, fake) -> tuple[list[str], str]:
    fake.script([{"sleep_after_accept": 0.15}] * 150)
    numbers = seed("broker", 150)
    procs.worker("broker")
    procs.beat("broker")
    wake()
    wait_until(lambda: len(fake.messages) >= 20, 60)
    restarted_at = len(fake.messages)
    port = BROKER_URL.split(":")[2].split("/")[0]
    subprocess.run(
        ["redis-cli", "-p", port, "shutdown", "nosave"], check=False, capture_output=True
    )
    time.sleep(2)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            port,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        check=True,
    )
    wait_until(lambda: outbox_settled(numbers), 120)
    return numbers, f"Redis restarted after {restarted_at} texts"


def scenario_worker_sigkill(procs: Processes, fake) -> tuple[list[str], str]:
    fake.script([{"sleep_after_accept": 0.1}] * 120)
    numbers = seed("sigkill", 120)
    first = procs.worker("sigkill-1")
    procs.beat("sigkill")
    wake()
    wait_until(lambda: len(fake.messages) >= 30, 60)
    procs.kill(first, signal.SIGKILL)
    killed_at = len(fake.messages)
    procs.worker("sigkill-2")
    wake()
    wait_until(lambda: outbox_settled(numbers), 120)
    return numbers, f"worker killed after {killed_at} texts"


def _post_webhook(params: dict[str, str], port: int = PORT) -> int:
    """Post a signed reply. The signature is over the public URL (PUBLIC_BASE_URL),
    whichever server behind the proxy receives it."""
    from twilio.request_validator import RequestValidator

    public = f"http://127.0.0.1:{PORT}/sms/inbound/"
    url = f"http://127.0.0.1:{port}/sms/inbound/"
    signature = RequestValidator(TOKEN).compute_signature(public, params)
    request = urllib.request.Request(
        url,
        data=urlencode(params).encode(),
        method="POST",
        headers={"X-Twilio-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except HTTPError as error:
        return error.code
    except OSError:
        return 599


def _replies(numbers: list[str], prefix: str) -> list[dict[str, str]]:
    return [
        {
            "MessageSid": f"SM{prefix}{n:030d}"[:34],
            "From": number,
            "To": "+447700900001",
            "Body": "1",
            "AccountSid": "AC" + "0" * 32,
        }
        for n, number in enumerate(numbers)
    ]


def _stored_replies(prefix: str) -> int:
    from checkins.models import InboundMessage

    return InboundMessage.objects.filter(message_sid__startswith=f"SM{prefix}").count()


def scenario_db_drop_webhook(procs: Processes, fake) -> tuple[list[str], str]:
    import psycopg

    numbers = seed("dbdrop", 80)
    procs.web()
    procs.worker("dbdrop")
    stop = threading.Event()
    killed = [0]
    name = DATABASE_URL.rsplit("/", 1)[1]

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        harness_pid = cursor.fetchone()[0]

    def killer() -> None:
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            while not stop.is_set():
                rows = conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid() AND pid <> %s",
                    [name, harness_pid],
                ).fetchall()
                killed[0] += len(rows)
                time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    retries = 0
    for params in _replies(numbers, "D"):
        # Twilio retries a webhook that failed; so does this harness, up to 10 times.
        for _ in range(10):
            if _post_webhook(params) == 200:
                break
            retries += 1
            time.sleep(0.1)
    stop.set()
    thread.join()
    connection.close()  # in case the killer reached this script's own connection too
    stored = _stored_replies("D")
    return numbers, f"{killed[0]} connections killed, {retries} retried; {stored} replies stored"


def scenario_webhook_twice(procs: Processes, fake) -> tuple[list[str], str]:
    numbers = seed("twice", 50)
    procs.web()
    for params in _replies(numbers, "T"):
        _post_webhook(params)
        _post_webhook(params)
    return numbers, f"{_stored_replies('T')} replies stored for {len(numbers)} sent twice"


def scenario_beat_twice(procs: Processes, fake) -> tuple[list[str], str]:
    numbers = seed("beats", 60, plans=True)
    procs.worker("beats", concurrency=4)
    procs.beat("beats-a")
    procs.beat("beats-b")
    wait_until(lambda: outbox_settled(numbers) and len(fake.messages) >= len(numbers), 120)
    time.sleep(3)  # let both beats fire a few more times
    return numbers, "two beats ran side by side"


def scenario_scale_out(procs: Processes, fake) -> tuple[list[str], str]:
    """The scale-out shape of docs/operations.md: two gunicorn processes, two Celery worker
    processes, one beat, one PostgreSQL, one Redis; an outage, a SIGKILL and
    every reply delivered to both web servers."""
    fake.script([{"status": 503}] * 5 + [{"sleep_after_accept": 0.1}] * 100)
    numbers = seed("scale", 100)
    procs.web(PORT)
    procs.web(PORT + 10)
    first = procs.worker("scale-1")
    procs.worker("scale-2")
    procs.beat("scale")
    wake()
    wait_until(lambda: len(fake.messages) >= 25, 60)
    procs.kill(first, signal.SIGKILL)
    killed_at = len(fake.messages)
    procs.worker("scale-3")
    for params in _replies(numbers, "S"):
        _post_webhook(params, PORT)
        _post_webhook(params, PORT + 10)
    wait_until(lambda: outbox_settled(numbers), 120)
    stored = _stored_replies("S")
    lost_replies = len(numbers) - stored
    return numbers, (
        f"2 web + 2 workers; worker killed after {killed_at} texts; "
        f"{stored} replies stored, {lost_replies} lost"
    )


SCENARIOS = {
    "twilio-outage": scenario_twilio_outage,
    "broker-restart": scenario_broker_restart,
    "worker-sigkill": scenario_worker_sigkill,
    "db-drop-webhook": scenario_db_drop_webhook,
    "webhook-twice": scenario_webhook_twice,
    "beat-twice": scenario_beat_twice,
    "scale-out": scenario_scale_out,
}
WEBHOOK_SCENARIOS = {"db-drop-webhook": "D", "webhook-twice": "T"}


def main() -> int:
    configure_environment()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    recreate_database()
    import django

    django.setup()
    from django.db import connection

    from tests.checkins.fake_twilio import FakeTwilio

    only = [s for s in os.environ.get("FAULT_ONLY", "").split(",") if s]
    rows = []
    for name, scenario in SCENARIOS.items():
        if only and name not in only:
            continue
        fake_dir = WORK / name
        fake = FakeTwilio(fake_dir)
        os.environ["FAKE_TWILIO_DIR"] = str(fake_dir)
        procs = Processes(fake_dir)
        started = time.time()
        try:
            numbers, detail = scenario(procs, fake)
        finally:
            procs.stop_all()
        connection.close()
        if name in WEBHOOK_SCENARIOS:
            stored = _stored_replies(WEBHOOK_SCENARIOS[name])
            lost, twice = len(numbers) - stored, 0  # unique on MessageSid: never more
        else:
            lost, twice = count_texts(fake_dir, numbers)
            if name == "scale-out":  # replies too: every one stored once
                lost += len(numbers) - _stored_replies("S")
        rows.append((name, len(numbers), lost, twice, time.time() - started, detail))
        print(
            f"{name}: {len(numbers)} messages, lost {lost}, sent twice {twice} ({detail})",
            flush=True,
        )

    print()
    print(f"{'scenario':<18} {'messages':>8} {'lost':>5} {'twice':>6} {'seconds':>8}  detail")
    for name, total, lost, twice, seconds, detail in rows:
        print(f"{name:<18} {total:>8} {lost:>5} {twice:>6} {seconds:>8.0f}  {detail}")
    bad = [r for r in rows if r[2] or r[3]]
    print(f"\n{len(rows)} scenarios, {len(bad)} with a lost or doubled message")
    return 1 if bad or not rows else 0


if __name__ == "__main__":
    sys.exit(main())
