"""The service manager reads the first-contact figures (SPEC 13): from the
monthly reports she follows the link and reads last month's referrals by
source, the median days to the first attempt and how many were within target;
small numbers say "withheld", never a figure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contacts import roles
from tests.factories import SurvivorFactory, staff_user

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]

UK = ZoneInfo("Europe/London")


def _month_before(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def _cases(n: int, source: str, referred: datetime, attempt_after: timedelta) -> None:
    for _ in range(n):
        SurvivorFactory.create(
            referred_at=referred,
            referral_source=source,
            first_attempt_at=referred + attempt_after,
        )


def test_manager_reads_last_months_first_contact_figures(site: str, open_browser) -> None:
    # Set-up: Mo, the service manager. Last month 8 police referrals were each
    # tried within 3 hours and 7 of her own requests the next day; the month
    # before, 6 and 5. A small number, 2 from health, came last month too.
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    last_month = _month_before(timezone.localdate().replace(day=1))
    month_before = _month_before(last_month)
    for month, police, own in ((last_month, 8, 7), (month_before, 6, 5)):
        referred = datetime(month.year, month.month, 10, 10, tzinfo=UK)
        _cases(police, "police", referred, timedelta(hours=3))
        _cases(own, "self", referred, timedelta(days=1))
    _cases(
        2,
        "health",
        datetime(last_month.year, last_month.month, 12, 10, tzinfo=UK),
        timedelta(hours=1),
    )

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(manager))

    # 1. She opens the monthly reports from the menu and follows the link.
    page.get_by_role("link", name="Monthly reports").first.click()
    page.get_by_role("link", name="First-contact figures").click()
    expect(page.get_by_role("heading", name="First-contact figures", level=1)).to_be_visible()

    # 2. Last month's table: one row per source, headed columns.
    label = last_month.strftime("%b %Y")
    table = page.get_by_role("table", name=label)
    expect(table.get_by_role("columnheader", name="Median days to first attempt")).to_be_visible()
    police = table.get_by_role("row", name="Police")
    expect(police.get_by_role("cell").nth(1)).to_have_text("8")  # cases
    # Half the cases were tried within 3 hours: the median is 0.1 days.
    every = table.get_by_role("row", name="All sources")
    expect(every.get_by_role("cell").nth(1)).to_have_text("17")
    expect(every.get_by_role("cell").nth(2)).to_have_text("0.1")
    # Health's 2 cases are withheld, in words.
    health = table.get_by_role("row", name="Health")
    expect(health.get_by_role("cell").nth(1)).to_have_text("withheld")
    expect(health.get_by_role("cell").nth(2)).to_have_text("not shown: fewer than 5 cases")
    # The CSV download is offered beside the figures.
    expect(page.get_by_role("link", name="Download as CSV")).to_be_visible()
