"""Outcomes, with her consent (SPEC 14): answering a check-point.

Carys agreed that her answers may show what the service achieves, and asked
for a neutral invitation in her portal. Her language is Welsh. On her phone
(360 px) she finds "a few questions" on her home page, answers one, saves the
rest for later and leaves with quick exit; signing in again, her draft is
there as she left it, and she sends her answers. Another woman, Dee, answers
hers by phone: her worker reads the questions to her from her case and
records them, saving a draft when the call is interrupted, then finishing.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts import roles
from survivors.models import CheckPoint, OutcomeQuestion
from survivors.services import cases as cases_services
from tests.factories import staff_user, survivor_account

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-b"),  # browser tests in two runs, one Chromium in each
]

PASSPHRASE = "kettle on the windowsill at noon"
SETTLED = {
    "en-gb": "How settled do you feel at home?",
    "cy": "Pa mor gartrefol ydych chi’n teimlo gartref?",
}
SETTLED_LABELS = {
    "en-gb": ["Not at all", "A little", "Mostly", "Completely"],
    "cy": ["Dim o gwbl", "Ychydig", "Gan amlaf", "Yn llwyr"],
}
SLEEP = {"en-gb": "How often do you sleep well?", "cy": "Pa mor aml ydych chi’n cysgu’n dda?"}
SLEEP_LABELS = {"en-gb": ["Rarely", "Sometimes", "Often"], "cy": ["Anaml", "Weithiau", "Yn aml"]}
WELSH = {
    "leave": "Gadael y wefan hon",
    "news": "Y newyddion diweddaraf",
    "questions": "Ychydig o gwestiynau i chi",
    "prefer_not": "Gwell gen i beidio â dweud",
    "later": "Cadw a gorffen wedyn",
    "send": "Anfon fy atebion",
    "saved": "Wedi’i gadw. Gallwch ddod yn ôl a gorffen unrhyw bryd.",
    "thanks": "Diolch. Mae eich atebion wedi’u hanfon.",
    "nothing": "Dim byd i’w ateb ar hyn o bryd.",
}


def _questions() -> tuple[OutcomeQuestion, OutcomeQuestion]:
    return (
        OutcomeQuestion.objects.create(
            position=1, text=SETTLED, scale_points=4, scale_labels=SETTLED_LABELS
        ),
        OutcomeQuestion.objects.create(
            position=2, text=SLEEP, scale_points=3, scale_labels=SLEEP_LABELS
        ),
    )


def _agreed_and_due(survivor, *, in_portal: bool) -> CheckPoint:
    survivor.outcomes_consent_at = timezone.now()
    survivor.outcomes_in_portal = in_portal
    survivor.save(update_fields=["outcomes_consent_at", "outcomes_in_portal"])
    return CheckPoint.objects.create(
        survivor=survivor, stage=CheckPoint.Stage.INTAKE, due_at=timezone.now()
    )


def _sign_in(page: Page, site: str, username: str) -> None:
    page.goto(site + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=WELSH["news"])).to_be_visible()


def _fits_her_phone(page: Page) -> None:
    """At 360 px: quick exit on screen, no sideways scrolling, nothing axe finds."""
    expect(page.get_by_role("link", name=WELSH["leave"])).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_she_answers_in_welsh_on_her_phone_saving_a_draft_through_quick_exit(
    site: str, weather: str, open_browser
) -> None:
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna")
    carys = survivor_account(username="carys-fern", password=PASSPHRASE, language="cy")
    cases_services.survivor_allocate(actor=manager, survivor=carys, worker=anna)
    settled, sleep = _questions()
    check_point = _agreed_and_due(carys, in_portal=True)

    page = open_browser(phone=True)

    # 1. Her home page, in Welsh, has a neutral link to a few questions.
    _sign_in(page, site, "carys-fern")
    page.get_by_role("link", name=WELSH["questions"]).click()
    expect(page.get_by_role("heading", name=WELSH["questions"])).to_be_visible()
    expect(page).to_have_url(site + "/your-views/")
    _fits_her_phone(page)

    # 2. She answers the first question and saves the rest for later.
    first = page.get_by_role("group", name=SETTLED["cy"])
    first.get_by_label("Gan amlaf").check()
    page.get_by_role("button", name=WELSH["later"]).click()
    expect(page.get_by_text(WELSH["saved"])).to_be_visible()

    # 3. Someone comes in: she taps quick exit.
    page.get_by_role("link", name=WELSH["leave"]).click()
    page.wait_for_url(weather)

    # 4. Later, signed in again: her answer is there, as she left it. She
    #    prefers not to say for the second, and sends.
    _sign_in(page, site, "carys-fern")
    page.get_by_role("link", name=WELSH["questions"]).click()
    first = page.get_by_role("group", name=SETTLED["cy"])
    expect(first.get_by_label("Gan amlaf")).to_be_checked()
    second = page.get_by_role("group", name=SLEEP["cy"])
    expect(second.get_by_label("Yn aml")).not_to_be_checked()
    second.get_by_label(WELSH["prefer_not"]).check()
    page.get_by_role("button", name=WELSH["send"]).click()
    expect(page.get_by_text(WELSH["thanks"])).to_be_visible()
    expect(page.get_by_text(WELSH["nothing"])).to_be_visible()
    _fits_her_phone(page)

    # 5. Her home page no longer invites her.
    page.get_by_role("link", name="Yn ôl i’r hafan").click()
    expect(page.get_by_role("heading", name=WELSH["news"])).to_be_visible()
    expect(page.get_by_role("link", name=WELSH["questions"])).to_have_count(0)

    # What the service holds: her answers, answered by her (nobody on staff).
    check_point.refresh_from_db()
    assert check_point.state == CheckPoint.State.ANSWERED and check_point.answered_by is None
    assert dict(check_point.answers.values_list("question_id", "value")) == {
        settled.pk: 3,
        sleep.pk: None,
    }
    assert page.outside_requests == []


def test_her_worker_records_her_answers_during_a_call(site: str, open_browser) -> None:
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    nia = staff_user(roles.WSS_WORKER, username="worker-nia")
    dee = survivor_account(username="dee-hollow", known_as="Dee")
    cases_services.survivor_allocate(actor=manager, survivor=dee, worker=nia)
    settled, sleep = _questions()
    check_point = _agreed_and_due(dee, in_portal=False)

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(nia))

    # 1. Her case; then the check-point's page from its list, the questions in English.
    page.goto(f"{site}/staff/cases/{dee.pk}/")
    page.locator("#check-points-table").get_by_role("link", name="Record her answers").click()
    expect(page.get_by_role("heading", name=f"Record her answers: case {dee.pk}")).to_be_visible()

    # 2. The call drops after the first answer: a draft.
    page.get_by_role("group", name=SETTLED["en-gb"]).get_by_label("2: A little").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(
        page.get_by_role("group", name=SETTLED["en-gb"]).get_by_label("2: A little")
    ).to_be_checked()

    # 3. She calls back: she prefers not to say for the first, answers the second.
    page.get_by_role("group", name=SETTLED["en-gb"]).get_by_label("Prefer not to say").check()
    page.get_by_role("group", name=SLEEP["en-gb"]).get_by_label("3: Often").check()
    page.get_by_role("button", name="Save: she has finished").click()
    expect(page.get_by_text("Her answers are saved: the check-point is answered.")).to_be_visible()
    expect(page).to_have_url(f"{site}/staff/cases/{dee.pk}/#check-points")

    check_point.refresh_from_db()
    assert (check_point.state, check_point.answered_by) == (CheckPoint.State.ANSWERED, nia)
    assert dict(check_point.answers.values_list("question_id", "value")) == {
        settled.pk: None,
        sleep.pk: 3,
    }
