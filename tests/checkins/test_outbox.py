"""The outbox and the Twilio backend (SPEC 5): the real twilio.rest.Client builds
each request; only its HTTP transport is faked."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from checkins import sms
from checkins.models import CheckIn, OutboundMessage, SmsOptOut
from checkins.services.checkins import checkins_dispatch_due, checkins_mark_missed
from checkins.services.outbox import (
    outbox_claim,
    outbox_drain,
    outbox_enqueue,
    outbox_send_claimed,
    outbox_sweep,
    retry_delay,
)
from survivors.models import Alert

from .conftest import HER_NUMBER, PUBLIC, due_plan
from .fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

State = OutboundMessage.State


def _drain_until_settled(limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        outbox_drain()
        if not OutboundMessage.objects.filter(state__in=[State.QUEUED, State.SENDING]).exists():
            return
        time.sleep(0.02)
    raise AssertionError("outbox did not settle")


def test_twilio_backend_sends_the_check_in_with_the_right_form_fields(twilio, her, worker):
    plan = due_plan(her, worker)
    assert checkins_dispatch_due() == {"queued": 1}
    outbox_drain()
    [request] = twilio.requests
    assert request["method"] == "POST"
    assert request["url"] == (
        f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    )
    assert request["auth"] == [ACCOUNT_SID, AUTH_TOKEN]
    # It expires at Twilio when her safe window ends (test_validity_period.py).
    assert 1 <= int(request["data"].pop("ValidityPeriod")) <= 36_000
    assert request["data"] == {
        "To": HER_NUMBER,
        "From": FROM_NUMBER,
        "Body": "Hi, it's Sam. Reply 1 if all is well, 2 if you'd like a call, 3 if it's urgent.",
        "StatusCallback": f"{PUBLIC}/sms/status/",
    }
    message = OutboundMessage.objects.get()
    assert message.state == State.SENT
    assert message.message_sid == twilio.messages[0]["sid"]
    checkin = CheckIn.objects.get(plan=plan)
    assert checkin.state == CheckIn.State.SENT
    assert checkin.reply_by - checkin.sent_at == timedelta(hours=24)


def test_a_messaging_service_is_used_when_configured(twilio, settings, her):
    settings.TWILIO_FROM = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    outbox_enqueue(survivor=her, kind="nudge", body="Hi", idempotency_key="n1", wake=False)
    outbox_drain()
    data = twilio.requests[0]["data"]
    assert data["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in data


def test_the_sender_name_comes_from_the_site_settings(twilio, her, worker):
    from wagtail.models import Site

    from cms.models import BrandingSettings

    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.sms_sender_name = "Jo"
    branding.save()
    due_plan(her, worker)
    checkins_dispatch_due()
    outbox_drain()
    assert twilio.messages[0]["body"].startswith("Hi, it's Jo.")


def test_number_and_text_are_encrypted_at_rest(her):
    outbox_enqueue(survivor=her, kind="nudge", body="Hi there", idempotency_key="n1", wake=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_number, body FROM checkins_outboundmessage")
        number, body = cursor.fetchone()
    assert HER_NUMBER not in number and "Hi there" not in body


def test_the_idempotency_key_makes_a_second_enqueue_a_no_op(her):
    first = outbox_enqueue(survivor=her, kind="nudge", body="Hi", idempotency_key="k", wake=False)
    second = outbox_enqueue(survivor=her, kind="nudge", body="Hi", idempotency_key="k", wake=False)
    assert first.pk == second.pk
    assert OutboundMessage.objects.count() == 1


def test_an_outage_of_n_attempts_then_recovery_sends_exactly_once(twilio, her, worker):
    due_plan(her, worker)
    checkins_dispatch_due()
    twilio.script(
        [
            {"status": 503},
            {"status": 429},
            {"raise": "timeout"},
            {"raise": "connect"},
            {"status": 500},
        ]
    )
    delays = []
    deadline = time.monotonic() + 10
    while OutboundMessage.objects.get().state != State.SENT and time.monotonic() < deadline:
        outbox_drain()
        message = OutboundMessage.objects.get()
        if message.state == State.QUEUED:
            delays.append(message.next_attempt_at)
        time.sleep(0.02)
    message = OutboundMessage.objects.get()
    assert message.state == State.SENT
    assert len(twilio.messages) == 1  # her phone got one text
    assert message.message_sid == twilio.messages[0]["sid"]
    # Five failed answers, then success: each attempt was a real request.
    assert len(twilio.requests) >= 6 and message.attempts >= 3
    # After an answer that might have been sent (5xx, timeout) Twilio is asked first.
    assert any(r["method"] == "GET" for r in twilio.requests)


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap(settings):
    settings.SMS_RETRY_BASE_SECONDS = 30
    settings.SMS_RETRY_MAX_SECONDS = 3600
    for attempt, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240), (10, 3600)]:
        samples = {retry_delay(attempt) for _ in range(50)}
        assert all(ceiling / 2 <= s <= ceiling for s in samples)
        assert len(samples) > 1  # jittered


def test_a_transient_failure_that_never_ends_gives_up_at_the_limit_and_alerts(
    twilio, settings, her, worker
):
    settings.SMS_MAX_ATTEMPTS = 3
    plan = due_plan(her, worker)
    checkins_dispatch_due()
    twilio.script([{"status": 503}] * 10)
    _drain_until_settled()
    message = OutboundMessage.objects.get()
    assert (message.state, message.attempts, message.error_code) == (State.FAILED, 3, "503")
    assert Alert.objects.get().kind == Alert.Kind.SEND_FAILED
    assert CheckIn.objects.get(plan=plan).state == CheckIn.State.NOT_SENT
    assert twilio.messages == []


def test_an_invalid_number_fails_at_once_with_the_reason_and_alerts(twilio, her, worker):
    due_plan(her, worker)
    checkins_dispatch_due()
    twilio.script([{"status": 400, "code": 21211}])
    outbox_drain()
    message = OutboundMessage.objects.get()
    assert (message.state, message.attempts, message.error_code) == (State.FAILED, 1, "21211")
    assert Alert.objects.get().kind == Alert.Kind.SEND_FAILED
    assert len(twilio.requests) == 1


def test_twilio_21610_is_an_opt_out_for_her_worker_not_a_silent_stop(twilio, her, worker):
    plan = due_plan(her, worker)
    checkins_dispatch_due()
    twilio.script([{"status": 400, "code": 21610}])
    outbox_drain()
    assert OutboundMessage.objects.get().error_code == "21610"
    assert SmsOptOut.objects.get(survivor=her).source == "twilio_21610"
    assert Alert.objects.get().kind == Alert.Kind.OPTED_OUT
    plan.refresh_from_db()
    assert plan.next_due_at is None


def _lease_runs_out() -> None:
    """Time passes for the leases, not for the test: every lease ends now (a
    real sleep past a short lease made these tests depend on the machine's
    speed: a busy machine let a lease run out before the step that needed it)."""
    OutboundMessage.objects.filter(lease_expires_at__isnull=False).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_claim_is_exclusive_and_only_the_lease_holder_can_finish(twilio, settings, her):
    outbox_enqueue(survivor=her, kind="nudge", body="Hi", idempotency_key="n", wake=False)
    [(pk, token)] = outbox_claim()
    assert outbox_claim() == []  # nobody else gets it while the lease holds
    assert outbox_sweep()["requeued"] == 0
    # The lease expires (the worker died); the sweeper re-queues it, in doubt.
    _lease_runs_out()
    assert outbox_sweep()["requeued"] == 1
    message = OutboundMessage.objects.get()
    assert (message.state, message.in_doubt) == (State.QUEUED, True)
    backend = sms.get_backend()
    assert outbox_send_claimed(message_id=pk, lease_token=token, backend=backend) == "lost_lease"
    [(pk2, token2)] = outbox_claim()
    assert outbox_send_claimed(message_id=pk2, lease_token=token2, backend=backend) == State.SENT
    assert len(twilio.messages) == 1


def test_a_batch_that_outlives_its_lease_does_not_send_a_row_twice(twilio, settings, her):
    """Found by `make fault` (Redis restart): a worker claims a batch under one
    lease, is slow, the sweeper hands the tail of the batch to another worker,
    and the first worker must not then send those rows as well."""
    from checkins.services.outbox import _claimed_rows, _send_loaded

    outbox_enqueue(survivor=her, kind="nudge", body="Hi", idempotency_key="slow", wake=False)
    [(pk, token)] = outbox_claim()
    held_by_slow_worker = _claimed_rows([pk], token)  # loaded with its batch, not yet sent
    _lease_runs_out()  # busy with the rest of its batch: the lease runs out
    assert outbox_sweep()["requeued"] == 1
    [(pk2, token2)] = outbox_claim()
    backend = sms.get_backend()
    assert outbox_send_claimed(message_id=pk2, lease_token=token2, backend=backend) == State.SENT
    # The slow worker reaches the row at last: it must skip it, not send it again.
    assert _send_loaded(held_by_slow_worker[0], backend=backend, opted_out=False) == "lost_lease"
    assert len(twilio.messages) == 1


def test_a_worker_killed_after_twilio_accepted_does_not_cause_a_second_text(twilio, settings, her):
    """The state a SIGKILL between Twilio's answer and our write leaves behind."""
    outbox_enqueue(survivor=her, kind="nudge", body="Hi", idempotency_key="n", wake=False)
    [(pk, _token)] = outbox_claim()
    message = OutboundMessage.objects.get(pk=pk)
    OutboundMessage.objects.filter(pk=pk).update(first_attempt_at=timezone.now())
    sms.get_backend().send(message_id=pk, to=message.to_number, body=message.body)
    # ... and the worker dies here, before recording the SID.
    _lease_runs_out()
    assert outbox_sweep()["requeued"] == 1
    outbox_drain()
    message.refresh_from_db()
    assert message.state == State.SENT
    assert len(twilio.messages) == 1
    assert message.message_sid == twilio.messages[0]["sid"]


def test_a_check_in_that_waited_past_its_window_in_the_outbox_expires(twilio, her, worker):
    plan = due_plan(her, worker)
    checkins_dispatch_due()
    OutboundMessage.objects.update(not_after=timezone.now() - timedelta(seconds=1))
    outbox_drain()
    message = OutboundMessage.objects.get()
    assert message.state == State.EXPIRED
    assert CheckIn.objects.get(plan=plan).state == CheckIn.State.TOO_OLD
    assert Alert.objects.get().kind == Alert.Kind.CHECKIN_TOO_OLD
    assert twilio.requests == []


def test_no_reply_within_the_window_alerts_her_worker_and_sends_nothing_more(twilio, her, worker):
    plan = due_plan(her, worker, reply_window_hours=6)
    checkins_dispatch_due()
    outbox_drain()
    checkin = CheckIn.objects.get(plan=plan)
    assert checkins_mark_missed(now=checkin.reply_by - timedelta(minutes=1)) == 0
    assert checkins_mark_missed(now=checkin.reply_by + timedelta(minutes=1)) == 1
    assert checkins_mark_missed(now=checkin.reply_by + timedelta(hours=1)) == 0
    checkin.refresh_from_db()
    assert checkin.state == CheckIn.State.MISSED
    assert Alert.objects.get().kind == Alert.Kind.CHECKIN_MISSED
    assert len(twilio.messages) == 1  # no automatic second text


def test_the_outbox_backend_needs_no_account_and_logs_ids_only(settings, her, worker, caplog):
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    settings.SMS_BACKEND = ""
    assert isinstance(sms.get_backend(), sms.OutboxBackend)
    due_plan(her, worker)
    with caplog.at_level(logging.DEBUG):
        checkins_dispatch_due()
        outbox_drain()
    message = OutboundMessage.objects.get()
    assert message.state == State.SENT and message.message_sid.startswith("OB")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"text {message.pk} sent by the outbox backend" in logged
    assert HER_NUMBER not in logged and "Reply 1" not in logged and her.known_as not in logged


def test_twilio_logs_nothing_below_warning(twilio, her, caplog):
    assert logging.getLogger("twilio.http_client").getEffectiveLevel() >= logging.WARNING
    outbox_enqueue(survivor=her, kind="nudge", body="Hi", idempotency_key="n", wake=False)
    with caplog.at_level(logging.INFO):
        logging.getLogger("twilio").setLevel(logging.WARNING)
        outbox_drain()
    assert not any(HER_NUMBER in record.getMessage() for record in caplog.records)


def test_nudges_go_only_inside_her_windows_and_once_per_window(her, settings):
    from datetime import time as clock

    from checkins.services.checkins import sms_nudge_queue
    from survivors.models import SafeContactWindow

    her.sms_nudges = True
    her.save()
    SafeContactWindow.objects.filter(survivor=her).delete()
    now = timezone.now()
    later = (now + timedelta(hours=3)).astimezone(timezone.get_default_timezone())
    SafeContactWindow.objects.create(
        survivor=her,
        weekday=later.weekday(),
        starts_at=clock(later.hour, 0),
        ends_at=clock(later.hour, 59),
    )
    first = sms_nudge_queue(survivor=her, now=now)
    second = sms_nudge_queue(survivor=her, now=now)
    assert first is not None and first.pk == second.pk
    assert first.next_attempt_at > now + timedelta(hours=1)  # waits for her window
    assert outbox_claim(now=now) == []
    her.sms_nudges = False
    her.save()
    OutboundMessage.objects.all().delete()
    assert sms_nudge_queue(survivor=her, now=now) is None


@pytest.mark.parametrize("code,expected", [(21211, "permanent"), (21610, "permanent")])
def test_permanent_codes_are_classified(code, expected):
    from twilio.base.exceptions import TwilioRestException

    error = sms._classify(TwilioRestException(400, "/x", "bad", code=code))
    assert isinstance(error, sms.PermanentSendError) and error.code == str(code)
