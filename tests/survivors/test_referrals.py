"""Referrals and triage (SPEC 13): an agency's referral, the triage queue (the
manager and the duty worker), matching by the keyed hash of her number only,
duplicates merged into one case, allocate / join / decline each decided once;
and SPEC 2: two partners of one man never get the same worker."""

from __future__ import annotations

from datetime import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts import roles
from contacts.encryption import phone_hash
from contacts.models import AuditAction, AuditEvent
from survivors.errors import AllocationError, ReferralError
from survivors.models import Alert, Referral, ReferralSource, SafeContactWindow, Survivor
from survivors.services import referrals as services

from ..conftest import CANARY_PHONE, sign_in
from ..factories import ParticipantFactory, SurvivorFactory, staff_user


@pytest.fixture
def duty(world):
    return staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)


@pytest.fixture
def worker_c(world):
    return staff_user(roles.WSS_WORKER, username="worker-c", first_name="Cara")


def _referral(*, phone: str = "", participant=None, source=ReferralSource.POLICE, **kw) -> Referral:
    return Referral.objects.create(
        source=source,
        known_as=kw.pop("known_as", "Jo"),
        phone=phone,
        phone_hash=phone_hash(phone) if phone else "",
        participant=participant,
        **kw,
    )


GOOD = {
    "source": "police",
    "source_detail": "PC Smith, ref 44/2026",
    "known_as": "Jo Bloggs",
    "phone": "07700 900555",
    "relationship": "ex",
    "reference": "",
    "safety_notes": "Call from a withheld number.",
    "safe_days": ["0", "2"],
    "safe_from": "10:00",
    "safe_to": "12:00",
    "voicemail_safe": "",
}


# --- An agency's referral --------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "not a number"}, "Enter her phone number, like 07700 900123"),
        ({"known_as": "  "}, "Enter her name, or the name she is known by."),
        ({"source": "programme_intake"}, "Select a valid choice"),
        ({"safe_to": ""}, "Give both the start and the end of her safe time"),
        ({"safe_to": "09:00"}, "The end of her safe time must be after the start."),
        ({"reference": "P-NOBODY"}, "No one has the reference P-NOBODY."),
    ],
)
def test_an_agency_referral_with_bad_input_says_why_and_saves_nothing(
    world, change, message
) -> None:
    client = sign_in(Client(), world.wss_a)
    before = Referral.objects.count()
    response = client.post("/staff/referrals/new/", {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Referral.objects.count() == before


def test_a_wss_worker_records_an_agency_referral_that_waits_in_the_queue(world) -> None:
    client = sign_in(Client(), world.wss_a)
    response = client.post(
        "/staff/referrals/new/", {**GOOD, "reference": world.lone_participant.reference.lower()}
    )
    assert response.status_code == 302
    referral = Referral.objects.latest("pk")
    assert referral.state == Referral.State.WAITING
    assert referral.recorded_by == world.wss_a
    assert referral.participant == world.lone_participant
    assert referral.phone == "+447700900555"
    assert referral.phone_hash == phone_hash("+447700900555")
    assert referral.safe_days == "0,2"
    assert referral.voicemail_safe is None
    assert AuditEvent.objects.filter(
        action=AuditAction.REFERRAL_RECORD, object_type="referral", object_id=str(referral.pk)
    ).exists()
    # Her number is stored encrypted, not as typed or as E.164.
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM survivors_referral WHERE id = %s", [referral.pk])
        (stored,) = cursor.fetchone()
    assert "900555" not in stored


def test_the_programme_worker_cannot_record_a_referral(world) -> None:
    client = sign_in(Client(), world.programme)
    assert client.post("/staff/referrals/new/", GOOD).status_code == 403
    with pytest.raises(ReferralError):
        services.referral_record(actor=world.programme, source="police", known_as="Jo")


# --- The queue ---------------------------------------------------------------------------


def test_the_queue_is_for_the_manager_and_the_duty_worker_only(world, duty) -> None:
    referral = _referral(phone="+447700900111")
    for user in (world.manager, duty):
        client = sign_in(Client(), user)
        page = client.get("/staff/referrals/")
        assert page.status_code == 200
        assert f"Referral {referral.pk}" in page.content.decode()
        assert "Referrals (1 waiting)" in client.get("/staff/").content.decode()
        assert client.get(f"/staff/referrals/{referral.pk}/").status_code == 200
    for user in (world.wss_a, world.programme, world.comms):
        client = sign_in(Client(), user)
        assert client.get("/staff/referrals/").status_code == 403
        assert client.get(f"/staff/referrals/{referral.pk}/").status_code == 403
        assert "Referrals (" not in client.get("/staff/").content.decode()
        assert (
            client.post(f"/staff/referrals/{referral.pk}/decline/", {"reason": "other"}).status_code
            == 403
        )
    referral.refresh_from_db()
    assert referral.state == Referral.State.WAITING


def test_reading_the_queue_and_a_referral_is_audited(world, duty) -> None:
    referral = _referral(phone="+447700900111")
    client = sign_in(Client(), duty)
    client.get("/staff/referrals/")
    client.get(f"/staff/referrals/{referral.pk}/")
    assert AuditEvent.objects.filter(actor=duty, action=AuditAction.REFERRALS_VIEW).count() == 1
    assert AuditEvent.objects.filter(
        actor=duty,
        action=AuditAction.REFERRAL_VIEW,
        object_type="referral",
        object_id=str(referral.pk),
    ).exists()


def _queue_queries(client: Client) -> int:
    client.get("/staff/referrals/")  # warm: the session's own first-request writes
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/staff/referrals/")
    assert response.status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_queries_however_long_it_is(world, duty) -> None:
    client = sign_in(Client(), duty)
    _referral(phone="+447700900100")
    one = _queue_queries(client)
    for n in range(19):
        _referral(phone=f"+4477009002{n % 5:02d}", participant=world.lone_participant)
    _referral(phone=CANARY_PHONE)  # matches survivor A's case
    assert _queue_queries(client) == one


# --- Matching by the keyed hash, duplicates merged --------------------------------------


def test_referrals_match_by_her_number_only_and_allocating_one_takes_its_duplicates(
    world, duty, worker_c
) -> None:
    police = services.referral_record(
        actor=world.wss_a, source="police", known_as="Jo", phone="07700 900555"
    )
    health = services.referral_record(
        actor=world.wss_a,
        source="health",
        known_as="Joanne",
        phone="+44 7700 900555",
        source_detail="GP surgery",
    )
    # The same name with another number is someone else.
    other = services.referral_record(
        actor=world.wss_a, source="idva", known_as="Jo", phone="07700 900556"
    )
    client = sign_in(Client(), duty)
    queue = client.get("/staff/referrals/").content.decode()
    assert f"Same number as referral {police.pk}" in queue
    triage = client.get(f"/staff/referrals/{police.pk}/").content.decode()
    assert f"Referral {health.pk}, waiting" in triage
    assert f"Referral {other.pk}, waiting" not in triage

    response = client.post(f"/staff/referrals/{police.pk}/allocate/", {"worker": worker_c.pk})
    assert response.status_code == 302
    case = Survivor.objects.get(referrals=police)
    assert case.worker == worker_c
    assert set(case.referrals.values_list("pk", flat=True)) == {police.pk, health.pk}
    assert case.safe_phone_hash == phone_hash("+447700900555")
    assert case.referral_source == "police"
    assert case.referred_at == police.received_at
    assert case.case_state == "referred"
    assert case.voicemail_safe is False
    health.refresh_from_db()
    other.refresh_from_db()
    assert health.state == Referral.State.JOINED
    assert other.state == Referral.State.WAITING
    # Her case page says where she was referred from: both sources.
    page = sign_in(Client(), worker_c).get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Referred by" in page
    assert "Police" in page and "Health, " in page and "GP surgery" in page


def test_a_referral_allocated_with_safe_times_gives_her_case_its_windows(world, worker_c) -> None:
    referral = services.referral_record(
        actor=world.manager,
        source="marac",
        known_as="Sam",
        phone="07700 900777",
        safe_days=[1, 3],
        safe_from=time(9),
        safe_to=time(11),
        voicemail_safe=True,
    )
    case = services.referral_allocate(actor=world.manager, referral=referral, worker=worker_c)
    windows = SafeContactWindow.objects.filter(survivor=case)
    assert sorted(w.weekday for w in windows) == [1, 3]
    assert {(w.starts_at.hour, w.ends_at.hour) for w in windows} == {(9, 11)}
    assert case.voicemail_safe is True


# --- Two partners of one man: two workers (SPEC 2) --------------------------------------


def test_two_partners_of_one_man_cannot_get_the_same_worker(world, duty, worker_c) -> None:
    man = ParticipantFactory.create()
    first = _referral(phone="+447700900301", participant=man, source="programme_intake")
    second = _referral(phone="+447700900302", participant=man, source="programme_intake")
    client = sign_in(Client(), duty)
    client.post(f"/staff/referrals/{first.pk}/allocate/", {"worker": world.wss_a.pk})
    assert Survivor.objects.get(referrals=first).worker == world.wss_a

    # The worker choice leaves her out.
    page = client.get(f"/staff/referrals/{second.pk}/").content.decode()
    assert f'value="{world.wss_a.pk}"' not in page
    assert f'value="{worker_c.pk}"' in page

    cases, audits = Survivor.objects.count(), AuditEvent.objects.count()
    response = client.post(
        f"/staff/referrals/{second.pk}/allocate/", {"worker": world.wss_a.pk}, follow=True
    )
    assert "already supports someone linked to the same man" in response.content.decode()
    second.refresh_from_db()
    assert second.state == Referral.State.WAITING
    assert Survivor.objects.count() == cases
    # Nothing half-written: only the page's read rows after the refusal.
    assert set(AuditEvent.objects.order_by("pk")[audits:].values_list("action", flat=True)) <= {
        AuditAction.REFERRAL_VIEW
    }

    # The service itself refuses too (the form's list is not the only guard).
    with pytest.raises(AllocationError) as refused:
        services.referral_allocate(actor=duty, referral=second, worker=world.wss_a)
    assert refused.value.code == "same_worker_for_linked_partners"
    assert Survivor.objects.count() == cases

    client.post(f"/staff/referrals/{second.pk}/allocate/", {"worker": worker_c.pk})
    assert Survivor.objects.get(referrals=second).worker == worker_c


# --- Join ---------------------------------------------------------------------------------


def test_joining_a_case_with_her_number_alerts_her_worker(world, duty) -> None:
    referral = _referral(phone=CANARY_PHONE, source="health")
    client = sign_in(Client(), duty)
    assert "Her number is on a case" in client.get("/staff/referrals/").content.decode()
    response = client.post(
        f"/staff/referrals/{referral.pk}/join/", {"case": world.survivor_a.pk}, follow=True
    )
    assert f"joined case {world.survivor_a.pk}" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == Referral.State.JOINED
    assert referral.survivor == world.survivor_a
    assert Alert.objects.filter(survivor=world.survivor_a, kind=Alert.Kind.REFERRAL_JOINED).exists()


def test_a_join_links_the_man_only_where_the_workers_rule_allows(world, duty) -> None:
    # Her case has no man linked; the referral names the man whose other partner
    # (survivor A) is already on the same worker's caseload.
    case = SurvivorFactory.create(worker=world.wss_a, phone="+447700900401")
    referral = _referral(phone="+447700900401", participant=world.linked_participant)
    outcome = services.referral_join(actor=duty, referral=referral, survivor=case)
    assert outcome.linked is False
    case.refresh_from_db()
    assert case.participant is None
    # Another man, no clash: linked.
    case_two = SurvivorFactory.create(worker=world.wss_a, phone="+447700900402")
    referral_two = _referral(phone="+447700900402", participant=world.lone_participant)
    outcome = services.referral_join(actor=duty, referral=referral_two, survivor=case_two)
    assert outcome.linked is True
    case_two.refresh_from_db()
    assert case_two.participant == world.lone_participant


def test_a_restricted_case_refuses_a_join(world, duty) -> None:
    case = SurvivorFactory.create(
        worker=world.wss_a, phone="+447700900501", restricted_at=timezone.now()
    )
    referral = _referral(phone="+447700900501")
    client = sign_in(Client(), duty)
    response = client.post(f"/staff/referrals/{referral.pk}/join/", {"case": case.pk}, follow=True)
    assert "That case is restricted" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == Referral.State.WAITING
    assert not Alert.objects.filter(survivor=case).exists()


def test_a_case_without_her_number_cannot_be_joined(world, duty) -> None:
    referral = _referral(phone="+447700900601")
    with pytest.raises(ReferralError) as refused:
        services.referral_join(actor=duty, referral=referral, survivor=world.survivor_b)
    assert refused.value.code == "not_a_match"


# --- Decline, and deciding once -------------------------------------------------------------


def test_declining_needs_a_reason_and_keeps_it(world) -> None:
    referral = _referral(phone="+447700900701")
    client = sign_in(Client(), world.manager)
    response = client.post(f"/staff/referrals/{referral.pk}/decline/", {}, follow=True)
    assert "Choose why the referral is declined." in response.content.decode()
    response = client.post(
        f"/staff/referrals/{referral.pk}/decline/", {"reason": "other"}, follow=True
    )
    assert "Say in the note why the referral is declined." in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == Referral.State.WAITING

    client.post(
        f"/staff/referrals/{referral.pk}/decline/",
        {"reason": "out_of_area", "note": "Lives in another county"},
    )
    referral.refresh_from_db()
    assert referral.state == Referral.State.DECLINED
    assert referral.decline_reason == "out_of_area"
    assert referral.decline_note == "Lives in another county"
    assert referral.decided_by == world.manager
    assert AuditEvent.objects.filter(
        action=AuditAction.REFERRAL_DECLINE, object_id=str(referral.pk)
    ).exists()
    queue = client.get("/staff/referrals/").content.decode()
    assert f'href="/staff/referrals/{referral.pk}/"' not in queue


def test_a_referral_is_decided_once(world, duty, worker_c) -> None:
    referral = _referral(phone="+447700900801")
    services.referral_decline(actor=duty, referral=referral, reason="not_eligible")
    client = sign_in(Client(), world.manager)
    cases = Survivor.objects.count()
    response = client.post(
        f"/staff/referrals/{referral.pk}/allocate/", {"worker": worker_c.pk}, follow=True
    )
    assert "This referral has already been triaged" in response.content.decode()
    assert Survivor.objects.count() == cases
    for decide in (
        lambda: services.referral_allocate(actor=duty, referral=referral, worker=worker_c),
        lambda: services.referral_decline(actor=duty, referral=referral, reason="other", note="x"),
    ):
        with pytest.raises(ReferralError) as refused:
            decide()
        assert refused.value.code == "already_decided"
    referral.refresh_from_db()
    assert referral.decline_reason == "not_eligible"


def test_only_the_manager_or_the_duty_worker_triages(world) -> None:
    referral = _referral(phone="+447700900901")
    with pytest.raises(ReferralError) as refused:
        services.referral_decline(actor=world.wss_a, referral=referral, reason="other", note="x")
    assert refused.value.code == "not_allowed"
