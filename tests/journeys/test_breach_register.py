"""The service manager finds out that a worker's printed list of cases was
lost. She records the breach in the register, sees the 72 hours she has to
tell the ICO counting down from when it was discovered, and, to know what the
worker had seen, downloads everything that worker's account did that morning
(SPEC 12)."""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from contacts import roles
from contacts.models import AuditAction
from contacts.services.audit import audit_record
from survivors.services import cases as cases_services
from tests.factories import SurvivorFactory, staff_user

from .steps import StaffMember, staff_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-b"),
]

MINUTE = "%Y-%m-%dT%H:%M"


def test_manager_records_a_breach_sees_the_clock_and_exports_one_accounts_reads(
    site: str, open_browser, tmp_path: Path
) -> None:
    # Set-up: a manager, and Anna, a worker who read Amy's case three hours
    # ago and another case yesterday (outside the window the manager asks for).
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo", first_name="Mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna", first_name="Anna")
    amy = SurvivorFactory.create(known_as="Amy")
    other = SurvivorFactory.create(known_as="Cara")
    for case in (amy, other):
        cases_services.survivor_allocate(actor=manager, survivor=case, worker=anna)
    now = timezone.localtime()
    with time_machine.travel(now - timedelta(days=1), tick=False):
        audit_record(actor=anna, action=AuditAction.SURVIVOR_VIEW, obj=other)
    with time_machine.travel(now - timedelta(hours=3), tick=False):
        audit_record(actor=anna, action=AuditAction.SURVIVOR_VIEW, obj=amy)
    mo = StaffMember.of(manager)

    page = open_browser()
    staff_sign_in(page, site, mo)

    # 1. She records the breach: found two hours ago, lost last night.
    page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Breaches").click()
    expect(page.get_by_role("heading", name="Breach register")).to_be_visible()
    page.get_by_role("link", name="Record a breach").click()
    page.get_by_label("When it happened").fill((now - timedelta(hours=14)).strftime(MINUTE))
    page.get_by_label("When it was discovered").fill((now - timedelta(hours=2)).strftime(MINUTE))
    page.get_by_label("What data").fill("A printed list of one worker's cases, lost on a bus")
    page.get_by_label("How many people").fill("2")
    page.get_by_label("Not decided yet").check()
    page.get_by_label("Actions taken").fill("Asked the bus company to look for it")
    page.get_by_role("button", name="Record breach").click()
    expect(
        page.get_by_role("status").filter(has_text=re.compile(r"Breach \d+ recorded"))
    ).to_be_visible()

    # 2. The 72 hours run from discovery: about 70 left.
    expect(page.locator("#ico-clock")).to_contain_text(re.compile(r"(69|70) hours left"))
    page.get_by_role("link", name="Back to the breach register").click()
    row = page.get_by_role("row").filter(has_text="Not decided yet")
    expect(row).to_contain_text(re.compile(r"(69|70) hours left"))

    # 3. What had Anna seen? She opens Anna's account and downloads everything
    #    the account did since yesterday evening, as CSV.
    page.get_by_role("navigation", name="Staff menu").get_by_role(
        "link", name="Staff accounts"
    ).click()
    page.get_by_role("link", name="worker-anna").first.click()
    page.get_by_label("From", exact=True).fill((now - timedelta(hours=12)).strftime(MINUTE))
    page.get_by_label("To", exact=True).fill((now + timedelta(minutes=5)).strftime(MINUTE))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download as CSV").click()
    saved = tmp_path / "reads.csv"
    download_info.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines()))

    # Only Amy's case, read three hours ago: ids only, no names.
    assert rows[0] == ["time", "action", "object_type", "object_id", "case"]
    assert [row[1:] for row in rows[1:]] == [
        ["survivor.view", "survivor", str(amy.pk), str(amy.pk)]
    ]
    assert "Amy" not in text and "Anna" not in text
