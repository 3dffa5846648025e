"""A real Celery worker (celery.contrib.testing.worker.start_worker, in this
process) delivering check-ins end to end through the broker: the in-memory
broker on the SQLite run, the configured Redis on the PostgreSQL + Redis run."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError, connection
from django.test import Client

from checkins import sms
from checkins.models import CheckIn, OutboundMessage
from checkins.services.outbox import outbox_claim, outbox_enqueue
from checkins.tasks import checkins_dispatch, outbox_sweep
from survivors.models import Alert

from ..factories import SurvivorFactory
from .conftest import all_day_windows, due_plan, sign

T = TypeVar("T")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("broker"),  # one process at a time talks to the broker
]


def wait_for(condition, *, timeout: float = 180.0, poke=None, every: float = 0.5) -> None:
    """Wait for what the worker does: a bound for a stuck worker, not a speed
    budget (a loaded machine is slow; speed is measured in `make bench`)."""
    deadline = time.monotonic() + timeout
    last_poke = 0.0
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OperationalError:  # SQLite's shared in-memory test database: table locked
            pass
        if poke and time.monotonic() - last_poke > every:
            poke()
            last_poke = time.monotonic()
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the worker")


def while_locked(write: Callable[[], T], *, timeout: float = 180.0) -> T:
    """Run one of the test's own writes while the worker thread writes too.

    SQLite's shared in-memory test database answers "table is locked" at once
    where a database file (production's SQLite, with its busy timeout) or
    PostgreSQL would wait for the other writer; this waits in its place. The
    write is atomic, so a refused attempt has left nothing behind."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return write()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def live_worker(celery_via_broker, settings):
    """A real worker thread consuming from the broker. Short leases, so a task
    that dies (e.g. SQLite's in-memory test database reporting a locked table
    between threads) is recovered by the sweeper, as in production."""
    settings.SMS_LEASE_SECONDS = 2
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")  # test-side polling takes no locks
    try:
        with start_worker(
            celery_via_broker, perform_ping_check=False, pool="solo", shutdown_timeout=30
        ) as running:
            try:
                yield running
            finally:
                # Ask it to stop, and wake its loop with a harmless task, rather
                # than leave it to notice at its next 2-second poll of the broker.
                from celery.worker import state

                state.should_terminate = 0  # type: ignore[assignment]  # any value but None stops it
                celery_via_broker.send_task("celery.ping")
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA read_uncommitted = 0")


def test_a_real_worker_delivers_due_check_ins_and_handles_the_reply(
    twilio, live_worker, worker, webhook_settings
) -> None:
    numbers = ["+447700900601", "+447700900602", "+447700900603"]
    people = []
    for number in numbers:
        survivor = SurvivorFactory.create(phone=number, worker=worker)
        all_day_windows(survivor)
        due_plan(survivor, worker)
        people.append(survivor)
    checkins_dispatch.delay()  # what beat sends every minute
    wait_for(
        lambda: CheckIn.objects.filter(state=CheckIn.State.SENT).count() == 3,
        poke=outbox_sweep.delay,
        every=3,
    )
    assert sorted(m["to"] for m in twilio.messages) == numbers
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {"sent"}
    # She replies 3: the webhook stores it and the worker raises the urgent alert.
    params = {
        "MessageSid": "SM" + "e" * 32,
        "From": numbers[1],
        "To": "+447700900001",
        "Body": "3",
    }
    response = Client().post(
        "/sms/inbound/", params, HTTP_X_TWILIO_SIGNATURE=sign("/sms/inbound/", params)
    )
    assert response.status_code == 200
    wait_for(
        lambda: Alert.objects.filter(kind=Alert.Kind.URGENT_REPLY).exists(),
        poke=outbox_sweep.delay,  # the sweeper also picks up unprocessed replies
        every=3,
    )
    alert = Alert.objects.get(kind=Alert.Kind.URGENT_REPLY)
    assert alert.survivor_id == people[1].pk and alert.urgent
    assert CheckIn.objects.get(survivor=people[1]).reply == "urgent"


def test_a_twilio_outage_then_recovery_sends_each_text_exactly_once(
    twilio, live_worker, her, worker
) -> None:
    others = []
    for number in ["+447700900701", "+447700900702"]:
        survivor = SurvivorFactory.create(phone=number, worker=worker)
        all_day_windows(survivor)
        others.append(survivor)
    for survivor in [her, *others]:
        due_plan(survivor, worker)
    outage = [{"status": 503}, {"raise": "timeout"}, {"status": 429}, {"raise": "connect"}]
    twilio.script(outage * 3)
    checkins_dispatch.delay()
    wait_for(
        lambda: OutboundMessage.objects.filter(state="sent").count() == 3,
        poke=outbox_sweep.delay,  # beat's sweeper picks up the due retries
        every=0.3,
    )
    assert len(twilio.messages) == 3
    assert len({m["to"] for m in twilio.messages}) == 3
    sids = set(OutboundMessage.objects.values_list("message_sid", flat=True))
    assert sids == {m["sid"] for m in twilio.messages}
    assert sum(OutboundMessage.objects.values_list("attempts", flat=True)) > 3


def test_a_row_left_by_a_dead_worker_is_finished_by_a_live_one_without_a_second_text(
    twilio, live_worker, her, settings
) -> None:
    """The SQLite-friendly variant of the SIGKILL test: the dead worker's state
    (leased, Twilio already accepted, no SID recorded) is made by the real code
    path, then the live worker and the sweeper take over."""
    settings.SMS_LEASE_SECONDS = 1
    first = outbox_enqueue(survivor=her, kind="nudge", body="Hi", idempotency_key="a", wake=False)
    second = outbox_enqueue(
        survivor=her, kind="nudge", body="Hi 2", idempotency_key="b", wake=False
    )
    claimed = outbox_claim()
    assert len(claimed) == 2
    sms.get_backend().send(message_id=first.pk, to=first.to_number, body=first.body)
    OutboundMessage.objects.filter(pk=first.pk).update(first_attempt_at=first.created_at)
    # The "dead" worker never finishes either row.
    wait_for(
        lambda: OutboundMessage.objects.filter(state="sent").count() == 2,
        poke=outbox_sweep.delay,
        every=0.5,
    )
    assert sorted(m["body"] for m in twilio.messages) == ["Hi", "Hi 2"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.message_sid == next(m["sid"] for m in twilio.messages if m["body"] == "Hi")
    assert second.attempts == 2
