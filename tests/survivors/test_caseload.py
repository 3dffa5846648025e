"""WSS caseload: her own cases only, neediest first; the case page; the contact
log; disclosures only with a basis; every read audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from contacts.models import AuditEvent
from programme.services import records
from survivors.errors import DisclosureError
from survivors.models import Alert, ContactLogEntry, Disclosure, Message
from survivors.services import alerts, disclosures
from survivors.services import cases as cases_services

from ..conftest import CANARY_NAME, CANARY_PHONE, sign_in
from ..factories import SurvivorFactory


def _case(world, name: str):
    survivor = SurvivorFactory.create(known_as=name)
    cases_services.survivor_allocate(actor=world.manager, survivor=survivor, worker=world.wss_a)
    return survivor


def test_dashboard_lists_only_her_own_cases_neediest_first(world) -> None:
    quiet = _case(world, "Quiet")
    missed = _case(world, "Missed")
    messaged = _case(world, "Messaged")
    answered = _case(world, "Answered")
    urgent = _case(world, "Urgent")
    alerts.alert_raise(survivor=missed, kind=Alert.Kind.CHECKIN_MISSED)
    alerts.alert_raise(survivor=urgent, kind=Alert.Kind.URGENT_REPLY, urgent=True)
    Message.objects.create(survivor=messaged, author=world.wss_a, from_survivor=False, body="hi")
    Message.objects.create(
        survivor=messaged,
        author=world.wss_a,
        from_survivor=True,
        body="x",
        created_at=timezone.now() + timedelta(seconds=1),
    )
    Message.objects.create(survivor=answered, author=world.wss_a, from_survivor=True, body="q")
    Message.objects.create(
        survivor=answered,
        author=world.wss_a,
        from_survivor=False,
        body="a",
        created_at=timezone.now() + timedelta(seconds=1),
    )
    client = sign_in(Client(), world.wss_a)
    response = client.get("/staff/caseload/")
    order = [s.known_as for s in response.context["survivors"]]
    # survivor_a has one unanswered message from the fixture (the canary message).
    assert order[0] == "Urgent"
    assert set(order[1:3]) == {"Messaged", CANARY_NAME}
    assert order[3:] == ["Missed", "Quiet", "Answered"]  # ties: oldest case first
    assert world.survivor_b.known_as not in response.content.decode()
    other = sign_in(Client(), world.wss_other).get("/staff/caseload/")
    assert [s.pk for s in other.context["survivors"]] == [world.survivor_b.pk]
    assert quiet.pk  # used


def test_case_page_shows_her_details_and_his_status_and_is_audited(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        records.status_change_record(
            actor=world.programme,
            participant=world.linked_participant,
            status="suspended",
            reason="two missed sessions",
        )
    client = sign_in(Client(), world.wss_a)
    response = client.get(f"/staff/cases/{world.survivor_a.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert CANARY_PHONE in body and "Suspended" in body and "two missed sessions" in body
    assert "His status changed" in body
    event = AuditEvent.objects.filter(action="survivor.view").latest("at")
    assert (event.actor_id, event.survivor_id) == (world.wss_a.pk, world.survivor_a.pk)
    # The row holds ids only.
    assert CANARY_NAME not in f"{event.action}{event.object_type}{event.object_id}"


def test_another_worker_gets_404_and_no_audit_row_for_her(world) -> None:
    client = sign_in(Client(), world.wss_other)
    assert client.get(f"/staff/cases/{world.survivor_a.pk}/").status_code == 404
    assert client.get("/staff/cases/999999/").status_code == 404
    assert not AuditEvent.objects.filter(actor=world.wss_other, action="survivor.view").exists()


def test_contact_log(world) -> None:
    client = sign_in(Client(), world.wss_a)
    response = client.post(
        f"/staff/cases/{world.survivor_a.pk}/contacts/",
        {"kind": "call", "outcome": "no_answer", "note": "will try Thursday"},
    )
    assert response.status_code == 302
    entry = ContactLogEntry.objects.get()
    assert (entry.kind, entry.outcome, entry.worker) == ("call", "no_answer", world.wss_a)
    page = client.get(f"/staff/cases/{world.survivor_a.pk}/").content.decode()
    assert "No answer" in page and "will try Thursday" in page
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(
        f"/staff/cases/{world.survivor_a.pk}/contacts/",
        {"kind": "visit", "outcome": "met", "happened_at": future},
    )
    assert bad.status_code == 400
    assert "cannot be in the future" in bad.content.decode()
    assert ContactLogEntry.objects.count() == 1
    assert AuditEvent.objects.filter(action="contact_log.add").count() == 1


@pytest.mark.parametrize("basis", [None, "", "because", "gossip"])
def test_disclosure_without_a_basis_is_refused(world, basis) -> None:
    with pytest.raises(DisclosureError) as caught:
        disclosures.disclosure_record(
            actor=world.wss_a, survivor=world.survivor_a, agency="Children's services", basis=basis
        )
    assert caught.value.code == "no_basis"
    assert Disclosure.objects.count() == 0


def test_disclosure_view_refuses_without_basis_and_records_with_one(world) -> None:
    client = sign_in(Client(), world.wss_a)
    url = f"/staff/cases/{world.survivor_a.pk}/disclosures/"
    refused = client.post(url, {"agency": "Police", "basis": "", "details": "address"})
    assert refused.status_code == 400
    assert "only be shared with her consent" in refused.content.decode()
    no_consent_note = client.post(url, {"agency": "GP", "basis": "consent"})
    assert no_consent_note.status_code == 400
    assert "needs a note of when and how she gave it" in no_consent_note.content.decode()
    assert Disclosure.objects.count() == 0
    ok = client.post(
        url, {"agency": "Children's services", "basis": "child_safeguarding", "details": "risk"}
    )
    assert ok.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.basis == "child_safeguarding"
    assert AuditEvent.objects.filter(
        action="disclosure.record", survivor_id=world.survivor_a.pk
    ).exists()
    manager_page = sign_in(Client(), world.manager).get("/staff/disclosures/")
    assert "Children&#x27;s services" in manager_page.content.decode()
    assert "Child safeguarding" in manager_page.content.decode()
    # Another worker cannot record one on her case.
    other = sign_in(Client(), world.wss_other)
    assert other.post(url, {"agency": "X", "basis": "high_risk"}).status_code == 404


def test_worker_issues_a_new_activation_code_and_lifts_her_lockout(world) -> None:
    from axes.models import AccessAttempt

    client = sign_in(Client(), world.wss_a)
    response = client.post(f"/staff/cases/{world.survivor_a.pk}/code/")
    assert response.status_code == 200
    code = response.context["code"]
    assert code and code in response.content.decode()
    AccessAttempt.objects.create(
        username=world.survivor_a.user.username,
        ip_address="203.0.113.9",
        failures_since_start=9,
        user_agent="x",
        path_info="/",
        get_data="",
        post_data="",
    )
    response = client.post(f"/staff/cases/{world.survivor_a.pk}/unlock/", follow=True)
    assert "She can sign in again now." in response.content.decode()
    assert not AccessAttempt.objects.filter(username=world.survivor_a.user.username).exists()
    assert (
        sign_in(Client(), world.wss_other)
        .post(f"/staff/cases/{world.survivor_a.pk}/unlock/")
        .status_code
        == 404
    )


def test_worker_records_her_safe_contact_details(world) -> None:
    client = sign_in(Client(), world.wss_a)
    url = f"/staff/cases/{world.survivor_a.pk}/safe-contact/"
    page = client.get(url)
    assert page.status_code == 200
    assert CANARY_PHONE in page.content.decode()
    data = {
        "safe_phone": "07700 900123",
        "voicemail_safe": "on",
        "code_word": "bluebell",
        "notes": "Only after 2pm; sister may answer",
        "verification": "code_word",
        "window-TOTAL_FORMS": "2",
        "window-INITIAL_FORMS": "0",
        "window-MIN_NUM_FORMS": "0",
        "window-MAX_NUM_FORMS": "21",
        "window-0-weekday": "1",
        "window-0-starts_at": "14:00",
        "window-0-ends_at": "16:00",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.safe_phone == "+447700900123"
    assert world.survivor_a.safe_contact_notes == "Only after 2pm; sister may answer"
    assert [(w.weekday, w.starts_at.hour) for w in world.survivor_a.windows.all()] == [(1, 14)]
    bad = client.post(url, {**data, "safe_phone": "not a number", "window-0-ends_at": "13:00"})
    assert bad.status_code == 400
    assert sign_in(Client(), world.wss_other).get(url).status_code == 404


def test_every_read_of_her_record_is_audited(world) -> None:
    alert = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.CALL_REQUESTED)
    client = sign_in(Client(), world.wss_a)
    reads = [
        (f"/staff/cases/{world.survivor_a.pk}/", "survivor.view"),
        (f"/staff/cases/{world.survivor_a.pk}/safe-contact/", "survivor.view"),
        (f"/staff/alerts/{alert.pk}/", "alert.view"),
    ]
    for path, action in reads:
        before = AuditEvent.objects.filter(action=action, survivor_id=world.survivor_a.pk).count()
        assert client.get(path).status_code == 200
        after = AuditEvent.objects.filter(
            action=action, actor=world.wss_a, survivor_id=world.survivor_a.pk
        ).count()
        assert after == before + 1, path
