"""Her casework (SPEC 9): the case lifecycle (stages, the first-contact
clock, the date support ends, dormancy, re-engagement inside her safe times,
closing with an outcome, retention from the closing date)."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from checkins.services.retention import retention_apply
from contacts.models import AuditAction, AuditEvent, User
from programme.services import records
from survivors.errors import CaseError
from survivors.models import (
    CaseState,
    ContactLogEntry,
    Message,
    SafeContactWindow,
    Survivor,
)
from survivors.services import cases as cases_services
from survivors.services import casework, contact_log

from ..conftest import sign_in
from ..factories import SurvivorFactory, survivor_account


def _case(world, name: str = "Ruth", **fields) -> Survivor:
    survivor = SurvivorFactory.create(known_as=name, **fields)
    cases_services.survivor_allocate(actor=world.manager, survivor=survivor, worker=world.wss_a)
    survivor.refresh_from_db()
    return survivor


def _caseload_row(client: Client, survivor: Survivor) -> str:
    body = client.get("/staff/caseload/").content.decode()
    start = body.index(f'href="/staff/cases/{survivor.pk}/"')
    return body[start : body.index("</tr>", start)]


def _state_changes(survivor: Survivor) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.CASE_STATE_CHANGE, object_id=str(survivor.pk)
    ).count()


# --- Stages -------------------------------------------------------------------------


def test_a_new_case_is_referred_and_the_caseload_counts_the_days_waiting(world) -> None:
    survivor = _case(world, referred_at=timezone.now() - timedelta(days=5, hours=1))
    assert survivor.case_state == CaseState.REFERRED
    row = _caseload_row(sign_in(Client(), world.wss_a), survivor)
    assert "Referred" in row
    assert "waiting 5 days" in row


def test_a_contact_that_reached_her_stops_the_first_contact_clock(world) -> None:
    survivor = _case(world, referred_at=timezone.now() - timedelta(days=3, hours=2))
    contact_log.contact_log_add(
        actor=world.wss_a, survivor=survivor, kind="call", outcome="no_answer"
    )
    survivor.refresh_from_db()
    assert survivor.case_state == CaseState.REFERRED  # no answer: still waiting
    contact_log.contact_log_add(actor=world.wss_a, survivor=survivor, kind="call", outcome="spoke")
    survivor.refresh_from_db()
    assert survivor.case_state == CaseState.FIRST_CONTACT
    assert survivor.first_contact_at is not None
    assert _state_changes(survivor) == 1
    row = _caseload_row(sign_in(Client(), world.wss_a), survivor)
    assert "First contact made" in row
    assert "after 3 days" in row
    assert "waiting" not in row


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["first_contact", "active", "dormant", "active", "closed"], None),
        (["active"], "active"),  # referred cannot skip first contact
        (["first_contact", "referred"], "referred"),
        (["closed", "dormant"], "dormant"),  # closed reopens only as active
    ],
)
def test_a_case_moves_only_along_its_lifecycle_and_each_move_is_audited(
    world, path: list[str], refused: str | None
) -> None:
    survivor = _case(world)
    moved = 0
    for to_state in path:
        outcome = "goals_met" if to_state == "closed" else ""
        if to_state == refused:
            before = survivor.case_state
            with pytest.raises(CaseError) as error:
                casework.case_state_change(
                    actor=world.wss_a, survivor=survivor, to_state=to_state, outcome=outcome
                )
            assert error.value.code == "not_allowed"
            survivor.refresh_from_db()
            assert survivor.case_state == before
            break
        casework.case_state_change(
            actor=world.wss_a, survivor=survivor, to_state=to_state, outcome=outcome
        )
        moved += 1
        survivor.refresh_from_db()
        assert survivor.case_state == to_state
    assert _state_changes(survivor) == moved


def test_closing_asks_for_an_outcome_and_reopening_clears_the_closing_date(world) -> None:
    survivor = _case(world)
    client = sign_in(Client(), world.wss_a)
    response = client.post(
        f"/staff/cases/{survivor.pk}/stage/", {"to_state": "closed", "outcome": ""}, follow=True
    )
    assert "Choose the outcome before closing the case." in response.content.decode()
    survivor.refresh_from_db()
    assert survivor.case_state == CaseState.REFERRED
    assert survivor.closed_at is None
    client.post(
        f"/staff/cases/{survivor.pk}/stage/", {"to_state": "closed", "outcome": "she_ended"}
    )
    survivor.refresh_from_db()
    assert survivor.case_state == CaseState.CLOSED
    assert survivor.closure_outcome == "she_ended"
    assert survivor.closed_at is not None
    page = client.get(f"/staff/cases/{survivor.pk}/").content.decode()
    assert "She chose to end it" in page
    casework.case_state_change(actor=world.wss_a, survivor=survivor, to_state="active")
    survivor.refresh_from_db()
    assert (survivor.case_state, survivor.closed_at, survivor.closure_outcome) == (
        CaseState.ACTIVE,
        None,
        "",
    )


def test_an_unknown_outcome_or_stage_is_refused(world) -> None:
    survivor = _case(world)
    for to_state, outcome, code in (
        ("closed", "bored", "unknown_outcome"),
        ("archived", "", "unknown_state"),
    ):
        with pytest.raises(CaseError) as error:
            casework.case_state_change(
                actor=world.wss_a, survivor=survivor, to_state=to_state, outcome=outcome
            )
        assert error.value.code == code
    assert _state_changes(survivor) == 0


def test_another_worker_cannot_move_her_case(world) -> None:
    client = sign_in(Client(), world.wss_other)
    response = client.post(
        f"/staff/cases/{world.survivor_a.pk}/stage/", {"to_state": "first_contact"}
    )
    assert response.status_code == 404
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.case_state == CaseState.REFERRED


# --- Support ends -------------------------------------------------------------------


def test_support_ends_the_set_period_after_his_course_ends(world, settings) -> None:
    survivor = world.survivor_a
    client = sign_in(Client(), world.wss_a)
    assert (
        "Not set: his course has not ended"
        in client.get(f"/staff/cases/{survivor.pk}/").content.decode()
    )
    # Suspended is not an end: nothing changes.
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="suspended"
    )
    assert "–" in _caseload_row(client, survivor).split("</td>")[-3]
    change = records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="completed"
    )
    expected = timezone.localtime(change.changed_at + timedelta(weeks=26)).date()
    shown = f"{expected.day} {expected:%b %Y}"
    assert shown in _caseload_row(client, survivor)
    assert shown in client.get(f"/staff/cases/{survivor.pk}/").content.decode()
    settings.SUPPORT_AFTER_END_WEEKS = 4
    later = timezone.localtime(change.changed_at + timedelta(weeks=4)).date()
    assert f"{later.day} {later:%b %Y}" in _caseload_row(client, survivor)


def test_dropping_out_also_starts_the_period(world) -> None:
    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="dropped_out"
    )
    client = sign_in(Client(), world.wss_a)
    page = client.get(f"/staff/cases/{world.survivor_a.pk}/").content.decode()
    assert "his course ended; support continues" in page


# --- Dormant and re-engagement --------------------------------------------------------


def test_a_quiet_case_is_proposed_dormant_on_the_caseload(world, settings) -> None:
    settings.CASE_DORMANT_AFTER_WEEKS = 6
    long_ago = timezone.now() - timedelta(weeks=8)
    quiet = _case(world, "Quiet", referred_at=long_ago - timedelta(days=1))
    lively = _case(world, "Lively", referred_at=long_ago - timedelta(days=1))
    for survivor in (quiet, lively):
        contact_log.contact_log_add(
            actor=world.wss_a, survivor=survivor, kind="call", outcome="spoke", happened_at=long_ago
        )
        casework.case_state_change(actor=world.wss_a, survivor=survivor, to_state="active")
    Message.objects.create(survivor=lively, author=world.wss_a, from_survivor=True, body="hello")
    client = sign_in(Client(), world.wss_a)
    assert "proposed dormant" in _caseload_row(client, quiet)
    assert "proposed dormant" not in _caseload_row(client, lively)
    # Proposed, not done: her worker decides.
    quiet.refresh_from_db()
    assert quiet.case_state == CaseState.ACTIVE
    settings.CASE_DORMANT_AFTER_WEEKS = 10
    assert "proposed dormant" not in _caseload_row(client, quiet)


def _window_around(survivor: Survivor, *, inside: bool) -> None:
    """A safe time today (her zone) that contains now, or one that does not."""
    local = timezone.now().astimezone(ZoneInfo(survivor.time_zone))
    if inside:
        starts, ends = time(0, 0), time(23, 59, 59)
    elif local.hour >= 2:
        starts, ends = time(0, 0), time(1, 0)
    else:
        starts, ends = time(22, 0), time(23, 0)
    SafeContactWindow.objects.create(
        survivor=survivor, weekday=local.weekday(), starts_at=starts, ends_at=ends
    )


def _dormant(world, name: str) -> Survivor:
    survivor = _case(world, name)
    for to_state in ("first_contact", "dormant"):
        casework.case_state_change(actor=world.wss_a, survivor=survivor, to_state=to_state)
    return survivor


def test_re_engagement_is_offered_only_inside_her_safe_times(world) -> None:
    outside = _dormant(world, "Outside")
    _window_around(outside, inside=False)
    client = sign_in(Client(), world.wss_a)
    page = client.get(f"/staff/cases/{outside.pk}/").content.decode()
    assert "Not one of her safe times now" in page
    assert f'action="/staff/cases/{outside.pk}/reengage/"' not in page
    response = client.post(
        f"/staff/cases/{outside.pk}/reengage/", {"kind": "call", "outcome": "spoke"}, follow=True
    )
    assert "It is not one of her safe times now" in response.content.decode()
    assert not ContactLogEntry.objects.filter(survivor=outside).exists()

    inside = _dormant(world, "Inside")
    _window_around(inside, inside=True)
    page = client.get(f"/staff/cases/{inside.pk}/").content.decode()
    assert f'action="/staff/cases/{inside.pk}/reengage/"' in page
    client.post(f"/staff/cases/{inside.pk}/reengage/", {"kind": "call", "outcome": "spoke"})
    inside.refresh_from_db()
    assert inside.case_state == CaseState.ACTIVE  # she answered: active again
    assert ContactLogEntry.objects.filter(survivor=inside, outcome="spoke").count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_REENGAGEMENT_OFFER, object_id=str(inside.pk)
    ).exists()


def test_re_engagement_is_never_offered_while_she_has_paused_contact(world) -> None:
    survivor = _dormant(world, "Paused")
    _window_around(survivor, inside=True)
    Survivor.objects.filter(pk=survivor.pk).update(contact_paused=True)
    survivor.refresh_from_db()
    with pytest.raises(CaseError) as error:
        casework.case_reengagement_offer(
            actor=world.wss_a, survivor=survivor, kind="text", outcome="sent"
        )
    assert error.value.code == "contact_paused"
    page = sign_in(Client(), world.wss_a).get(f"/staff/cases/{survivor.pk}/").content.decode()
    assert "She has paused all contact: do not contact her." in page


def test_an_unanswered_re_engagement_leaves_the_case_dormant(world) -> None:
    survivor = _dormant(world, "Unanswered")
    _window_around(survivor, inside=True)
    casework.case_reengagement_offer(
        actor=world.wss_a, survivor=survivor, kind="text", outcome="sent"
    )
    survivor.refresh_from_db()
    assert survivor.case_state == CaseState.DORMANT


# --- Retention from the closing date --------------------------------------------------


def test_retention_counts_from_the_closing_date(world, settings) -> None:
    settings.RETENTION_SCHEDULE = {
        **settings.RETENTION_SCHEDULE,
        "closed_cases": {"days": 365, "from": "closing"},
    }
    old = timezone.now() - timedelta(days=800)
    long_closed = survivor_account(username="long-closed", known_as="Long closed")
    recently_closed = _case(world, "Recently closed", created_at=old, referred_at=old)
    still_open = _case(world, "Open", created_at=old, referred_at=old)
    cases_services.survivor_allocate(actor=world.manager, survivor=long_closed, worker=world.wss_a)
    ContactLogEntry.objects.create(
        survivor=long_closed, worker=world.wss_a, kind="call", outcome="spoke", note="x"
    )
    casework.case_state_change(
        actor=world.wss_a,
        survivor=long_closed,
        to_state="closed",
        outcome="goals_met",
        at=timezone.now() - timedelta(days=400),
    )
    casework.case_state_change(
        actor=world.wss_a,
        survivor=recently_closed,
        to_state="closed",
        outcome="no_contact",
        at=timezone.now() - timedelta(days=10),
    )
    account_id = long_closed.user_id
    run = retention_apply()
    assert run.counts["closed_cases"] == {"deleted": 1, "held": 0}
    remaining = set(Survivor.objects.values_list("pk", flat=True))
    assert long_closed.pk not in remaining
    assert {recently_closed.pk, still_open.pk} <= remaining
    assert not User.objects.filter(pk=account_id).exists()
    assert not ContactLogEntry.objects.filter(survivor_id=long_closed.pk).exists()
    event = AuditEvent.objects.filter(action=AuditAction.RETENTION_PURGE).latest("at")
    assert event.object_id == str(run.pk)
