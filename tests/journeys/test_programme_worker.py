"""A programme worker runs the men's groups: she takes the register, imports
registers kept in a spreadsheet, records a change in a man's status with the
reason, and raises a risk concern when he discloses something.

She sees nothing of any woman (SPEC 2). What she records flows one way, to
the Women's Support Service (WSS): each woman linked to him is told his
status in plain words on her phone, and each of their workers gets an alert
carrying the concern's basic information (its kind, its date, how urgent),
never the detail of what he said.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts import roles
from programme.models import Attendance, AttendanceMark, Participant, RiskConcern
from survivors.services import cases as cases_services
from tests.factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    staff_user,
    survivor_account,
)

from .steps import SURVIVOR_PASSPHRASE, StaffMember, staff_sign_in, survivor_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-b"
    ),  # browser tests in two runs, one Chromium in each process
]


def _csv(*rows: str) -> dict[str, object]:
    """A register file as her spreadsheet program saves it."""
    text = "\n".join(["group,date,time,reference,mark", *rows]) + "\n"
    return {"name": "register.csv", "mimeType": "text/csv", "buffer": text.encode()}


def _on_screen(day: date) -> re.Pattern[str]:
    """A date as a person reads it: 21 Nov 2026, 21 November 2026 or 21/11/2026."""
    return re.compile(rf"\b{day.day} {day:%b}\w* {day.year}\b|{day:%d/%m/%Y}|{day.isoformat()}")


def _sees_risk_concern(page: Page, *, case: int, day: date) -> None:
    """On her case page, among the open alerts: kind, date and urgency."""
    page.get_by_role("link", name="My caseload").click()
    page.get_by_role("link", name=f"Case {case}", exact=True).click()
    alert = page.get_by_role("row").filter(has_text="Disclosed violence or abuse")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Urgent")
    expect(alert).to_contain_text(_on_screen(day))
    expect(page.get_by_role("row").filter(has_text="His status changed")).to_have_count(1)


def test_programme_worker_records_attendance_status_and_a_concern_and_the_wss_side_is_told(
    site: str, open_browser
) -> None:
    # Set-up: the Thursday group, whose session began two hours ago; P-7001
    # (two ex-partners, Amy and Beth, each with her own WSS worker) and
    # P-7002 (nobody linked). A third worker, Cleo, supports someone else.
    pat = staff_user(roles.PROGRAMME_WORKER, username="prog-pat")
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna")
    bea = staff_user(roles.WSS_WORKER, username="worker-bea")
    cleo = staff_user(roles.WSS_WORKER, username="worker-cleo")
    group = ProgrammeGroupFactory.create(name="Thursday group")
    tonight = ProgrammeSessionFactory.create(
        group=group, starts_at=timezone.now() - timedelta(hours=2)
    )
    # Both men already attend the group (a first mark before he starts would
    # record his start as a status change of its own: SPEC 6).
    him = ParticipantFactory.create(reference="P-7001", group=group, status="attending")
    ParticipantFactory.create(reference="P-7002", group=group, status="attending")
    amy = survivor_account(username="amy-garden")
    beth = survivor_account(username="beth-garden")
    other = survivor_account(username="cleo-case")
    for survivor, worker in [(amy, anna), (beth, bea), (other, cleo)]:
        cases_services.survivor_allocate(actor=manager, survivor=survivor, worker=worker)
    for survivor in (amy, beth):
        cases_services.survivor_link_participant(actor=manager, survivor=survivor, participant=him)
    last_week = timezone.localdate() - timedelta(days=7)
    disclosed_on = timezone.localdate() - timedelta(days=2)

    page = open_browser()
    staff_sign_in(page, site, StaffMember.of(pat))

    # 1. Tonight's register: one screen, one mark per man, one save.
    menu = page.get_by_role("navigation", name="Staff menu")
    menu.get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="Thursday group").click()
    page.get_by_role("link", name=re.compile("^Take or edit register")).click()
    page.get_by_role("group", name="Mark for P-7001").get_by_label("Attended").check()
    page.get_by_role("group", name="Mark for P-7002").get_by_label("Missed").check()
    page.get_by_role("button", name="Save register").click()
    expect(page.get_by_text("Register saved: 2 marks changed.")).to_be_visible()

    # 2. Last week's register was kept in a spreadsheet: she imports it. It is
    #    checked first and nothing is saved until she confirms.
    menu.get_by_role("link", name="Import a register").click()
    page.get_by_label("Register file (CSV)").set_input_files(
        _csv(
            f"Thursday group,{last_week:%d/%m/%Y},18:30,P-7001,late",
            f"Thursday group,{last_week:%d/%m/%Y},18:30,P-7002,attended",
        )
    )
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("heading", name="Check before importing")).to_be_visible()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(
        page.get_by_text("Imported: 2 new marks, 0 changed, 0 already recorded, 1 new session.")
    ).to_be_visible()

    # ...then a broken file: an unknown man and a mark that is not one. She is
    # told what is wrong, row by row, and nothing is imported.
    page.get_by_label("Register file (CSV)").set_input_files(
        _csv(
            f"Thursday group,{last_week:%d/%m/%Y},18:30,P-9999,attended",
            f"Thursday group,{last_week:%d/%m/%Y},18:30,P-7002,asleep",
        )
    )
    page.get_by_role("button", name="Check file").click()
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("Nothing was changed")
    expect(problems).to_contain_text(re.compile(r"Row 2: .*P-9999"))
    expect(problems).to_contain_text(re.compile(r"Row 3: .*mark"))
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)

    # 3. P-7001 is suspended. The form warns her the reason goes to the women
    #    linked to him word for word (SPEC 3: his status with its reason), so she writes it plainly.
    page.goto(site + "/staff/")
    page.get_by_role("link", name="Participants").click()
    page.get_by_role("link", name="P-7001").click()
    page.get_by_label("Status:").select_option(label="Suspended")
    page.get_by_label("Reason:").fill("Missed sessions without telling us")
    page.get_by_role("button", name="Record status").click()
    expect(page.get_by_text("Status recorded.")).to_be_visible()

    # 4. In a one-to-one he disclosed violence two days ago: she raises an
    #    urgent concern. Basic information only; there is no box for detail.
    page.get_by_label("Kind:").select_option(label="Disclosed violence or abuse")
    page.get_by_label("When:").fill(disclosed_on.isoformat())
    page.get_by_label("Urgency:").select_option(label="Urgent")
    page.get_by_role("button", name="Raise concern").click()
    expect(page.get_by_text("Concern recorded.")).to_be_visible()
    # Nothing on her pages says whether any woman is linked to him.
    for word in ("Amy", "Beth", "worker-anna", "worker-bea", "alert"):
        expect(page.locator("main")).not_to_contain_text(word)

    # The WSS side. Amy's worker and Beth's worker each see the alert on
    # their own case, with kind, date and urgency...
    for worker, survivor in [(anna, amy), (bea, beth)]:
        wss = open_browser()
        staff_sign_in(wss, site, StaffMember.of(worker))
        _sees_risk_concern(wss, case=survivor.pk, day=disclosed_on)
    # ...and a worker with no one linked to him sees nothing new.
    elsewhere = open_browser()
    staff_sign_in(elsewhere, site, StaffMember.of(cleo))
    elsewhere.get_by_role("link", name="My caseload").click()
    elsewhere.get_by_role("link", name=f"Case {other.pk}", exact=True).click()
    expect(elsewhere.get_by_text("No open alerts.")).to_be_visible()

    # Amy, on her phone, sees his status in plain words, the reason, and
    # tonight's attendance.
    phone = open_browser(phone=True)
    survivor_sign_in(phone, site, "amy-garden", SURVIVOR_PASSPHRASE)
    expect(phone.locator(".status-now")).to_have_text("Suspended: he cannot go to sessions for now")
    expect(phone.get_by_text("Missed sessions without telling us")).to_be_visible()
    sessions = phone.get_by_role("table")
    expect(sessions.get_by_role("row").nth(1)).to_contain_text("Attended")
    expect(sessions).to_contain_text("Attended, arrived late")

    # What the service holds afterwards.
    assert Attendance.objects.filter(session=tonight, mark=AttendanceMark.ATTENDED).count() == 1
    assert Attendance.objects.filter(session__starts_at__date=last_week).count() == 2
    assert Participant.objects.get(pk=him.pk).status == "suspended"
    assert RiskConcern.objects.get().occurred_on == disclosed_on
