"""The staff home page (/staff/) shows each role its work for today: a WSS
worker her urgent alerts, unanswered messages, first-contact clocks and
reviews due (her own cases only); the duty worker the covered queue; a
programme worker today's sessions and registers to complete (nothing of
survivors, SPEC 2); comms recent page changes; the manager unallocated cases,
the longest first-contact waits and passed deadlines. A fixed number of
queries per role, however many rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from contacts import roles
from programme.models import Attendance
from survivors.models import Alert, RiskAssessment
from survivors.services import alerts, cover

from ..conftest import CANARIES, sign_in
from ..factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    SurvivorFactory,
    staff_user,
)


def _home(client: Client) -> str:
    response = client.get("/staff/")
    assert response.status_code == 200
    return response.content.decode()


def _queries(client: Client) -> int:
    client.get("/staff/")  # warm: the session's own first-request writes
    with CaptureQueriesContext(connection) as queries:
        client.get("/staff/")
    return len(queries)


def _cases_for(world, worker, count: int) -> None:
    """``count`` referred cases for ``worker``, each with an urgent alert."""
    for _ in range(count):
        case = SurvivorFactory.create(worker=worker, allocated_at=timezone.now())
        alerts.alert_raise(survivor=case, kind=Alert.Kind.URGENT_REPLY, urgent=True)


@pytest.fixture
def duty(world):
    return staff_user(roles.WSS_WORKER, username="duty-dee", is_duty_worker=True)


def test_a_wss_worker_sees_her_own_cases_waiting_work(world) -> None:
    urgent = alerts.alert_raise(
        survivor=world.survivor_a, kind=Alert.Kind.URGENT_REPLY, urgent=True
    )
    RiskAssessment.objects.filter(survivor=world.survivor_a).update(
        assessed_at=timezone.now() - timedelta(weeks=9)
    )
    waiting = SurvivorFactory.create(
        worker=world.wss_a, referred_at=timezone.now() - timedelta(days=3)
    )
    alerts.alert_raise(survivor=world.survivor_b, kind=Alert.Kind.URGENT_REPLY, urgent=True)

    page = _home(sign_in(Client(), world.wss_a))
    case_a = world.survivor_a.pk
    assert f'<a href="/staff/cases/{case_a}/">Case {case_a}</a>: 1 urgent alert' in page
    assert f'<a href="/staff/cases/{case_a}/messages/">Case {case_a}</a>: 1 message waiting' in page
    assert f"Case {waiting.pk}</a>: referred" in page and "waiting 3 days" in page
    assert f"Case {case_a}</a>: risk checklist reassessment due" in page
    # Only her own caseload: worker-b's case is not on it.
    assert f"Case {world.survivor_b.pk}<" not in page
    assert urgent.pk  # the alert is on her case, not listed by number
    assert "Today's sessions" not in page and "Unallocated cases" not in page


def test_the_duty_worker_sees_the_covered_queue(world, duty) -> None:
    today = timezone.localdate()
    cover.absence_mark(
        actor=world.wss_a, worker=world.wss_a, starts_on=today, ends_on=today + timedelta(days=2)
    )
    page = _home(sign_in(Client(), duty))
    assert "Covering for workers who are away" in page
    assert "Unanswered message" in page and "worker-a (away)" in page
    assert f"/staff/duty/cases/{world.survivor_a.pk}/" in page
    # Nothing of her on the queue itself.
    assert all(canary not in page for canary in CANARIES)


def test_a_programme_worker_sees_todays_sessions_and_registers_to_complete(world) -> None:
    now = timezone.now()
    today = ProgrammeSessionFactory.create(
        group=world.group, starts_at=now.replace(hour=12, minute=0, second=0, microsecond=0)
    )
    page = _home(sign_in(Client(), world.programme))
    assert "Today&#x27;s sessions" in page or "Today's sessions" in page
    assert f'href="/staff/sessions/{today.pk}/">Thursday group, 12:00</a>' in page
    # The world's session two days ago has no register yet: 0 of its 2 men marked.
    assert f'href="/staff/sessions/{world.session.pk}/">Thursday group' in page
    assert "0 of 2 marked" in page
    Attendance.objects.create(
        session=world.session,
        participant=world.linked_participant,
        mark="attended",
        recorded_by=world.programme,
    )
    assert "1 of 2 marked" in _home(sign_in(Client(), world.programme))
    # The programme side's page: nothing of survivors.
    assert all(canary not in page for canary in CANARIES)
    assert "My cases" not in page and "Unallocated cases" not in page


def test_comms_see_recent_page_changes(world, pages) -> None:
    page = Page.objects.filter(depth__gte=2).order_by("pk").first().specific
    page.save_revision(user=world.comms)
    body = _home(sign_in(Client(), world.comms))
    assert "Recent page changes" in body
    assert f'href="/editor/pages/{page.pk}/edit/"' in body
    assert "by comms-staff" in body


def test_the_manager_sees_unallocated_cases_waits_and_deadlines(world) -> None:
    unallocated = SurvivorFactory.create(referred_at=timezone.now() - timedelta(days=6))
    late = alerts.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=True)
    Alert.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=1))
    page = _home(sign_in(Client(), world.manager))
    assert "Unallocated cases (1)" in page
    assert f'href="/staff/allocations/{unallocated.pk}/">Case {unallocated.pk}</a>' in page
    assert "Waiting longest for first contact" in page
    assert f"Case {unallocated.pk}: referred" in page
    assert "1 past the response deadline" in page
    # Counts and case numbers: never her name or her messages.
    assert all(canary not in page for canary in CANARIES)


def test_each_role_costs_the_same_queries_however_many_rows(world, duty, pages) -> None:
    """Measured with a little data and with more: the same count per role."""
    today = timezone.localdate()
    cover.absence_mark(
        actor=world.wss_a, worker=world.wss_a, starts_on=today, ends_on=today + timedelta(days=2)
    )
    users = [world.wss_a, duty, world.programme, world.comms, world.manager]
    clients = [sign_in(Client(), user) for user in users]
    before = [_queries(client) for client in clients]
    _cases_for(world, world.wss_a, 5)
    _cases_for(world, None, 5)
    group = ProgrammeGroupFactory.create(name="Monday group")
    for n in range(5):
        ParticipantFactory.create(group=group)
        ProgrammeSessionFactory.create(group=group, starts_at=timezone.now() - timedelta(days=n))
    for page in Page.objects.filter(depth__gte=2)[:3]:
        page.specific.save_revision(user=world.comms)
    after = [_queries(client) for client in clients]
    assert before == after, list(zip([u.username for u in users], before, after, strict=True))
