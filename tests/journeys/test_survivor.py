"""A woman whose ex-partner is on the programme uses the site on her phone,
often with little privacy. Her worker gave her a one-time code; with it she
chooses her own username and passphrase. She checks how he is doing, writes
to her worker, says when and how it is safe to contact her, can pause all
contact with one tap, and can leave in an instant: quick exit ends her
session and leaves nothing of the site in the browser's history.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts import roles
from programme.models import Attendance, AttendanceMark
from programme.services import records
from survivors.models import Message, Survivor
from survivors.services import cases as cases_services
from tests.factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    staff_user,
)
from tests.portal.browser import navigation_entries

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def _leave_button_in_view(page: Page) -> None:
    """On every page, quick exit is on screen without scrolling."""
    expect(page.get_by_role("link", name="Leave this site")).to_be_in_viewport()


def test_survivor_activates_reads_writes_sets_safe_contact_pauses_and_leaves_without_a_trace(
    site: str, weather: str, open_browser
) -> None:
    # Set-up: the manager opened Robin's case, gave it to Anna and linked it
    # to P-7001, who attended last week's session; Anna read Robin the
    # one-time code over the phone.
    pat = staff_user(roles.PROGRAMME_WORKER, username="prog-pat")
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna")
    group = ProgrammeGroupFactory.create(name="Thursday group")
    him = ParticipantFactory.create(reference="P-7001", group=group)
    last_week = ProgrammeSessionFactory.create(
        group=group, starts_at=timezone.now() - timedelta(days=7)
    )
    Attendance.objects.create(
        session=last_week, participant=him, mark=AttendanceMark.ATTENDED, recorded_by=pat
    )
    records.status_change_record(actor=pat, participant=him, status="attending")
    survivor, code = cases_services.survivor_open(
        actor=manager, known_as="Robin", worker=anna, participant=him
    )

    page = open_browser(phone=True)

    # 1. She sets up her account with the code, choosing a username and a
    #    passphrase that say nothing about what the site is.
    page.goto(site + "/")
    _leave_button_in_view(page)
    page.get_by_role("link", name="Set up your account with a code").click()
    page.get_by_label("Code from your worker").fill(code)
    page.get_by_label("Choose a username").fill("robin-garden")
    page.get_by_label("Choose a passphrase").fill("kettle on the windowsill at noon")
    page.get_by_label("Type the passphrase again").fill("kettle on the windowsill at noon")
    page.get_by_role("button", name="Set up my account").click()
    expect(page.get_by_text("Your account is ready. You are signed in.")).to_be_visible()

    # 2. Her home page: his status in plain words and his attendance, with the
    #    message the field insists on: going is not a promise of change.
    expect(page.get_by_role("heading", name="Latest news")).to_be_visible()
    expect(page.locator(".status-now")).to_have_text("Going to group sessions")
    expect(page.get_by_role("table")).to_contain_text("Attended")
    expect(page.get_by_text("Going to sessions is not a promise of change.")).to_be_visible()
    _leave_button_in_view(page)

    # 3. She writes to her worker.
    site_nav = page.get_by_role("navigation", name="Site")
    site_nav.get_by_role("link", name="Messages").click()
    # The page loaded (its script too), as a person waits for it: a form sent
    # before the script runs is an ordinary post, which adds a history entry.
    page.wait_for_url(site + "/messages/")
    page.get_by_label("Your message").fill("Thursday afternoons are best to call me.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Sent.")).to_be_visible()
    expect(page.locator(".message.mine")).to_contain_text("Thursday afternoons are best")
    _leave_button_in_view(page)

    # 4. When and how it is safe to contact her: a safe number, a code word
    #    and Thursday 14:00 to 16:00.
    site_nav.get_by_role("link", name="Contact settings").click()
    page.wait_for_url(site + "/settings/")
    page.get_by_label("Safe phone number").fill("07700 900456")
    page.get_by_label("Code word").fill("bluebell")
    first = page.get_by_role("group", name="Time 1")
    first.get_by_label("Day").select_option(label="Thursday")
    first.get_by_label("From").fill("14:00")
    first.get_by_label("To").fill("16:00")
    page.get_by_label("Your usual passphrase").fill("kettle on the windowsill at noon")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved. Your worker will follow these settings.")).to_be_visible()
    expect(page.get_by_label("Code word")).to_have_value("bluebell")
    _leave_button_in_view(page)

    # 5. It is not safe right now: one tap pauses all contact.
    page.get_by_role("button", name="Pause all contact").click()
    expect(page.get_by_text("All contact is paused.", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Start contact again")).to_be_visible()

    # 6. Someone comes in: she leaves. The page goes to a weather site, her
    #    session is over, and neither the history nor Back shows the site.
    session_key = {c["name"]: c["value"] for c in page.context.cookies()}["sessionid"]
    page.get_by_role("link", name="Leave this site").click()
    page.wait_for_url(weather)
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
    entries = navigation_entries(page)
    assert [url for url in entries if url.startswith(site)] == [], entries
    assert page.evaluate("history.length") == len(entries)
    page.go_back()
    assert not page.url.startswith(site)
    expect(page.locator("body")).not_to_contain_text("Latest news")
    assert page.outside_requests == []

    # What the service holds afterwards.
    assert not Session.objects.filter(session_key=session_key).exists()
    robin = Survivor.objects.get(pk=survivor.pk)
    assert robin.user.username == "robin-garden"
    assert robin.safe_phone == "+447700900456"
    assert robin.code_word == "bluebell"
    assert robin.contact_paused
    assert list(robin.windows.values_list("weekday", flat=True)) == [3]
    assert Message.objects.filter(survivor=robin, from_survivor=True).count() == 1
