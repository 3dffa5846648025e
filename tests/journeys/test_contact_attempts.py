"""SPEC 13: every attempt to reach her is recorded, and attempts that break her
safe-contact preferences are refused. Her worker, trying to reach a woman
newly referred, cannot log a voicemail she said is not safe; the call that
reaches her is logged and her case shows first contact made."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contacts import roles
from survivors.models import CaseState, ContactLogEntry, Survivor
from survivors.services import cases as cases_services
from survivors.services.safe_contact import safe_contact_update
from tests.factories import staff_user, survivor_account

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def test_her_worker_is_stopped_from_leaving_an_unsafe_voicemail_then_reaches_her(
    site: str, open_browser
) -> None:
    # Set-up: Cara was referred today and allocated to Nia. The referrer
    # wrote that a voicemail is not safe; no safe times were given, so Nia
    # may call at any time.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    nia = staff_user(roles.WSS_WORKER, username="worker-nia")
    cara = survivor_account(username="cara-meadow", known_as="Cara")
    cases_services.survivor_allocate(actor=manager, survivor=cara, worker=nia)
    cara.refresh_from_db()
    safe_contact_update(
        actor=nia,
        survivor=cara,
        safe_phone="07700 900456",
        voicemail_safe=False,
        code_word="heather",
        windows=[],
        verification="call_back",
    )

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(nia))

    # 1. Her case is waiting for first contact; voicemail is marked not safe.
    page.goto(f"{site}/staff/cases/{cara.pk}/")
    expect(page.locator("#case-stage")).to_contain_text("Referred")

    # 2. Nia rings, there is no answer, and she tries to log a voicemail:
    #    refused, with what to do instead, and nothing is logged.
    page.get_by_label("Contact:", exact=True).select_option(label="Phone call")
    page.get_by_label("Outcome:", exact=True).select_option(label="Left voicemail")
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Her safe-contact details say a voicemail is not safe"
    )
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved.")
    expect(page.get_by_text("No contacts logged yet.")).to_be_visible()

    # 3. She rings again and speaks with Cara: logged, first contact made.
    page.get_by_label("Contact:", exact=True).select_option(label="Phone call")
    page.get_by_label("Outcome:", exact=True).select_option(label="Spoke with her")
    page.get_by_label("Note:", exact=True).fill("Said heather; she can talk on Tuesdays.")
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_text("Contact logged.")).to_be_visible()
    expect(page.locator("#case-stage")).to_contain_text("First contact made")
    log = page.get_by_role("row").filter(has_text="Said heather")
    expect(log).to_contain_text("Spoke with her")

    # What the service holds afterwards: one attempt, the one that reached her.
    entry = ContactLogEntry.objects.get(survivor=cara)
    assert entry.outcome == ContactLogEntry.Outcome.SPOKE
    cara = Survivor.objects.get(pk=cara.pk)
    assert cara.case_state == CaseState.FIRST_CONTACT
    assert cara.first_contact_at == entry.happened_at
    assert cara.first_attempt_at == entry.happened_at
