"""The decoy behind her second ("duress") passphrase must behave exactly like an
ordinary account for whoever holds the phone (SPEC 4, sign-in).

One sequence of actions runs in two sessions, step by step: a normal session of
a new, empty account, and a session of a real account (his status, messages,
settings, a second passphrase) signed in with her second passphrase. Every
response is compared: status, headers, cookies and body, after masking CSRF
tokens, cookie values and message times. Then the real side is checked:
nothing of hers changed, her worker was alerted once and sees the message
marked, and the new account's own changes raised their quiet alerts (item 4).
"""

from __future__ import annotations

import re
from datetime import time, timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from programme.services.casework import report_attach
from survivors.models import Alert, Message, ProgrammeItem, SafeContactWindow
from survivors.services import cases as cases_services
from survivors.services.events import programme_events_consume
from survivors.services.info_sessions import info_session_create, invitation_send
from survivors.services.programme_items import programme_item_show_in_portal
from survivors.services.safe_contact import Window, safe_contact_update
from survivors.services.second_passphrase import duress_passphrase_set

from ..conftest import without_csrf_token
from ..factories import survivor_account
from ..figures import record

USUAL = "a long passphrase 42"
SECOND = "blue kettle morning"  # her second passphrase, and the new account's usual one
NEW_SECOND = "seven orange lanterns"
OTHER_SECOND = "quiet river pebbles"

MASKED_COOKIES = {"sessionid", "csrftoken"}
# Headers that carry a time or a length (the bodies are compared instead).
UNCOMPARED_HEADERS = {"date", "expires", "content-length"}


def _settings_form(**fields: str) -> dict[str, str]:
    return {
        "safe_phone": "",
        "code_word": "",
        "current_passphrase": SECOND,
        "window-TOTAL_FORMS": "2",
        "window-INITIAL_FORMS": "0",
        "window-MIN_NUM_FORMS": "0",
        "window-MAX_NUM_FORMS": "21",
        **fields,
    }


def _steps(username: str, invitation: str = "0") -> list[tuple[str, str, dict[str, str] | None]]:
    second = "/settings/second-passphrase/"
    return [
        ("POST", "/", {"username": username, "passphrase": SECOND}),
        ("GET", "/", None),
        ("GET", "/messages/", None),
        ("GET", "/notes/", None),  # a report her worker shared with her (SPEC 10): not shown
        # ...nor her invitation to an information session, which cannot be answered.
        ("POST", "/notes/", {"invitation": invitation, "answer": "yes"}),
        ("GET", "/notes/", None),
        ("POST", "/messages/", {"body": "   "}),
        ("POST", "/messages/", {"body": "Everything is fine, please stop calling."}),
        ("GET", "/messages/", None),
        ("POST", "/messages/", {"body": "A second one."}),
        ("GET", "/messages/", None),
        ("POST", "/messages/clear/", {}),
        ("GET", "/messages/", None),
        ("GET", "/settings/", None),
        ("POST", "/settings/", _settings_form(safe_phone="not a number")),
        ("POST", "/settings/", _settings_form(safe_phone="07700 900444", current_passphrase="")),
        (
            "POST",
            "/settings/",
            _settings_form(safe_phone="07700 900444", current_passphrase="not it at all"),
        ),
        (
            "POST",
            "/settings/",
            _settings_form(
                **{
                    "safe_phone": "07700 900444",
                    "code_word": "teapot",
                    "voicemail_safe": "on",
                    "window-0-weekday": "2",
                    "window-0-starts_at": "10:00",
                    "window-0-ends_at": "11:30",
                    "window-1-weekday": "0",
                    "window-1-starts_at": "09:00",
                    "window-1-ends_at": "09:30",
                }
            ),
        ),
        ("GET", "/settings/", None),
        ("POST", "/settings/pause/", {"paused": "1"}),
        ("GET", "/settings/", None),
        ("POST", "/settings/pause/", {"paused": "0"}),
        ("GET", "/settings/", None),
        ("GET", second, None),
        ("POST", second, {"current_passphrase": "not it at all", "second_passphrase": NEW_SECOND}),
        ("POST", second, {"current_passphrase": SECOND, "second_passphrase": SECOND}),
        ("POST", second, {"current_passphrase": SECOND, "second_passphrase": "short"}),
        ("POST", second, {"current_passphrase": SECOND, "second_passphrase": NEW_SECOND}),
        ("GET", "/settings/", None),
        ("GET", second, None),
        ("POST", second, {"remove": "1", "remove-current_passphrase": NEW_SECOND}),
        ("POST", second, {"remove": "1"}),
        ("POST", second, {"current_passphrase": SECOND, "second_passphrase": OTHER_SECOND}),
        ("POST", second, {"remove": "1", "remove-current_passphrase": SECOND}),
        ("GET", "/settings/", None),
        ("GET", second, None),
        # Her plan ("My plan", SPEC 9): the decoy's starts empty and keeps
        # what this session saves; her real plan is never shown or changed.
        ("GET", "/plan/", None),
        ("POST", "/plan/", {"people": "x" * 2001}),
        ("POST", "/plan/", {"people": "Call my sister", "other": "Nothing else"}),
        ("GET", "/plan/", None),
        ("POST", "/plan/", {"people": "Call my sister", "other": "Nothing else"}),
        ("GET", "/plan/", None),
        # A few questions (SPEC 14): hers are due, but the decoy has nothing to
        # answer, and what it posts is stored nowhere.
        ("GET", "/your-views/", None),
        ("POST", "/your-views/", {"save": "send"}),
        ("GET", "/your-views/", None),
        ("POST", "/sign-out/", {}),
        ("GET", "/settings/", None),
    ]


def _cookies(response) -> dict[str, str]:
    shown = {}
    for name, morsel in response.cookies.items():
        value = morsel.value
        if name in MASKED_COOKIES:
            value = "MASKED" if value else ""
        elif name == "messages":
            value = value.split(":", 1)[0]  # the signed payload, without its signature
        attributes = {key: morsel[key] for key in morsel if morsel[key] and key != "expires"}
        shown[name] = f"{value} {sorted(attributes.items())}"
    return shown


def _body(response) -> str:
    text = response.content.decode()
    text = without_csrf_token(text)
    text = re.sub(r"\b\d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}\b", "WHEN", text)  # message times
    return text


def _seen(response) -> dict[str, object]:
    return {
        "status": response.status_code,
        "headers": {
            k.lower(): v for k, v in response.headers.items() if k.lower() not in UNCOMPARED_HEADERS
        },
        "cookies": _cookies(response),
        "body": _body(response),
    }


def test_a_duress_session_answers_exactly_like_a_normal_one(world) -> None:
    her = world.survivor_a  # his status, a message, a safe number, a code word
    duress_passphrase_set(survivor=her, passphrase=SECOND, current_passphrase=USUAL)
    window = Window(weekday=1, starts_at=time(9), ends_at=time(10))
    safe_contact_update(
        actor=world.wss_a,
        survivor=her,
        safe_phone=her.safe_phone,
        voicemail_safe=False,
        code_word=her.code_word,
        windows=[window],
        verification="in_person",
    )
    # A report from the programme her worker shows in her portal (SPEC 10).
    report_attach(actor=world.programme, participant=her.participant, kind="assessment", text="R")
    programme_events_consume()
    shared = ProgrammeItem.objects.get(survivor=her)
    programme_item_show_in_portal(actor=world.wss_a, item=shared, paragraphs=[0], note="N")
    Alert.objects.filter(survivor=her).delete()  # the item's own alert, not the session's
    invitation = invitation_send(
        actor=world.wss_a,
        session=info_session_create(
            actor=world.manager,
            starts_at=timezone.now() + timedelta(days=7),
            place="Room 2",
            capacity=5,
            programme_worker=world.programme,
        ),
        survivor=her,
    )
    # A check-point due for her, invitations in her portal chosen (SPEC 14).
    from survivors.models import CheckPoint, OutcomeQuestion

    OutcomeQuestion.objects.create(text={"en-gb": "How settled do you feel?"}, scale_points=3)
    her.outcomes_consent_at = timezone.now()
    her.outcomes_in_portal = True
    her.save(update_fields=["outcomes_consent_at", "outcomes_in_portal"])
    due = CheckPoint.objects.create(survivor=her, stage="intake", due_at=timezone.now())
    her.refresh_from_db()
    before = (her.safe_phone, her.code_word, her.duress_passphrase, her.contact_paused)
    # A new, ordinary account: nothing linked, nothing sent, nothing set.
    new = survivor_account(username="new-account", password=SECOND)
    cases_services.survivor_allocate(actor=world.manager, survivor=new, worker=world.wss_other)

    normal, duress = Client(), Client()
    differences = []
    steps = 0
    for (method, path, data), (_, _, duress_data) in zip(
        _steps(new.user.username, str(invitation.pk)),
        _steps(her.user.username, str(invitation.pk)),
        strict=True,
    ):
        send = normal.get if method == "GET" else normal.post
        seen_normal = _seen(send(path, data or {}))
        send = duress.get if method == "GET" else duress.post
        seen_duress = _seen(send(path, duress_data or {}))
        steps += 1
        if seen_normal != seen_duress:
            differences.append((method, path, seen_normal, seen_duress))
    record("duress differences found", len(differences))
    record("duress parity: responses compared per session", steps)
    assert steps >= 30
    assert not differences, differences[0]

    # Nothing real changed for her...
    her.refresh_from_db()
    assert (her.safe_phone, her.code_word, her.duress_passphrase, her.contact_paused) == before
    assert list(SafeContactWindow.objects.filter(survivor=her).values_list("weekday")) == [(1,)]
    shared.refresh_from_db()
    assert shared.portal_seen_at is None  # the decoy showed nothing, so she saw nothing
    invitation.refresh_from_db()
    assert invitation.answer == ""  # and answered nothing
    due.refresh_from_db()
    assert due.state == "due" and not due.answers.exists()  # nor her questions
    # ...her worker was alerted once, quietly (no pause or settings alerts)...
    assert list(Alert.objects.filter(survivor=her).values_list("kind", "urgent")) == [
        ("duress", True)
    ]
    # ...and sees each message sent under duress, marked; she never does.
    sent = Message.objects.filter(survivor=her, sent_under_duress=True)
    assert sent.count() == 2 and all(m.hidden_for_survivor for m in sent)
    from ..conftest import sign_in

    thread = sign_in(Client(), world.wss_a).get(f"/staff/cases/{her.pk}/messages/")
    assert thread.content.decode().count("sent while signed in with her second passphrase") == 2
    assert "Everything is fine, please stop calling." in thread.content.decode()
    mine = sign_in(Client(), her.user).get("/messages/").content.decode()
    assert "please stop calling" not in mine
    # Her plan is as it was; the decoy's save is kept apart, marked for her worker.
    from survivors.models import PlanVersion
    from survivors.selectors.plan import plan_current, plan_steps

    from ..conftest import CANARY_PLAN

    assert plan_steps(plan_current(survivor=her))["people"] == CANARY_PLAN
    apart = PlanVersion.objects.get(survivor=her, under_duress=True)
    assert plan_steps(apart)["people"] == "Call my sister"
    plan_page = sign_in(Client(), world.wss_a).get(f"/staff/cases/{her.pk}/plan/").content.decode()
    assert "signed in with her second passphrase: not her plan" in plan_page
    assert plan_steps(plan_current(survivor=new))["people"] == "Call my sister"
    # The new account's own changes did happen, each with a quiet alert (item 4).
    new.refresh_from_db()
    assert new.safe_phone == "+447700900444" and new.duress_passphrase == ""
    assert sorted(Alert.objects.filter(survivor=new).values_list("kind", flat=True)) == [
        "contact_paused",
        "safe_phone_changed",
        "second_changed",
        "second_removed",
    ]


def test_the_session_table_does_not_say_which_session_is_under_duress(world) -> None:
    her = world.survivor_a
    duress_passphrase_set(survivor=her, passphrase=SECOND, current_passphrase=USUAL)
    normal, duress = Client(), Client()
    for client, passphrase in ((normal, USUAL), (duress, SECOND)):
        signed_in = client.post("/", {"username": her.user.username, "passphrase": passphrase})
        assert signed_in.status_code == 303
    # As a browser does: post, then the page it is sent to (which shows and so
    # consumes the flash message held in the session).
    duress.post("/settings/pause/", {"paused": "1"}, follow=True)
    normal.post("/settings/pause/", {"paused": "0"}, follow=True)
    rows = {
        name: Session.objects.get(session_key=client.cookies["sessionid"].value)
        for name, client in (("normal", normal), ("duress", duress))
    }
    decoded = {name: row.get_decoded() for name, row in rows.items()}
    # The same keys, and the state under them the same size and unreadable.
    assert sorted(decoded["normal"]) == sorted(decoded["duress"])
    assert len(decoded["normal"]["portal_view"]) == len(decoded["duress"]["portal_view"])
    for row in rows.values():
        raw = row.session_data + str(row.get_decoded())
        assert "quiet" not in raw and "duress" not in raw and "paused" not in raw
