"""Her status page says one thing, in her language (SPEC 4, 6, 11). Robin's
ex-partner was in assessment; at his first group session the register marks
him there, which records his start. Her worker Anna has written to her. On
her phone (360 px) Robin signs in, sees that there is a new message, and his
status with his session beside it, never "he has not started"; she reads the
message and the note goes. She then keeps Welsh as her language and reads what
his status can mean for her in Welsh. axe finds nothing wrong on her page.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts import roles
from programme.models import StatusChange
from programme.services import records
from survivors.services import cases as cases_services
from survivors.services.messages import message_send_from_worker
from tests.factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    staff_user,
    survivor_account,
)

from .steps import SURVIVOR_PASSPHRASE, survivor_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-b"),  # browser tests in two runs, one Chromium in each
]


def _no_axe_violations(page: Page) -> None:
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_she_sees_a_new_message_and_one_coherent_status_in_her_language(
    site: str, open_browser
) -> None:
    # Set-up: P-7001 is in assessment; the register of last week's session
    # marks him there, which records his start.
    pat = staff_user(roles.PROGRAMME_WORKER, username="prog-pat")
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna")
    group = ProgrammeGroupFactory.create(name="Thursday group")
    him = ParticipantFactory.create(reference="P-7001", group=group)
    records.status_change_record(actor=pat, participant=him, status="assessment")
    robin = survivor_account(username="robin-garden", known_as="Robin")
    cases_services.survivor_allocate(actor=manager, survivor=robin, worker=anna)
    cases_services.survivor_link_participant(actor=manager, survivor=robin, participant=him)
    last_week = ProgrammeSessionFactory.create(
        group=group, starts_at=timezone.now() - timedelta(days=7)
    )
    records.attendance_register_submit(actor=pat, session=last_week, marks={him.pk: "attended"})
    assert StatusChange.objects.filter(participant=him).latest("changed_at").status == "attending"
    message_send_from_worker(worker=anna, survivor=robin, body="Hello Robin, call me any time.")

    page = open_browser(phone=True)

    # 1. Signed in: a neutral note of her new message, near the top, and his
    #    status with his session beside it.
    survivor_sign_in(page, site, "robin-garden", SURVIVOR_PASSPHRASE)
    main = page.locator("main")
    expect(main.get_by_role("link", name="1 new message")).to_be_visible()
    expect(page.locator(".status-now")).to_have_text("Going to group sessions")
    expect(main.get_by_role("cell", name="Attended")).to_be_visible()
    expect(main.get_by_text("He has not started group sessions yet.")).to_have_count(0)
    expect(main.get_by_role("heading", name="What “attending” can mean for you")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _no_axe_violations(page)

    # 2. She reads the message; back on her page the note has gone.
    main.get_by_role("link", name="1 new message").click()
    expect(page.get_by_text("Hello Robin, call me any time.")).to_be_visible()
    page.goto(site + "/")
    expect(page.locator(".status-now")).to_be_visible()
    expect(page.locator("#new-messages")).to_have_count(0)

    # 3. She keeps Welsh as her language: his status and what it can mean for
    #    her are in Welsh, the explanation marked as Welsh.
    page.get_by_role("link", name="Contact settings").click()
    page.get_by_role("radio", name="Cymraeg").check()
    page.get_by_role("button", name="Save language").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.goto(site + "/")
    expect(page.locator(".status-now")).to_have_text("Yn mynd i sesiynau grŵp")
    welsh = page.locator('div[lang="cy"]')
    expect(welsh.get_by_role("heading")).to_have_text(re.compile("mynd i sesiynau"))
    expect(page.get_by_text(re.compile("ar gael yn eich iaith chi eto"))).to_have_count(0)
    _no_axe_violations(page)
