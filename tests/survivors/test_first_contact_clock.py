"""The first-contact clock (SPEC 13): targets per source in working hours, UK
bank holidays left out, counted as the worker's wall clock shows it; shown on
her case, on the caseload and, once passed, on the duty view."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from contacts.models import AuditAction, AuditEvent
from survivors.models import Referral, ReferralSource, Survivor, WorkerAbsence
from survivors.selectors.first_contact import (
    case_clock,
    first_contact_clock,
    past_target,
    working_deadline,
    working_seconds_between,
)
from survivors.services import cases as cases_services

from ..conftest import sign_in
from ..factories import SurvivorFactory

UK = ZoneInfo("Europe/London")


def uk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UK)


def due(source: str, received: datetime) -> datetime:
    return first_contact_clock(source=source, started_at=received, now=received).target_at


# --- Targets per source ---------------------------------------------------------------


def test_her_own_request_marac_and_police_are_due_within_one_working_day() -> None:
    tuesday_10 = uk(2026, 6, 9, 10)
    for source in ("self", "marac", "police"):
        assert due(source, tuesday_10) == uk(2026, 6, 10, 10)


def test_other_sources_are_due_within_two_working_days() -> None:
    tuesday_10 = uk(2026, 6, 9, 10)
    for source in ("programme_intake", "new_partner", "health", "childrens_services", "idva"):
        assert due(source, tuesday_10) == uk(2026, 6, 11, 10)
    # A case with no recorded source takes the default too.
    assert due("", tuesday_10) == uk(2026, 6, 11, 10)


@override_settings(
    FIRST_CONTACT_TARGET_WORKING_DAYS={"self": 1, "marac": 1, "police": 3},
    FIRST_CONTACT_TARGET_DEFAULT_DAYS=4,
)
def test_a_configured_target_overrides_the_defaults() -> None:
    tuesday_10 = uk(2026, 6, 9, 10)
    assert due("police", tuesday_10) == uk(2026, 6, 12, 10)
    assert due("health", tuesday_10) == uk(2026, 6, 15, 10)  # Friday, weekend, Monday
    assert due("self", tuesday_10) == uk(2026, 6, 10, 10)


@override_settings(WORKING_HOURS_START=8, WORKING_HOURS_END=18)
def test_working_hours_come_from_settings() -> None:
    # 10 working hours a day: a referral at 17:00 has 1 hour that day.
    assert due("police", uk(2026, 6, 9, 17)) == uk(2026, 6, 10, 17)
    assert working_seconds_between(uk(2026, 6, 9, 7), uk(2026, 6, 9, 20)) == 10 * 3600


# --- Weekends, out of hours, bank holidays --------------------------------------------


def test_a_friday_referral_is_due_on_monday() -> None:
    assert due("police", uk(2026, 6, 12, 15, 30)) == uk(2026, 6, 15, 15, 30)
    assert due("health", uk(2026, 6, 12, 15, 30)) == uk(2026, 6, 16, 15, 30)


@pytest.mark.parametrize(
    "received",
    [
        uk(2026, 6, 12, 17, 30),  # Friday evening
        uk(2026, 6, 13, 11),  # Saturday
        uk(2026, 6, 14, 23),  # Sunday night
        uk(2026, 6, 15, 6),  # Monday before the office opens
    ],
)
def test_out_of_hours_the_clock_starts_next_working_morning(received) -> None:
    # Monday 09:00 is when the clock starts: one working day later is the end
    # of Monday (the same working moment as Tuesday 09:00).
    assert due("self", received) == uk(2026, 6, 15, 17)
    clock = first_contact_clock(source="self", started_at=received, now=uk(2026, 6, 15, 8, 59))
    assert clock.working_hours_left == 8
    assert clock.whole_hours_left == 8


def test_christmas_and_boxing_day_observed_are_not_working_days() -> None:
    # 2027: Christmas Day is a Saturday, Boxing Day a Sunday; both are observed
    # on Monday 27 and Tuesday 28 December.
    assert due("police", uk(2027, 12, 24, 10)) == uk(2027, 12, 29, 10)
    # 2026: Friday 25, Saturday 26, Boxing Day observed Monday 28.
    assert due("marac", uk(2026, 12, 24, 12)) == uk(2026, 12, 29, 12)
    assert due("health", uk(2026, 12, 24, 12)) == uk(2026, 12, 30, 12)


def test_easter_is_left_out() -> None:
    # Good Friday 3 April and Easter Monday 6 April 2026.
    assert due("self", uk(2026, 4, 2, 14)) == uk(2026, 4, 7, 14)
    assert working_seconds_between(uk(2026, 4, 2, 17), uk(2026, 4, 7, 9)) == 0


@override_settings(BANK_HOLIDAYS_SUBDIVISION="SCT")
def test_scotland_keeps_the_second_of_january() -> None:
    # 2026: New Year's Day Thursday, 2 January Friday (a Scottish bank holiday).
    assert due("police", uk(2025, 12, 31, 10)) == uk(2026, 1, 5, 10)


@override_settings(BANK_HOLIDAYS_SUBDIVISION="ENG")
def test_england_works_on_the_second_of_january() -> None:
    assert due("police", uk(2025, 12, 31, 10)) == uk(2026, 1, 2, 10)


# --- The clocks change ----------------------------------------------------------------


def test_spring_forward_the_deadline_is_what_the_wall_clock_says() -> None:
    # The clocks go forward on Sunday 29 March 2026; a referral on Friday 27 at
    # 10:00 GMT is due on Monday 30 at 10:00 BST, as the office clock reads it.
    received = uk(2026, 3, 27, 10)
    target = due("police", received)
    assert target == uk(2026, 3, 30, 10)
    assert target.utcoffset() == timedelta(hours=1)
    # At 09:30 on Monday half an hour is left, not an hour and a half.
    clock = first_contact_clock(source="police", started_at=received, now=uk(2026, 3, 30, 9, 30))
    assert clock.working_hours_left == 0.5
    assert clock.whole_hours_left == 1
    # Friday 16:00: one hour on Friday, one on Monday morning.
    friday = first_contact_clock(source="police", started_at=received, now=uk(2026, 3, 27, 16))
    assert friday.working_hours_left == 2


def test_fall_back_the_deadline_is_what_the_wall_clock_says() -> None:
    # The clocks go back on Sunday 25 October 2026.
    received = uk(2026, 10, 23, 14)
    target = due("self", received)
    assert target == uk(2026, 10, 26, 14)
    assert target.utcoffset() == timedelta(0)
    clock = first_contact_clock(source="self", started_at=received, now=uk(2026, 10, 26, 13))
    assert clock.working_hours_left == 1


def test_easter_and_the_clock_change_together() -> None:
    # 2027: Good Friday 26 March, the clocks change Sunday 28, Easter Monday 29.
    assert due("marac", uk(2027, 3, 25, 11)) == uk(2027, 3, 30, 11)


# --- Running, stopped, past -----------------------------------------------------------


def test_the_clock_stops_at_the_first_attempt() -> None:
    received = uk(2026, 6, 9, 10)
    within = first_contact_clock(
        source="police", started_at=received, first_attempt_at=uk(2026, 6, 9, 15)
    )
    assert not within.running and within.met
    assert within.working_hours_left == 3  # 2 on Tuesday, 1 on Wednesday morning
    late = first_contact_clock(
        source="police", started_at=received, first_attempt_at=uk(2026, 6, 10, 12)
    )
    assert late.met is False and late.overdue


def test_past_target_counts_working_hours_over() -> None:
    clock = first_contact_clock(
        source="self", started_at=uk(2026, 6, 9, 10), now=uk(2026, 6, 11, 13, 30)
    )
    # Due Wednesday 10:00; Wednesday 10-17 is 7 hours, Thursday 9-13:30 is 4.5.
    assert clock.overdue and clock.working_hours_left == -11.5
    assert clock.whole_hours_past == 11


def test_a_long_wait_is_counted_right() -> None:
    # Whole weeks by arithmetic: 2026 from Monday 5 January to Monday 6 July is
    # 26 weeks (130 weekdays) less Good Friday, Easter Monday, 4 and 25 May.
    assert working_seconds_between(uk(2026, 1, 5, 9), uk(2026, 7, 6, 9)) == 126 * 8 * 3600
    assert working_seconds_between(uk(2026, 7, 6, 9), uk(2026, 1, 5, 9)) == -126 * 8 * 3600


def test_a_case_clock_runs_from_her_referral(db) -> None:
    survivor = SurvivorFactory.create(referred_at=uk(2026, 6, 9, 10), referral_source="police")
    clock = case_clock(survivor=survivor, now=uk(2026, 6, 9, 12))
    assert clock is not None and clock.running and clock.working_hours_left == 6
    # Contact made counts as an attempt where none was recorded.
    survivor.first_contact_at = uk(2026, 6, 9, 16)
    stopped = case_clock(survivor=survivor, now=uk(2026, 6, 20, 12))
    assert stopped is not None and stopped.met
    # Closed without an attempt: no clock.
    survivor.first_contact_at = None
    survivor.closed_at = uk(2026, 6, 20)
    assert case_clock(survivor=survivor) is None


def test_working_deadline_in_whole_days() -> None:
    assert working_deadline(uk(2026, 6, 9, 9), 0) == uk(2026, 6, 9, 9)
    assert working_deadline(uk(2026, 6, 9, 9), 5) == uk(2026, 6, 15, 17)


# --- On the pages ---------------------------------------------------------------------


def _case(world, *, referred_at: datetime, source: str = "police", **kw) -> Survivor:
    survivor = SurvivorFactory.create(referred_at=referred_at, referral_source=source, **kw)
    cases_services.survivor_allocate(actor=world.manager, survivor=survivor, worker=world.wss_a)
    return survivor


def _row(body: str, case_id: int) -> str:
    start = body.index(f">Case {case_id}</a>")
    return body[start : body.index("</tr>", start)]


def test_the_caseload_shows_hours_left_and_past_target_in_words(world) -> None:
    with time_machine.travel(uk(2026, 6, 10, 12), tick=False):
        fresh = _case(world, referred_at=uk(2026, 6, 10, 9))  # police: due Wed 17:00
        late = _case(world, referred_at=uk(2026, 6, 5, 10), source="self")  # due Mon 8 June
        tried = _case(
            world, referred_at=uk(2026, 6, 10, 9), first_attempt_at=uk(2026, 6, 10, 9, 30)
        )
        body = sign_in(Client(), world.wss_a).get("/staff/caseload/").content.decode()
    assert "5 working hours left" in _row(body, fresh.pk)
    assert "Wed 10 Jun 17:00" in _row(body, fresh.pk)
    assert "Past target" in _row(body, late.pk)
    assert "by 18 working hours" in _row(body, late.pk)  # Mon 10-17, Tue 9-17, Wed 9-12
    assert "working hours left" not in _row(body, tried.pk)
    assert "Past target" not in _row(body, tried.pk)


def test_the_caseload_clock_costs_no_query_per_case(world) -> None:
    client = sign_in(Client(), world.wss_a)
    _case(world, referred_at=uk(2026, 6, 1, 10))
    client.get("/staff/caseload/")  # the first read of a session costs a few more
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/caseload/")
    for day in range(2, 12):
        _case(world, referred_at=uk(2026, 6, day, 10), source="marac")
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/caseload/")
    assert len(many) == len(few)


def test_her_case_page_shows_the_clock_and_the_first_attempt(world) -> None:
    with time_machine.travel(uk(2026, 6, 10, 12), tick=False):
        waiting = _case(world, referred_at=uk(2026, 6, 10, 9), source="health")
        client = sign_in(Client(), world.wss_a)
        body = client.get(f"/staff/cases/{waiting.pk}/").content.decode()
        assert "target 2 working days from the referral" in body
        assert "13 working hours left" in body  # due Thursday 17:00
        assert "None yet" in body
        tried = _case(world, referred_at=uk(2026, 6, 8, 9), first_attempt_at=uk(2026, 6, 8, 14, 5))
        body = client.get(f"/staff/cases/{tried.pk}/").content.decode()
    assert "8 Jun 2026 14:05" in body
    assert "First attempt within target" in body


def _duty_worker(world):
    world.wss_other.is_duty_worker = True
    world.wss_other.save(update_fields=["is_duty_worker"])
    return world.wss_other


def test_the_duty_view_lists_what_is_past_its_target(world) -> None:
    duty = _duty_worker(world)
    with time_machine.travel(uk(2026, 6, 10, 12), tick=False):
        late_referral = Referral.objects.create(
            source=ReferralSource.MARAC, received_at=uk(2026, 6, 8, 10)
        )
        fresh_referral = Referral.objects.create(
            source=ReferralSource.MARAC, received_at=uk(2026, 6, 10, 9)
        )
        late_case = _case(world, referred_at=uk(2026, 6, 5, 10), source="self")
        fresh_case = _case(world, referred_at=uk(2026, 6, 10, 9))
        tried_case = _case(
            world, referred_at=uk(2026, 6, 1, 10), first_attempt_at=uk(2026, 6, 1, 11)
        )
        WorkerAbsence.objects.create(
            worker=world.wss_a,
            starts_on=uk(2026, 6, 9).date(),
            ends_on=uk(2026, 6, 12).date(),
            marked_by=world.manager,
        )
        before = AuditEvent.objects.filter(actor=duty, action=AuditAction.DUTY_VIEW).count()
        response = sign_in(Client(), duty).get("/staff/duty/")
    assert response.status_code == 200
    body = response.content.decode()
    section = body[body.index('id="first-contact"') : body.index('id="cover"')]
    assert f"Referral {late_referral.pk}<" in section
    assert f"Referral {fresh_referral.pk}<" not in section
    assert "MARAC" in section and "Past target" in section
    assert f"Case {late_case.pk}<" in section
    assert f"/staff/duty/cases/{late_case.pk}/" in section  # her worker is away
    assert f"Case {fresh_case.pk}<" not in section
    assert f"Case {tried_case.pk}<" not in section
    # The late case's read is on her access log (SPEC 12).
    rows = AuditEvent.objects.filter(actor=duty, action=AuditAction.DUTY_VIEW)
    assert rows.count() > before
    assert rows.filter(survivor_id=late_case.pk).exists()


def test_past_target_leaves_out_triaged_referrals_and_closed_cases(world) -> None:
    now = uk(2026, 6, 10, 12)
    Referral.objects.create(
        source="police",
        received_at=uk(2026, 6, 1, 10),
        state=Referral.State.DECLINED,
        decided_at=uk(2026, 6, 2, 10),
    )
    _case(world, referred_at=uk(2026, 6, 1, 10), closed_at=uk(2026, 6, 5, 10))
    referrals, cases = past_target(now=now)
    assert referrals == []
    assert all(row.survivor_id in {world.survivor_a.pk, world.survivor_b.pk} for row in cases)
