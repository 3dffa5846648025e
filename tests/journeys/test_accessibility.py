"""axe-core finds nothing against WCAG 2.2 AA (and its best practices) on any
page the project serves: every portal page in every language she can choose
(SPEC 4, SPEC 11), and every staff page of every staff role.

The pages come from the access matrix (``tests/access_matrix.py``): every GET
page a role is served is checked, so a new page is checked as soon as it has
its row there. Each person signs in once, in one browser, and walks through
her pages; every problem is collected, then reported at once, with the page,
the language and the axe rule.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from cms.models import InformationPage
from contacts import roles
from contacts.models import User
from survivors.models import (
    Alert,
    CheckPoint,
    InformationSession,
    OutcomeQuestion,
    ProgrammeItem,
    RiskAssessment,
)
from survivors.services import cover
from tests import access_matrix as matrix
from tests.conftest import World, build_world
from tests.factories import staff_user

from .steps import STAFF_PASSWORD, SURVIVOR_PASSPHRASE, StaffMember, staff_sign_in, survivor_sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("chromium-a"),  # browser tests in two runs, one Chromium in each
]

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
AREAS_OF_STAFF = ("staff/",)
NOT_PORTAL = ("staff/", "editor/", "ops/", "sms/", "files/")
# Staff roles and the matrix role whose pages each is served. The duty worker
# is a WSS worker (the matrix's second one) who is also on duty, so her cover
# pages come on top (no matrix role is on duty).
STAFF_ROLES = {
    "WSS worker": "wss_a",
    "duty worker": "wss_other",
    "programme worker": "programme",
    "comms staff": "comms",
    "service manager": "manager",
}
DUTY_PAGES = "staff/duty/"


def _axe(page: Page, where: str) -> list[str]:
    """axe's violations on the page now open, one line each."""
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{page.url} [{where}] {violation['id']}: {violation['help']} "
        f"{[node['target'] for node in violation['nodes']][:5]}"
        for violation in violations
    ]


def _open(page: Page, url: str) -> bool:
    """Open ``url``; False when it is not a page (a file download, plain text)."""
    try:
        response = page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return False
        raise
    content_type = response.headers.get("content-type", "") if response else ""
    return content_type.startswith("text/html")


def _ids(world: World) -> dict[str, int]:
    """Real ids for the matrix's example paths: survivor A's case and what is
    on it, the world's group, session and participant, another staff member."""
    return {
        "case_id": world.survivor_a.pk,
        "alert_id": Alert.objects.filter(survivor=world.survivor_a).first().pk,
        "assessment_id": RiskAssessment.objects.filter(survivor=world.survivor_a).first().pk,
        "item_id": ProgrammeItem.objects.filter(survivor=world.survivor_a).first().pk,
        "info_session_id": InformationSession.objects.first().pk,
        "session_id": world.session.pk,
        "group_id": world.group.pk,
        "participant_id": world.linked_participant.pk,
        "user_id": User.objects.get(username="axe-target").pk,
        # Outcomes, with her consent (SPEC 14): her due check-point.
        "check_point_id": CheckPoint.objects.get(survivor=world.survivor_a).pk,
    }


def _world_with_everything() -> World:
    """The small world, with something on every page: an alert, a report from
    the programme and an information session on survivor A's case, another
    staff account for the manager's screens; her worker is away today, so the
    duty worker covers her case."""
    from programme.services.casework import report_attach
    from survivors.services.events import programme_events_consume
    from survivors.services.info_sessions import info_session_create, invitation_send

    world = build_world()
    Alert.objects.create(survivor=world.survivor_a, kind=Alert.Kind.OTHER_REPLY, urgent=False)
    report_attach(
        actor=world.programme,
        participant=world.linked_participant,
        kind="assessment",
        text="He was assessed.\n\nHe starts in the new year.",
    )
    programme_events_consume()
    session = info_session_create(
        actor=world.manager,
        starts_at=timezone.now() + timedelta(days=7),
        place="Room 2, the library",
        capacity=10,
        programme_worker=world.programme,
    )
    invitation_send(actor=world.wss_a, session=session, survivor=world.survivor_a)
    staff_user(roles.WSS_WORKER, username="axe-target")
    # A due check-point of hers, with a question (SPEC 14): her worker's page
    # and her own show the questionnaire, and her home page links to it.
    OutcomeQuestion.objects.create(
        text={"en-gb": "How settled do you feel?", "cy": "Pa mor gartrefol ydych chi?"},
        scale_points=3,
        scale_labels={"en-gb": ["Not at all", "Some", "Completely"]},
    )
    world.survivor_a.outcomes_consent_at = timezone.now()
    world.survivor_a.outcomes_in_portal = True
    world.survivor_a.save(update_fields=["outcomes_consent_at", "outcomes_in_portal"])
    CheckPoint.objects.create(
        survivor=world.survivor_a, stage=CheckPoint.Stage.INTAKE, due_at=timezone.now()
    )
    world.wss_other.is_duty_worker = True
    world.wss_other.save()
    today = timezone.localdate()
    cover.absence_mark(
        actor=world.wss_a, worker=world.wss_a, starts_on=today, ends_on=today + timedelta(days=3)
    )
    return world


def _get_pages(
    role: str, ids: dict[str, int], *, under: tuple[str, ...] = (), on_duty: bool = False
) -> list[str]:
    """The example paths of every GET page the matrix serves ``role`` (with
    ``on_duty``, every GET page under ``under``: no matrix role is on duty)."""
    paths = []
    for route in matrix.iter_patterns():
        entry = matrix.entry_for(route)
        assert entry is not None, route  # tests/test_access_matrix.py says which
        served = on_duty or entry.expected[role] == matrix.OK
        if entry.method != "GET" or entry.logs_out or not served:
            continue
        if under and not route.startswith(under):
            continue
        if not under and route.startswith(NOT_PORTAL):
            continue
        paths.append(matrix.example_path(route, entry, ids))
    return paths


def _form_only(role: str, ids: dict[str, int]) -> str:
    """One portal address of ``role``'s that only takes a form (its 405 page)."""
    for route in matrix.iter_patterns():
        entry = matrix.entry_for(route)
        mine = entry is not None and entry.expected[role] == matrix.OK
        if mine and entry.method == "POST" and not route.startswith(NOT_PORTAL):
            return matrix.example_path(route, entry, ids)
    raise AssertionError(f"no form-only address for {role}")


def _attempts_to_lock_out() -> int:
    """Failed sign-ins before the lockout page (settings.AXES_FAILURE_LIMIT)."""
    return int(settings.AXES_FAILURE_LIMIT) + 1


def test_every_portal_page_in_every_language_has_no_axe_violations(site: str, open_browser) -> None:
    world = _world_with_everything()
    ids = _ids(world)
    information = [page.url for page in InformationPage.objects.live()]
    anonymous = _get_pages("anonymous", ids) + information
    hers = _get_pages("survivor_a", ids) + information
    languages = [code for code, _name in settings.LANGUAGES]
    problems: list[str] = []
    checked = 0

    def check(page: Page, path: str, language: str) -> None:
        nonlocal checked
        if _open(page, site + path):
            expect(page.locator("html")).to_have_attribute("lang", language)
            problems.extend(_axe(page, language))
            checked += 1

    # Before signing in: the language is the one chosen on the switch.
    visitor = open_browser(phone=True)
    visitor.goto(site + "/")
    for language in languages:
        if language != settings.LANGUAGE_CODE:
            visitor.locator(f".language-switch button[value='{language}']").click()
        expect(visitor.locator("html")).to_have_attribute("lang", language)
        for path in [*anonymous, "/no-such-page/", _form_only("anonymous", ids)]:
            check(visitor, path, language)
        # Her mistakes: a code that is not there, a passphrase that does not match.
        visitor.goto(site + "/start/")
        visitor.locator("main button[type=submit]").click()
        expect(visitor.locator(".error-summary")).to_be_visible()
        problems += _axe(visitor, language)
        # Asking to be called (SPEC 13) without a number.
        visitor.goto(site + "/get-in-touch/")
        visitor.locator("main button[type=submit]").click()
        expect(visitor.locator(".error-summary")).to_be_visible()
        problems += _axe(visitor, f"{language}, get-in-touch error")
        for attempt in range(_attempts_to_lock_out()):
            visitor.goto(site + "/")
            visitor.fill("#id_username", f"nobody-{language}")
            visitor.fill("#id_passphrase", "wrong passphrase")
            visitor.locator("main button[type=submit]").click()
            expect(visitor.locator("main .error")).to_be_visible()
            if attempt == 0:
                problems += _axe(visitor, f"{language}, sign-in error")
        problems += _axe(visitor, f"{language}, too many attempts")
        checked += 4
        visitor.goto(site + "/")

    # Signed in: the language is the one she keeps in her settings.
    her = open_browser(phone=True)
    survivor_sign_in(her, site, world.survivor_a.user.username, SURVIVOR_PASSPHRASE)
    for language in languages:
        her.goto(site + "/settings/")
        her.locator(f"input[name=language][value='{language}']").check()
        her.locator("main form[action='/language/'] button[type=submit]").click()
        expect(her.locator("html")).to_have_attribute("lang", language)
        for path in [*hers, "/no-such-page/", _form_only("survivor_a", ids)]:
            check(her, path, language)
        her.goto(site + "/settings/")
        her.fill("#id_safe_phone", "12")
        # Her contact settings' form (the outcomes choice below it is a form of its own).
        her.locator("main form[action='/settings/']").filter(
            has=her.locator("#id_safe_phone")
        ).locator("button[type=submit]").click()
        expect(her.locator(".error-summary")).to_be_visible()
        problems += _axe(her, f"{language}, settings error")
        checked += 1

    print(f"axe: {checked} portal pages × languages checked")
    assert problems == [], "\n".join(problems)


@pytest.mark.xdist_group("chromium-b")  # the other run of browser tests: they take minutes each
def test_every_staff_page_of_every_role_has_no_axe_violations(site: str, open_browser) -> None:
    world = _world_with_everything()
    ids = _ids(world)
    problems: list[str] = []
    checked = 0

    # Signing in: the password page, a wrong password, the code page, a wrong
    # code; a new member of staff setting up her authenticator.
    page = open_browser()
    page.goto(site + "/staff/login/")
    problems += _axe(page, "signing in")
    page.get_by_label("Username").fill(world.wss_a.username)
    page.get_by_label("Password").fill("not her password")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main .error, main [role=alert]").first).to_be_visible()
    problems += _axe(page, "signing in, wrong password")
    page.get_by_label("Username").fill(world.no_otp.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    problems += _axe(page, "setting up an authenticator")
    checked += 3
    page.context.clear_cookies()

    for role, matrix_role in STAFF_ROLES.items():
        person = StaffMember.of(getattr(world, matrix_role))
        page = open_browser()
        if role == "WSS worker":
            page.goto(site + "/staff/login/")
            page.get_by_label("Username").fill(person.username)
            page.get_by_label("Password").fill(person.password)
            page.get_by_role("button", name="Continue").click()
            expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
            problems += _axe(page, "signing in, the code")
            code = page.get_by_label("6-digit code from your authenticator app")
            code.fill("12345")
            page.get_by_role("button", name="Verify").click()
            expect(page.locator("main .error, main [role=alert]").first).to_be_visible()
            problems += _axe(page, "signing in, a wrong code")
            checked += 2
            code.fill(person.code())
            page.get_by_role("button", name="Verify").click()
            expect(page.get_by_role("heading", name="Enter your code")).to_have_count(0)
        else:
            staff_sign_in(page, site, person)
        paths = _get_pages(matrix_role, ids, under=AREAS_OF_STAFF)
        if role == "duty worker":
            paths += _get_pages(matrix_role, ids, under=(DUTY_PAGES,), on_duty=True)
        # Wagtail's editor: its front door. axe finds nothing there; the pages
        # past it are Wagtail's own, which the project does not write.
        if matrix.PREFIX_TABLE["editor/"].expected[matrix_role] == matrix.DELEGATED:
            paths += list(matrix.FRONT_DOORS.values())
        if role == "WSS worker":
            # The staff 404 page, and the 405 page of an address that only takes a form.
            paths += ["/staff/no-such-page/", f"/staff/cases/{ids['case_id']}/contacts/"]
        for path in dict.fromkeys(paths):
            if _open(page, site + path):
                problems += _axe(page, role)
                checked += 1
        if role == "WSS worker":
            # The activation code, shown once in answer to a form (no GET page).
            page.goto(site + f"/staff/cases/{ids['case_id']}/")
            page.get_by_role("button", name="Issue a new activation code").click()
            expect(page.get_by_role("heading", name="Activation code for case")).to_be_visible()
            problems += _axe(page, role)
            checked += 1

    print(f"axe: {checked} staff pages × roles checked")
    assert problems == [], "\n".join(problems)
