"""The duty worker triages the referrals queue (SPEC 13): two women he named at
his assessment arrive as two referrals; each becomes a case with its own
worker, and the second cannot go to the first one's worker (SPEC 2: two
partners of one man always have different workers)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts import roles
from contacts.encryption import phone_hash
from survivors.models import Referral, ReferralSource, Survivor
from tests.factories import ParticipantFactory, staff_user

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-a"),  # browser tests in two runs, one Chromium in each
]


def _named_at_his_assessment(man, *, known_as: str, phone: str, hours_ago: int) -> Referral:
    """A partner's details as his intake passes them on (programme.signals
    partner_details_passed_on): a waiting referral naming him."""
    return Referral.objects.create(
        source=ReferralSource.PROGRAMME_INTAKE,
        received_at=timezone.now() - timedelta(hours=hours_ago),
        participant=man,
        relationship=Referral.Relationship.CURRENT if hours_ago == 3 else Referral.Relationship.EX,
        known_as=known_as,
        phone=phone,
        phone_hash=phone_hash(phone),
    )


def test_the_duty_worker_gives_two_partners_of_one_man_two_workers(site: str, open_browser) -> None:
    # Set-up: at his assessment he named his partner and his ex-partner. Dee is
    # the duty worker today; Anna and Bea are WSS workers.
    man = ParticipantFactory.create()
    dee = staff_user(roles.WSS_WORKER, username="duty-dee", first_name="Dee", is_duty_worker=True)
    anna = staff_user(roles.WSS_WORKER, username="worker-anna", first_name="Anna")
    bea = staff_user(roles.WSS_WORKER, username="worker-bea", first_name="Bea")
    first = _named_at_his_assessment(man, known_as="Kim", phone="+447700900321", hours_ago=3)
    second = _named_at_his_assessment(man, known_as="Lou", phone="+447700900322", hours_ago=2)

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

    # 2. The first: Kim, to Anna.
    page.get_by_role("link", name=f"Referral {first.pk}").click()
    expect(page.get_by_role("heading", name=f"Referral {first.pk}")).to_be_visible()
    expect(page.locator("#referral-details")).to_contain_text("Kim")
    expect(page.locator("#referral-matches")).to_contain_text("No case or other referral")
    page.get_by_label("Allocate to").select_option(label="Anna")
    page.get_by_role("button", name="Open the case and allocate").click()
    expect(page.get_by_role("status")).to_contain_text("opened and allocated to Anna.")
    expect(page.get_by_role("link", name="Referrals (1 waiting)")).to_be_visible()

    # 3. The second: Lou. Anna already supports a partner of the same man, so
    #    she is not offered; Dee gives Lou to Bea.
    page.get_by_role("link", name=f"Referral {second.pk}").click()
    expect(page.locator("#referral-details")).to_contain_text("Lou")
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
