"""Referrals and first contact (SPEC 13), in the browser.

A programme worker opens a man's record after his assessment and enters the
partners he named. Once she saves, their details leave the programme side,
one way: his record says how many were passed on, and nothing on her screen
holds a name or a number any more. They wait on the Women's Support Service
side as referrals, for triage.

``programme_worker_passes_on_two_partners`` is a step of its own, so a triage
journey can start where it ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from contacts import roles
from contacts.encryption import phone_hash
from contacts.models import User
from programme.models import Participant
from survivors.models import Referral
from tests.factories import ParticipantFactory, ProgrammeGroupFactory, staff_user

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-b"),  # browser tests in two runs, one Chromium in each
]

# The two women he named at his assessment, as his programme worker types them.
FIRST = ("Dana Whitlock", "07700 900321", "+447700900321")
SECOND = ("Erin Marchbank", "07700 900654", "+447700900654")


@dataclass(frozen=True)
class ReferralsWorld:
    """Who the referral journeys need: his programme worker and the man."""

    programme_worker: User
    participant: Participant


def referrals_world() -> ReferralsWorld:
    """A programme worker, Pat, and P-7001 in the Thursday group, in assessment."""
    group = ProgrammeGroupFactory.create(name="Thursday group")
    return ReferralsWorld(
        programme_worker=staff_user(roles.PROGRAMME_WORKER, username="prog-pat"),
        participant=ParticipantFactory.create(reference="P-7001", group=group, status="assessment"),
    )


def programme_worker_passes_on_two_partners(
    page: Page, live_server_url: str, world: ReferralsWorld
) -> tuple[str, str]:
    """Pat signs in on ``page``, opens P-7001's record and enters the current
    partner and the ex-partner he named at his assessment. She is told they
    were passed on and are no longer held here; her screen holds none of their
    details. Returns the two women's names (as the triage queue will show them)."""
    staff_sign_in(page, live_server_url, StaffMember.of(world.programme_worker))
    reference = world.participant.reference
    page.get_by_role("navigation", name="Staff menu").get_by_role(
        "link", name="Participants"
    ).click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Partner details passed on: 0")).to_be_visible()
    page.get_by_role("link", name="Pass on partner details he named").click()

    page.get_by_label("At his assessment").check()
    for legend, (name, phone, _), relationship, notes in [
        ("Person 1", FIRST, "Current partner", "He checks her phone: call, do not text."),
        ("Person 2", SECOND, "Ex-partner", ""),
    ]:
        person = page.get_by_role("group", name=legend)
        person.get_by_label("Name").fill(name)
        person.get_by_label("Phone number").fill(phone)
        person.get_by_label("Relationship to him").select_option(label=relationship)
        if notes:
            person.get_by_label("Safety notes (optional)").fill(notes)
    page.get_by_role("button", name="Pass on these details").click()

    expect(
        page.get_by_text("Partner details passed on (2). They are no longer held here.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name=f"Participant {reference}")).to_be_visible()
    expect(page.get_by_text("Partner details passed on: 2")).to_be_visible()
    # Nothing of them on his record, nor on the form she used (empty again).
    for text in (FIRST[0], FIRST[1], SECOND[0], SECOND[1], "checks her phone"):
        expect(page.locator("main")).not_to_contain_text(text)
    page.get_by_role("link", name="Pass on partner details he named").click()
    expect(page.get_by_role("group", name="Person 1").get_by_label("Name")).to_have_value("")
    for text in (FIRST[0], SECOND[0]):
        expect(page.locator("main")).not_to_contain_text(text)
    return FIRST[0], SECOND[0]


def test_programme_worker_passes_on_two_partners_named_at_his_assessment(
    site: str, open_browser
) -> None:
    world = referrals_world()
    page = open_browser()

    names = programme_worker_passes_on_two_partners(page, site, world)

    # What the service holds afterwards: two referrals waiting for triage on
    # the WSS side, each found by the keyed hash of her number; on the
    # programme side, only the count.
    assert names == (FIRST[0], SECOND[0])
    waiting = Referral.objects.filter(participant=world.participant, state="waiting")
    by_name = {referral.known_as: referral for referral in waiting}
    assert set(by_name) == set(names)
    first, second = by_name[FIRST[0]], by_name[SECOND[0]]
    assert (first.relationship, first.phone_hash) == ("current", phone_hash(FIRST[2]))
    assert (second.relationship, second.phone_hash) == ("ex", phone_hash(SECOND[2]))
    assert first.safety_notes == "He checks her phone: call, do not text."
    assert {first.source, second.source} == {"programme_intake"}
    assert Participant.objects.get(pk=world.participant.pk).partner_details_passed_on == 2
