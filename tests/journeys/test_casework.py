"""A Women's Support Service (WSS) worker's casework (and her plan, shared): a new referral waits on
her caseload with its first-contact clock; she reaches the woman, completes the
risk checklist with her (it scores 14, high), gets one task to refer her to
the MARAC, records the referral (a disclosure with basis "high risk") and, when
the work is done, closes the case with its outcome."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from contacts import roles
from programme.services import records
from survivors.models import (
    Alert,
    CaseState,
    ContactLogEntry,
    Disclosure,
    MaracReferral,
    MaracTask,
    PlanVersion,
    RiskAssessment,
    RiskQuestion,
    Survivor,
)
from survivors.services import alerts
from survivors.services import cases as cases_services
from survivors.services import plan as plan_services
from tests.factories import ParticipantFactory, SurvivorFactory, staff_user, survivor_account

from .steps import StaffMember, staff_sign_in, survivor_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def test_wss_worker_takes_a_referral_through_the_checklist_a_marac_referral_and_closing(
    site: str, open_browser
) -> None:
    # Set-up: Cara, a WSS worker. Dee was referred two days ago and allocated
    # to her; nobody has reached her yet. The service's checklist is loaded.
    call_command("loaddata", "risk_questions_placeholder", verbosity=0)
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    cara = staff_user(roles.WSS_WORKER, username="worker-cara")
    dee = SurvivorFactory.create(
        known_as="Dee", referred_at=timezone.now() - timedelta(days=2, hours=3)
    )
    cases_services.survivor_allocate(actor=manager, survivor=dee, worker=cara)
    questions = list(RiskQuestion.objects.order_by("number"))

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(cara))

    # 1. Her caseload: Dee is referred and has waited two days for first contact.
    page.get_by_role("link", name="My caseload").click()
    dee_row = page.get_by_role("row").filter(has_text="Dee")
    expect(dee_row).to_contain_text("Referred")
    expect(dee_row).to_contain_text("waiting 2 days")
    expect(dee_row).to_contain_text("Not assessed")
    dee_row.get_by_role("link", name=f"Case {dee.pk}").click()

    # 2. She rang Dee and they spoke: logging it stops the clock.
    page.get_by_label(re.compile(r"^Contact:?$")).select_option("call")
    page.get_by_label(re.compile(r"^Outcome:?$")).select_option("spoke")
    page.get_by_label(re.compile(r"^Note:?$")).fill(
        "Introduced the service; safe to call on Tuesdays."
    )
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_text("Contact logged.")).to_be_visible()
    expect(page.locator("#case-stage")).to_contain_text("First contact made")
    expect(page.locator("#first-contact")).to_contain_text("2 days after referral")

    # 3. The work is under way: she moves the case to active.
    page.get_by_label("Move the case to").select_option("active")
    page.get_by_role("button", name="Change stage").click()
    expect(page.locator("#case-stage")).to_contain_text("Active")

    # 4. The checklist, with Dee: 14 yes, the rest no, a note on the first.
    page.get_by_role("link", name="Checklists").click()
    expect(page.get_by_text("No checklist recorded yet.")).to_be_visible()
    for index, question in enumerate(questions):
        group = page.locator(f"#question-{question.number}")
        group.get_by_label("Yes" if index < 14 else "No", exact=True).check()
    page.get_by_label("Note on question 1", exact=True).fill("She said it started last spring.")
    page.get_by_role("button", name="Record checklist").click()
    expect(page.get_by_text("Checklist recorded: score 14, level high.")).to_be_visible()
    expect(page.locator("#level")).to_contain_text("High")
    expect(page.get_by_text("She said it started last spring.")).to_be_visible()

    # 5. One task on her case, listing the evidence; she records the referral.
    page.get_by_role("link", name=f"Back to case {dee.pk}").click()
    task = page.locator("#marac-task")
    expect(task).to_contain_text("Visible high risk (score 14 or more)")
    expect(task).to_contain_text(re.compile(r"checklist scored 14, level high"))
    task.get_by_label("Referred to").fill("Northside MARAC")
    task.get_by_label("What was shared").fill("Checklist outcome and safe contact times.")
    task.get_by_role("button", name="Record referral").click()
    expect(page.get_by_text("Referral recorded, with its disclosure (high risk).")).to_be_visible()
    expect(page.get_by_text("No open referral task.")).to_be_visible()
    expect(page.locator("#disclosures + p + ul")).to_contain_text(
        "Northside MARAC (High risk of harm)"
    )

    # 6. Months later the work is done: closing asks for the outcome.
    page.get_by_label("Move the case to").select_option("closed")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_text("Choose the outcome before closing the case.")).to_be_visible()
    page.get_by_label("Move the case to").select_option("closed")
    page.get_by_label("Outcome (when closing)").select_option(label="Her goals were met")
    page.get_by_role("button", name="Change stage").click()
    expect(page.locator("#case-stage")).to_contain_text("Closed")
    expect(page.locator("#case-stage")).to_contain_text("Her goals were met")
    page.get_by_role("link", name="Back to caseload").click()
    expect(page.get_by_role("row").filter(has_text="Dee")).to_contain_text("Closed")

    # What the service holds afterwards.
    dee = Survivor.objects.get(pk=dee.pk)
    assert dee.case_state == CaseState.CLOSED
    assert dee.closure_outcome == "goals_met"
    assert dee.closed_at is not None and dee.first_contact_at is not None
    assessment = RiskAssessment.objects.get(survivor=dee)
    assert (assessment.score, assessment.level, assessment.assessed_by) == (14, "high", cara)
    assert MaracTask.objects.filter(survivor=dee).count() == 1
    referral = MaracReferral.objects.get(survivor=dee)
    assert referral.disclosure.basis == Disclosure.Basis.HIGH_RISK
    assert ContactLogEntry.objects.filter(survivor=dee, outcome="spoke").count() == 1


def test_she_edits_her_plan_on_her_phone_and_her_worker_sees_the_new_version(
    site: str, open_browser
) -> None:
    # Set-up: Eve, on Fay's caseload, wrote a first plan with her by phone.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    fay = staff_user(roles.WSS_WORKER, username="worker-fay")
    eve = survivor_account(username="eve-garden", known_as="Eve")
    cases_services.survivor_allocate(actor=manager, survivor=eve, worker=fay)
    plan_services.plan_save(actor=fay, survivor=eve, steps={"people": "My sister Jo"})

    # 1. On her phone (360 px), Eve opens "My plan" and adds a place she can go.
    phone = open_browser(phone=True)
    survivor_sign_in(phone, site, "eve-garden", "a long passphrase 42")
    phone.get_by_role("link", name="My plan").click()
    expect(phone.get_by_role("heading", name="My plan")).to_be_visible()
    expect(phone.get_by_label("People I can call")).to_have_value("My sister Jo")
    expect(phone.locator("#leave")).to_be_in_viewport()
    phone.get_by_label("Places I can go").fill("The library on Park Road")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    expect(phone.get_by_label("Places I can go")).to_have_value("The library on Park Road")
    # Nothing on the page is wider than her screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # 2. Her worker opens the plan on her case: the new version, saved by her.
    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(fay))
    page.goto(site + f"/staff/cases/{eve.pk}/")
    page.get_by_role("link", name="Her plan").click()
    newest = page.locator(".plan-version").first
    expect(newest).to_contain_text("saved by her")
    expect(newest).to_contain_text("Changed: Places I can go")
    expect(newest).to_contain_text("The library on Park Road")
    expect(page.locator(".plan-version").nth(1)).to_contain_text("saved by worker-fay")

    assert PlanVersion.objects.filter(survivor=eve).count() == 2


def test_a_worker_marked_away_and_an_urgent_alert_lands_on_the_duty_view_with_its_deadline(
    site: str, open_browser
) -> None:
    # Set-up: Gail supports Hana; Ivy is on duty this week.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    gail = staff_user(roles.WSS_WORKER, username="worker-gail")
    ivy = staff_user(roles.WSS_WORKER, username="worker-ivy", is_duty_worker=True)
    hana = survivor_account(username="hana-garden", known_as="Hana")
    cases_services.survivor_allocate(actor=manager, survivor=hana, worker=gail)

    # 1. Gail marks herself away from today for a week.
    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(gail))
    page.get_by_role("link", name="My caseload").click()
    page.get_by_role("link", name="Time away").click()
    today = timezone.localdate()
    page.get_by_label("First day away").fill(today.isoformat())
    page.get_by_label("Last day away").fill((today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Mark away").click()
    expect(page.get_by_text("worker-gail is marked away.")).to_be_visible()

    # Meanwhile Hana replies "3" to a check-in (an urgent alert) and asks for a call.
    urgent = alerts.alert_raise(survivor=hana, kind=Alert.Kind.URGENT_REPLY, urgent=True)
    alerts.alert_raise(survivor=hana, kind=Alert.Kind.CALL_REQUESTED)
    deadline = timezone.localtime(urgent.created_at + timedelta(hours=4))

    # 2. Ivy, on duty, sees both, each with its response deadline.
    duty = open_browser()
    staff_sign_in(duty, site, StaffMember.of(ivy))
    duty.goto(site + "/staff/duty/")
    row = duty.get_by_role("row").filter(has_text="Urgent check-in reply")
    expect(row).to_contain_text(f"Case {hana.pk}")
    expect(row).to_contain_text(deadline.strftime("%H:%M"))
    expect(duty.get_by_text("Away today: worker-gail")).to_be_visible()
    covered = (
        duty.locator("#cover + p + table").get_by_role("row").filter(has_text="Call requested")
    )
    expect(covered).to_contain_text("worker-gail (away)")

    # 3. She calls Hana back and acknowledges the call request from the duty view.
    covered.get_by_role("link", name=re.compile("Open")).click()
    duty.get_by_label("What you did").fill("Called her back; she is safe.")
    duty.get_by_role("button", name="Acknowledge").click()
    expect(duty.get_by_text("Nothing is waiting on their cases.")).to_be_visible()

    assert Alert.objects.get(survivor=hana, kind=Alert.Kind.CALL_REQUESTED).acknowledged_by == ivy


def test_three_escalation_incidents_within_the_window_give_her_worker_one_task(
    site: str, open_browser
) -> None:
    # Set-up: Jo supports Kim, whose ex-partner is on the programme. Within a
    # few weeks the service sees an urgent risk concern about him, Kim's check-in
    # reply "3" and his order breached; then a duress sign-in.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    programme_worker = staff_user(roles.PROGRAMME_WORKER, username="prog-pat")
    jo = staff_user(roles.WSS_WORKER, username="worker-jo")
    him = ParticipantFactory.create(reference="P-9101")
    kim = survivor_account(username="kim-garden", known_as="Kim")
    cases_services.survivor_allocate(actor=manager, survivor=kim, worker=jo)
    cases_services.survivor_link_participant(actor=manager, survivor=kim, participant=him)
    records.risk_concern_raise(
        actor=programme_worker,
        participant=him,
        kind="threat",
        occurred_on=timezone.localdate(),
        urgency="urgent",
    )
    alerts.alert_raise(survivor=kim, kind=Alert.Kind.URGENT_REPLY, urgent=True)
    records.status_change_record(actor=programme_worker, participant=him, status="order_breached")
    alerts.alert_raise(survivor=kim, kind=Alert.Kind.DURESS, urgent=True)

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(jo))
    page.get_by_role("link", name="My caseload").click()
    kim_row = page.get_by_role("row").filter(has_text="Kim")
    expect(kim_row).to_contain_text("referral task open")
    kim_row.get_by_role("link", name=f"Case {kim.pk}").click()
    task = page.locator("#marac-task")
    expect(task).to_contain_text("Potential escalation")
    for evidence in (
        "Urgent risk concern raised by the programme",
        "Urgent check-in reply",
        "His status changed: order breached",
        "Signed in under duress",
    ):
        expect(task).to_contain_text(evidence)
    # One task, however many incidents: she records the referral once.
    task.get_by_label("Referred to").fill("Northside MARAC")
    task.get_by_role("button", name="Record referral").click()
    expect(page.get_by_text("No open referral task.")).to_be_visible()

    assert MaracTask.objects.filter(survivor=kim).count() == 1
    assert MaracReferral.objects.get(survivor=kim).disclosure.basis == Disclosure.Basis.HIGH_RISK
