"""Staff start their day on the home page (/staff/), which shows each role its
own work; and while a Women's Support Service (WSS) worker is away, the duty
worker answers her women in cover (SPEC 9), recorded as done in cover."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts import roles
from survivors.models import Alert, Message
from survivors.services import alerts, cover
from survivors.services import cases as cases_services
from survivors.services import messages as messages_services
from tests.factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    staff_user,
    survivor_account,
)

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def test_the_duty_worker_replies_to_a_message_on_a_covered_case(site: str, open_browser) -> None:
    # Set-up: Anna is away this week; Amy, on her caseload, has written. Dee is
    # the duty worker today.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna", first_name="Anna")
    dee = staff_user(roles.WSS_WORKER, username="duty-dee", first_name="Dee", is_duty_worker=True)
    amy = survivor_account(username="amy-garden", known_as="Amy")
    cases_services.survivor_allocate(actor=manager, survivor=amy, worker=anna)
    amy.refresh_from_db()
    messages_services.message_send_from_survivor(survivor=amy, body="Is Thursday still on?")
    today = timezone.localdate()
    cover.absence_mark(actor=anna, worker=anna, starts_on=today, ends_on=today + timedelta(days=4))

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(dee))

    # 1. Her home page lists what waits on covered cases: Amy's message.
    expect(page.get_by_role("heading", name="Covering for workers who are away")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Unanswered message")
    expect(row).to_contain_text("worker-anna (away)")
    row.get_by_role("link", name=f"Open case {amy.pk}").click()

    # 2. The covered case: Amy's message waits; Dee replies in cover.
    expect(page.get_by_role("heading", name=f"Covering case {amy.pk}: Amy")).to_be_visible()
    expect(page.get_by_text("Is Thursday still on?")).to_be_visible()
    page.get_by_label("Reply to her, in cover").fill("Yes, Anna's colleague Dee here: still on.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_have_text("Reply sent in cover.")
    expect(page.get_by_text("No unanswered messages.")).to_be_visible()
    expect(page.get_by_role("heading", name="Replies sent in cover")).to_be_visible()

    # The record: Dee wrote it, covering for Anna.
    reply = Message.objects.get(survivor=amy, from_survivor=False)
    assert (reply.author_id, reply.covering_for_id) == (dee.pk, anna.pk)


def test_each_role_starts_the_day_with_its_own_work(site: str, open_browser) -> None:
    # Set-up: Bea (WSS) has an urgent alert on Beth's case; Pat (programme)
    # runs the Monday group, which meets today and met a week ago (register
    # not taken yet).
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    bea = staff_user(roles.WSS_WORKER, username="worker-bea", first_name="Bea")
    pat = staff_user(roles.PROGRAMME_WORKER, username="prog-pat", first_name="Pat")
    beth = survivor_account(username="beth-garden", known_as="Beth")
    cases_services.survivor_allocate(actor=manager, survivor=beth, worker=bea)
    alerts.alert_raise(survivor=beth, kind=Alert.Kind.URGENT_REPLY, urgent=True)
    group = ProgrammeGroupFactory.create(name="Monday group")
    ParticipantFactory.create(reference="P-9101", group=group)
    now = timezone.localtime()
    ProgrammeSessionFactory.create(group=group, starts_at=now.replace(hour=23, minute=0))
    ProgrammeSessionFactory.create(group=group, starts_at=now - timedelta(days=7))

    worker = open_browser()
    staff_sign_in(worker, site, StaffMember.of(bea))
    expect(worker.get_by_role("heading", name="My cases")).to_be_visible()
    urgent = worker.get_by_role("listitem").filter(has_text="urgent alert")
    expect(urgent).to_contain_text(f"Case {beth.pk}: 1 urgent alert")
    expect(worker.get_by_role("heading", name="Today's sessions")).to_have_count(0)

    programme = open_browser()
    staff_sign_in(programme, site, StaffMember.of(pat))
    expect(programme.get_by_role("heading", name="Today's sessions")).to_be_visible()
    expect(programme.get_by_role("link", name="Monday group, 23:00")).to_be_visible()
    # (Late in the day, today's session is due too: the week-old one is first.)
    due = programme.get_by_role("listitem").filter(has_text="0 of 1 marked").first
    expect(due).to_contain_text("Monday group")
    expect(programme.get_by_role("heading", name="My cases")).to_have_count(0)
    expect(programme.get_by_text("Beth")).to_have_count(0)
