"""Quick exit, history hygiene and accessibility in real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.sessions.models import Session
from playwright.sync_api import Browser, Page

from programme.models import Attendance, AttendanceMark
from programme.services import records
from survivors.models import Alert
from survivors.services.second_passphrase import duress_passphrase_set

from ..journeys.steps import survivor_sign_in
from .browser import navigation_entries, neutral_destination, new_context

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group(
        "chromium-a"
    ),  # browser tests in two runs, one Chromium in each process
]

PASSPHRASE = "a long passphrase 42"  # tests.factories.survivor_account's default


@pytest.fixture
def browser(chromium_browser: Browser) -> Browser:
    # The shared Chromium (tests/conftest.py): started once for this file's run
    # of tests, after the database is set up, and stopped before the next test
    # that does not use it; every test gets its own context from ``page``.
    return chromium_browser


@pytest.fixture
def destination(pages) -> Iterator[str]:
    """Comms staff's quick-exit destination, pointed at a local stand-in."""
    from wagtail.models import Site

    from cms.models import BrandingSettings

    with neutral_destination() as url:
        branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
        branding.quick_exit_url = url
        branding.save()
        yield url


@pytest.fixture
def site(world, pages, destination, live_server) -> str:
    Attendance.objects.create(
        session=world.session,
        participant=world.linked_participant,
        mark=AttendanceMark.ATTENDED,
        recorded_by=world.programme,
    )
    records.status_change_record(
        actor=world.programme,
        participant=world.linked_participant,
        status="attending",
        reason="Started the group",
    )
    return live_server.url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser)
    page = context.new_page()
    yield page
    context.close()


def _session_key(page: Page) -> str:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies["sessionid"]


def _assert_left(page: Page, base: str, session_key: str | None) -> None:
    page.wait_for_url("http://127.0.0.1:*/weather")
    assert "Weather forecast" in page.content()
    if session_key is not None:
        assert not Session.objects.filter(session_key=session_key).exists()
    entries = navigation_entries(page)
    assert not [url for url in entries if url.startswith(base)], entries
    assert page.evaluate("history.length") == len(entries)
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.startswith(base)
    assert "Latest news" not in page.content()


def test_clicking_leave_cloaks_then_lands_on_the_destination_with_no_portal_history(
    page: Page, site: str, world
) -> None:
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    page.click("a[href='/settings/']")
    page.wait_for_selector("h1:has-text('Contact settings')")
    key = _session_key(page)
    page.click("#leave")
    _assert_left(page, site, key)


def test_shift_three_times_leaves(page: Page, site: str, world) -> None:
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    key = _session_key(page)
    page.keyboard.press("Shift")
    assert page.text_content("#leave-status") == "Shift, press 2 more times to leave this site."
    page.keyboard.press("ShiftRight")  # left and right Shift alike
    assert page.text_content("#leave-status") == "Shift, press 1 more time to leave this site."
    page.keyboard.press("Shift")
    _assert_left(page, site, key)


def test_escape_twice_leaves_but_not_while_typing(page: Page, site: str, world) -> None:
    page.goto(site + "/")
    page.focus("#id_username")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url.startswith(site)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Escape")
    assert page.text_content("#leave-status") == "Esc, press 1 more time to leave this site."
    page.keyboard.press("Escape")
    _assert_left(page, site, None)


def test_escape_in_a_dialog_does_not_leave(page: Page, site: str) -> None:
    page.goto(site + "/")
    page.evaluate(
        "() => { const d = document.createElement('dialog'); d.innerHTML = '<p>Hi</p>';"
        " document.body.appendChild(d); d.showModal(); }"
    )
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url.startswith(site)


def test_escape_presses_too_far_apart_do_not_leave(page: Page, site: str) -> None:
    page.goto(site + "/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url.startswith(site)


def test_shift_used_for_capital_letters_does_not_leave(page: Page, site: str) -> None:
    page.goto(site + "/")
    page.focus("#id_username")
    for letter in "ABC":
        page.keyboard.press(f"Shift+{letter}")
    # Shift pressed, a capital typed while it is held, Shift released last.
    page.keyboard.down("Shift")
    page.keyboard.press("D")
    page.keyboard.up("Shift")
    page.keyboard.press("Shift")  # one plain press after them: count restarts at 1
    page.wait_for_timeout(300)
    assert page.url.startswith(site)
    assert page.input_value("#id_username") == "ABCD"


def test_shift_presses_expire_after_five_seconds(page: Page, site: str) -> None:
    # The page's clock is Playwright's (its timers and Date), moved on 5.3 s at
    # once: the same page script, without five real seconds of waiting.
    page.clock.install()
    page.goto(site + "/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.clock.run_for(5300)
    assert page.text_content("#leave-status") == "Leave this site expired."
    page.keyboard.press("Shift")
    page.clock.run_for(300)  # the leave timers would have fired by now
    page.wait_for_timeout(300)
    assert page.url.startswith(site)


def test_leave_link_works_without_javascript(browser: Browser, site: str, world) -> None:
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site + "/")
        page.fill("#id_username", world.survivor_a.user.username)
        page.fill("#id_passphrase", PASSPHRASE)
        page.click("main button[type=submit]")
        page.wait_for_selector("h1:has-text('Latest news')")
        key = _session_key(page)
        page.click("#leave")
        page.wait_for_url("http://127.0.0.1:*/weather")
        assert not Session.objects.filter(session_key=key).exists()
        page.goto(site + "/settings/")
        assert page.url == site + "/"  # signed out: back to sign-in
    finally:
        context.close()


def test_pageshow_removes_the_cloak(page: Page, site: str) -> None:
    page.goto(site + "/pages/")
    page.evaluate(
        "() => { document.documentElement.classList.add('leaving'); document.title = '';"
        " const o = document.createElement('div'); o.className = 'exit-overlay';"
        " document.body.appendChild(o); }"
    )
    assert page.evaluate("document.documentElement.classList.contains('leaving')")
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert not page.evaluate("document.documentElement.classList.contains('leaving')")
    assert page.evaluate("document.querySelectorAll('.exit-overlay').length") == 0
    assert page.title() == "Garden Club"


def test_a_visit_leaves_one_history_entry(page: Page, site: str, world) -> None:
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    page.click("a[href='/settings/']")
    page.wait_for_selector("h1:has-text('Contact settings')")
    page.fill("#id_safe_phone", "07700 900456")
    page.fill("#id_current_passphrase", PASSPHRASE)
    page.click("form[action='/settings/'] button[type=submit]")
    page.wait_for_selector("text=Saved.")
    page.click("nav >> text=Information")
    page.wait_for_selector("a[href='/pages/helplines/']")
    page.click("a[href='/pages/helplines/']")
    page.wait_for_selector("text=0808 2000 247")
    entries = navigation_entries(page)
    portal = [url for url in entries if url.startswith(site)]
    assert len(portal) == 1, entries
    assert page.evaluate("history.length") == len(entries)
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.safe_phone == "+447700900456"


def test_form_errors_are_shown_in_place_and_focused(page: Page, site: str, world) -> None:
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    page.click("nav >> text=Contact settings")
    page.wait_for_selector("h1:has-text('Contact settings')")
    page.fill("#id_safe_phone", "not a number")
    page.click("form[action='/settings/'] button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert "Enter a phone number" in page.text_content(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert len([u for u in navigation_entries(page) if u.startswith(site)]) == 1


def test_wrong_passphrase_then_duress_sign_in(page: Page, site: str, world) -> None:
    survivor = world.survivor_a
    duress_passphrase_set(
        survivor=survivor, passphrase="blue kettle morning", current_passphrase=PASSPHRASE
    )
    page.goto(site + "/")
    page.fill("#id_username", survivor.user.username)
    page.fill("#id_passphrase", "not the right one at all")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=did not match")
    page.fill("#id_username", survivor.user.username)
    page.fill("#id_passphrase", "blue kettle morning")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Latest news')")
    assert "There is nothing to show here yet." in page.content()
    assert "Attending" not in page.content()
    assert Alert.objects.filter(survivor=survivor, kind="duress", urgent=True).count() == 1


def _axe(page: Page) -> list[str]:
    """axe-core's violations on this page, plus two phone checks: readable at
    320 px without sideways scrolling, and the leave button in view at the top."""
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        problems.append(f"{page.url} scrolls sideways at 320 px ({width} px wide)")
    box = page.locator("#leave").bounding_box()
    if box is None or box["y"] < 0 or box["y"] + box["height"] > 640:
        problems.append(f"{page.url} leave button not in view: {box}")
    results = Axe().run(page)
    return problems + [
        f"{page.url} {violation['id']}: {violation['help']} "
        f"({[n['target'] for n in violation['nodes']]})"
        for violation in results.response["violations"]
    ]


def test_axe_finds_no_violations_on_any_portal_page(page: Page, site: str, world) -> None:
    from cms.models import InformationPage

    problems: list[str] = []
    outside: list[str] = page.context.outside_requests  # type: ignore[attr-defined]
    page.set_viewport_size({"width": 320, "height": 640})
    anonymous = ["/", "/start/", "/pages/", "/get-in-touch/", "/get-in-touch/thanks/"]
    anonymous += [p.url for p in InformationPage.objects.live()]
    for path in anonymous:
        page.goto(site + path)
        problems += _axe(page)
    # Pages with errors on them.
    page.goto(site + "/start/")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    problems += _axe(page)
    page.goto(site + "/")
    page.fill("#id_username", "nobody-here")
    page.fill("#id_passphrase", "wrong passphrase")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=did not match")
    problems += _axe(page)
    # Signed in.
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    problems += _axe(page)
    for path in ["/settings/", "/settings/second-passphrase/", "/messages/"]:
        page.goto(site + path)
        problems += _axe(page)
    page.goto(site + "/settings/")
    page.fill("#id_safe_phone", "12")
    page.click("form[action='/settings/'] button[type=submit]")
    page.wait_for_selector(".error-summary")
    problems += _axe(page)
    # The calm empty state (survivor B is linked to nobody once unlinked).
    world.survivor_b.participant = None
    world.survivor_b.save()
    page.context.clear_cookies()
    survivor_sign_in(page, site, world.survivor_b.user.username, PASSPHRASE)
    problems += _axe(page)
    # The lockout page.
    page.context.clear_cookies()
    for _ in range(6):
        page.goto(site + "/")
        page.fill("#id_username", "locked-name")
        page.fill("#id_passphrase", "wrong passphrase")
        page.click("main button[type=submit]")
        page.wait_for_selector(".error")
    assert "Too many attempts" in page.content()
    problems += _axe(page)
    assert problems == []
    assert outside == []


def test_sign_out_ends_the_session_and_she_can_sign_in_again(page: Page, site: str, world) -> None:
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    key = _session_key(page)
    page.click("nav >> text=Sign out")
    page.wait_for_selector("h1:has-text('Sign in')")
    assert not Session.objects.filter(session_key=key).exists()
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    assert "His current status" in page.content()


def test_tabbing_backwards_never_hides_the_focused_control_under_the_leave_bar(
    page: Page,
    site: str,
    world,
) -> None:
    """WCAG 2.2 SC 2.4.11 (focus not obscured): at 360×640, Shift+Tab up the
    settings page left "Pause all contact" under the sticky leave bar."""
    survivor_sign_in(page, site, world.survivor_a.user.username, PASSPHRASE)
    page.goto(site + "/settings/")
    page.locator("button:has-text('Save settings')").focus()
    seen = []
    for _ in range(80):
        page.keyboard.press("Shift+Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const box = el.getBoundingClientRect();
                const bar = document.querySelector('.leave-bar').getBoundingClientRect();
                return {text: el.textContent.trim() || el.name, top: box.top, barBottom: bar.bottom,
                        inBar: !!el.closest('.leave-bar'), bottom: box.bottom};
            }"""
        )
        if focused["inBar"]:
            break
        seen.append(focused["text"])
        # Every control reached backwards is wholly below the bar and on screen.
        assert focused["top"] >= focused["barBottom"], focused
        assert focused["bottom"] <= 640, focused
    assert "Pause all contact" in seen
