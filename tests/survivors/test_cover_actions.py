"""Cover that can act (SPEC 9): while her worker is away, the duty worker has
her worker's actions on the covered case (reply, acknowledge an alert, log a
contact), each recorded as done in cover, by whom and covering whom; only for
the away worker's cases and only while the absence lasts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from contacts import roles
from contacts.models import AuditAction, AuditEvent
from survivors.errors import ContactLogError, MessageError
from survivors.models import Alert, ContactLogEntry, Message, Survivor
from survivors.services import alerts, contact_log, cover
from survivors.services import messages as messages_services

from ..conftest import CANARY_MESSAGE, sign_in
from ..factories import staff_user


@pytest.fixture
def duty(world):
    return staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)


@pytest.fixture
def absence(world):
    today = timezone.localdate()
    return cover.absence_mark(
        actor=world.wss_a,
        worker=world.wss_a,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=2),
    )


def _case_page(duty, survivor: Survivor) -> str:
    return f"/staff/duty/cases/{survivor.pk}/"


def test_the_duty_worker_replies_on_a_covered_case_and_it_is_recorded_as_cover(
    world, duty, absence
) -> None:
    client = sign_in(Client(), duty)
    page = client.get(_case_page(duty, world.survivor_a))
    assert CANARY_MESSAGE in page.content.decode()
    assert "Send reply" in page.content.decode()

    sent = client.post(
        _case_page(duty, world.survivor_a), {"action": "reply", "body": "I'm covering today."}
    )
    assert sent.status_code == 302
    reply = Message.objects.get(survivor=world.survivor_a, from_survivor=False)
    assert (reply.author, reply.covering_for) == (duty, world.wss_a)
    event = AuditEvent.objects.get(action=AuditAction.MESSAGE_SEND_IN_COVER)
    assert (event.actor, event.survivor_id, event.object_id) == (
        duty,
        world.survivor_a.pk,
        str(reply.pk),
    )
    after = client.get(_case_page(duty, world.survivor_a)).content.decode()
    assert "Reply sent in cover." in after
    assert "I&#x27;m covering today." in after or "I'm covering today." in after
    # Her message is answered: it no longer waits on the duty view.
    covered = client.get("/staff/duty/").context["covered"]
    assert [item for item in covered if item.kind == "message"] == []
    # She sees the reply in her own thread.
    mine = sign_in(Client(), world.survivor_a.user).get("/messages/").content.decode()
    assert "covering today." in mine


def test_the_duty_worker_logs_a_contact_and_acknowledges_an_alert_in_cover(
    world, duty, absence
) -> None:
    call = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.CALL_REQUESTED)
    client = sign_in(Client(), duty)
    page = client.get(_case_page(duty, world.survivor_a)).content.decode()
    assert f"/staff/alerts/{call.pk}/" in page

    logged = client.post(
        _case_page(duty, world.survivor_a),
        {"action": "contact", "contact-kind": "call", "contact-outcome": "spoke"},
    )
    assert logged.status_code == 302
    entry = ContactLogEntry.objects.get(survivor=world.survivor_a)
    assert (entry.worker, entry.covering_for) == (duty, world.wss_a)
    assert AuditEvent.objects.filter(
        actor=duty, action=AuditAction.CONTACT_LOG_ADD_IN_COVER, object_id=str(entry.pk)
    ).exists()

    client.post(f"/staff/alerts/{call.pk}/", {"note": "Called her back."})
    call.refresh_from_db()
    assert (call.acknowledged_by, call.acknowledged_covering_for) == (duty, world.wss_a)
    assert AuditEvent.objects.filter(
        actor=duty, action=AuditAction.ALERT_ACKNOWLEDGE_IN_COVER, object_id=str(call.pk)
    ).exists()

    # Her own worker, back, reads on her case page that it was done in cover.
    cover.absence_end(actor=world.wss_a, absence=absence)
    case_page = sign_in(Client(), world.wss_a).get(f"/staff/cases/{world.survivor_a.pk}/")
    assert "in cover" in case_page.content.decode()


def test_her_own_worker_acting_is_not_recorded_as_cover(world, duty, absence) -> None:
    reply = messages_services.message_send_from_worker(
        worker=world.wss_a, survivor=world.survivor_a, body="Back briefly."
    )
    assert reply.covering_for is None
    assert AuditEvent.objects.filter(action=AuditAction.MESSAGE_SEND, actor=world.wss_a).exists()


def test_the_duty_worker_is_refused_on_a_case_whose_worker_is_not_away(
    world, duty, absence
) -> None:
    # survivor_b's worker is at work.
    client = sign_in(Client(), duty)
    assert client.get(_case_page(duty, world.survivor_b)).status_code == 404
    refused = client.post(_case_page(duty, world.survivor_b), {"action": "reply", "body": "hello"})
    assert refused.status_code == 404
    with pytest.raises(MessageError):
        messages_services.message_send_from_worker(
            worker=duty, survivor=world.survivor_b, body="hello"
        )
    with pytest.raises(ContactLogError):
        contact_log.contact_log_add(
            actor=duty, survivor=world.survivor_b, kind="call", outcome="spoke"
        )
    assert not Message.objects.filter(survivor=world.survivor_b, author=duty).exists()
    assert not ContactLogEntry.objects.filter(survivor=world.survivor_b).exists()


def test_a_worker_not_on_duty_cannot_cover(world, absence) -> None:
    client = sign_in(Client(), world.wss_other)
    assert client.get(_case_page(world.wss_other, world.survivor_a)).status_code == 403
    with pytest.raises(MessageError):
        messages_services.message_send_from_worker(
            worker=world.wss_other, survivor=world.survivor_a, body="hello"
        )


def test_the_duty_worker_is_refused_once_the_absence_has_ended(world, duty, absence) -> None:
    client = sign_in(Client(), duty)
    assert client.get(_case_page(duty, world.survivor_a)).status_code == 200
    cover.absence_end(actor=world.wss_a, absence=absence)
    refused = client.post(
        _case_page(duty, world.survivor_a), {"action": "reply", "body": "still here?"}
    )
    assert refused.status_code == 404
    with pytest.raises(MessageError):
        messages_services.message_send_from_worker(
            worker=duty, survivor=world.survivor_a, body="still here?"
        )
    assert not Message.objects.filter(author=duty).exists()
