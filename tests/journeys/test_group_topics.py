"""What he is working on (SPEC 10), from three screens.

Comms staff write a group topic in the editor and link it to the page about
it; the programme worker names it as the topic of the group's next session;
the woman opens her status page on her phone and sees what the group covers
next, in the same neutral words as the rest of her page, and follows the link.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts import roles
from programme.models import ParticipantStatus, ProgrammeModule, ProgrammeSession
from programme.services import records
from survivors.services import cases as cases_services
from tests.factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    staff_user,
    survivor_account,
)

from .steps import SURVIVOR_PASSPHRASE, StaffMember, staff_sign_in, survivor_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]

TOPIC = "Sharing the load at home"
SUMMARY = "Chores, money and time: who decides, and how."


def test_comms_write_a_topic_the_programme_names_it_and_she_sees_what_comes_next(
    site: str, pages: None, open_browser
) -> None:
    # Set-up: the Thursday group meets in three days; P-7001 is attending and
    # linked to Robin.
    comms = StaffMember.of(staff_user(roles.COMMS_STAFF, username="comms-cass"))
    programme_worker = staff_user(roles.PROGRAMME_WORKER, username="prog-pat")
    pat = StaffMember.of(programme_worker)
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    group = ProgrammeGroupFactory.create(name="Thursday group")
    upcoming = ProgrammeSessionFactory.create(
        group=group, starts_at=timezone.now() + timedelta(days=3)
    )
    him = ParticipantFactory.create(reference="P-7001", group=group)
    records.status_change_record(
        actor=programme_worker, participant=him, status=ParticipantStatus.ATTENDING, reason=""
    )
    she = survivor_account(username="robin-garden")
    cases_services.survivor_link_participant(actor=manager, survivor=she, participant=him)

    # 1. Comms: a new group topic, linked to the page about the group's topics.
    desk = open_browser()
    staff_sign_in(desk, site, comms, start="/editor/")
    desk.get_by_role("link", name="Group topics").click()
    desk.get_by_role("link", name=re.compile("^Add group topic")).first.click()
    desk.get_by_label(re.compile("^Name")).fill("Ending abuse at home")
    desk.get_by_label(re.compile("^Summary")).fill(SUMMARY)
    desk.get_by_role("button", name="Save").click()
    # Her page would show these words: the editor says why they cannot stay.
    expect(desk.get_by_text(re.compile("cannot contain “abuse”"))).to_be_visible()
    desk.get_by_label(re.compile("^Name")).fill(TOPIC)
    desk.get_by_role("button", name=re.compile("^Choose a page")).click()
    chooser = desk.get_by_role("dialog")
    chooser.get_by_role("link", name=re.compile("What the group works on")).click()
    expect(desk.get_by_text("What the group works on").first).to_be_visible()
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text(re.compile(f"Group topic '{TOPIC}' created"))).to_be_visible()

    # 2. The programme worker names it as the next session's topic.
    office = open_browser()
    staff_sign_in(office, site, pat)
    office.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Groups").click()
    office.get_by_role("link", name="Thursday group").click()
    office.get_by_role("link", name=re.compile("^Take or edit register")).click()
    expect(office.locator("#session-topic")).to_have_text("Topic: none set")
    office.get_by_label("Set the topic").select_option(label=TOPIC)
    office.get_by_role("button", name="Save topic").click()
    expect(office.get_by_text(f"Topic set: {TOPIC}.")).to_be_visible()
    expect(office.locator("#session-topic")).to_have_text(f"Topic: {TOPIC}")

    # 3. She opens her page on her phone: what the group covers next, and more.
    phone = open_browser(phone=True)
    survivor_sign_in(phone, site, "robin-garden", SURVIVOR_PASSPHRASE)
    topic = phone.locator("#next-topic")
    expect(topic.get_by_role("heading", name="What the group covers next")).to_be_visible()
    expect(topic).to_contain_text(SUMMARY)
    topic.get_by_role("link", name=TOPIC).click()
    expect(phone.get_by_role("heading", name="What the group works on", level=1)).to_be_visible()
    expect(phone).to_have_title("Garden Club")

    # What the three screens did, as stored.
    saved = ProgrammeModule.objects.get(name=TOPIC)
    assert saved.page.slug == "what-the-group-covers"
    assert ProgrammeSession.objects.get(pk=upcoming.pk).module == saved
    assert not ProgrammeModule.objects.filter(name__icontains="abuse").exists()
