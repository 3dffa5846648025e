"""Nothing about her leaves on the programme side by any channel (SPEC 2):
responses and headers, emails, log lines, Celery task arguments and the SMS
requests Twilio would receive, while a programme worker records things about
the man she is linked to. Feeds `make security`."""

from __future__ import annotations

import logging
from datetime import time

from celery.signals import task_prerun
from django.core import mail
from django.test import Client

from checkins.services import outbox
from survivors.models import Alert, SafeContactWindow

from ..checkins.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio
from ..conftest import CANARIES, sign_in
from ..figures import record


def test_no_channel_carries_survivor_data_from_programme_actions(
    world, settings, tmp_path, monkeypatch, caplog, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setenv("FAKE_TWILIO_DIR", str(tmp_path))
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM = FROM_NUMBER
    settings.TWILIO_HTTP_CLIENT = "tests.checkins.fake_twilio.FakeTwilio"
    survivor = world.survivor_a
    survivor.sms_nudges = True
    survivor.save()
    SafeContactWindow.objects.bulk_create(
        SafeContactWindow(survivor=survivor, weekday=d, starts_at=time(0), ends_at=time(23, 59))
        for d in range(7)
    )
    world.wss_a.email = "worker-a@example.org"
    world.wss_a.save()

    task_calls: list[str] = []

    def on_task(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra) -> None:
        task_calls.append(f"{task.name} {args!r} {kwargs!r}")

    task_prerun.connect(on_task, weak=False)
    caplog.set_level(logging.DEBUG)
    client = sign_in(Client(), world.programme)
    participant = world.linked_participant
    responses = []
    try:
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(
                client.post(
                    f"/staff/participants/{participant.pk}/status/",
                    {"status": "suspended", "reason": "missed sessions"},
                    follow=True,
                )
            )
            responses.append(
                client.post(
                    f"/staff/participants/{participant.pk}/concerns/",
                    {"kind": "threat", "occurred_on": "2026-11-01", "urgency": "urgent"},
                    follow=True,
                )
            )
            responses.append(client.get(f"/staff/participants/{participant.pk}/"))
            responses.append(client.get("/staff/participants/"))
            responses.append(client.get(f"/staff/groups/{world.group.pk}/"))
        outbox.outbox_drain()
    finally:
        task_prerun.disconnect(on_task)

    # The worker really was told (so silence here is not just nothing happening).
    assert Alert.objects.filter(survivor=survivor, kind="status_change").exists()
    assert Alert.objects.filter(survivor=survivor, kind="risk_concern").exists()

    channels = {
        "responses": "\n".join(
            r.content.decode("utf-8", "replace") + "\n".join(f"{k}: {v}" for k, v in r.items())
            for r in responses
        ),
        "emails": "\n".join(f"{m.to} {m.subject} {m.body}" for m in mail.outbox),
        "logs": caplog.text,
        "task arguments": "\n".join(task_calls),
        "SMS bodies": "\n".join(
            r["data"].get("Body", "") for r in FakeTwilio(tmp_path).requests if r.get("data")
        ),
    }
    hits = [
        f"{channel}: {canary}"
        for channel, text in channels.items()
        for canary in CANARIES
        if canary in text
    ]
    record("canary hits on the programme side (all channels)", len(hits))
    assert hits == []
    assert all(r.status_code == 200 for r in responses)
    # Emails to her worker say only that there is something to see.
    for message in mail.outbox:
        assert survivor.known_as not in message.body and "sign in" in message.body.lower()
