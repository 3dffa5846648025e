"""The demo world `make run` loads shows the product (README): the group's
sessions fall on the day its meeting details name and carry their topics, so
her status page says what the group covers next; a year of history gives the
manager's report figures rather than "fewer than 5"; start-up ends with the
demo accounts; and a development-only command gives a staff sign-in code
without a phone."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import User
from programme.models import ProgrammeModule, ProgrammeSession

from ..conftest import sign_in

LONDON = ZoneInfo("Europe/London")


def _seed(settings) -> str:
    settings.DEMO_DATA = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _demo_sessions() -> list[ProgrammeSession]:
    return list(ProgrammeSession.objects.filter(group__name="Tuesday evening group"))


def test_on_a_fresh_database_the_upcoming_sessions_carry_their_topics(settings) -> None:
    # A fresh database has no group topics until the information pages are made.
    ProgrammeSession.objects.filter(module__isnull=False).update(module=None)
    ProgrammeModule.objects.all().delete()
    _seed(settings)
    upcoming = [s for s in _demo_sessions() if s.starts_at > timezone.now()]
    assert len(upcoming) == 2
    assert all(session.module_id for session in upcoming)
    # ...and her status page shows what the group covers next.
    page = sign_in(Client(), User.objects.get(username="meadow")).get("/")
    assert "What the group covers next" in page.content.decode()


def test_the_tuesday_group_meets_on_tuesdays_at_1830_london_time(settings) -> None:
    _seed(settings)
    sessions = _demo_sessions()
    assert len(sessions) == 5
    local = [session.starts_at.astimezone(LONDON) for session in sessions]
    assert {moment.strftime("%A %H:%M") for moment in local} == {"Tuesday 18:30"}


def test_the_managers_report_shows_figures_for_every_month_of_the_year(settings) -> None:
    _seed(settings)
    manager = sign_in(Client(), User.objects.get(username="manager.lee"))
    rows = {
        row[0]: row[1:]
        for row in csv.reader(
            io.StringIO(manager.get("/staff/reports/monthly.csv").content.decode())
        )
        if row
    }
    for label in (
        "Women supported",
        "Messages from women",
        "Messages from workers",
        "Contacts made (calls, visits, texts)",
        "Check-ins answered",
    ):
        # Each of the last twelve months before this one has a figure.
        assert all(cell.isdigit() and int(cell) >= 5 for cell in rows[label][:-1]), label
    page = manager.get("/staff/reports/").content.decode()
    assert page.count("fewer than 5") < page.count("<td>")


def test_start_up_output_ends_with_the_demo_accounts_and_how_to_get_a_code(settings) -> None:
    lines = _seed(settings).strip().splitlines()
    table = "\n".join(lines[-11:])
    for username in ("wss.alex", "wss.bea", "prog.sam", "comms.kit", "manager.lee", "meadow"):
        assert username in table
    assert "manage.py demo_code <username>" in lines[-1]
    out = io.StringIO()
    call_command("seed_demo", "--accounts", stdout=out)
    assert out.getvalue().strip() == table


def test_demo_code_prints_the_sign_in_code_that_works_now(settings) -> None:
    _seed(settings)
    out = io.StringIO()
    call_command("demo_code", "wss.alex", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    device = TOTPDevice.objects.get(user__username="wss.alex")
    assert device.verify_token(code)


def test_demo_code_refuses_unless_demo_data_is_on(settings) -> None:
    _seed(settings)
    settings.DEMO_DATA = False
    out = io.StringIO()
    with pytest.raises(CommandError, match="DEMO_DATA"):
        call_command("demo_code", "wss.alex", stdout=out)
    assert out.getvalue() == ""
