"""From his assessment to two workers (SPEC 13): the programme worker enters
the two women he named at his assessment; they arrive on the Women's Support
Service side as two referrals; the duty worker triages each into a case with
its own worker, and the second cannot go to the first one's worker (SPEC 2:
two partners of one man always have different workers)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from contacts import roles
from survivors.models import Referral, Survivor
from tests.factories import staff_user

from .steps import StaffMember, staff_sign_in
from .test_referrals import programme_worker_passes_on_two_partners, referrals_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-a"),  # browser tests in two runs, one Chromium in each
]


def test_the_duty_worker_gives_two_partners_of_one_man_two_workers(site: str, open_browser) -> None:
    # Set-up: Dee is the duty worker today; Anna and Bea are WSS workers.
    dee = staff_user(roles.WSS_WORKER, username="duty-dee", first_name="Dee", is_duty_worker=True)
    anna = staff_user(roles.WSS_WORKER, username="worker-anna", first_name="Anna")
    bea = staff_user(roles.WSS_WORKER, username="worker-bea", first_name="Bea")

    # 0. At his assessment he named his partner and his ex-partner: his
    #    programme worker enters them, in her own browser.
    world = referrals_world()
    man = world.participant
    kim_name, lou_name = programme_worker_passes_on_two_partners(open_browser(), site, world)
    first = Referral.objects.get(participant=man, relationship="current")
    second = Referral.objects.get(participant=man, relationship="ex")

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(dee))

    # 1. Her menu says two referrals are waiting; the queue lists them, oldest first.
    page.get_by_role("link", name="Referrals (2 waiting)").click()
    expect(page.get_by_role("heading", name="Referrals waiting for triage")).to_be_visible()
    rows = page.locator("#referral-queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(f"Referral {first.pk}")
    expect(rows.nth(0)).to_contain_text("Named at his assessment")
    expect(rows.nth(0)).to_contain_text("working hours")
    expect(rows.nth(1)).to_contain_text(f"Referral {second.pk}")

    # 2. The first (his partner), to Anna.
    page.get_by_role("link", name=f"Referral {first.pk}").click()
    expect(page.get_by_role("heading", name=f"Referral {first.pk}")).to_be_visible()
    expect(page.locator("#referral-details")).to_contain_text(kim_name)
    expect(page.locator("#referral-matches")).to_contain_text("No case or other referral")
    page.get_by_label("Allocate to").select_option(label="Anna")
    page.get_by_role("button", name="Open the case and allocate").click()
    expect(page.get_by_role("status")).to_contain_text("opened and allocated to Anna.")
    expect(page.get_by_role("link", name="Referrals (1 waiting)")).to_be_visible()

    # 3. The second (his ex-partner). Anna already supports a partner of the same man, so
    #    she is not offered; Dee gives her to Bea.
    page.get_by_role("link", name=f"Referral {second.pk}").click()
    expect(page.locator("#referral-details")).to_contain_text(lou_name)
    choices = page.get_by_label("Allocate to").locator("option")
    expect(choices).to_have_text(["Choose a worker", "Dee", "Bea"])
    expect(
        page.get_by_text("two partners of one man always have different workers")
    ).to_be_visible()
    page.get_by_label("Allocate to").select_option(label="Bea")
    page.get_by_role("button", name="Open the case and allocate").click()
    expect(page.get_by_role("status")).to_contain_text("opened and allocated to Bea.")
    expect(page.get_by_text("No referrals are waiting.")).to_be_visible()

    # The record: two cases, both linked to him, with different workers.
    kim = Survivor.objects.get(referrals=first)
    lou = Survivor.objects.get(referrals=second)
    assert (kim.worker, lou.worker) == (anna, bea)
    assert kim.participant == lou.participant == man
    assert kim.referral_source == lou.referral_source == "programme_intake"
