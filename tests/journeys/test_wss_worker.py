"""A Women's Support Service (WSS) worker supports the women on her caseload:
she answers their messages, sets up check-in texts inside each woman's safe
times, acts on alerts and records what she did. On duty she also sees every
urgent alert across the service, so nothing waits for a worker who is away.
"""

from __future__ import annotations

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from checkins.models import CheckInPlan
from contacts import roles
from survivors.models import Alert, Message
from survivors.services import alerts
from survivors.services import cases as cases_services
from survivors.services import messages as messages_services
from survivors.services.safe_contact import Window, safe_contact_update
from tests.factories import staff_user, survivor_account

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def test_wss_worker_replies_sets_check_ins_acknowledges_an_alert_and_sees_the_duty_view(
    site: str, open_browser
) -> None:
    # Set-up: Anna, a WSS worker on duty today. Amy is on her caseload: safe
    # to contact on Thursdays 14:00-16:00, she has written, and asked for a
    # call. Beth, supported by Bea, replied "3" (urgent) to a check-in.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna", is_duty_worker=True)
    bea = staff_user(roles.WSS_WORKER, username="worker-bea")
    amy = survivor_account(username="amy-garden", known_as="Amy")
    beth = survivor_account(username="beth-garden", known_as="Beth")
    cases_services.survivor_allocate(actor=manager, survivor=amy, worker=anna)
    cases_services.survivor_allocate(actor=manager, survivor=beth, worker=bea)
    amy.refresh_from_db()
    # Her worker records the safe-contact details Amy gave her on the phone.
    safe_contact_update(
        actor=anna,
        survivor=amy,
        safe_phone="07700 900123",
        voicemail_safe=False,
        code_word="bluebell",
        windows=[Window(weekday=3, starts_at=time(14), ends_at=time(16))],
        verification="call_back",
    )
    messages_services.message_send_from_survivor(
        survivor=amy, body="Could you ring me on Thursday?"
    )
    alerts.alert_raise(survivor=amy, kind=Alert.Kind.CALL_REQUESTED)
    alerts.alert_raise(survivor=beth, kind=Alert.Kind.URGENT_REPLY, urgent=True)

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(anna))

    # 1. Her caseload, most urgent first: Amy has a message waiting.
    page.get_by_role("link", name="My caseload").click()
    amy_row = page.get_by_role("row").filter(has_text="Amy")
    expect(amy_row).to_contain_text("Allowed")
    amy_row.get_by_role("link", name=f"1 waiting for case {amy.pk}").click()

    # 2. She reads Amy's message and replies; the reply shows in the thread.
    expect(page.get_by_role("heading", name="Messages with Amy")).to_be_visible()
    expect(page.get_by_text("Could you ring me on Thursday?")).to_be_visible()
    page.get_by_label("Reply").fill("Yes, I will call at 2 on Thursday and say bluebell.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".message.from-staff")).to_contain_text("Yes, I will call at 2 on Thursday")

    # 3. A weekly check-in text on Thursdays at 14:30, inside Amy's safe times.
    page.get_by_role("link", name=f"Back to case {amy.pk}").click()
    page.get_by_role("link", name="Check-ins").click()
    page.get_by_label("Frequency").select_option(label="Weekly on chosen days")
    page.get_by_label("Thursday").check()
    page.get_by_label("Time (her local time)").fill("14:30")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Check-in plan saved.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Next check-in: Thursday .* 14:30"))).to_be_visible()

    # 4. She called Amy as asked, and acknowledges the alert with what she did.
    page.get_by_role("link", name=f"Back to case {amy.pk}").click()
    call = page.get_by_role("row").filter(has_text="Call requested")
    call.get_by_label("What you did").fill("Called her at 14:05; she is safe.")
    call.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("No open alerts.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Call requested")).to_contain_text(
        "Called her at 14:05; she is safe."
    )

    # 5. On duty: Beth's urgent reply is there, with her worker's name, and
    #    opening it shows how to contact Beth safely.
    page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Duty").click()
    urgent = page.get_by_role("row").filter(has_text=f"Case {beth.pk}")
    expect(urgent).to_contain_text("Urgent check-in reply")
    expect(urgent).to_contain_text("worker-bea")
    urgent.get_by_role("link", name=re.compile("Open")).click()
    expect(page.get_by_role("heading", name="To contact her safely")).to_be_visible()
    expect(page.get_by_text("Beth")).to_be_visible()

    # What the service holds afterwards.
    assert Message.objects.filter(survivor=amy, from_survivor=False).count() == 1
    assert CheckInPlan.objects.get(survivor=amy).weekday_list == [3]
    assert Alert.objects.get(survivor=amy).acknowledged_by == anna
