"""Fixtures for check-ins and SMS: Twilio faked only at its HTTP transport."""

from __future__ import annotations

import os
from datetime import time, timedelta

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from checkins.models import CheckInPlan
from checkins.services.checkins import checkin_plan_set
from contacts import roles
from survivors.models import SafeContactWindow, Survivor

from ..factories import SurvivorFactory, staff_user
from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio

PUBLIC = "https://portal.example.org"
HER_NUMBER = "+447700900555"


@pytest.fixture
def twilio(settings, tmp_path, monkeypatch) -> FakeTwilio:
    """Settings that select the Twilio backend, talking to the fake transport."""
    directory = tmp_path / "twilio"
    monkeypatch.setenv("FAKE_TWILIO_DIR", str(directory))
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM = FROM_NUMBER
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_HTTP_CLIENT = "tests.checkins.fake_twilio.FakeTwilio"
    settings.SMS_BACKEND = ""
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.SMS_RETRY_BASE_SECONDS = 0.01
    settings.SMS_RETRY_MAX_SECONDS = 0.05
    return FakeTwilio(directory)


@pytest.fixture
def webhook_settings(settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.PUBLIC_BASE_URL = PUBLIC
    return settings


def sign(path: str, params: dict[str, str], *, token: str = AUTH_TOKEN, base: str = PUBLIC):
    return RequestValidator(token).compute_signature(base + path, params)


def all_day_windows(survivor: Survivor) -> None:
    SafeContactWindow.objects.bulk_create(
        SafeContactWindow(
            survivor=survivor, weekday=day, starts_at=time(0, 0), ends_at=time(23, 59)
        )
        for day in range(7)
    )


@pytest.fixture
def worker(db):
    return staff_user(roles.WSS_WORKER, username="checkin-worker")


@pytest.fixture
def her(db, worker) -> Survivor:
    survivor = SurvivorFactory.create(phone=HER_NUMBER, worker=worker, known_as="Checkin Person")
    all_day_windows(survivor)
    return survivor


def due_plan(survivor: Survivor, actor, **kw) -> CheckInPlan:
    """A daily plan that has just fallen due (its due time one minute ago)."""
    plan = checkin_plan_set(
        actor=actor,
        survivor=survivor,
        frequency=kw.pop("frequency", "daily"),
        weekdays=kw.pop("weekdays", []),
        send_at=kw.pop("send_at", time(0, 0)),
        **kw,
    )
    due = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    CheckInPlan.objects.filter(pk=plan.pk).update(next_due_at=due)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def celery_via_broker(transactional_db):
    """The project's Celery app with eager mode off: tasks go through the broker
    (the in-memory one on the SQLite run, the configured Redis otherwise)."""
    from survivor_portal.celery import app

    configured = os.environ.get("CELERY_BROKER_URL", "")
    url = configured if configured.startswith("redis://") else "memory://"
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    saved["broker_transport_options"] = app.conf.broker_transport_options
    # In-process queue: look for work every 50 ms rather than every second, so
    # a test waits for the worker's answer, not for its next poll.
    options = (
        {"polling_interval": 0.05} if url == "memory://" else saved["broker_transport_options"]
    )
    _reconfigure(app, task_always_eager=False, broker_url=url, broker_transport_options=options)
    app.control.purge()
    yield app
    app.control.purge()
    _reconfigure(app, **saved)


def _reconfigure(app, **conf) -> None:
    app.conf.update(conf)
    # Celery's private connection pools (not in its types), dropped so the next
    # connection uses the new broker URL.
    app._pool = None
    app.amqp._producer_pool = None
