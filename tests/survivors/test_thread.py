"""The private message line between her and her current worker (SPEC 4: messages)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from checkins.models import OutboundMessage
from contacts.models import AuditEvent
from survivors.errors import MessageError
from survivors.models import Message, SafeContactWindow
from survivors.selectors import messages as messages_selectors
from survivors.services import cases as cases_services
from survivors.services import messages as messages_services

from ..conftest import sign_in
from ..factories import staff_user


@pytest.fixture
def her(world):
    return sign_in(Client(), world.survivor_a.user)


@pytest.fixture
def worker(world):
    return sign_in(Client(), world.wss_a)


def test_she_writes_and_her_worker_reads_and_replies(world, her, worker) -> None:
    sent = her.post("/messages/", {"body": "Can you call on Thursday?"})
    assert sent.status_code == 303 and sent["Location"] == "/messages/"
    assert b"Sent." in her.get("/messages/").content
    dashboard_counts = messages_selectors.unread_counts_for_worker(worker=world.wss_a)
    assert dashboard_counts[world.survivor_a.pk] == 2  # the canary message and this one

    page = worker.get(f"/staff/cases/{world.survivor_a.pk}/messages/")
    assert b"Can you call on Thursday?" in page.content
    assert messages_selectors.unread_counts_for_worker(worker=world.wss_a) == {}
    reply = worker.post(
        f"/staff/cases/{world.survivor_a.pk}/messages/", {"body": "Yes, after 10am."}
    )
    assert reply.status_code == 302
    assert b"Yes, after 10am." in her.get("/messages/").content


def test_a_worker_read_of_a_thread_is_audited(world, worker) -> None:
    worker.get(f"/staff/cases/{world.survivor_a.pk}/messages/")
    event = AuditEvent.objects.get(action="thread.view")
    assert (event.actor, event.survivor_id) == (world.wss_a, world.survivor_a.pk)


def test_other_workers_and_the_manager_cannot_read_her_thread(world) -> None:
    path = f"/staff/cases/{world.survivor_a.pk}/messages/"
    assert sign_in(Client(), world.wss_other).get(path).status_code == 404
    assert sign_in(Client(), world.manager).get(path).status_code == 403
    # The manager sees counts only.
    months = list(messages_selectors.message_counts_by_month())
    assert months and months[0]["from_her"] == 1
    assert "body" not in months[0]


def test_on_reallocation_the_new_worker_sees_the_history_and_the_old_one_does_not(world) -> None:
    new = staff_user("WSS worker", username="worker-new")
    cases_services.survivor_allocate(actor=world.manager, survivor=world.survivor_a, worker=new)
    path = f"/staff/cases/{world.survivor_a.pk}/messages/"
    assert sign_in(Client(), world.wss_a).get(path).status_code == 404
    page = sign_in(Client(), new).get(path)
    assert page.status_code == 200
    assert b"canary message body" in page.content
    with pytest.raises(MessageError):
        messages_services.message_send_from_worker(
            worker=world.wss_a, survivor=world.survivor_a, body="old worker"
        )


def test_she_can_clear_her_view_and_her_worker_keeps_the_record(world, her, worker) -> None:
    assert b"canary message body" in her.get("/messages/").content
    cleared = her.post("/messages/clear/")
    assert cleared.status_code == 303
    page = her.get("/messages/")
    assert b"canary message body" not in page.content
    assert b"cleared" in page.content
    assert (
        b"canary message body"
        in worker.get(f"/staff/cases/{world.survivor_a.pk}/messages/").content
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", b"Write a message"),
        ("   \n\t ", b"Write a message"),
        ("x" * 2001, b"up to 2000 characters"),
    ],
)
def test_bad_bodies_are_refused_with_a_clear_message(world, her, body, expected) -> None:
    before = Message.objects.count()
    response = her.post("/messages/", {"body": body})
    assert response.status_code == 400
    assert expected in response.content
    assert Message.objects.count() == before


def test_posting_is_rate_limited_per_account(world, her, settings) -> None:
    settings.MESSAGE_RATE_LIMIT = 3
    for n in range(2):  # the world's canary message counts too
        assert her.post("/messages/", {"body": f"note {n}"}).status_code == 303
    refused = her.post("/messages/", {"body": "one too many"})
    assert refused.status_code == 400
    assert b"Wait a few minutes" in refused.content
    assert not Message.objects.filter(body="one too many").exists()


def test_html_is_shown_as_text_and_direction_overrides_are_neutralised(world, her, worker) -> None:
    her.post("/messages/", {"body": "<script>alert(1)</script> invoice\u202egnp.exe"})
    page = worker.get(f"/staff/cases/{world.survivor_a.pk}/messages/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "\u202e" not in page
    assert "invoicegnp.exe" in page


# --- Nudges ------------------------------------------------------------------------


@pytest.fixture
def always_safe(world):
    survivor = world.survivor_a
    survivor.windows.all().delete()
    for day in range(7):
        SafeContactWindow.objects.create(
            survivor=survivor, weekday=day, starts_at=time(0, 0), ends_at=time(23, 59)
        )
    survivor.sms_nudges = True
    survivor.save()
    return survivor


def _nudges(survivor) -> int:
    return OutboundMessage.objects.filter(survivor=survivor, kind="nudge").count()


def test_one_nudge_per_unread_batch_when_she_opted_in(world, always_safe) -> None:
    messages_services.message_send_from_worker(worker=world.wss_a, survivor=always_safe, body="one")
    messages_services.message_send_from_worker(worker=world.wss_a, survivor=always_safe, body="two")
    assert _nudges(always_safe) == 1
    nudge = OutboundMessage.objects.get(survivor=always_safe, kind="nudge")
    assert "message" in nudge.body.lower()
    assert "one" not in nudge.body and world.survivor_a.known_as not in nudge.body


def test_no_nudge_without_opt_in_or_while_contact_is_paused(world, always_safe) -> None:
    always_safe.contact_paused = True
    always_safe.save()
    messages_services.message_send_from_worker(
        worker=world.wss_a, survivor=always_safe, body="paused"
    )
    always_safe.contact_paused = False
    always_safe.sms_nudges = False
    always_safe.save()
    messages_services.message_send_from_worker(
        worker=world.wss_a, survivor=always_safe, body="no opt"
    )
    assert _nudges(always_safe) == 0


def test_a_nudge_waits_for_her_next_safe_window(world) -> None:
    survivor = world.survivor_a
    survivor.sms_nudges = True
    survivor.save()
    survivor.windows.all().delete()
    tomorrow = (timezone.localtime() + timedelta(days=1)).weekday()
    SafeContactWindow.objects.create(
        survivor=survivor, weekday=tomorrow, starts_at=time(10), ends_at=time(11)
    )
    messages_services.message_send_from_worker(worker=world.wss_a, survivor=survivor, body="hello")
    nudge = OutboundMessage.objects.get(survivor=survivor, kind="nudge")
    local = timezone.localtime(nudge.next_attempt_at)
    assert local.weekday() == tomorrow and time(10) <= local.time() <= time(11)


# --- Odd input never causes a 500 ----------------------------------------------------


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.text(max_size=300),
        st.text(alphabet=st.characters(codec=None), max_size=50),
        st.just("\x00" * 5),
        st.just("\ud800 lone surrogate"),
        st.just("\u202e override"),
        st.integers(min_value=1, max_value=10_000).map(lambda n: ("ab\u202e\x00" * 2500)[:n]),
    )
)
def test_any_body_is_stored_or_refused_never_a_crash(world, body) -> None:
    try:
        message = messages_services.message_send_from_survivor(survivor=world.survivor_a, body=body)
    except MessageError as error:
        assert error.message
    else:
        message.refresh_from_db()
        assert "\x00" not in message.body and "\u202e" not in message.body
        message.delete()


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=400))
def test_any_posted_bytes_get_a_page_not_a_500(world, raw) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    from urllib.parse import quote_from_bytes

    response = client.generic(
        "POST",
        "/messages/",
        b"body=" + quote_from_bytes(raw).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (303, 400)
    if response.status_code == 400:
        assert b'role="alert"' in response.content
    # Keep under the rate limit for the next example.
    first = Message.objects.order_by("pk").first()
    Message.objects.filter(author=world.survivor_a.user).exclude(pk=first.pk).delete()


def test_nul_and_surrogates_survive_the_database(world) -> None:
    message = messages_services.message_send_from_survivor(
        survivor=world.survivor_a, body="a\x00b\ud800c"
    )
    message.refresh_from_db()
    assert message.body in ("abc", "ab?c")
    assert connection.vendor in ("sqlite", "postgresql")


def test_a_status_change_nudges_her_if_she_opted_in_and_never_in_the_request(
    world, always_safe, django_capture_on_commit_callbacks
) -> None:
    from programme.services.records import status_change_record

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        status_change_record(
            actor=world.programme, participant=world.linked_participant, status="suspended"
        )
    assert _nudges(always_safe) == 0  # nothing per survivor inside the programme request
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()  # the commit wakes the WSS side, which takes the event in
    assert _nudges(always_safe) == 1
    # Survivor B did not opt in: no text for her.
    assert OutboundMessage.objects.filter(survivor=world.survivor_b).count() == 0
