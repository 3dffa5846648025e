"""Staff pages for check-ins: her own worker sets the plan; the manager words the texts."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client

from checkins.models import CheckInPlan, SmsOptOut, SmsTexts
from checkins.services.inbound import sms_opt_out_record
from contacts.models import AuditEvent
from survivors.models import SafeContactWindow

from ..conftest import client_for, sign_in


def _url(world) -> str:
    return f"/staff/cases/{world.survivor_a.pk}/check-ins/"


@pytest.fixture
def windows(world):
    for day in range(7):
        SafeContactWindow.objects.create(
            survivor=world.survivor_a, weekday=day, starts_at=time(18), ends_at=time(20)
        )


def test_her_worker_sets_a_weekly_plan(world, windows) -> None:
    client = sign_in(Client(), world.wss_a)
    page = client.get(_url(world))
    assert page.status_code == 200
    response = client.post(
        _url(world),
        {
            "frequency": "weekly",
            "weekdays": ["1", "4"],
            "send_at": "18:30",
            "reply_window_hours": "12",
        },
    )
    assert response.status_code == 302
    plan = CheckInPlan.objects.get(survivor=world.survivor_a)
    assert (plan.frequency, plan.weekday_list, plan.send_at, plan.reply_window_hours) == (
        "weekly",
        [1, 4],
        time(18, 30),
        12,
    )
    assert plan.next_due_at is not None
    assert AuditEvent.objects.filter(action="checkin_plan.set", actor=world.wss_a).exists()
    page = client.get(_url(world))
    assert "18:30" in page.content.decode()
    assert AuditEvent.objects.filter(action="checkins.view", survivor_id=world.survivor_a.pk)


def test_a_weekly_plan_without_days_gets_a_plain_message(world, windows) -> None:
    client = sign_in(Client(), world.wss_a)
    response = client.post(
        _url(world), {"frequency": "weekly", "send_at": "18:30", "reply_window_hours": "24"}
    )
    assert response.status_code == 400
    assert "Choose at least one day of the week." in response.content.decode()
    assert not CheckInPlan.objects.exists()


def test_nonsense_input_is_refused_without_a_500(world) -> None:
    client = sign_in(Client(), world.wss_a)
    response = client.post(
        _url(world), {"frequency": "hourly", "send_at": "25:99", "reply_window_hours": "-3"}
    )
    assert response.status_code == 400
    assert not CheckInPlan.objects.exists()


@pytest.mark.parametrize("role", ["wss_other", "programme", "comms", "manager", "survivor_a"])
def test_nobody_else_reaches_her_check_ins(world, role) -> None:
    response = client_for(role, world).get(_url(world))
    assert response.status_code in (403, 404)


def test_her_worker_sees_an_opt_out_and_can_lift_it_after_speaking_with_her(world, windows) -> None:
    client = sign_in(Client(), world.wss_a)
    client.post(
        _url(world),
        {"frequency": "daily", "send_at": "18:30", "reply_window_hours": "24"},
    )
    sms_opt_out_record(survivor=world.survivor_a, source="reply")
    assert CheckInPlan.objects.get().next_due_at is None
    page = client.get(_url(world)).content.decode()
    assert "Texts are stopped" in page
    client.post(_url(world), {"action": "lift_opt_out"})
    assert not SmsOptOut.objects.filter(lifted_at__isnull=True).exists()
    assert CheckInPlan.objects.get().next_due_at is not None


def test_the_manager_edits_the_texts(world) -> None:
    client = sign_in(Client(), world.manager)
    assert client.get("/staff/texts/").status_code == 200
    response = client.post(
        "/staff/texts/",
        {
            "checkin_text": "Hi, it's {name}. Reply 1 if fine, 2 for a call, 3 if urgent.",
            "nudge_text": "Hi, it's {name}. Something new is waiting for you.",
        },
    )
    assert response.status_code == 302
    assert SmsTexts.load().checkin_text.startswith("Hi, it's {name}. Reply 1 if fine")


@pytest.mark.parametrize(
    "text",
    [
        "Your support worker wants to hear from you",
        "About the PROGRAMME: reply 1",
        "Domestic check: reply 1",
        "Are you safe from violence? Reply 1",
        "Your partner's status changed",
        "Refuge here. Reply 1",
        "The police asked us. Reply 1",
        "Safety check. Reply 1",
        "Log in at https://portal.example.org/",
        "See www.example.com",
        "Visit portal.example.org",
        "",
    ],
)
def test_texts_that_would_give_her_away_are_refused(world, settings, text) -> None:
    settings.PUBLIC_BASE_URL = "https://portal.example.org"
    client = sign_in(Client(), world.manager)
    before = SmsTexts.load().checkin_text
    response = client.post("/staff/texts/", {"checkin_text": text, "nudge_text": "Hi"})
    assert response.status_code == 400
    assert SmsTexts.load().checkin_text == before


def test_the_discretion_list_is_configurable(world, settings) -> None:
    settings.DISCRETION_WORDS = ["garden"]
    client = sign_in(Client(), world.manager)
    response = client.post(
        "/staff/texts/", {"checkin_text": "Garden news: reply 1", "nudge_text": "Hi"}
    )
    assert response.status_code == 400
    assert "cannot contain that word" in response.content.decode()


@pytest.mark.parametrize("role", ["wss_a", "wss_other", "programme", "comms", "survivor_a"])
def test_only_the_manager_reaches_the_texts(world, role) -> None:
    assert client_for(role, world).get("/staff/texts/").status_code in (403, 404)


@pytest.mark.parametrize(
    "text",
    [
        "Hi, sup\u200bport is here. Reply 1",  # zero-width space
        "Hi, \u0455upport is here. Reply 1",  # Cyrillic "ѕ"
        "Hi, ｓｕｐｐｏｒｔ is here. Reply 1",  # full-width letters
        "Hi, su\u00adpport is here. Reply 1",  # soft hyphen
        "Hi, s\u0075\u0308pport is here. Reply 1",  # combining diaeresis
        "Hi, VICTIM news. Reply 1",
        "Hi, \u0440r\u043egr\u0430mme news. Reply 1",  # Cyrillic р, о, а
    ],
)
def test_disguised_words_are_refused_after_normalising(world, text) -> None:
    client = sign_in(Client(), world.manager)
    before = SmsTexts.load().checkin_text
    response = client.post("/staff/texts/", {"checkin_text": text, "nudge_text": "Hi"})
    assert response.status_code == 400
    assert "cannot contain that word" in response.content.decode()
    assert SmsTexts.load().checkin_text == before


def test_a_plain_neutral_text_is_still_accepted(world) -> None:
    client = sign_in(Client(), world.manager)
    text = "Hi, it's {name}. Reply 1 if all is well, 2 for a call, 3 if it's urgent."
    response = client.post("/staff/texts/", {"checkin_text": text, "nudge_text": "Hi"})
    assert response.status_code == 302
    assert SmsTexts.load().checkin_text == text


# --- SPEC 5 (only inside her safe windows): her windows on the plan page, and why nothing is due


def test_a_plan_outside_her_safe_times_says_why_nothing_is_due(world, windows) -> None:
    client = sign_in(Client(), world.wss_a)
    response = client.post(
        _url(world),
        {"frequency": "weekly", "weekdays": ["1"], "send_at": "21:00", "reply_window_hours": "12"},
        follow=True,
    )
    body = response.content.decode()
    assert "Next check-in: none due" in body
    assert "do not fall inside any of her safe contact times" in body
    assert "No check-in will be sent: The plan" in body  # the saved message says it too
    assert "Monday 18:00–20:00" in body and "Sunday 18:00–20:00" in body
    # Inside a window: a due time and no reason.
    response = client.post(
        _url(world),
        {"frequency": "weekly", "weekdays": ["1"], "send_at": "18:30", "reply_window_hours": "12"},
        follow=True,
    )
    body = response.content.decode()
    assert "Next check-in: Tuesday" in body
    assert "No check-in will be sent" not in body


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("plan_paused", "Check-ins are paused on this plan."),
        ("contact_paused", "She has paused all contact."),
        ("no_number", "She has no safe number to text."),
        ("no_windows", "She has no safe contact times."),
        ("opted_out", "Texts are stopped: an opt-out was received."),
    ],
)
def test_the_plan_page_names_each_reason_nothing_is_sent(world, windows, change, reason) -> None:
    survivor = world.survivor_a
    if change == "contact_paused":
        survivor.contact_paused = True
        survivor.save()
    elif change == "no_number":
        survivor.safe_phone = ""
        survivor.save()
    elif change == "no_windows":
        SafeContactWindow.objects.filter(survivor=survivor).delete()
    elif change == "opted_out":
        sms_opt_out_record(survivor=survivor, source="test")
    client = sign_in(Client(), world.wss_a)
    client.post(
        _url(world),
        {
            "frequency": "daily",
            "send_at": "18:30",
            "reply_window_hours": "12",
            **({"paused": "on"} if change == "plan_paused" else {}),
        },
    )
    body = client.get(_url(world)).content.decode()
    assert "Next check-in: none due" in body
    assert reason in body
