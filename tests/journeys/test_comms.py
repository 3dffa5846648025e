"""Comms staff keep the survivor site's words and its neutral face up to date,
in the Wagtail admin at /editor/: information pages, what each of his
programme statuses can mean for her, and the branding (a site name that says
nothing about what the site is for). They never see anything about a woman.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cms.models import InformationPage
from contacts import roles
from programme.models import ParticipantStatus
from programme.services import records
from survivors.services import cases as cases_services
from tests.factories import ParticipantFactory, staff_user, survivor_account

from .steps import SURVIVOR_PASSPHRASE, StaffMember, staff_sign_in, survivor_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-a"
    ),  # browser tests in two runs, one Chromium in each process
]


def test_comms_edits_a_page_the_site_name_and_a_status_explanation_and_she_sees_all_three(
    site: str, pages: None, open_browser
) -> None:
    # Set-up: a comms officer; a woman with an account whose ex-partner is
    # attending the course (so her page shows the "attending" explanation).
    comms = StaffMember.of(staff_user(roles.COMMS_STAFF, username="comms-cass"))
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    him = ParticipantFactory.create(reference="P-9001")
    records.status_change_record(
        actor=staff_user(roles.PROGRAMME_WORKER, username="prog-pat"),
        participant=him,
        status=ParticipantStatus.ATTENDING,
        reason="",
    )
    she = survivor_account(username="robin-garden")
    cases_services.survivor_link_participant(actor=manager, survivor=she, participant=him)
    helplines = InformationPage.objects.get(slug="helplines")
    hub_id = helplines.get_parent().pk

    page = open_browser()
    # She opens the editor; the service asks for her password and her code.
    staff_sign_in(page, site, comms, start="/editor/")
    expect(page).to_have_url(re.compile(r"/editor/$"))

    # 1. An information page: from her bookmark of the information pages'
    #    list she opens the helplines page, edits its summary and publishes it.
    page.goto(f"{site}/editor/pages/{hub_id}/")
    page.get_by_role("link", name=helplines.title, exact=True).first.click()
    summary = page.get_by_label(re.compile("^Summary"))
    summary.fill("Numbers to call, day and night, checked this month.")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text(re.compile(r"Page '.*Helplines.*' has been published"))).to_be_visible()

    # 2. The branding: a new neutral site name, shown in every page title.
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("link", name="Branding").click()
    page.get_by_label(re.compile("^Site name")).fill("Willow Club")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile("Branding updated", re.I))).to_be_visible()

    # 3. What "attending" can mean for her, in the service's own words.
    page.get_by_role("link", name="Status explanations").click()
    page.get_by_role("link", name=re.compile("“attending”")).click()
    page.get_by_label(re.compile("^Heading")).fill("Attending is not the same as changing")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile(r"Status explanation .* updated"))).to_be_visible()

    # The woman signs in on her phone and sees all three.
    phone = open_browser(phone=True)
    survivor_sign_in(phone, site, "robin-garden", SURVIVOR_PASSPHRASE)
    expect(phone).to_have_title("Willow Club")
    expect(phone.locator(".site-name")).to_have_text("Willow Club")
    expect(
        phone.get_by_role("heading", name="Attending is not the same as changing")
    ).to_be_visible()
    phone.get_by_role("navigation", name="Site").get_by_role("link", name="Information").click()
    phone.get_by_role("link", name=helplines.title).click()
    expect(phone.get_by_text("Numbers to call, day and night, checked this month.")).to_be_visible()
    expect(phone).to_have_title("Willow Club")
