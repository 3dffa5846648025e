"""SPEC 13: every contact attempt is recorded; attempts that break her
safe-contact preferences are refused, and a refused attempt writes nothing.
Her first attempt starts the first-contact record; when repeated attempts over
a span of days have not reached her, the case may be closed as "no contact
could be made"."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client, override_settings

from contacts.models import AuditAction, AuditEvent
from survivors.errors import ContactLogError
from survivors.models import CaseState, ContactLogEntry, SafeContactWindow, Survivor
from survivors.selectors.attempts import no_contact_offer
from survivors.services.contact_log import contact_log_add

from ..conftest import sign_in
from ..factories import SurvivorFactory

# A Wednesday (weekday 2) in March 2027: UK time is UTC until 28 March.
WEDNESDAY_NOON = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
INSIDE = WEDNESDAY_NOON.replace(hour=10, minute=30)  # in her Wednesday 10:00-11:00
OUTSIDE = WEDNESDAY_NOON.replace(hour=11, minute=30)

VOICEMAIL_REFUSED = "Her safe-contact details say a voicemail is not safe"
OUTSIDE_REFUSED = "This call is outside her safe times, and she has not been reached yet."
REASON_NEEDED = "Say why the call could not wait for her safe times."


@pytest.fixture
def travel():
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        yield


def _case(world, *, windows: bool = True, **fields) -> Survivor:
    """A case of worker A's waiting for first contact; voicemail not safe unless said."""
    her = SurvivorFactory.create(
        worker=world.wss_a,
        case_state=CaseState.REFERRED,
        referred_at=WEDNESDAY_NOON - timedelta(days=30),
        **fields,
    )
    if windows:
        SafeContactWindow.objects.create(
            survivor=her, weekday=2, starts_at=time(10), ends_at=time(11)
        )
    return her


def _add(world, her: Survivor, **fields) -> ContactLogEntry:
    return contact_log_add(actor=world.wss_a, survivor=her, **{"kind": "call", **fields})


def _nothing_written(her: Survivor) -> None:
    her.refresh_from_db()
    assert not ContactLogEntry.objects.filter(survivor=her).exists()
    assert her.first_attempt_at is None
    assert not AuditEvent.objects.filter(
        action=AuditAction.CONTACT_LOG_ADD, survivor_id=her.pk
    ).exists()


def test_a_voicemail_where_voicemail_is_not_safe_is_refused_and_nothing_saved(
    world, travel
) -> None:
    her = _case(world, voicemail_safe=False)
    with pytest.raises(ContactLogError) as refused:
        _add(world, her, outcome="voicemail", happened_at=INSIDE)
    assert str(refused.value.message).startswith(VOICEMAIL_REFUSED)
    assert "Nothing was saved" in str(refused.value.message)
    _nothing_written(her)


def test_a_voicemail_where_she_said_it_is_safe_is_logged(world, travel) -> None:
    her = _case(world, voicemail_safe=True)
    entry = _add(world, her, outcome="voicemail", happened_at=INSIDE)
    assert entry.outcome == "voicemail"


def test_before_first_contact_a_call_outside_her_safe_times_is_refused(world, travel) -> None:
    her = _case(world)
    for outcome in ("no_answer", "spoke"):
        with pytest.raises(ContactLogError) as refused:
            _add(world, her, outcome=outcome, happened_at=OUTSIDE)
        assert refused.value.message.startswith(OUTSIDE_REFUSED)
    _nothing_written(her)
    assert her.case_state == CaseState.REFERRED and her.first_contact_at is None


def test_a_call_inside_her_safe_times_is_logged(world, travel) -> None:
    her = _case(world)
    _add(world, her, outcome="no_answer", happened_at=INSIDE)
    assert ContactLogEntry.objects.filter(survivor=her).count() == 1


def test_an_urgent_call_with_its_reason_is_logged_and_shown_as_urgent(world, travel) -> None:
    her = _case(world)
    entry = _add(
        world,
        her,
        outcome="no_answer",
        happened_at=OUTSIDE,
        urgent=True,
        urgent_reason="Police asked us to reach her today",
    )
    assert entry.urgent_reason == "Police asked us to reach her today"
    page = sign_in(Client(), world.wss_a).get(f"/staff/cases/{her.pk}/").content.decode()
    assert "Marked urgent:" in page and "Police asked us to reach her today" in page


def test_an_urgent_call_without_a_reason_is_refused(world, travel) -> None:
    her = _case(world)
    with pytest.raises(ContactLogError) as refused:
        _add(world, her, outcome="no_answer", happened_at=OUTSIDE, urgent=True, urgent_reason=" ")
    assert refused.value.message.startswith(REASON_NEEDED)
    _nothing_written(her)


def test_the_form_asks_for_the_reason_when_urgent_is_ticked(world, travel) -> None:
    her = _case(world)
    worker = sign_in(Client(), world.wss_a)
    page = worker.post(
        f"/staff/cases/{her.pk}/contacts/", {"kind": "call", "outcome": "no_answer", "urgent": "on"}
    )
    assert page.status_code == 400
    assert REASON_NEEDED in page.content.decode()
    _nothing_written(her)


def test_the_form_shows_the_refusal_and_saves_nothing(world, travel) -> None:
    """Now (Wednesday 12:00) is outside her Wednesday 10:00-11:00."""
    her = _case(world)
    worker = sign_in(Client(), world.wss_a)
    for outcome, refusal in (("voicemail", VOICEMAIL_REFUSED), ("no_answer", OUTSIDE_REFUSED)):
        page = worker.post(f"/staff/cases/{her.pk}/contacts/", {"kind": "call", "outcome": outcome})
        assert page.status_code == 400
        assert refusal in page.content.decode()
    _nothing_written(her)
    logged = worker.post(
        f"/staff/cases/{her.pk}/contacts/",
        {"kind": "call", "outcome": "no_answer", "urgent": "on", "urgent_reason": "MARAC today"},
    )
    assert logged.status_code == 302
    assert ContactLogEntry.objects.get(survivor=her).urgent_reason == "MARAC today"


def test_with_no_safe_times_recorded_any_time_is_allowed(world, travel) -> None:
    her = _case(world, windows=False)
    _add(world, her, outcome="no_answer", happened_at=OUTSIDE)
    _add(world, her, outcome="no_answer", happened_at=WEDNESDAY_NOON - timedelta(hours=9))
    assert ContactLogEntry.objects.filter(survivor=her).count() == 2


def test_visits_and_texts_are_not_held_to_her_call_times(world, travel) -> None:
    her = _case(world)
    _add(world, her, kind="text", outcome="sent", happened_at=OUTSIDE)
    _add(world, her, kind="visit", outcome="met", happened_at=OUTSIDE)
    assert ContactLogEntry.objects.filter(survivor=her).count() == 2


def test_after_first_contact_the_safe_times_rule_no_longer_refuses(world, travel) -> None:
    her = _case(world)
    _add(world, her, outcome="spoke", happened_at=INSIDE)
    her.refresh_from_db()
    assert her.first_contact_at == INSIDE and her.case_state == CaseState.FIRST_CONTACT
    _add(world, her, outcome="no_answer", happened_at=OUTSIDE)
    assert ContactLogEntry.objects.filter(survivor=her).count() == 2
    # The voicemail rule still holds after first contact.
    with pytest.raises(ContactLogError):
        _add(world, her, outcome="voicemail", happened_at=OUTSIDE)


def test_the_first_attempt_is_kept_and_moved_back_by_an_earlier_one(world, travel) -> None:
    her = _case(world, windows=False)
    _add(world, her, outcome="no_answer", happened_at=WEDNESDAY_NOON - timedelta(days=2))
    her.refresh_from_db()
    assert her.first_attempt_at == WEDNESDAY_NOON - timedelta(days=2)
    _add(world, her, outcome="wrong_number", happened_at=WEDNESDAY_NOON - timedelta(hours=1))
    her.refresh_from_db()
    assert her.first_attempt_at == WEDNESDAY_NOON - timedelta(days=2)  # a later one: unchanged
    _add(world, her, kind="text", outcome="sent", happened_at=WEDNESDAY_NOON - timedelta(days=5))
    her.refresh_from_db()
    assert her.first_attempt_at == WEDNESDAY_NOON - timedelta(days=5)  # back-dated: moved back
    assert her.first_contact_at is None and her.case_state == CaseState.REFERRED


def _unanswered(world, her: Survivor, *days_ago: float) -> None:
    for days in days_ago:
        _add(world, her, outcome="no_answer", happened_at=WEDNESDAY_NOON - timedelta(days=days))


@override_settings(NO_CONTACT_ATTEMPTS=3, NO_CONTACT_SPAN_DAYS=14)
def test_the_no_contact_offer_comes_exactly_at_the_thresholds(world, travel) -> None:
    too_few = _case(world, windows=False)
    _unanswered(world, too_few, 20, 0)
    assert no_contact_offer(survivor=too_few) is None

    too_soon = _case(world, windows=False)
    _unanswered(world, too_soon, 14 - 1 / 24, 7, 0)  # 13 days 23 hours apart
    assert no_contact_offer(survivor=too_soon) is None

    her = _case(world, windows=False)
    _unanswered(world, her, 14, 7, 0)
    offer = no_contact_offer(survivor=her)
    assert offer is not None
    assert (offer.attempts, offer.first_attempt_at) == (3, WEDNESDAY_NOON - timedelta(days=14))

    # "Not safe to talk" reached her, so it is not an unanswered attempt.
    reached_once = _case(world, windows=False)
    _unanswered(world, reached_once, 14, 0)
    _add(world, reached_once, outcome="not_safe", happened_at=WEDNESDAY_NOON - timedelta(days=7))
    assert no_contact_offer(survivor=reached_once) is None


@override_settings(NO_CONTACT_ATTEMPTS=3, NO_CONTACT_SPAN_DAYS=14)
def test_no_offer_once_she_is_reached_or_the_case_is_closed(world, travel) -> None:
    her = _case(world, windows=False)
    _unanswered(world, her, 14, 7, 0)
    _add(world, her, outcome="spoke", happened_at=WEDNESDAY_NOON)
    her.refresh_from_db()
    assert no_contact_offer(survivor=her) is None

    closed = _case(world, windows=False)
    _unanswered(world, closed, 14, 7, 0)
    Survivor.objects.filter(pk=closed.pk).update(
        case_state=CaseState.CLOSED, closed_at=WEDNESDAY_NOON
    )
    closed.refresh_from_db()
    assert no_contact_offer(survivor=closed) is None


@override_settings(NO_CONTACT_ATTEMPTS=3, NO_CONTACT_SPAN_DAYS=14)
def test_her_worker_closes_the_case_as_no_contact_from_the_offer(world, travel) -> None:
    her = _case(world, windows=False)
    worker = sign_in(Client(), world.wss_a)
    _unanswered(world, her, 14, 7)
    assert (
        "Close: no contact could be made"
        not in worker.get(f"/staff/cases/{her.pk}/").content.decode()
    )

    _unanswered(world, her, 0)
    page = worker.get(f"/staff/cases/{her.pk}/").content.decode()
    assert "3 attempts went unanswered since 24 Feb 2027" in page
    assert "Close: no contact could be made" in page

    closed = worker.post(
        f"/staff/cases/{her.pk}/stage/", {"to_state": "closed", "outcome": "no_contact"}
    )
    assert closed.status_code == 302
    her.refresh_from_db()
    assert her.case_state == CaseState.CLOSED
    assert her.closure_outcome == "no_contact" and her.closed_at == WEDNESDAY_NOON
    page = worker.get(f"/staff/cases/{her.pk}/").content.decode()
    assert "No contact could be made" in page
    assert "Close: no contact could be made" not in page
