"""A Women's Support Service (WSS) worker changes a woman's safe number
(SPEC 12, "Contact changes are verified"): the service asks how she checked it
was really her, keeps who, when, how and which fields (never the old number),
and marks the case on her caseload. No text goes to either number.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from checkins.models import OutboundMessage
from contacts import roles
from survivors.models import ContactChange
from survivors.services import cases as cases_services
from tests.factories import staff_user, survivor_account

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-b"),  # browser tests in two runs, one Chromium in each
]

OLD_NUMBER = "+447700900123"


def test_worker_changes_her_number_saying_how_she_checked_and_sees_it_recorded(
    site: str, open_browser
) -> None:
    # Set-up: Amy, on Anna's caseload, rang from a new phone. Anna called her
    # back on the number on file, and Amy gave her the new number.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna")
    amy = survivor_account(username="amy-garden", known_as="Amy", phone=OLD_NUMBER)
    cases_services.survivor_allocate(actor=manager, survivor=amy, worker=anna)

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(anna))
    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("row").filter(has_text="Amy")).not_to_contain_text(
        "contact details changed"
    )
    page.get_by_role("link", name=f"Case {amy.pk}", exact=True).click()
    expect(page.get_by_text("No changes recorded.")).to_be_visible()

    # 1. She types the new number but has not said how she checked: the form
    #    will not go (the service refuses too: tests/survivors/test_contact_changes.py).
    page.get_by_role("link", name="Change safe-contact details").click()
    page.get_by_label("Safe phone number").fill("07700 900456")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=f"Safe contact: case {amy.pk}")).to_be_visible()
    expect(page.locator("input[name=verification]:invalid")).to_have_count(4)

    # 2. She chooses the call back on the number on file, and saves.
    page.get_by_label("I called her back on the number on file").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Safe-contact details saved.")).to_be_visible()

    # 3. Her case shows the change: who, how, which fields; the old number is gone.
    history = page.locator("#contact-changes + table")
    entry = history.get_by_role("row").filter(has_text="worker-anna")
    expect(entry).to_contain_text("I called her back on the number on file")
    expect(entry).to_contain_text("safe number")
    expect(page.locator("main")).not_to_contain_text("900123")

    # 4. Her caseload marks the case for the next two weeks.
    page.get_by_role("link", name="My caseload").click()
    expect(page.get_by_role("row").filter(has_text="Amy")).to_contain_text(
        "contact details changed"
    )

    # What the service holds afterwards: one verified change, no text to anyone.
    change = ContactChange.objects.get(survivor=amy)
    assert (change.changed_by, change.verification, change.fields) == (
        anna,
        "call_back",
        ["safe_phone"],
    )
    assert not OutboundMessage.objects.exists()
