"""Who read her record (SPEC 12): her case's access log for her worker and the
manager, every list that shows her on it, and reads that do not fit the work
alerting the manager (one account, one case or one burst: one alert)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client, override_settings
from django.utils import timezone

from contacts import roles
from contacts.models import AuditAction, AuditEvent
from contacts.services.audit import audit_reads_record
from survivors.models import AccessAlert
from survivors.selectors.access_log import CaseRead, case_reads
from survivors.services import cases as cases_services
from survivors.services.cover import absence_mark
from survivors.services.info_sessions import info_session_create, invitation_send

from ..conftest import sign_in
from ..factories import SurvivorFactory, staff_user


def _actions_on_her_log(world, survivor=None) -> list[tuple[str, str]]:
    survivor = survivor or world.survivor_a
    return [(read.actor_name, read.action) for read in case_reads(survivor_id=survivor.pk)]


def test_her_worker_sees_who_read_her_case_and_her_own_look_is_on_it(world) -> None:
    client = sign_in(Client(), world.wss_a)
    case = client.get(f"/staff/cases/{world.survivor_a.pk}/").content.decode()
    assert f'href="/staff/cases/{world.survivor_a.pk}/reads/"' in case
    page = client.get(f"/staff/cases/{world.survivor_a.pk}/reads/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Who read case {world.survivor_a.pk}" in body
    # Who, in what role, what: her opening of the case and of this page.
    assert "worker-a" in body and roles.WSS_WORKER in body
    assert "Case read" in body and "Who read the case: read" in body
    newest = case_reads(survivor_id=world.survivor_a.pk)[0]
    assert isinstance(newest, CaseRead)
    assert (newest.actor_id, newest.action) == (world.wss_a.pk, AuditAction.CASE_READS_VIEW)


def test_the_manager_reads_it_from_the_allocation_page_and_nobody_else_can(world) -> None:
    manager = sign_in(Client(), world.manager)
    allocation = manager.get(f"/staff/allocations/{world.survivor_a.pk}/").content.decode()
    assert f'href="/staff/cases/{world.survivor_a.pk}/reads/"' in allocation
    body = manager.get(f"/staff/cases/{world.survivor_a.pk}/reads/").content.decode()
    assert "service-manager" in body and roles.SERVICE_MANAGER in body
    assert "A case&#x27;s allocation read" in body
    for user in (world.wss_other, world.programme, world.comms):
        response = sign_in(Client(), user).get(f"/staff/cases/{world.survivor_a.pk}/reads/")
        assert response.status_code in (403, 404), user
    assert not AuditEvent.objects.filter(
        actor__in=[world.wss_other, world.programme, world.comms],
        action=AuditAction.CASE_READS_VIEW,
    ).exists()


def test_each_list_that_shows_her_is_on_her_log(world) -> None:
    """SPEC 12: a list that shows her name (or her case) is a read of her record,
    one audit row per case shown."""
    before = len(case_reads(survivor_id=world.survivor_a.pk))
    sign_in(Client(), world.wss_a).get("/staff/caseload/")
    sign_in(Client(), world.manager).get("/staff/allocations/")
    assert _actions_on_her_log(world)[:2] == [
        ("service-manager", AuditAction.ALLOCATIONS_VIEW),
        ("worker-a", AuditAction.CASELOAD_VIEW),
    ]
    # Her row is hers alone: survivor B's list row went on B's log.
    assert ("worker-b", AuditAction.CASELOAD_VIEW) not in _actions_on_her_log(world)
    sign_in(Client(), world.wss_other).get("/staff/caseload/")
    assert ("worker-b", AuditAction.CASELOAD_VIEW) in _actions_on_her_log(world, world.survivor_b)
    assert len(case_reads(survivor_id=world.survivor_a.pk)) == before + 2


def test_the_duty_view_and_an_information_session_put_her_on_her_log(world) -> None:
    duty = staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)
    from survivors.models import Alert

    Alert.objects.create(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=True)
    sign_in(Client(), duty).get("/staff/duty/")
    assert _actions_on_her_log(world)[0] == ("duty-dee", AuditAction.DUTY_VIEW)
    session = info_session_create(
        actor=world.manager,
        starts_at=timezone.now() + timedelta(days=7),
        place="Room 2",
        capacity=10,
        programme_worker=world.programme,
    )
    invitation_send(actor=world.wss_a, session=session, survivor=world.survivor_a)
    sign_in(Client(), world.wss_a).get(f"/staff/info-sessions/{session.pk}/")
    assert _actions_on_her_log(world)[0] == ("worker-a", AuditAction.INFO_SESSION_VIEW)
    # None of these fit badly: the duty list is the duty worker's work.
    assert not AccessAlert.objects.exists()


def test_the_staff_home_lists_and_the_invite_choices_put_her_on_her_log(world) -> None:
    """SPEC 12: the duty worker's covered queue and the manager's waiting cases on
    the staff home, and her name among the invite form's choices, are reads of
    her record like the lists they come from."""
    from survivors.models import Alert

    duty = staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)
    today = timezone.localdate()
    absence_mark(actor=world.manager, worker=world.wss_a, starts_on=today, ends_on=today)
    Alert.objects.create(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=False)
    assert f"Case {world.survivor_a.pk}" in sign_in(Client(), duty).get("/staff/").content.decode()
    assert _actions_on_her_log(world)[0] == ("duty-dee", AuditAction.DUTY_VIEW)
    waiting = SurvivorFactory.create()
    assert f"Case {waiting.pk}" in sign_in(Client(), world.manager).get("/staff/").content.decode()
    assert _actions_on_her_log(world, waiting)[0] == (
        "service-manager",
        AuditAction.ALLOCATIONS_VIEW,
    )
    # Not invited, but her name is among the form's choices.
    session = info_session_create(
        actor=world.manager,
        starts_at=timezone.now() + timedelta(days=7),
        place="Room 2",
        capacity=10,
        programme_worker=world.programme,
    )
    page = sign_in(Client(), world.wss_a).get(f"/staff/info-sessions/{session.pk}/")
    assert world.survivor_a.known_as in page.content.decode()
    assert _actions_on_her_log(world)[0] == ("worker-a", AuditAction.INFO_SESSION_VIEW)
    assert not AccessAlert.objects.exists()


def test_the_log_is_paged(world) -> None:
    for _ in range(120):
        audit_reads_record(
            actor=world.wss_a, action=AuditAction.SURVIVOR_VIEW, survivor=world.survivor_a
        )
    client = sign_in(Client(), world.wss_a)
    first = client.get(f"/staff/cases/{world.survivor_a.pk}/reads/").content.decode()
    assert first.count("<tr>") == 51  # 50 rows and the header
    assert "page 1 of 3" in first
    last = client.get(f"/staff/cases/{world.survivor_a.pk}/reads/?page=3").content.decode()
    assert "page 3 of 3" in last


# --- Reads that do not fit the work (SPEC 12) ----------------------------------------


def test_a_read_by_someone_not_working_with_her_alerts_the_manager_once(world) -> None:
    # Any page's read goes through this one audit write; another worker's read of
    # her case is refused by every page today, so the write stands in for the
    # page that one day lets it through.
    for _ in range(3):
        audit_reads_record(
            actor=world.wss_other, action=AuditAction.SURVIVOR_VIEW, survivor=world.survivor_a
        )
    alert = AccessAlert.objects.get()
    assert (alert.kind, alert.account, alert.survivor_id) == (
        AccessAlert.Kind.UNFITTING,
        world.wss_other,
        world.survivor_a.pk,
    )
    manager = sign_in(Client(), world.manager)
    body = manager.get("/staff/access-alerts/").content.decode()
    assert "Case read by someone not working with her: case" in body
    assert f"/staff/people/{world.wss_other.pk}/reads.csv?from=" in body
    assert AuditEvent.objects.filter(
        actor=world.manager, action=AuditAction.ACCESS_ALERTS_VIEW
    ).exists()


def test_her_worker_the_duty_worker_covering_and_the_manager_allocating_raise_nothing(
    world,
) -> None:
    duty = staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)
    today = timezone.localdate()
    absence_mark(actor=world.manager, worker=world.wss_a, starts_on=today, ends_on=today)
    sign_in(Client(), world.wss_a).get(f"/staff/cases/{world.survivor_a.pk}/")
    assert (
        sign_in(Client(), duty).get(f"/staff/duty/cases/{world.survivor_a.pk}/").status_code == 200
    )
    sign_in(Client(), world.manager).get(f"/staff/allocations/{world.survivor_a.pk}/")
    assert not AccessAlert.objects.exists()
    # Without the absence, the same duty worker reading her messages does not fit.
    audit_reads_record(actor=duty, action=AuditAction.THREAD_VIEW, survivor=world.survivor_b)
    assert AccessAlert.objects.get().survivor_id == world.survivor_b.pk


@override_settings(ACCESS_ALERT_CASES_PER_HOUR=3)
def test_opening_too_many_cases_in_an_hour_raises_one_alert_per_hour(world) -> None:
    cases = SurvivorFactory.create_batch(8)
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-two")
    start = timezone.now().replace(minute=5, second=0, microsecond=0) + timedelta(hours=1)
    with time_machine.travel(start, tick=False):
        client = sign_in(Client(), manager)
        for survivor in cases[:3]:
            client.get(f"/staff/allocations/{survivor.pk}/")
        assert not AccessAlert.objects.exists()  # three is not more than three
        for survivor in cases[3:6]:
            client.get(f"/staff/allocations/{survivor.pk}/")
    alert = AccessAlert.objects.get()  # one, however many more she opened
    assert (alert.kind, alert.account, alert.cases_read) == (
        AccessAlert.Kind.VOLUME,
        manager,
        4,
    )
    with time_machine.travel(start + timedelta(minutes=70), tick=False):
        client = sign_in(Client(), manager)
        for survivor in cases[4:8]:
            client.get(f"/staff/allocations/{survivor.pk}/")
    assert AccessAlert.objects.filter(kind=AccessAlert.Kind.VOLUME).count() == 2


@override_settings(ACCESS_ALERT_CASES_PER_HOUR=3)
def test_a_caseload_list_of_many_cases_is_not_a_burst(world) -> None:
    for _ in range(6):
        cases_services.survivor_allocate(
            actor=world.manager, survivor=SurvivorFactory.create(), worker=world.wss_a
        )
    sign_in(Client(), world.wss_a).get("/staff/caseload/")
    assert not AccessAlert.objects.exists()


def test_the_manager_acknowledges_an_alert_with_a_note(world) -> None:
    audit_reads_record(
        actor=world.wss_other, action=AuditAction.SURVIVOR_VIEW, survivor=world.survivor_a
    )
    alert = AccessAlert.objects.get()
    manager = sign_in(Client(), world.manager)
    empty = manager.post(f"/staff/access-alerts/{alert.pk}/", {"note": "  "})
    assert empty.status_code == 400
    assert "Write a short note saying what you found." in empty.content.decode()
    done = manager.post(
        f"/staff/access-alerts/{alert.pk}/", {"note": "Asked her: opened by mistake."}
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.manager and alert.note.startswith("Asked her")
    assert AuditEvent.objects.filter(
        actor=world.manager, action=AuditAction.ACCESS_ALERT_ACKNOWLEDGE, object_id=str(alert.pk)
    ).exists()
    again = manager.post(f"/staff/access-alerts/{alert.pk}/", {"note": "Twice"})
    assert "already acknowledged" in again.content.decode()
    for user in (world.wss_a, world.programme):
        client = sign_in(Client(), user)
        assert client.get("/staff/access-alerts/").status_code in (403, 404)
        assert client.post(f"/staff/access-alerts/{alert.pk}/", {"note": "x"}).status_code in (
            403,
            404,
        )
