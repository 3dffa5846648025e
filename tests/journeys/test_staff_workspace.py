"""The staff workspace (SPEC 1, SPEC 8): a WSS (Women's Support Service) worker and
a service manager find their way with the menu on every page, look things up
in long lists, and a worker whose phone is flat signs in with a backup code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contacts import roles
from contacts.models import AuditAction, AuditEvent
from tests.factories import staff_user
from tests.scale import Scale, populate

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def test_a_worker_makes_backup_codes_and_signs_in_with_one(site: str, open_browser) -> None:
    bea = staff_user(roles.WSS_WORKER, username="worker-bea", first_name="Bea")
    page = open_browser()
    person = StaffMember.of(bea)
    staff_sign_in(page, site, person)

    # The menu is hers: her caseload, her account; nothing of the programme side.
    menu = page.get_by_role("navigation", name="Staff menu")
    expect(page.get_by_text("Signed in as Bea (WSS worker)")).to_be_visible()
    expect(menu.get_by_role("link", name="My caseload")).to_be_visible()
    expect(menu.get_by_role("link", name="Participants")).to_have_count(0)
    expect(page).to_have_title("Home · Staff")

    # 1. She makes backup codes, shown once, and writes them down.
    menu.get_by_role("link", name="Sign-in and security").click()
    expect(page).to_have_title("Sign-in and security · Staff")
    expect(page.get_by_text("You have no backup codes yet.")).to_be_visible()
    # Making codes asks for her password and a code again (SPEC 8); the code she
    # signed in with is spent, so she waits for the app's next one.
    page.get_by_label("Your current password").fill(person.password)
    page.get_by_label("A code from your authenticator app").fill(person.code(steps_on=1))
    page.get_by_role("button", name="Make backup codes").click()
    # Wait for the page that shows them: all_text_contents() does not wait.
    expect(page.locator("ol.backup-codes code")).to_have_count(10)
    codes = [c.strip() for c in page.locator("ol.backup-codes code").all_text_contents()]
    assert len(codes) == 10
    page.get_by_role("link", name="Done").click()
    expect(page.locator("#backup-remaining")).to_contain_text("10 of your backup codes are unused")

    # 2. Next morning her phone is flat: password, then a backup code.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.goto(site + "/staff/caseload/")
    page.get_by_label("Username").fill("worker-bea")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Use a backup code instead").click()
    page.get_by_label("One of your backup codes").fill(codes[0])
    page.get_by_role("button", name="Sign in with a backup code").click()
    expect(page).to_have_title("Caseload · Staff")
    expect(page.get_by_role("status")).to_contain_text("9 unused codes left")

    # 3. Her account page shows the use, so she would notice one she did not make.
    menu.get_by_role("link", name="Sign-in and security").click()
    expect(page.locator("#backup-remaining")).to_contain_text("9 of your backup codes are unused")
    expect(page.get_by_text("Codes used (to sign in")).to_be_visible()
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_BACKUP_CODE_USE).count() == 1


def test_a_manager_looks_up_a_participant_and_pages_through_disclosures(
    site: str, open_browser
) -> None:
    mo = staff_user(roles.SERVICE_MANAGER, username="manager-mo", first_name="Mo")
    populate(Scale(participants=140, survivors=30, staff=3, audit_events=0, disclosures=130))
    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(mo))
    menu = page.get_by_role("navigation", name="Staff menu")

    # 1. Participants: 140 of them, 50 to a page; she searches for one reference.
    menu.get_by_role("link", name="Participants").click()
    expect(page.get_by_text("140 participants, page 1 of 3.")).to_be_visible()
    page.get_by_label("Reference").fill("S-00012")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("10 participants.")).to_be_visible()  # S-000120 to S-000129
    expect(page.get_by_role("link", name="S-000125")).to_be_visible()

    # 2. Disclosures: every one is reachable, newest first, a page at a time;
    #    the filter stays as she moves between pages.
    menu.get_by_role("link", name="Disclosures").click()
    expect(page).to_have_title("Disclosures · Staff")
    page.get_by_label("Basis").select_option(label="Her recorded consent")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("130 disclosures, page 1 of 3.")).to_be_visible()
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("130 disclosures, page 2 of 3.")).to_be_visible()
    expect(page.get_by_label("Basis")).to_have_value("consent")
    assert re.search(r"basis=consent.*page=2", page.url)
    expect(menu.get_by_role("link", name="Disclosures")).to_have_attribute("aria-current", "page")
