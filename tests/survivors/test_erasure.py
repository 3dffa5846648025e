"""Her data rights (SPEC 12): erasure on request or refusal with its legal
reason, restriction (kept, not used) and legal hold, from the service
manager's pages; erasure removes her from every table and leaves a tombstone."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.utils import timezone

from checkins.models import CheckInPlan, InboundMessage, OutboundMessage, SmsStatusEvent
from checkins.services import checkins as checkin_services
from checkins.services import inbound as inbound_services
from checkins.services import outbox
from contacts.encryption import phone_hash
from contacts.models import AuditAction, AuditEvent, User
from programme.services.casework import report_attach
from survivors.errors import DataRightsError
from survivors.models import (
    CheckPoint,
    ErasedCase,
    ErasureRequest,
    Message,
    OutcomeAnswer,
    OutcomeQuestion,
    ProgrammeItem,
    Referral,
    SafeContactWindow,
    Survivor,
)
from survivors.services import alerts, contact_log, disclosures, erasure, restriction
from survivors.services.activation import activation_code_issue
from survivors.services.events import programme_events_consume
from survivors.services.info_sessions import info_session_create, invitation_send
from survivors.services.marac import marac_referral_record
from survivors.services.messages import message_send_from_worker
from survivors.services.safe_contact import Window, safe_contact_update
from survivors.services.second_passphrase import duress_passphrase_set
from survivors.services.subject_access import subject_access_request_record

from ..conftest import CANARY_PHONE, CANARY_USERNAME, client_for, sign_in

TODAY = timezone.localdate


def _all_day_windows(survivor: Survivor) -> None:
    SafeContactWindow.objects.bulk_create(
        SafeContactWindow(
            survivor=survivor, weekday=day, starts_at=time(0, 0), ends_at=time(23, 59)
        )
        for day in range(7)
    )


def fill_her_case(world) -> Survivor:
    """Survivor A with a row in every kind of record the WSS side and check-ins
    keep about her (the world already gives her messages, a checklist, a plan)."""
    her, worker, manager = world.survivor_a, world.wss_a, world.manager
    _all_day_windows(her)
    activation_code_issue(actor=manager, survivor=her)
    alerts.alert_raise(survivor=her, kind="other_reply")
    contact_log.contact_log_add(actor=worker, survivor=her, kind="call", outcome="spoke")
    disclosures.disclosure_record(
        actor=worker, survivor=her, agency="Children's services", basis="child_safeguarding"
    )
    message_send_from_worker(worker=worker, survivor=her, body="A reply from her worker")
    marac_referral_record(actor=worker, survivor=her, agency="The MARAC")
    # An outcome check-point with her answer (SPEC 14).
    question = OutcomeQuestion.objects.create(text={"en-gb": "Placeholder"}, scale_points=5)
    check_point = CheckPoint.objects.create(survivor=her, stage="intake", due_at=timezone.now())
    OutcomeAnswer.objects.create(check_point=check_point, question=question, value=3)
    # The referral that opened her case (SPEC 13).
    Referral.objects.create(
        source="police",
        known_as="Canary referral",
        state="allocated",
        survivor=her,
        decided_at=timezone.now(),
    )
    # A report from the programme about the man she is linked to (SPEC 10).
    report_attach(
        actor=world.programme, participant=world.linked_participant, kind="assessment", text="Seen."
    )
    programme_events_consume()
    session = info_session_create(
        actor=manager,
        starts_at=timezone.now() + timedelta(days=7),
        place="Room 2",
        capacity=10,
        programme_worker=world.programme,
    )
    invitation_send(actor=worker, session=session, survivor=her)
    # A check-in sent, delivered and answered; a reply from her number that
    # matched no case yet; an opt-out.
    plan = checkin_services.checkin_plan_set(
        actor=worker, survivor=her, frequency="daily", weekdays=[], send_at=time(0, 0)
    )
    CheckInPlan.objects.filter(pk=plan.pk).update(next_due_at=timezone.now() - timedelta(minutes=1))
    assert checkin_services.checkins_dispatch_due() == {"queued": 1}
    outbox.outbox_drain()  # (already sent where commits wake the eager worker)
    sid = OutboundMessage.objects.get(survivor=her).message_sid
    assert sid
    outbox.outbox_status_record(message_sid=sid, status="delivered")
    reply = inbound_services.inbound_store(
        message_sid="SM-in-1", from_number=CANARY_PHONE, body="1"
    )
    inbound_services.inbound_process(inbound_id=reply.pk)
    inbound_services.inbound_store(message_sid="SM-in-2", from_number=CANARY_PHONE, body="hello")
    inbound_services.sms_opt_out_record(survivor=her, source="reply")
    # A verified change of her safe-contact details (SPEC 12).
    safe_contact_update(
        actor=worker,
        survivor=her,
        safe_phone=her.safe_phone,
        voicemail_safe=not her.voicemail_safe,
        code_word=her.code_word,
        windows=[
            Window(weekday=window.weekday, starts_at=window.starts_at, ends_at=window.ends_at)
            for window in her.windows.all()
        ],
        verification="in_person",
    )
    # Her subject access request (SPEC 12).
    subject_access_request_record(actor=worker, survivor=her, received_on=timezone.localdate())
    her.refresh_from_db()
    return her


def rows_pointing_to(case_id: int) -> dict[str, int]:
    """Every row of every model with a foreign key to a case, for this case."""
    counts = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey)  # OneToOneField is one too
                and field.related_model is Survivor
            ):
                count = model._default_manager.filter(**{field.name: case_id}).count()
                counts[f"{model._meta.label}.{field.name}"] = count
    return counts


def programme_side() -> dict[str, list]:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_app_config("programme").get_models()
    }


def manager_client(world) -> Client:
    return sign_in(Client(), world.manager)


def erase_through_pages(client: Client, case_id: int):
    """The manager's two steps: the request, then the confirmation."""
    received = TODAY().isoformat()
    first = client.post(f"/staff/cases/{case_id}/erase/", {"received_on": received})
    assert first.status_code == 200 and b"This cannot be undone" in first.content
    assert Survivor.objects.filter(pk=case_id).exists()  # nothing yet
    return client.post(
        f"/staff/cases/{case_id}/erase/", {"received_on": received, "confirmed": "True"}
    )


# --- Erasure -----------------------------------------------------------------------


def test_erasure_removes_her_from_every_table_and_leaves_a_tombstone(world) -> None:
    her = fill_her_case(world)
    case_id, user_id = her.pk, her.user_id
    before = rows_pointing_to(case_id)
    # Every kind of record really is there first, so the "after" means something.
    assert [name for name, count in before.items() if count == 0] == [], before
    other_before = rows_pointing_to(world.survivor_b.pk)
    her_client = sign_in(Client(), her.user)
    assert her_client.get("/messages/").status_code == 200
    AccessAttempt.objects.create(
        username=CANARY_USERNAME,
        ip_address="203.0.113.9",
        user_agent="",
        http_accept="",
        path_info="/",
        failures_since_start=2,
    )
    totals_before = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    programme_before = programme_side()
    audit_before = list(AuditEvent.objects.filter(survivor_id=case_id).values_list("pk", "action"))

    response = erase_through_pages(manager_client(world), case_id)

    assert response.status_code == 302 and response["Location"] == "/staff/allocations/"
    assert not Survivor.objects.filter(pk=case_id).exists()
    assert sum(rows_pointing_to(case_id).values()) == 0
    assert rows_pointing_to(world.survivor_b.pk) == other_before  # hers only
    assert not User.objects.filter(pk=user_id).exists()
    assert not User.objects.filter(username__iexact=CANARY_USERNAME).exists()
    assert not AccessAttempt.objects.filter(username__iexact=CANARY_USERNAME).exists()
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    assert her_client.get("/messages/").status_code == 302  # signed out
    # Texts only her number leads to: replies (matched or not), status callbacks.
    assert not InboundMessage.objects.filter(from_hash=phone_hash(CANARY_PHONE)).exists()
    assert not SmsStatusEvent.objects.exists()
    # The tombstone: no personal data, and its counts are the rows that went.
    tombstone = ErasedCase.objects.get(case_id=case_id)
    assert (tombstone.erased_by, tombstone.reason) == (world.manager, "request")
    totals_after = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    for label, count in tombstone.counts.items():
        if label in totals_before:
            assert totals_before[label] - totals_after[label] == count, label
    assert tombstone.counts["survivors.Survivor"] == 1
    assert tombstone.counts["contacts.User"] == 1
    assert tombstone.counts["sessions"] == 1
    assert tombstone.counts["survivors.Message"] == 2
    assert tombstone.counts["checkins.InboundMessage"] == 2
    request = ErasureRequest.objects.get(case_id=case_id)
    assert (request.outcome, request.decided_by) == ("erased", world.manager)
    # The audit log is never edited: every earlier row is still there, plus the erasure.
    after = list(AuditEvent.objects.filter(survivor_id=case_id).values_list("pk", "action"))
    assert set(audit_before) <= set(after)
    assert AuditEvent.objects.filter(
        survivor_id=case_id, action=AuditAction.CASE_ERASE, actor=world.manager
    ).exists()
    # Linked to a man on the programme: nothing there changed.
    assert programme_side() == programme_before


def test_the_retention_schedule_erases_without_an_actor(world) -> None:
    """SPEC 12: retention calls the same service from a task (no one signed in)."""
    case_id = world.survivor_b.pk
    tombstone = erasure.case_erase(survivor=world.survivor_b, reason="retention")
    assert (tombstone.erased_by, tombstone.reason) == (None, "retention")
    assert not Survivor.objects.filter(pk=case_id).exists()
    assert not ErasureRequest.objects.filter(case_id=case_id).exists()
    assert AuditEvent.objects.get(survivor_id=case_id, action=AuditAction.CASE_ERASE).actor is None


def test_erasure_deletes_her_subject_access_export_files(
    world, django_capture_on_commit_callbacks
) -> None:
    """SPEC 12: erasure removes her from every file too, her encrypted exports included."""
    from pathlib import Path

    from django.conf import settings

    from contacts.exports import export_file_write
    from survivors.models import SubjectAccessRequest

    name = export_file_write(b"her export")
    SubjectAccessRequest.objects.create(
        survivor=world.survivor_b,
        received_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=28),
        recorded_by=world.manager,
        state=SubjectAccessRequest.State.READY,
        file_name=name,
    )
    assert (Path(settings.EXPORT_ROOT) / name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        erasure.case_erase(survivor=world.survivor_b, actor=world.manager)
    assert not (Path(settings.EXPORT_ROOT) / name).exists()
    assert not SubjectAccessRequest.objects.exists()


def test_erasing_twice_or_an_unknown_case_changes_nothing(world) -> None:
    client = manager_client(world)
    case_id = world.survivor_b.pk
    assert erase_through_pages(client, case_id).status_code == 302
    again = client.post(
        f"/staff/cases/{case_id}/erase/", {"received_on": TODAY().isoformat(), "confirmed": "True"}
    )
    assert again.status_code == 404
    assert client.get("/staff/cases/999999/erase/").status_code == 404
    assert ErasedCase.objects.filter(case_id=case_id).count() == 1
    assert ErasureRequest.objects.filter(case_id=case_id).count() == 1
    with pytest.raises(DataRightsError) as error:
        erasure.case_erase(survivor=Survivor(pk=case_id), actor=world.manager)
    assert error.value.code == "already_erased"


def test_bad_input_on_the_erasure_page_erases_nothing(world) -> None:
    client = manager_client(world)
    url = f"/staff/cases/{world.survivor_a.pk}/erase/"
    assert client.post(url, {}).status_code == 400
    future = (TODAY() + timedelta(days=3)).isoformat()
    response = client.post(url, {"received_on": future, "confirmed": "True"})
    assert response.status_code == 400
    assert b"cannot be in the future" in response.content
    assert client.post(url, {"received_on": "not a date", "confirmed": "True"}).status_code == 400
    assert Survivor.objects.filter(pk=world.survivor_a.pk).exists()
    assert not ErasedCase.objects.exists() and not ErasureRequest.objects.exists()


def test_a_refusal_is_recorded_with_the_reason_the_law_allows(world) -> None:
    client = manager_client(world)
    url = f"/staff/cases/{world.survivor_a.pk}/erase/refuse/"
    received = TODAY().isoformat()
    other = client.post(url, {"received_on": received, "refusal_reason": "other", "note": ""})
    assert other.status_code == 400 and b"Say in the note which reason" in other.content
    assert client.post(url, {"received_on": received, "refusal_reason": "whim"}).status_code == 400
    assert not ErasureRequest.objects.exists()
    response = client.post(
        url,
        {"received_on": received, "refusal_reason": "legal_claims", "note": "Court case pending"},
    )
    assert response.status_code == 302
    refusal = ErasureRequest.objects.get(case_id=world.survivor_a.pk)
    assert (refusal.outcome, refusal.refusal_reason, refusal.note) == (
        "refused",
        "legal_claims",
        "Court case pending",
    )
    assert Survivor.objects.filter(pk=world.survivor_a.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_ERASURE_REFUSE, survivor_id=world.survivor_a.pk
    ).exists()
    page = client.get(f"/staff/cases/{world.survivor_a.pk}/erase/").content.decode()
    assert "Needed for legal claims" in page
    # A read of the page is audited like any read of her case (SPEC 2).
    assert AuditEvent.objects.filter(
        action=AuditAction.DATA_RIGHTS_VIEW, actor=world.manager, survivor_id=world.survivor_a.pk
    ).exists()
    allocation = client.get(f"/staff/allocations/{world.survivor_a.pk}/").content.decode()
    assert f"/staff/cases/{world.survivor_a.pk}/erase/" in allocation
    # A later erasure keeps the refusal but not its note (it may name her).
    erasure.case_erase(survivor=world.survivor_a, actor=world.manager, received_on=TODAY())
    refusal.refresh_from_db()
    assert (refusal.outcome, refusal.note) == ("refused", "")


# --- Legal hold ----------------------------------------------------------------------


def test_a_legal_hold_stops_erasure_until_it_is_lifted(world) -> None:
    client = manager_client(world)
    case_id = world.survivor_a.pk
    hold_url = f"/staff/cases/{case_id}/hold/"
    assert client.post(hold_url, {"action": "hold", "reason": ""}).status_code == 400
    response = client.post(hold_url, {"action": "hold", "reason": "Domestic Homicide Review"})
    assert response.status_code == 302
    held = Survivor.objects.get(pk=case_id)
    assert held.legal_hold_at is not None
    assert held.legal_hold_reason == "Domestic Homicide Review"

    page = client.get(f"/staff/cases/{case_id}/erase/")
    assert b"under a legal hold, so it cannot be erased" in page.content
    refused = client.post(
        f"/staff/cases/{case_id}/erase/",
        {"received_on": TODAY().isoformat(), "confirmed": "True"},
    )
    assert refused.status_code == 400 and b"legal hold" in refused.content
    with pytest.raises(DataRightsError) as error:
        erasure.case_erase(survivor=held, reason="retention")
    assert error.value.code == "legal_hold"
    assert Survivor.objects.filter(pk=case_id).exists() and not ErasedCase.objects.exists()

    assert client.post(hold_url, {"action": "lift"}).status_code == 302
    assert Survivor.objects.get(pk=case_id).legal_hold_at is None
    assert client.post(hold_url, {"action": "lift"}).status_code == 400  # not held now
    actions = list(
        AuditEvent.objects.filter(survivor_id=case_id, action__startswith="case.hold")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CASE_HOLD_SET, AuditAction.CASE_HOLD_LIFT]
    assert erase_through_pages(client, case_id).status_code == 302


# --- Restriction -----------------------------------------------------------------------


@pytest.fixture
def restricted(world) -> Survivor:
    her = world.survivor_a
    _all_day_windows(her)
    checkin_services.checkin_plan_set(
        actor=world.wss_a, survivor=her, frequency="daily", weekdays=[], send_at=time(0, 0)
    )
    response = manager_client(world).post(
        f"/staff/cases/{her.pk}/restrict/", {"action": "restrict", "reason": "She asked us to"}
    )
    assert response.status_code == 302
    her.refresh_from_db()
    assert her.restricted_at is not None
    return her


def test_restriction_stops_check_ins_and_every_text(world, restricted) -> None:
    CheckInPlan.objects.filter(survivor=restricted).update(
        next_due_at=timezone.now() - timedelta(minutes=1)
    )
    assert checkin_services.checkins_dispatch_due() == {"paused": 1}
    assert not OutboundMessage.objects.filter(survivor=restricted).exists()
    restricted.sms_nudges = True
    assert checkin_services.sms_nudge_queue(survivor=restricted) is None
    # A text queued before the restriction is not sent either.
    queued = outbox.outbox_enqueue(
        survivor=restricted, kind="nudge", body="Hi, it's the club.", idempotency_key="before"
    )
    outbox.outbox_drain()
    queued.refresh_from_db()
    assert (queued.state, queued.error_code, queued.message_sid) == ("failed", "restricted", None)


def test_restriction_makes_the_case_read_only_with_clear_messages(world, restricted) -> None:
    case_id = restricted.pk
    worker = sign_in(Client(), world.wss_a)
    messages_before = Message.objects.filter(survivor=restricted).count()
    page = worker.get(f"/staff/cases/{case_id}/")
    assert b"kept, not used" in page.content
    reply = worker.post(f"/staff/cases/{case_id}/messages/", {"body": "Are you free?"}, follow=True)
    assert b"This case is restricted" in reply.content
    logged = worker.post(
        f"/staff/cases/{case_id}/contacts/",
        {"kind": "call", "outcome": "spoke", "happened_at": "", "note": ""},
    )
    assert logged.status_code == 400 and b"This case is restricted" in logged.content
    plan = worker.post(
        f"/staff/cases/{case_id}/check-ins/",
        {"frequency": "daily", "send_at": "09:00", "reply_window_hours": "24"},
    )
    assert plan.status_code == 400 and b"This case is restricted" in plan.content
    assert not restricted.contact_log.exists()
    # She cannot send from the portal, and is told so plainly.
    her = sign_in(Client(), restricted.user)
    assert b"You cannot send messages from your account" in her.get("/messages/").content
    sent = her.post("/messages/", {"body": "Hello"})
    assert sent.status_code == 400 and b"You cannot send messages" in sent.content
    assert Message.objects.filter(survivor=restricted).count() == messages_before

    # Lifted: she writes again, and the lift is audited.
    manager = manager_client(world)
    assert manager.post(f"/staff/cases/{case_id}/restrict/", {"action": "lift"}).status_code == 302
    assert her.post("/messages/", {"body": "Hello"}).status_code == 303
    assert AuditEvent.objects.filter(
        survivor_id=case_id, action=AuditAction.CASE_RESTRICTION_LIFT
    ).exists()


def test_restricting_twice_or_without_a_reason_is_refused(world, restricted) -> None:
    client = manager_client(world)
    again = client.post(
        f"/staff/cases/{restricted.pk}/restrict/", {"action": "restrict", "reason": "again"}
    )
    assert again.status_code == 400 and b"already restricted" in again.content
    with pytest.raises(DataRightsError):
        restriction.case_restrict(actor=world.manager, survivor=world.survivor_b, reason="  ")
    assert Survivor.objects.get(pk=world.survivor_b.pk).restricted_at is None


USUAL = "a long passphrase 42"  # tests.factories.survivor_account's default
SECOND = "blue kettle morning"
SAFE_CONTACT = {
    "safe_phone": "07700 900321",
    "code_word": "bluebell",
    "window-TOTAL_FORMS": "0",
    "window-INITIAL_FORMS": "0",
}


def _item(world) -> int:
    """A report from the programme on her case (it still reaches a restricted case)."""
    report_attach(
        actor=world.programme, participant=world.linked_participant, kind="assessment", text="Seen."
    )
    programme_events_consume()
    return ProgrammeItem.objects.get(survivor=world.survivor_a).pk


def _duress_session(world) -> Client:
    her = world.survivor_a
    duress_passphrase_set(survivor=her, passphrase=SECOND, current_passphrase=USUAL)
    client = Client()
    client.post("/", {"username": her.user.username, "passphrase": SECOND})
    return client


# Every write on her case other than the message, contact log and check-in plan
# above: (who, path, form) where the path or form may need the world first.
READ_ONLY_WRITES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "stage change": ("wss_a", "/staff/cases/{case}/stage/", {"to_state": "active"}),
    "re-engagement": ("wss_a", "/staff/cases/{case}/reengage/", {"kind": "call", "outcome": "met"}),
    "risk checklist": ("wss_a", "/staff/cases/{case}/checklist/", {"answer_1": "no"}),
    "MARAC referral": ("wss_a", "/staff/cases/{case}/marac/refer/", {"agency": "MARAC"}),
    "MARAC task closed": ("wss_a", "/staff/cases/{case}/marac/close/", {"reason": "Not now"}),
    "her plan, by her worker": ("wss_a", "/staff/cases/{case}/plan/", {"people": "A friend"}),
    "safe contact, by her worker": (
        "wss_a",
        "/staff/cases/{case}/safe-contact/",
        {**SAFE_CONTACT, "language": "", "notes": "", "verification": "call_back"},
    ),
    "safe contact, in her account": (
        "survivor_a",
        "/settings/",
        {**SAFE_CONTACT, "current_passphrase": USUAL},
    ),
    "safe contact, in a duress session": (
        "duress",
        "/settings/",
        {**SAFE_CONTACT, "current_passphrase": SECOND},
    ),
    "activation code, by her worker": ("wss_a", "/staff/cases/{case}/code/", {}),
    "activation code, by the manager": ("manager", "/staff/allocations/{case}/code/", {}),
    "lockout lifted, by her worker": ("wss_a", "/staff/cases/{case}/unlock/", {}),
    "lockout lifted, by the manager": ("manager", "/staff/allocations/{case}/unlock/", {}),
    "information session invitation": ("wss_a", "/staff/info-sessions/{session}/", {}),
    "programme item recorded as shared": ("wss_a", "/staff/case-items/{item}/shared/", {}),
    "programme item shown in her account": (
        "wss_a",
        "/staff/case-items/{item}/show/",
        {"paragraphs": ["0"], "note": "For you"},
    ),
}


def her_records(case_id: int) -> dict[str, list[Any]]:
    """Her case row and every row pointing to it, as stored (the audit log aside:
    reading the pages is audited)."""
    records: dict[str, list[Any]] = {"case": list(Survivor.objects.filter(pk=case_id).values())}
    for model in apps.get_models():
        if model is AuditEvent:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is Survivor:
                rows = model._default_manager.filter(**{field.name: case_id}).order_by("pk")
                records[f"{model._meta.label}.{field.name}"] = list(rows.values())
    records["sign-in lockouts"] = list(AccessAttempt.objects.values())
    return records


@pytest.mark.parametrize("write", READ_ONLY_WRITES)
def test_every_write_on_a_restricted_case_is_refused_plainly_and_changes_nothing(
    world, restricted, write
) -> None:
    """SPEC 12: a restricted case is kept, not used. Each staff write on it, and
    her own change of her safe-contact details, says why it was refused."""
    who, path, data = READ_ONLY_WRITES[write]
    case_id = restricted.pk
    AccessAttempt.objects.create(
        username=restricted.user.username,
        ip_address="203.0.113.9",
        failures_since_start=9,
        user_agent="x",
        path_info="/",
        get_data="",
        post_data="",
    )
    session = info_session_create(
        actor=world.manager,
        starts_at=timezone.now() + timedelta(days=7),
        place="Room 2",
        capacity=10,
        programme_worker=world.programme,
    )
    data = {**data, "case": str(case_id), "shared_on": TODAY().isoformat()}
    url = path.format(case=case_id, session=session.pk, item=_item(world))
    client = _duress_session(world) if who == "duress" else client_for(who, world)
    before = her_records(case_id)

    response = client.post(url, data, follow=True)

    page = response.content.decode()
    if who in ("survivor_a", "duress"):
        assert "You cannot change these settings from your account at the moment." in page
    else:
        assert "This case is restricted: it is kept but not used." in page
    assert response.status_code in (200, 400)
    assert her_records(case_id) == before


def test_a_restricted_case_can_still_be_shared_to_protect_someone(world, restricted) -> None:
    """SPEC 12: restricted data may still be shared to protect her or someone
    else (UK GDPR article 18(2)); the MARAC refusal says so. She keeps her plan."""
    worker = sign_in(Client(), world.wss_a)
    refused = worker.post(
        f"/staff/cases/{restricted.pk}/marac/refer/", {"agency": "MARAC"}, follow=True
    )
    assert "can still be recorded as a disclosure" in refused.content.decode()
    shared = worker.post(
        f"/staff/cases/{restricted.pk}/disclosures/",
        {"agency": "Police", "basis": "high_risk", "details": "Threat to her sister"},
    )
    assert shared.status_code == 302
    assert restricted.disclosures.filter(agency="Police", basis="high_risk").exists()
    her = sign_in(Client(), restricted.user)
    assert her.post("/plan/", {"people": "My sister"}).status_code == 303
    assert "My sister" in her.get("/plan/").content.decode()


# --- Who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["wss_a", "wss_other", "programme", "comms", "survivor_a"])
def test_only_the_service_manager_may_erase_restrict_or_hold(world, role) -> None:
    client = client_for(role, world)
    case_id = world.survivor_a.pk
    received = TODAY().isoformat()
    for path, data in (
        ("erase/", {"received_on": received, "confirmed": "True"}),
        ("erase/refuse/", {"received_on": received, "refusal_reason": "legal_claims"}),
        ("restrict/", {"action": "restrict", "reason": "x"}),
        ("hold/", {"action": "hold", "reason": "x"}),
    ):
        response = client.post(f"/staff/cases/{case_id}/{path}", data)
        assert response.status_code in (302, 403, 404), path
        assert not response.get("Location", "").startswith("/staff/allocations"), path
    her = Survivor.objects.get(pk=case_id)
    assert (her.restricted_at, her.legal_hold_at) == (None, None)
    assert not ErasureRequest.objects.exists() and not ErasedCase.objects.exists()
