"""The service manager runs the Women's Support Service (WSS): she creates
staff accounts, opens each woman's case and gives it to a WSS worker, and
reads the audit log. She sees allocations, never a woman's messages.

The rule she is held to: two partners or ex-partners of the same man are
never supported by the same worker (SPEC 2), so neither can learn of the other.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contacts import roles
from survivors.models import Survivor
from survivors.services import cases as cases_services
from tests.factories import ParticipantFactory, staff_user

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def test_manager_creates_a_worker_opens_a_case_allocates_it_and_reads_the_audit_log(
    site: str, open_browser
) -> None:
    # Set-up: a manager, one WSS worker who already supports Amy, and the man
    # Amy is linked to (P-8001), whose ex-partner Beth is about to be referred.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo", first_name="Mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna", first_name="Anna")
    him = ParticipantFactory.create(reference="P-8001")
    cases_services.survivor_open(
        actor=manager, known_as="Amy", worker=anna, participant=him, issue_code=False
    )
    mo = StaffMember.of(manager)

    page = open_browser()
    # She signs in: password, then the code from her authenticator app.
    staff_sign_in(page, site, mo)
    expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()

    # 1. A new worker joins: she adds a staff account with the WSS worker role
    #    and reads out the temporary password shown once.
    page.get_by_role("link", name="Staff accounts").click()
    page.get_by_role("link", name=re.compile("Add a staff account", re.I)).click()
    page.get_by_label("Username:", exact=True).fill("worker-jo")
    page.get_by_label("Name:", exact=True).fill("Jo")
    page.get_by_label(roles.WSS_WORKER, exact=True).check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Temporary password for worker-jo")).to_be_visible()
    expect(page.locator("code")).to_have_text(re.compile(r"\S{8,}"))
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_text("worker-jo")).to_be_visible()

    # 2. Beth is referred: the manager opens her case, linked to the man she
    #    was with, and gets the one-time code to give Beth for her account.
    page.goto(site + "/staff/")
    page.get_by_role("link", name="Cases and allocations").click()
    page.get_by_role("link", name="Open a new case").click()
    page.get_by_label("Known as").fill("Beth")
    page.get_by_label("Linked participant").select_option(label="P-8001")
    page.get_by_role("button", name="Open case").click()
    heading = page.get_by_role("heading", name=re.compile(r"Activation code for case \d+"))
    expect(heading).to_be_visible()
    case = int(re.search(r"case (\d+)", heading.text_content() or "").group(1))

    # 3. She finds Beth's case in the list and allocates it to Jo, the new
    #    worker, on the case's own page: one list of workers.
    menu = page.get_by_role("navigation", name="Staff menu")
    menu.get_by_role("link", name="Cases and allocations").click()
    page.get_by_label("Case number").fill(str(case))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 case.")).to_be_visible()
    page.get_by_role("link", name=f"Change case {case}").click()
    page.get_by_label("Worker").select_option(label="Jo")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("status").filter(has_text=f"Case {case} allocated.")).to_be_visible()

    # 4. Moving Beth to Anna is refused: Anna supports Amy, the other
    #    ex-partner of the same man. Beth stays with Jo.
    page.get_by_label("Worker").select_option(label="Anna")
    page.get_by_role("button", name="Allocate").click()
    expect(
        page.get_by_role("alert").filter(
            has_text=f"Case {case}: This worker already supports someone linked to the same man."
        )
    ).to_be_visible()
    expect(page.get_by_text("Now: Jo.")).to_be_visible()

    # 5. The audit log shows who allocated Beth's case, and when, in words.
    menu.get_by_role("link", name="Audit log").click()
    page.get_by_label("Case number").fill(str(case))
    page.get_by_label("Action").select_option(label="Case allocated")
    page.get_by_role("button", name="Filter").click()
    entry = page.get_by_role("row").filter(has_text=f"Allocated case {case}")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("manager-mo")

    # What the service holds afterwards: Beth with Jo, Amy still with Anna.
    beth = Survivor.objects.get(pk=case)
    assert beth.worker.username == "worker-jo"
    assert beth.participant == him
    assert list(Survivor.objects.filter(worker=anna).exclude(pk=case)) != []
    assert not Survivor.objects.filter(worker=anna, pk=case).exists()
