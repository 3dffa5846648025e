"""Her status page, her settings page, and what every portal page promises:
neutral titles, no-store, strict CSP, no inline code, her data only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from contacts.discretion import discretion_words_in
from contacts.models import AuditEvent
from programme.models import Attendance, AttendanceMark
from programme.services import records
from survivors.models import SafeContactWindow

from ..conftest import sign_in
from ..factories import ParticipantFactory, ProgrammeSessionFactory

PORTAL_PATHS_SIGNED_IN = ["/", "/settings/", "/settings/second-passphrase/", "/your-views/"]
PORTAL_PATHS_ANONYMOUS = ["/", "/start/", "/pages/", "/get-in-touch/", "/get-in-touch/thanks/"]


def _with_history(world, *, sessions: int = 10, status: str = "suspended") -> None:
    marks = [AttendanceMark.ATTENDED, AttendanceMark.LATE, AttendanceMark.MISSED]
    marks.append(AttendanceMark.EXCUSED)
    for week in range(sessions):
        session = ProgrammeSessionFactory.create(
            group=world.group, starts_at=timezone.now() - timedelta(weeks=week + 1)
        )
        Attendance.objects.create(
            session=session,
            participant=world.linked_participant,
            mark=marks[week % 4],
            recorded_by=world.programme,
        )
    records.status_change_record(
        actor=world.programme,
        participant=world.linked_participant,
        status=status,
        reason="Missed two sessions in a row",
    )


def test_status_page_shows_his_status_history_and_explanation(world, pages) -> None:
    _with_history(world)
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "Suspended: he cannot go to sessions for now" in body
    assert f"Since {timezone.localtime().strftime('%-d %B %Y')}" in body
    assert "Missed two sessions in a row" in body
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td></tr>", body)
    assert len(rows) == 8  # the last 8 sessions, newest first
    assert [mark for _, mark in rows[:4]] == [
        "Attended",
        "Attended, arrived late",
        "Missed",
        "Missed, with a reason accepted",
    ]
    assert "What “suspended” can mean for you" in body  # CMS content
    assert 'href="/pages/making-a-plan/"' in body
    assert "not a promise of change" in body and "best judge" in body


def test_status_page_shows_the_next_session_while_he_is_attending(world, pages) -> None:
    upcoming = ProgrammeSessionFactory.create(
        group=world.group, starts_at=timezone.now() + timedelta(days=3)
    )
    _with_history(world, status="attending")
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "Next session" in body
    assert timezone.localtime(upcoming.starts_at).strftime("%-d %B %Y") in body


@pytest.mark.parametrize(
    ("status", "instead"),
    [
        ("suspended", "not expected at group sessions while he is suspended"),
        ("dropped_out", "no longer expected at group sessions"),
        ("completed", "there are no more sessions for him"),
        ("order_breached", "not expected at group sessions at the moment"),
    ],
)
def test_no_next_session_when_he_is_not_expected_there(world, pages, status, instead) -> None:
    """SPEC 4 (the next session): after "suspended" her page still said "Next session: …"."""
    upcoming = ProgrammeSessionFactory.create(
        group=world.group, starts_at=timezone.now() + timedelta(days=3)
    )
    _with_history(world, status=status)
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "Next session" not in body
    assert timezone.localtime(upcoming.starts_at).strftime("%-d %B %Y") not in body
    assert instead in body


def test_a_mark_for_a_session_not_yet_started_is_never_shown_to_her(world, pages) -> None:
    """SPEC 4 (recent attendance): she saw "Attended" for a session that had not happened."""
    _with_history(world, sessions=2, status="attending")
    upcoming = ProgrammeSessionFactory.create(
        group=world.group, starts_at=timezone.now() + timedelta(days=3)
    )
    # Written straight to the table, as the old register (now refused) could.
    Attendance.objects.create(
        session=upcoming,
        participant=world.linked_participant,
        mark=AttendanceMark.ATTENDED,
        recorded_by=world.programme,
    )
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td></tr>", body)
    assert len(rows) == 2
    assert timezone.localtime(upcoming.starts_at).strftime("%a %-d %b %Y") not in [
        day for day, _ in rows
    ]


def test_status_explanations_are_comms_content(world, pages) -> None:
    from cms.models import StatusExplanation

    StatusExplanation.objects.filter(status="referred").update(heading="Edited by comms")
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "Edited by comms" in body


def test_not_linked_yet_shows_a_calm_empty_state(world) -> None:
    world.survivor_b.participant = None
    world.survivor_b.save()
    body = sign_in(Client(), world.survivor_b.user).get("/").content.decode()
    assert "There is nothing to show here yet." in body
    assert "His current status" not in body


def test_each_survivor_sees_only_her_own_man_and_her_own_settings(world) -> None:
    other_man = ParticipantFactory.create(reference="P-7999", group=world.group)
    records.status_change_record(
        actor=world.programme, participant=other_man, status="completed", reason="Finished"
    )
    world.survivor_b.participant = other_man
    world.survivor_b.save()
    records.status_change_record(
        actor=world.programme,
        participant=world.linked_participant,
        status="dropped_out",
        reason="Stopped coming",
    )
    a = sign_in(Client(), world.survivor_a.user)
    b = sign_in(Client(), world.survivor_b.user)
    home_a, home_b = a.get("/").content.decode(), b.get("/").content.decode()
    assert "Stopped going" in home_a and "Finished the course" not in home_a
    assert "Finished the course" in home_b and "Stopped going" not in home_b
    settings_b = b.get("/settings/").content.decode()
    assert world.survivor_a.code_word not in settings_b
    assert "900987" not in settings_b
    assert world.survivor_a.code_word in a.get("/settings/").content.decode()
    # Her pages carry no ids, so there is nothing of A's that B could ask for.
    for path in PORTAL_PATHS_SIGNED_IN:
        assert str(world.survivor_a.pk) not in re.findall(r'href="([^"]+)"', home_b)
        assert world.survivor_a.user.username not in b.get(path).content.decode()


@pytest.mark.parametrize("role", ["wss_a", "manager", "programme", "comms"])
def test_staff_never_see_her_portal_pages(world, role: str) -> None:
    client = sign_in(Client(), getattr(world, role))
    for path in ["/settings/", "/settings/second-passphrase/"]:
        assert client.get(path)["Location"] == "/"
    assert client.post("/settings/pause/", {"paused": "1"})["Location"] == "/"
    body = client.get("/").content.decode()
    assert "Sign in" in body and "His current status" not in body
    world.survivor_a.refresh_from_db()
    assert not world.survivor_a.contact_paused


def _portal_responses(world) -> list:
    from cms.models import InformationPage

    anonymous = Client()
    survivor = sign_in(Client(), world.survivor_a.user)
    responses = [anonymous.get(path) for path in PORTAL_PATHS_ANONYMOUS]
    responses += [anonymous.get(page.url) for page in InformationPage.objects.live()]
    responses += [survivor.get(path) for path in PORTAL_PATHS_SIGNED_IN]
    responses.append(anonymous.post("/", {"username": "x", "passphrase": "y"}))
    return responses


def test_every_portal_page_is_neutral_private_and_free_of_inline_code(world, pages) -> None:
    for response in _portal_responses(world):
        assert response.status_code in (200, 400), response
        body = response.content.decode()
        titles = re.findall(r"<title>(.*?)</title>", body, re.S)
        assert titles == ["Garden Club"]
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "same-origin"
        assert 'name="referrer"' not in body  # one header, no per-template workaround
        csp = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in csp
        assert "unsafe-inline" not in csp
        assert not re.search(r"<script(?![^>]*\bsrc=)", body)  # no inline script
        assert "<style" not in body and " style=" not in body
        assert not re.search(r"\son[a-z]+=", body)  # no inline handlers
        resources = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', body)
        assert all(url.startswith("/") and not url.startswith("//") for url in resources)
        # The quick-exit link: first after the skip link, a real nofollow link.
        links = re.findall(r"<a [^>]*>", body)
        assert 'class="skip-link"' in links[0]
        assert 'id="leave"' in links[1] and 'href="/leave/"' in links[1]
        assert 'rel="nofollow noreferrer"' in links[1]


def test_no_portal_address_or_static_file_name_says_what_the_site_is(world, pages) -> None:
    from django.urls import get_resolver

    from cms.models import InformationPage
    from tests.access_matrix import iter_patterns

    names = [route.lower() for route in iter_patterns(get_resolver())]
    names += [page.url.lower() for page in InformationPage.objects.live()]
    static = re.findall(r'/static/[^"]+', _portal_responses(world)[0].content.decode())
    names += [name.lower() for name in static]
    for name in names:
        if name.startswith(("editor/", "ops/")):
            continue  # the admins' own routes (behind staff sign-in and TOTP)
        assert discretion_words_in(name) == [], name  # the one list (DISCRETION_WORDS)


def test_site_name_and_colour_come_from_the_branding_settings(world, pages) -> None:
    from wagtail.models import Site

    from cms.models import BrandingSettings

    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    branding.site_name = "Rose Tea Room"
    branding.primary_colour = "#1d4f91"
    branding.favicon = "sun"
    branding.save()
    body = sign_in(Client(), world.survivor_a.user).get("/").content.decode()
    assert "<title>Rose Tea Room</title>" in body
    assert 'class="portal theme-1d4f91"' in body
    assert "/static/portal/icon-sun.svg" in body
    article = Client().get("/pages/helplines/").content.decode()
    assert "<title>Rose Tea Room</title>" in article


# --- Safe-contact settings ----------------------------------------------------------


def _settings_form(**overrides: str) -> dict[str, str]:
    data = {
        "safe_phone": "07911 123456",
        "voicemail_safe": "on",
        "code_word": "bluebell",
        "current_passphrase": "a long passphrase 42",
        "window-TOTAL_FORMS": "3",
        "window-INITIAL_FORMS": "0",
        "window-0-weekday": "0",
        "window-0-starts_at": "09:00",
        "window-0-ends_at": "10:00",
        "window-1-weekday": "0",
        "window-1-starts_at": "18:30",
        "window-1-ends_at": "19:00",
        "window-2-weekday": "",
        "window-2-starts_at": "",
        "window-2-ends_at": "",
    }
    data.update(overrides)
    return data


def test_she_saves_her_safe_contact_settings_and_sees_them_confirmed(world) -> None:
    client = sign_in(Client(), world.survivor_b.user)
    response = client.post("/settings/", _settings_form(), follow=True)
    body = response.content.decode()
    assert "Saved. Your worker will follow these settings." in body
    assert 'value="+447911123456"' in body and 'value="bluebell"' in body
    survivor = world.survivor_b
    survivor.refresh_from_db()
    assert survivor.safe_phone == "+447911123456" and survivor.voicemail_safe
    assert SafeContactWindow.objects.filter(survivor=survivor, weekday=0).count() == 2
    assert AuditEvent.objects.filter(
        action="safe_contact.update", survivor_id=survivor.pk, actor=survivor.user
    ).exists()
    # Removing one window.
    data = _settings_form(**{"window-TOTAL_FORMS": "4", "window-INITIAL_FORMS": "2"})
    data.update(
        {
            "window-0-DELETE": "on",
            "window-3-weekday": "",
            "window-3-starts_at": "",
            "window-3-ends_at": "",
        }
    )
    client.post("/settings/", data)
    assert SafeContactWindow.objects.filter(survivor=survivor).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"safe_phone": "12345"}, "Enter a phone number"),
        ({"window-0-ends_at": "08:00"}, "The end time must be after the start time."),
        ({"window-0-weekday": ""}, "Fill in the day, the start time and the end time."),
        ({"window-0-starts_at": "9 o'clock"}, "Enter a time, like 09:30 or 18:00."),
    ],
)
def test_bad_settings_are_explained_and_nothing_is_saved(world, overrides, message) -> None:
    client = sign_in(Client(), world.survivor_b.user)
    response = client.post("/settings/", _settings_form(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    world.survivor_b.refresh_from_db()
    assert world.survivor_b.safe_phone == ""
    assert not SafeContactWindow.objects.filter(survivor=world.survivor_b).exists()


def test_one_tap_pause_and_resume(world) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    body = client.post("/settings/pause/", {"paused": "1"}, follow=True).content.decode()
    assert "All contact is paused. Nobody will call or text you." in body
    assert "Start contact again" in body
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.contact_paused
    body = client.post("/settings/pause/", {"paused": "0"}, follow=True).content.decode()
    assert "Contact has started again" in body
    world.survivor_a.refresh_from_db()
    assert not world.survivor_a.contact_paused
    assert AuditEvent.objects.filter(action="safe_contact.pause").count() == 1


def test_she_sets_and_removes_a_second_passphrase(world) -> None:
    client = sign_in(Client(), world.survivor_a.user)
    wrong = client.post(
        "/settings/second-passphrase/",
        {"current_passphrase": "nope nope nope", "second_passphrase": "blue kettle morning"},
    )
    assert wrong.status_code == 400
    assert "That is not your current passphrase." in wrong.content.decode()
    ok = client.post(
        "/settings/second-passphrase/",
        {"current_passphrase": "a long passphrase 42", "second_passphrase": "blue kettle morning"},
        follow=True,
    )
    assert "Your second passphrase is saved." in ok.content.decode()
    assert "You have a second passphrase." in ok.content.decode()
    # Removing it needs her usual passphrase (SPEC 4, duress): one tap is not enough.
    for attempt in ({}, {"remove-current_passphrase": "blue kettle morning"}):
        refused = client.post("/settings/second-passphrase/", {"remove": "1", **attempt})
        assert refused.status_code == 400
        world.survivor_a.refresh_from_db()
        assert world.survivor_a.duress_passphrase
    assert "That is not your current passphrase." in refused.content.decode()
    removed = client.post(
        "/settings/second-passphrase/",
        {"remove": "1", "remove-current_passphrase": "a long passphrase 42"},
        follow=True,
    )
    assert "Your second passphrase is removed." in removed.content.decode()
    world.survivor_a.refresh_from_db()
    assert world.survivor_a.duress_passphrase == ""


def _described_by_problems(body: str) -> list[str]:
    """Every id a field's aria-describedby names must be on the page, and a field
    marked invalid must point at an element holding its error text."""
    problems = []
    ids = set(re.findall(r'\sid="([^"]+)"', body))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", body):
        described = re.search(r'aria-describedby="([^"]+)"', tag)
        named = described.group(1).split() if described else []
        problems += [f"{name} missing" for name in named if name not in ids]
        if 'aria-invalid="true"' in tag:
            errors = [name for name in named if name.endswith("_error") and name in ids]
            if not errors:
                problems.append(f"no error linked: {tag}")
            for name in errors:
                text = re.search(rf'id="{name}"[^>]*>(.*?)</div>', body, re.S).group(1)
                if not re.sub(r"<[^>]+>", "", text).strip():
                    problems.append(f"{name} is empty")
    return problems


def test_each_field_error_is_linked_to_its_field(world) -> None:
    """WCAG 2.2 SC 3.3.1 (error identification): Django names "id_X_error"; the
    template said "id_X-error"."""
    client = sign_in(Client(), world.survivor_b.user)
    response = client.post(
        "/settings/",
        _settings_form(
            safe_phone="not a number",
            **{"window-0-starts_at": "25:99", "window-1-weekday": "9"},
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_safe_phone_helptext id_safe_phone_error"' in body
    assert '<div id="id_safe_phone_error"><p class="error">Enter a phone number' in body
    assert _described_by_problems(body) == []
    activation = Client().post("/start/", {"code": "", "username": "", "passphrase": "x"})
    activation_body = activation.content.decode()
    assert 'aria-invalid="true"' in activation_body
    assert _described_by_problems(activation_body) == []


def test_a_forged_request_for_a_thousand_safe_times_gets_a_clear_error(world) -> None:
    """Her settings form has at most 21 safe times; a forged management form
    asking for 1,000 rows is refused with a message and renders 21 rows, not 1,000."""
    client = sign_in(Client(), world.survivor_a.user)
    response = client.post(
        "/settings/",
        {
            "safe_phone": "",
            "code_word": "",
            "window-TOTAL_FORMS": "1000",
            "window-INITIAL_FORMS": "0",
            "window-MIN_NUM_FORMS": "0",
            "window-MAX_NUM_FORMS": "21",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Please submit at most 21 forms." in body
    assert body.count('name="window-') <= 21 * 4 + 4
