"""Monthly case management (SPEC 10). A programme worker fills in the
month's entry for each man alike and adds a short report; his pages look the
same whether or not any woman is linked to him. The entry reaches the workers
of both women linked to him; one records that she passed it on, and shows her
part of the report in her account with a note, which she reads on her phone.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts import roles
from contacts.discretion import discretion_words_in
from survivors.models import ProgrammeItem
from survivors.services import cases as cases_services
from tests.factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    staff_user,
    survivor_account,
)

from ..conftest import without_csrf_token
from .steps import SURVIVOR_PASSPHRASE, StaffMember, staff_sign_in, survivor_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def _fill_in_entry(page: Page, reference: str) -> str:
    """From the monthly list, his entry; returns his record page as shown after."""
    page.get_by_role("link", name="Monthly entries").click()
    page.get_by_role("row").filter(has_text=reference).get_by_role("link", name="Fill in").click()
    page.get_by_label("Engagement:", exact=True).select_option(label="Engaging in part")
    page.get_by_label("About his engagement:").fill("Late twice, joins in when there")
    page.get_by_label("Assessment outcome:").select_option(label="Accepted onto the programme")
    page.get_by_role("button", name="Record entry").click()
    expect(page.get_by_text("Case-management entry recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Participant {reference}")).to_be_visible()
    html = page.locator("main").inner_html()
    html = re.sub(r"/participants/\d+/", "/participants/ID/", html.replace(reference, "REF"))
    html = without_csrf_token(html)
    page.goto(page.url.split("/staff/")[0] + "/staff/")
    return html


def test_a_monthly_entry_reaches_both_workers_and_she_reads_a_shared_report(
    site: str, open_browser
) -> None:
    pat = staff_user(roles.PROGRAMME_WORKER, username="prog-pat")
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna")
    bea = staff_user(roles.WSS_WORKER, username="worker-bea")
    group = ProgrammeGroupFactory.create(name="Thursday group")
    ProgrammeSessionFactory.create(group=group, starts_at=timezone.now() + timedelta(days=3))
    him = ParticipantFactory.create(reference="P-7001", group=group)
    ParticipantFactory.create(reference="P-7002", group=group)
    amy = survivor_account(username="amy-garden")
    beth = survivor_account(username="beth-garden")
    for survivor, worker in [(amy, anna), (beth, bea)]:
        cases_services.survivor_allocate(actor=manager, survivor=survivor, worker=worker)
        cases_services.survivor_link_participant(actor=manager, survivor=survivor, participant=him)
    today = timezone.localdate()

    # 1. The programme worker: this month's list, both men due an entry.
    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(pat))
    page.get_by_role("link", name="Monthly entries").click()
    expect(page.get_by_role("status")).to_have_text("2 of 2 entries still to fill in this month.")
    page.goto(site + "/staff/")
    linked_page = _fill_in_entry(page, "P-7001")
    lone_page = _fill_in_entry(page, "P-7002")
    # His record reads exactly the same as the man nobody is linked to.
    assert linked_page == lone_page
    page.get_by_role("link", name="Monthly entries").click()
    expect(page.get_by_role("status")).to_have_text("All 2 entries filled in.")

    # ...and a short report on his assessment, in two paragraphs.
    page.get_by_role("link", name="P-7001").click()
    page.get_by_role("link", name="Add a report").click()
    page.get_by_label("Kind:").select_option(label="Assessment outcome")
    page.get_by_label("Text:").fill(
        "He completed his assessment and starts group next month.\n\n"
        "He still blames others for the incident."
    )
    page.get_by_role("button", name="Add report").click()
    expect(page.get_by_text("Report added.")).to_be_visible()
    for word in ("amy", "beth", "worker-anna", "worker-bea", "Shared with her"):
        expect(page.locator("main")).not_to_contain_text(word)

    # 2. Each woman's worker sees the entry on her own case.
    for worker, survivor in [(bea, beth), (anna, amy)]:
        wss = open_browser()
        staff_sign_in(wss, site, StaffMember.of(worker))
        wss.get_by_role("link", name="My caseload").click()
        wss.get_by_role("link", name=f"Case {survivor.pk}", exact=True).click()
        entry = wss.get_by_role("row").filter(has_text="Monthly entry")
        expect(entry).to_contain_text("Engaging in part; Accepted onto the programme")
        expect(entry).to_contain_text("Not yet")

    # 3. Amy's worker tells her by phone and records it.
    wss.get_by_role("link", name=re.compile("^Monthly entry")).click()
    expect(wss.get_by_text("Late twice, joins in when there")).to_be_visible()
    wss.get_by_label("Shared with her on:").fill(today.isoformat())
    wss.get_by_label("How, and what you passed on:").fill("By phone in her safe time")
    wss.get_by_role("button", name="Record as shared").click()
    expect(wss.get_by_text("Recorded as shared with her.")).to_be_visible()
    wss.get_by_role("link", name="Back to the case").click()
    expect(wss.get_by_role("row").filter(has_text="Monthly entry")).to_contain_text(
        "Shared with her on"
    )

    # 4. She shows Amy the first paragraph of the report only, with a note.
    wss.get_by_role("link", name="Assessment outcome").click()
    wss.get_by_label("He completed his assessment and starts group next month.").check()
    wss.get_by_label("Your note to her (shown with it):").fill("Call me if you want to talk.")
    wss.get_by_role("button", name="Show in her account").click()
    expect(wss.get_by_text("Shown in her account.")).to_be_visible()

    # 5. Amy, on her phone, opens her notes: the paragraph and the note, nothing else.
    phone = open_browser(phone=True)
    survivor_sign_in(phone, site, "amy-garden", SURVIVOR_PASSPHRASE)
    expect(phone.locator("#leave")).to_be_in_viewport()
    phone.get_by_role("link", name="Notes", exact=True).click()
    expect(phone.get_by_role("heading", name="Notes from your worker")).to_be_visible()
    expect(phone.get_by_text("He completed his assessment")).to_be_visible()
    expect(phone.get_by_text("Call me if you want to talk.")).to_be_visible()
    expect(phone.locator("main")).not_to_contain_text("blames")
    expect(phone.locator("#leave")).to_be_in_viewport()
    assert discretion_words_in(phone.title()) == []
    assert discretion_words_in(phone.url) == []

    # What the service holds: her look recorded; Beth's item untouched.
    amy_items = ProgrammeItem.objects.filter(survivor=amy)
    assert amy_items.filter(shared_on=today).count() == 2
    assert amy_items.get(report__isnull=False).portal_seen_at is not None
    assert not ProgrammeItem.objects.filter(survivor=beth, shared_on__isnull=False).exists()
    assert phone.outside_requests == []
