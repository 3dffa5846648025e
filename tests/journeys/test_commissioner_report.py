"""The service manager prints the commissioner report (SPEC 14): from the
monthly reports she opens last quarter's commissioner report, reads the matched
change from intake to exit beside its chart, and prints it on A4: every chart
fits the printable width of the paper, and the browser makes the PDF. axe finds
nothing on the page."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from checkins.selectors.commissioner_report import last_complete_quarter
from contacts import roles
from survivors.models import CheckPoint, OutcomeAnswer, OutcomeQuestion, RiskAssessment
from tests.factories import SurvivorFactory, staff_user

from .steps import StaffMember, staff_sign_in
from .test_accessibility import AXE_OPTIONS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-b"),  # browser tests in two runs, one Chromium in each
]

UK = ZoneInfo("Europe/London")
# A4 is 210 mm wide; the print stylesheet leaves 15 mm each side: 180 mm, at
# the 96 CSS pixels to the inch Chromium prints with.
A4_PRINTABLE_PX = 180 / 25.4 * 96


def test_manager_prints_last_quarters_commissioner_report(site: str, open_browser) -> None:
    # Set-up: Mo, the service manager. Last quarter 20 women who agreed that
    # their answers may count answered at intake and at exit: 8 feel safer,
    # 7 the same, 5 less safe. 12 of them have a risk checklist.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    worker = staff_user(roles.WSS_WORKER, username="worker-wren")
    quarter = last_complete_quarter()
    referred = quarter.start + timedelta(days=6, hours=10)
    question = OutcomeQuestion.objects.create(
        position=1, text={"en-gb": "How safe do you feel?"}, higher_is_better=True
    )
    for index, (before, after) in enumerate([(2, 4)] * 8 + [(3, 3)] * 7 + [(4, 2)] * 5):
        her = SurvivorFactory.create(
            referred_at=referred,
            referral_source="police",
            first_attempt_at=referred + timedelta(hours=2),
            outcomes_consent_at=referred + timedelta(days=1),
        )
        for stage, at, value in (
            ("intake", referred + timedelta(days=10), before),
            ("exit", referred + timedelta(days=60), after),
        ):
            point = CheckPoint.objects.create(
                survivor=her, stage=stage, due_at=at, state="answered", answered_at=at
            )
            OutcomeAnswer.objects.create(check_point=point, question=question, value=value)
        if index < 12:
            RiskAssessment.objects.create(
                survivor=her, assessed_by=worker, score=3, score_level="standard", level="standard"
            )

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(manager))

    # 1. From the monthly reports she follows the link to the commissioner report.
    page.get_by_role("link", name="Monthly reports").first.click()
    page.get_by_role("link", name="Commissioner report").click()
    expect(
        page.get_by_role("heading", name=f"Commissioner report: {quarter.label}", level=1)
    ).to_be_visible()

    # 2. The question's table beside its chart: 8 improved of 20 matched.
    table = page.get_by_role("table", name="Question 1: How safe do you feel?")

    def cell(heading: str):
        header = page.get_by_role("rowheader", name=heading, exact=True)
        return table.get_by_role("row").filter(has=header).get_by_role("cell")

    expect(cell("Improved")).to_have_text("8")
    expect(cell("Women matched")).to_have_text("20")
    expect(cell("Share improved")).to_have_text("40% (8 of 20)")
    charts = page.get_by_role("img", name="Improved, the same and worse", exact=False)
    expect(charts).to_have_count(1)
    expect(page.get_by_role("img", name="Referrals, cases", exact=False)).to_have_count(1)

    # 3. axe finds nothing on the page.
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert [v["id"] for v in violations] == []

    # 4. She prints it: the menus are gone and every chart fits the paper.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Show quarter")).to_be_hidden()
    figures = page.locator("figure.report-chart svg")
    assert figures.count() == 2
    for index in range(figures.count()):
        box = figures.nth(index).bounding_box()
        assert box is not None and box["width"] > 100
        assert box["x"] >= 0 and box["x"] + box["width"] <= A4_PRINTABLE_PX + 1, box
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
