"""Her language (SPEC 11). Robin reads Welsh more easily than English; later
she asks for Urdu, the language she speaks at home, and for an interpreter
when her worker calls. On her phone (360 px, and 320 px for the layout checks)
she switches the sign-in page to Welsh for one visit, signs in, reads his
status and writes to her worker, and keeps Welsh as her language; then she
changes it to Urdu and the whole site turns right to left. In both languages
quick exit stays the first thing after the skip link, stays on screen, and
works by tap, by Shift three times and by Esc twice, announcing its progress
in her language; axe finds nothing wrong on any page she sees.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts import roles
from programme.models import Attendance, AttendanceMark
from programme.services import records
from survivors.models import Message, Survivor
from survivors.services import cases as cases_services
from tests.factories import (
    ParticipantFactory,
    ProgrammeGroupFactory,
    ProgrammeSessionFactory,
    staff_user,
    survivor_account,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-a"
    ),  # browser tests in two runs, one Chromium in each process
]

PASSPHRASE = "kettle on the windowsill at noon"
WELSH = {
    "leave": "Gadael y wefan hon",
    "username": "Enw defnyddiwr",
    "passphrase": "Cyfrinymadrodd",
    "sign_in": "Mewngofnodi",
    "news": "Y newyddion diweddaraf",
    "status": "Yn mynd i sesiynau grŵp",
    "messages": "Negeseuon",
    "your_message": "Eich neges",
    "send": "Anfon",
    "sent": "Wedi’i hanfon.",
    "settings": "Gosodiadau cysylltu",
    "save_language": "Cadw’r iaith",
    "saved": "Wedi’i gadw. Bydd eich gweithiwr yn dilyn y gosodiadau hyn.",
    "shift_two": "Shift, pwyswch 2 waith eto i adael y wefan hon.",
    "shift_one": "Shift, pwyswch 1 waith eto i adael y wefan hon.",
    "esc_one": "Esc, pwyswch 1 waith eto i adael y wefan hon.",
}
URDU = {
    "leave": "یہ سائٹ چھوڑیں",
    "news": "تازہ ترین خبریں",
    "status": "گروپ سیشنز میں جا رہا ہے",
    "messages": "پیغامات",
    "your_message": "آپ کا پیغام",
    "send": "بھیجیں",
    "sent": "بھیج دیا گیا۔",
    "shift_two": "Shift، یہ سائٹ چھوڑنے کے لیے 2 بار اور دبائیں۔",
    "shift_one": "Shift، یہ سائٹ چھوڑنے کے لیے 1 بار اور دبائیں۔",
    "esc_one": "Esc، یہ سائٹ چھوڑنے کے لیے 1 بار اور دبائیں۔",
}


def _check_page(page: Page, words: dict[str, str], *, direction: str) -> None:
    """What every page she sees must do, at 360 px and at 320 px: her language
    and its direction, quick exit first after the skip link and on screen, no
    sideways scrolling, and nothing axe-core finds."""
    html = page.locator("html")
    expect(html).to_have_attribute("dir", direction)
    leave = page.get_by_role("link", name=words["leave"])
    for width in (360, 320):
        page.set_viewport_size({"width": width, "height": 640})
        expect(leave).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        # Tab order is document order here (no positive tabindex anywhere).
        first_two = page.evaluate(
            """() => Array.from(
                    document.querySelectorAll('a[href], button, input, select, textarea'))
                .filter(e => !e.disabled && e.type !== 'hidden')
                .slice(0, 2).map(e => e.id || e.className)"""
        )
        assert first_two == ["skip-link", "leave"], first_two
        assert page.locator("[tabindex]:not([tabindex='-1']):not([tabindex='0'])").count() == 0
        violations = Axe().run(page).response["violations"]
        assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    page.set_viewport_size({"width": 360, "height": 640})
    box = leave.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert box["y"] >= 0 and box["y"] + box["height"] <= 640


def _tab_reaches_quick_exit_second(page: Page, words: dict[str, str]) -> None:
    """Keyboard users: Tab once is the skip link, Tab twice is quick exit."""
    page.goto(page.url)
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=words["leave"])).to_be_focused()
    page.locator("main").focus()


def _sign_in(page: Page, site: str, username: str, *, labels: dict[str, str] | None = None) -> None:
    page.goto(site + "/")
    labels = labels or {"username": "Username", "passphrase": "Passphrase", "sign_in": "Sign in"}
    page.get_by_label(labels["username"]).fill(username)
    page.get_by_label(labels["passphrase"]).fill(PASSPHRASE)
    page.locator("main").get_by_role("button", name=labels["sign_in"]).click()


def _left(page: Page, weather: str) -> None:
    page.wait_for_url(weather)
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()


def _page_settled(page: Page) -> None:
    """The page has loaded and its ``pageshow`` handler (which clears the
    announcement region) has run, so a key pressed now is not wiped by it."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")


def _shift_three_times(page: Page, words: dict[str, str], weather: str) -> None:
    _page_settled(page)
    page.locator("main").focus()
    page.keyboard.press("Shift")
    expect(page.locator("#leave-status")).to_have_text(words["shift_two"])
    page.keyboard.press("ShiftRight")
    expect(page.locator("#leave-status")).to_have_text(words["shift_one"])
    page.keyboard.press("Shift")
    _left(page, weather)


def _esc_twice(page: Page, words: dict[str, str], weather: str) -> None:
    _page_settled(page)
    page.locator("main").focus()
    page.keyboard.press("Escape")
    assert page.text_content("#leave-status") == words["esc_one"]
    page.keyboard.press("Escape")
    _left(page, weather)


def test_she_switches_to_welsh_then_urdu_and_does_her_tasks_in_each(
    site: str, weather: str, open_browser
) -> None:
    # Set-up: Robin's case is with Anna and linked to P-7001, who attends.
    pat = staff_user(roles.PROGRAMME_WORKER, username="prog-pat")
    manager = staff_user(roles.SERVICE_MANAGER, username="manager-mo")
    anna = staff_user(roles.WSS_WORKER, username="worker-anna")
    group = ProgrammeGroupFactory.create(name="Thursday group")
    him = ParticipantFactory.create(reference="P-7001", group=group)
    last_week = ProgrammeSessionFactory.create(
        group=group, starts_at=timezone.now() - timedelta(days=7)
    )
    Attendance.objects.create(
        session=last_week, participant=him, mark=AttendanceMark.ATTENDED, recorded_by=pat
    )
    records.status_change_record(actor=pat, participant=him, status="attending")
    robin = survivor_account(username="robin-garden", password=PASSPHRASE, known_as="Robin")
    cases_services.survivor_allocate(actor=manager, survivor=robin, worker=anna)
    cases_services.survivor_link_participant(actor=manager, survivor=robin, participant=him)

    page = open_browser(phone=True)

    # 1. The sign-in page, switched to Welsh for this visit (names in their own script).
    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    page.get_by_role("button", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", name=WELSH["sign_in"])).to_be_visible()
    _check_page(page, WELSH, direction="ltr")

    # 2. Signed in, his status in Welsh; she writes to her worker in Welsh.
    _sign_in(page, site, "robin-garden", labels=WELSH)
    expect(page.get_by_role("heading", name=WELSH["news"])).to_be_visible()
    expect(page.locator(".status-now")).to_have_text(WELSH["status"])
    _check_page(page, WELSH, direction="ltr")
    _tab_reaches_quick_exit_second(page, WELSH)
    page.get_by_role("link", name=WELSH["messages"]).click()
    page.get_by_label(WELSH["your_message"]).fill("Ga i alwad ddydd Iau, os gwelwch yn dda?")
    page.get_by_role("button", name=WELSH["send"]).click()
    expect(page.get_by_text(WELSH["sent"])).to_be_visible()
    _check_page(page, WELSH, direction="ltr")

    # 3. She keeps Welsh as her language, then leaves: Shift three times.
    page.get_by_role("link", name=WELSH["settings"]).click()
    page.get_by_role("radio", name="Cymraeg").check()
    page.get_by_role("button", name=WELSH["save_language"]).click()
    expect(page.get_by_text(WELSH["saved"])).to_be_visible()
    _check_page(page, WELSH, direction="ltr")
    _shift_three_times(page, WELSH, weather)

    # 4. Next visit: the sign-in page is English again (the switch lasted one
    #    visit); once signed in, her own language. She leaves with Esc twice.
    page.goto(site + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    _sign_in(page, site, "robin-garden")
    expect(page.get_by_role("heading", name=WELSH["news"])).to_be_visible()
    _esc_twice(page, WELSH, weather)

    # 5. Another visit: she changes her language to Urdu and asks for an
    #    interpreter. The site turns right to left.
    _sign_in(page, site, "robin-garden")
    page.get_by_role("link", name=WELSH["settings"]).click()
    page.get_by_role("radio", name="اردو").check()
    page.get_by_label("Hoffwn gael cyfieithydd pan fydd fy ngweithiwr yn siarad â mi").check()
    page.get_by_role("button", name=WELSH["save_language"]).click()
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    _check_page(page, URDU, direction="rtl")
    page.get_by_role("link", name="ہوم").click()
    expect(page.get_by_role("heading", name=URDU["news"])).to_be_visible()
    expect(page.locator(".status-now")).to_have_text(URDU["status"])
    _check_page(page, URDU, direction="rtl")
    _tab_reaches_quick_exit_second(page, URDU)

    # 6. Her messages in Urdu: her Welsh message and a new Urdu one each read
    #    in their own direction.
    page.get_by_role("link", name=URDU["messages"]).click()
    page.get_by_label(URDU["your_message"]).fill("کیا آپ جمعرات کو کال کر سکتی ہیں؟")
    page.get_by_role("button", name=URDU["send"]).click()
    expect(page.get_by_text(URDU["sent"])).to_be_visible()
    bodies = page.locator(".message p[dir=auto]")
    expect(bodies).to_have_count(2)
    directions = [bodies.nth(i).evaluate("e => getComputedStyle(e).direction") for i in range(2)]
    assert directions == ["ltr", "rtl"], directions  # Welsh reads left to right, Urdu right to left
    _check_page(page, URDU, direction="rtl")

    # 7. Quick exit in Urdu: the Shift announcements in Urdu, then a tap.
    _page_settled(page)
    page.locator("main").focus()
    page.keyboard.press("Shift")
    expect(page.locator("#leave-status")).to_have_text(URDU["shift_two"])
    page.get_by_role("link", name=URDU["leave"]).click()
    _left(page, weather)

    # 8. And once more: Esc twice, announced in Urdu; then Shift three times.
    _sign_in(page, site, "robin-garden")
    expect(page.get_by_role("heading", name=URDU["news"])).to_be_visible()
    _esc_twice(page, URDU, weather)
    _sign_in(page, site, "robin-garden")
    page.get_by_role("link", name=URDU["messages"]).click()
    _shift_three_times(page, URDU, weather)

    # What her worker sees: her language and that she wants an interpreter.
    robin.refresh_from_db()
    assert (robin.language, robin.needs_interpreter) == ("ur", True)
    assert Message.objects.filter(survivor=robin, from_survivor=True).count() == 2
    assert not Survivor.objects.filter(pk=robin.pk, language="cy").exists()
    assert page.outside_requests == [], page.outside_requests
