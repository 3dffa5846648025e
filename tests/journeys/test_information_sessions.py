"""Information sessions (SPEC 10). The manager sets one up with a
programme worker attending. A WSS worker invites two women on her caseload and
is refused for a second partner of the same man; a woman accepts on her phone
(360 px). The programme worker sees "fewer than 5" until five women have said
yes, then the head count: never a name, never who declined.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts import roles
from survivors.models import InformationSession, SessionInvitation
from survivors.services import cases as cases_services
from survivors.services import info_sessions
from tests.factories import ParticipantFactory, staff_user, survivor_account

from .steps import SURVIVOR_PASSPHRASE, StaffMember, staff_sign_in, survivor_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def test_invitations_answers_and_the_head_count(site: str, open_browser) -> None:
    pat = staff_user(roles.PROGRAMME_WORKER, username="prog-pat")
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna")
    bea = staff_user(roles.WSS_WORKER, username="worker-bea")
    him = ParticipantFactory.create(reference="P-7001")
    amy = survivor_account(username="amy-garden", known_as="Amy")
    beth = survivor_account(username="beth-garden", known_as="Beth")
    cara = survivor_account(username="cara-garden", known_as="Cara")
    others = [survivor_account(username=f"other-{n}", known_as=f"Other {n}") for n in range(4)]
    for survivor, worker in [(amy, anna), (beth, bea), (cara, bea), *((o, anna) for o in others)]:
        cases_services.survivor_allocate(actor=manager, survivor=survivor, worker=worker)
    for survivor in (amy, beth):
        cases_services.survivor_link_participant(actor=manager, survivor=survivor, participant=him)
    day = timezone.localdate() + timedelta(days=9)

    # 1. The manager sets up a session with the programme worker attending.
    desk = open_browser()
    staff_sign_in(desk, site, StaffMember.of(manager))
    desk.get_by_role("link", name="Information sessions").click()
    desk.get_by_role("link", name="Set up a session").click()
    desk.get_by_label("Date:").fill(day.isoformat())
    desk.get_by_label("Time:").fill("18:30")
    desk.get_by_label("Place, or how to join online:").fill("Community room, Mill Lane")
    desk.get_by_label("How many women can come:").fill("20")
    desk.get_by_label("Programme worker attending:").select_option(label="prog-pat")
    desk.get_by_role("button", name="Set up session").click()
    expect(desk.get_by_text("Session set up.")).to_be_visible()
    session = InformationSession.objects.get()

    # 2. Amy's worker invites Amy.
    wss = open_browser()
    staff_sign_in(wss, site, StaffMember.of(anna))
    wss.get_by_role("link", name="Information meetings").click()
    wss.get_by_role("link", name=f"{day:%a} {day.day} {day:%b %Y} 18:30").click()
    wss.get_by_label("Invite:").select_option(label=f"Case {amy.pk}: Amy")
    wss.get_by_role("button", name="Invite").click()
    expect(wss.get_by_text("Invitation sent to her account.")).to_be_visible()
    expect(wss.get_by_role("listitem").filter(has_text="Amy")).to_contain_text("No answer yet")

    # 3. Beth's worker invites Cara, then is refused for Beth (same man as Amy).
    other_wss = open_browser()
    staff_sign_in(other_wss, site, StaffMember.of(bea), start=f"/staff/info-sessions/{session.pk}/")
    other_wss.get_by_label("Invite:").select_option(label=f"Case {cara.pk}: Cara")
    other_wss.get_by_role("button", name="Invite").click()
    expect(other_wss.get_by_text("Invitation sent to her account.")).to_be_visible()
    other_wss.get_by_label("Invite:").select_option(label=f"Case {beth.pk}: Beth")
    other_wss.get_by_role("button", name="Invite").click()
    expect(other_wss.get_by_role("alert")).to_have_text(
        "Someone linked to the same man is already invited to this session. "
        "Choose a different session for her."
    )
    expect(other_wss.locator("main")).not_to_contain_text("Amy")

    # 4. Amy accepts on her phone.
    phone = open_browser(phone=True)
    survivor_sign_in(phone, site, "amy-garden", SURVIVOR_PASSPHRASE)
    phone.get_by_role("link", name="Notes", exact=True).click()
    expect(phone.get_by_role("heading", name="An invitation to a meeting")).to_be_visible()
    expect(phone.get_by_text("Community room, Mill Lane")).to_be_visible()
    phone.get_by_role("button", name="Yes, I will come").click()
    expect(phone.get_by_text("Thank you. Your answer is saved.")).to_be_visible()
    expect(phone.get_by_text("You said you are coming.")).to_be_visible()
    expect(phone.locator("#leave")).to_be_in_viewport()

    # 5. The programme worker: one yes so far, so "fewer than 5".
    prog = open_browser()
    staff_sign_in(prog, site, StaffMember.of(pat))
    prog.get_by_role("link", name="Information sessions").click()
    row = prog.get_by_role("row").filter(has_text="Community room, Mill Lane")
    expect(row).to_contain_text("Fewer than 5 women are coming so far.")

    # Four more women say yes (invited and answered as in steps 2 and 4); Cara says no.
    for her in others:
        her.refresh_from_db()  # allocated since it was made
        info_sessions.invitation_send(actor=anna, session=session, survivor=her)
        invitation = SessionInvitation.objects.get(survivor=her)
        info_sessions.invitation_answer(survivor=her, invitation_id=invitation.pk, coming=True)
    cara_invitation = SessionInvitation.objects.get(survivor=cara)
    info_sessions.invitation_answer(survivor=cara, invitation_id=cara_invitation.pk, coming=False)
    prog.reload()
    expect(row).to_contain_text("5 women are coming.")
    for name in ("Amy", "Beth", "Cara", "Other", "declin", "not coming"):
        expect(prog.locator("main")).not_to_contain_text(name)
