"""Twilio's webhooks: signed or nothing (SPEC 5, 8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from checkins.models import (
    CheckIn,
    CheckInPlan,
    InboundMessage,
    OutboundMessage,
    SmsOptOut,
    SmsStatusEvent,
)
from checkins.services.outbox import outbox_enqueue
from survivors.models import Alert

from ..figures import record
from .conftest import HER_NUMBER, PUBLIC, due_plan, sign

INBOUND = "/sms/inbound/"
STATUS = "/sms/status/"


def _reply(body: str = "2", sid: str = "SM" + "a" * 32, number: str = HER_NUMBER) -> dict:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": number,
        "To": "+447700900001",
        "Body": body,
        "NumMedia": "0",
    }


def _status(sid: str = "SM" + "b" * 32, status: str = "delivered") -> dict:
    return {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32}


def _post(client: Client, path: str, params: dict, signature: str | None, **extra: Any):
    headers: dict[str, Any] = {} if signature is None else {"HTTP_X_TWILIO_SIGNATURE": signature}
    return client.post(path, params, **headers, **extra)


def _forgeries(path: str, params: dict) -> dict[str, Callable[[Client], Any]]:
    other = STATUS if path == INBOUND else INBOUND
    good = sign(path, params)
    tampered = {**params, next(iter(params)): params[next(iter(params))] + "x"}
    added = {**params, "Extra": "1"}
    removed = dict(list(params.items())[1:])
    other_request = {**params, "MessageSid": "SM" + "f" * 32}
    return {
        "no signature": lambda c: _post(c, path, params, None),
        "empty signature": lambda c: _post(c, path, params, ""),
        "garbage signature": lambda c: _post(c, path, params, "bm90IGEgc2lnbmF0dXJl"),
        "wrong auth token": lambda c: _post(c, path, params, sign(path, params, token="x" * 32)),
        "tampered parameter": lambda c: _post(c, path, tampered, good),
        "added parameter": lambda c: _post(c, path, added, good),
        "removed parameter": lambda c: _post(c, path, removed, good),
        "http instead of https": lambda c: _post(
            c, path, params, sign(path, params, base=PUBLIC.replace("https", "http"))
        ),
        "wrong host": lambda c: _post(
            c, path, params, sign(path, params, base="https://attacker.example")
        ),
        "signed for the other webhook": lambda c: _post(c, path, params, sign(other, params)),
        "signed with a query string": lambda c: _post(c, path, params, sign(path + "?a=1", params)),
        "signature replayed on another request": lambda c: _post(c, path, other_request, good),
        "empty body with a real signature": lambda c: _post(c, path, {}, good),
        "GET instead of POST": lambda c: c.get(path, params, HTTP_X_TWILIO_SIGNATURE=good),
        "PUT instead of POST": lambda c: c.put(
            path,
            "&".join(f"{k}={v}" for k, v in params.items()),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=good,
        ),
        "JSON body": lambda c: c.post(
            path, params, content_type="application/json", HTTP_X_TWILIO_SIGNATURE=good
        ),
    }


FORGERY_NAMES = list(_forgeries(INBOUND, _reply()).keys())


def _rows() -> tuple[int, int, int]:
    return (
        InboundMessage.objects.count(),
        SmsStatusEvent.objects.count(),
        Alert.objects.count(),
    )


@pytest.mark.parametrize("path", [INBOUND, STATUS])
@pytest.mark.parametrize("forgery", FORGERY_NAMES)
def test_forged_or_unsigned_requests_get_403_and_store_nothing(
    webhook_settings, her, path, forgery, django_capture_on_commit_callbacks
) -> None:
    params = _reply() if path == INBOUND else _status()
    before = _rows()
    with django_capture_on_commit_callbacks(execute=True):
        response = _forgeries(path, params)[forgery](Client())
    record("rows written by forged webhooks", sum(_rows()) - sum(before))
    assert response.status_code == 403, forgery
    assert _rows() == before == (0, 0, 0)


def test_at_least_ten_kinds_of_forgery_are_checked() -> None:
    record("forged webhook kinds tried", len(FORGERY_NAMES))
    assert len(FORGERY_NAMES) >= 10


def test_signature_is_checked_even_with_debug_on(webhook_settings, her) -> None:
    webhook_settings.DEBUG = True
    response = _post(Client(), INBOUND, _reply(), None)
    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0


def test_without_an_auth_token_every_request_is_refused(webhook_settings, her) -> None:
    webhook_settings.TWILIO_AUTH_TOKEN = ""
    params = _reply()
    response = _post(Client(), INBOUND, params, sign(INBOUND, params, token=""))
    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0


def _send_reply(body: str, *, number: str = HER_NUMBER, sid: str | None = None, capture=None):
    params = _reply(
        body, sid=sid or "SM" + format(abs(hash((body, number))), "032x")[:32], number=number
    )
    with capture(execute=True):
        return _post(Client(), INBOUND, params, sign(INBOUND, params))


@pytest.fixture
def sent_checkin(her, worker) -> CheckIn:
    plan = due_plan(her, worker)
    from checkins.services.checkins import checkins_dispatch_due
    from checkins.services.outbox import outbox_drain

    checkins_dispatch_due()
    outbox_drain()  # the default outbox backend: no account needed
    checkin = CheckIn.objects.get(plan=plan)
    assert checkin.state == CheckIn.State.SENT
    return checkin


def test_a_valid_reply_replayed_five_times_is_stored_once(
    webhook_settings, sent_checkin, django_capture_on_commit_callbacks
) -> None:
    params = _reply("2")
    signature = sign(INBOUND, params)
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(Client(), INBOUND, params, signature)
        assert response.status_code == 200
    assert InboundMessage.objects.count() == 1
    assert Alert.objects.filter(kind=Alert.Kind.CALL_REQUESTED).count() == 1


def test_reply_1_is_recorded_without_an_alert(
    webhook_settings, sent_checkin, django_capture_on_commit_callbacks
) -> None:
    response = _send_reply("1 ", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    sent_checkin.refresh_from_db()
    assert (sent_checkin.state, sent_checkin.reply) == (CheckIn.State.ANSWERED, "well")
    assert not Alert.objects.exists()


def test_reply_2_asks_for_a_call(
    webhook_settings, sent_checkin, django_capture_on_commit_callbacks
) -> None:
    _send_reply("2", capture=django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    assert (alert.kind, alert.urgent, alert.survivor_id) == (
        Alert.Kind.CALL_REQUESTED,
        False,
        sent_checkin.survivor_id,
    )


def test_reply_3_is_urgent_for_her_worker_and_the_duty_view(
    webhook_settings, sent_checkin, django_capture_on_commit_callbacks
) -> None:
    _send_reply("3", capture=django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    assert (alert.kind, alert.urgent) == (Alert.Kind.URGENT_REPLY, True)
    sent_checkin.refresh_from_db()
    assert sent_checkin.reply == "urgent"


def test_any_other_reply_is_kept_encrypted_for_her_worker_to_read(
    webhook_settings, sent_checkin, django_capture_on_commit_callbacks
) -> None:
    _send_reply("can you ring after 6 tomorrow", capture=django_capture_on_commit_callbacks)
    assert Alert.objects.get().kind == Alert.Kind.OTHER_REPLY
    inbound = InboundMessage.objects.get()
    assert inbound.body == "can you ring after 6 tomorrow"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body, from_hash FROM checkins_inboundmessage")
        raw_body, raw_from = cursor.fetchone()
    assert "ring" not in raw_body and HER_NUMBER not in raw_from


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "Unsubscribe", "STOPALL", "cancel", "QUIT", "End"]
)
def test_stop_words_stop_every_text_and_become_a_task_for_her_worker(
    webhook_settings, sent_checkin, word, django_capture_on_commit_callbacks
) -> None:
    survivor = sent_checkin.survivor
    queued = outbox_enqueue(
        survivor=survivor, kind="nudge", body="Hi", idempotency_key="nudge:test", wake=False
    )
    _send_reply(word, capture=django_capture_on_commit_callbacks)
    assert SmsOptOut.objects.filter(survivor=survivor, lifted_at__isnull=True).count() == 1
    assert Alert.objects.get().kind == Alert.Kind.OPTED_OUT
    assert CheckInPlan.objects.get(survivor=survivor).next_due_at is None
    queued.refresh_from_db()
    assert queued.state == OutboundMessage.State.FAILED
    # Nothing new can be queued while the opt-out stands.
    assert (
        outbox_enqueue(survivor=survivor, kind="nudge", body="Hi", idempotency_key="nudge:2")
        is None
    )


def test_an_unknown_number_gets_the_same_empty_answer_and_nothing_is_kept(
    webhook_settings, sent_checkin, django_capture_on_commit_callbacks
) -> None:
    known = _send_reply("hello", capture=django_capture_on_commit_callbacks)
    unknown = _send_reply(
        "hello", number="+447700900321", capture=django_capture_on_commit_callbacks
    )
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert b"<Response></Response>" in unknown.content
    assert unknown["Content-Type"].startswith("text/xml")
    stranger = InboundMessage.objects.get(survivor__isnull=True)
    assert (stranger.body, stranger.meaning) == ("", "unknown")
    assert Alert.objects.count() == 1  # hers only


def test_status_callbacks_move_forward_only_and_are_stored_once(webhook_settings, her) -> None:
    message = outbox_enqueue(
        survivor=her, kind="nudge", body="Hi", idempotency_key="k1", wake=False
    )
    OutboundMessage.objects.filter(pk=message.pk).update(state="sent", message_sid="SM" + "c" * 32)
    sid = "SM" + "c" * 32
    for status in ["delivered", "sent", "queued", "delivered", "sending"]:
        params = _status(sid, status)
        response = _post(Client(), STATUS, params, sign(STATUS, params))
        assert response.status_code == 204
        message.refresh_from_db()
        assert message.state == OutboundMessage.State.DELIVERED
    assert sorted(SmsStatusEvent.objects.values_list("status", flat=True)) == [
        "delivered",
        "queued",
        "sending",
        "sent",
    ]


def test_an_undelivered_callback_alerts_her_worker_once(webhook_settings, her) -> None:
    message = outbox_enqueue(
        survivor=her, kind="nudge", body="Hi", idempotency_key="k2", wake=False
    )
    sid = "SM" + "d" * 32
    OutboundMessage.objects.filter(pk=message.pk).update(state="sent", message_sid=sid)
    for status in ["undelivered", "undelivered", "delivered"]:
        params = _status(sid, status)
        assert _post(Client(), STATUS, params, sign(STATUS, params)).status_code == 204
    message.refresh_from_db()
    assert message.state == OutboundMessage.State.UNDELIVERED
    assert list(Alert.objects.values_list("kind", flat=True)) == [Alert.Kind.SEND_FAILED]


def test_a_reply_typed_with_urdu_digits_counts_as_the_same_digit(
    webhook_settings, sent_checkin, django_capture_on_commit_callbacks
) -> None:
    """SPEC 11: the replies stay 1/2/3 in every language; a phone keyboard in
    Urdu types ۳ (Extended Arabic-Indic three), which is still an urgent 3."""
    _send_reply("۳", capture=django_capture_on_commit_callbacks)
    alert = Alert.objects.get()
    assert (alert.kind, alert.urgent) == (Alert.Kind.URGENT_REPLY, True)
