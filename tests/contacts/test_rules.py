"""Domain rules: allocation, audit, encryption at rest, health, headers."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from contacts.models import AuditEvent
from survivors.errors import AllocationError
from survivors.models import Allocation, Survivor
from survivors.services import cases as cases_services

from ..conftest import CANARY_CODE_WORD, CANARY_PHONE, sign_in
from ..factories import SurvivorFactory, staff_user


def test_linked_survivors_cannot_share_a_worker(world) -> None:
    with pytest.raises(AllocationError) as caught:
        cases_services.survivor_allocate(
            actor=world.manager, survivor=world.survivor_b, worker=world.wss_a
        )
    assert caught.value.code == "same_worker_for_linked_partners"
    assert "different worker" in caught.value.message
    world.survivor_b.refresh_from_db()
    assert world.survivor_b.worker == world.wss_other


def test_the_database_refuses_a_shared_worker_even_past_the_service(world) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Survivor.objects.filter(pk=world.survivor_b.pk).update(worker=world.wss_a)


def test_linking_refuses_a_man_whose_other_ex_partner_has_the_same_worker(world) -> None:
    third = SurvivorFactory.create(known_as="Third")
    cases_services.survivor_allocate(actor=world.manager, survivor=third, worker=world.wss_a)
    with pytest.raises(AllocationError):
        cases_services.survivor_link_participant(
            actor=world.manager, survivor=third, participant=world.linked_participant
        )
    third.refresh_from_db()
    assert third.participant is None


def test_reallocation_moves_the_case_and_the_old_worker_loses_it(world) -> None:
    new_worker = staff_user("WSS worker", username="worker-c")
    old = sign_in(Client(), world.wss_a)
    assert old.get(f"/staff/cases/{world.survivor_a.pk}/").status_code == 200
    cases_services.survivor_allocate(
        actor=world.manager, survivor=world.survivor_a, worker=new_worker
    )
    assert old.get(f"/staff/cases/{world.survivor_a.pk}/").status_code == 404
    new = sign_in(Client(), new_worker)
    assert new.get(f"/staff/cases/{world.survivor_a.pk}/").status_code == 200
    history = Allocation.objects.filter(survivor=world.survivor_a)
    assert history.filter(ended_at__isnull=True).get().worker == new_worker
    assert history.filter(worker=world.wss_a, ended_at__isnull=False).exists()


def test_only_wss_workers_can_hold_a_case(world) -> None:
    with pytest.raises(AllocationError) as caught:
        cases_services.survivor_allocate(
            actor=world.manager, survivor=world.survivor_a, worker=world.programme
        )
    assert caught.value.code == "not_a_wss_worker"


def test_a_refused_allocation_writes_no_audit_row(world) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(AllocationError):
        cases_services.survivor_allocate(
            actor=world.manager, survivor=world.survivor_b, worker=world.wss_a
        )
    assert AuditEvent.objects.count() == before


def test_a_worker_reading_her_case_is_audited_with_ids_only(world) -> None:
    client = sign_in(Client(), world.wss_a)
    client.get(f"/staff/cases/{world.survivor_a.pk}/")
    event = AuditEvent.objects.filter(action="survivor.view").get()
    assert event.actor == world.wss_a
    assert event.survivor_id == world.survivor_a.pk
    row = " ".join(
        str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().get().values()
    )
    assert world.survivor_a.known_as not in row


def test_the_audit_log_is_append_only(world) -> None:
    event = AuditEvent.objects.first()
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="tampered")
    assert not AuditEvent.objects.filter(action="tampered").exists()


def test_phone_numbers_and_code_words_are_not_stored_in_clear(world) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT safe_phone, code_word, safe_phone_hash FROM survivors_survivor")
        rows = cursor.fetchall()
    dump = repr(rows)
    assert CANARY_PHONE not in dump and CANARY_CODE_WORD not in dump
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.safe_phone == CANARY_PHONE
    assert Survivor.objects.filter(safe_phone_hash=world.survivor_a.safe_phone_hash).count() == 1


def test_old_keys_still_decrypt_after_a_new_key_is_added(world, settings) -> None:
    from cryptography.fernet import Fernet

    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.code_word == CANARY_CODE_WORD


def test_health_reports_database_and_broker_without_personal_data(world) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_says_degraded_when_the_broker_is_unreachable(db, settings) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"


def test_every_page_is_no_store_and_portal_pages_carry_a_strict_csp(db) -> None:
    response = Client().get("/")
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get("/staff/login/")["Cache-Control"] == "no-store"
