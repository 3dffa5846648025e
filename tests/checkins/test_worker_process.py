"""A worker process killed with SIGKILL mid-send loses nothing and sends nothing
twice once a new worker starts (SPEC 5). Needs PostgreSQL + Redis (a SQLite
in-memory test database cannot be shared with another process): it runs in the
PostgreSQL + Redis CI run and FAILS there if either is unreachable. On the
SQLite run the same state is exercised in process by test_worker.py and
test_outbox.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from checkins.models import OutboundMessage
from checkins.services.outbox import outbox_enqueue
from checkins.tasks import outbox_drain, outbox_sweep

from ..factories import SurvivorFactory
from .conftest import all_day_windows
from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

ROOT = Path(settings.BASE_DIR)
DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("broker"),  # one process at a time talks to the broker
    # Real worker processes sharing one database need PostgreSQL + Redis: these
    # run in .ci/run's second pass and are deselected (with a note) on SQLite.
    pytest.mark.postgres_redis,
]


def _worker_env(fake_dir: Path) -> dict[str, str]:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    url = f"postgres://{user}{password}@{host}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "survivor_portal.settings.test",
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER_URL,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM": FROM_NUMBER,
        "TWILIO_HTTP_CLIENT": "tests.checkins.fake_twilio.FakeTwilio",
        "FAKE_TWILIO_DIR": str(fake_dir),
        "PUBLIC_BASE_URL": "https://portal.example.org",
        "SMS_LEASE_SECONDS": "2",
        "SMS_RETRY_BASE_SECONDS": "0.05",
        "SMS_RETRY_MAX_SECONDS": "0.2",
    }


def _start(env: dict[str, str], name: str, log: Path) -> subprocess.Popen:
    with open(log, "ab") as output:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "tests.checkins.worker_main", f"--hostname={name}@%h"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _wait(condition, timeout: float, poke=None, every: float = 0.5, log=None) -> None:
    """Wait for the workers: ``timeout`` bounds a stuck worker, it is not a
    speed budget (a loaded machine is slow; speed is measured in `make bench`)."""
    deadline = time.monotonic() + timeout
    last = 0.0
    while time.monotonic() < deadline:
        if condition():
            return
        if poke and time.monotonic() - last > every:
            poke()
            last = time.monotonic()
        time.sleep(0.05)
    raise AssertionError("timed out; worker log:\n" + (log.read_text() if log else ""))


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param("sleep_after_accept", id="killed after Twilio accepted the text"),
        pytest.param("sleep_before_accept", id="killed before Twilio accepted the text"),
    ],
)
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
    twilio, celery_via_broker, worker, tmp_path, moment
) -> None:
    log = tmp_path / "workers.log"
    people = []
    for n in range(5):
        survivor = SurvivorFactory.create(phone=f"+4477009008{n:02d}", worker=worker)
        all_day_windows(survivor)
        people.append(survivor)
        outbox_enqueue(
            survivor=survivor, kind="nudge", body=f"Hi {n}", idempotency_key=f"k{n}", wake=False
        )
    twilio.script([{moment: 120}])  # the first send hangs mid-request
    env = _worker_env(twilio.directory)
    first = _start(env, "doomed", log)
    second = None
    try:
        outbox_drain.delay()
        _wait(lambda: len([r for r in twilio.requests if r["method"] == "POST"]) == 1, 180, log=log)
        time.sleep(0.2)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        assert first.returncode == -signal.SIGKILL
        # The dead worker had leased the rows; none is sent or lost yet.
        assert OutboundMessage.objects.filter(state="sending").count() == 5
        second = _start(env, "survivor", log)
        _wait(
            lambda: OutboundMessage.objects.filter(state="sent").count() == 5,
            240,
            poke=outbox_sweep.delay,  # what beat sends every minute
            log=log,
        )
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
    bodies = sorted(m["body"] for m in twilio.messages)
    assert bodies == [f"Hi {n}" for n in range(5)]  # each exactly once
    rows = {m.body: m for m in OutboundMessage.objects.all()}
    for message in twilio.messages:
        assert rows[message["body"]].message_sid == message["sid"]
