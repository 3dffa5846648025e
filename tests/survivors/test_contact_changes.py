"""SPEC 12, "Contact changes are verified": someone holding her old phone can
pretend to be her. A change of her safe number or contact details says how her
identity was checked, is kept in a history that never holds the old number,
marks her caseload row for a while, and sends no text to any number."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client

from checkins.models import OutboundMessage
from survivors.errors import ContactChangeError, PortalError
from survivors.models import ContactChange, SafeContactWindow
from survivors.services.safe_contact import Window, safe_contact_update
from survivors.services.second_passphrase import duress_passphrase_set

from ..checkins.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio
from ..conftest import CANARY_CODE_WORD, CANARY_PHONE, CANARY_PHONE_NATIONAL, sign_in

USUAL = "a long passphrase 42"  # tests.factories.survivor_account's default
SECOND = "blue kettle morning"
NEW_NUMBER = "07700 900321"
NEW_E164 = "+447700900321"
MARKER = "contact details changed"


def _staff_form(**overrides: str) -> dict[str, str]:
    data = {
        "safe_phone": NEW_NUMBER,
        "code_word": "bluebell",
        "notes": "",
        "language": "",
        "window-TOTAL_FORMS": "0",
        "window-INITIAL_FORMS": "0",
        "verification": "call_back",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _portal_form(**overrides: str) -> dict[str, str]:
    data = {
        "safe_phone": NEW_NUMBER,
        "code_word": "bluebell",
        "current_passphrase": USUAL,
        "window-TOTAL_FORMS": "0",
        "window-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _unchanged(her) -> bool:
    her.refresh_from_db()
    return (
        her.safe_phone == CANARY_PHONE
        and her.code_word == CANARY_CODE_WORD
        and not ContactChange.objects.filter(survivor=her).exists()
    )


def test_her_worker_cannot_change_her_details_without_saying_how_she_checked(world) -> None:
    her = world.survivor_a
    worker = sign_in(Client(), world.wss_a)
    url = f"/staff/cases/{her.pk}/safe-contact/"
    form = worker.get(url).content.decode()
    for choice in (
        "She gave her code word",
        "In person",
        "I called her back on the number on file",
        "A professional confirmed the referral",
    ):
        assert choice in form
    assert 'value="passphrase"' not in form  # only she can use her passphrase
    for missing in ("", "passphrase", "she said so"):
        refused = worker.post(url, _staff_form(verification=missing))
        assert refused.status_code == 400, missing
        assert "how you checked it was her" in refused.content.decode()
        assert _unchanged(her)
    # The service refuses on its own, whatever calls it.
    with pytest.raises(ContactChangeError) as error:
        safe_contact_update(
            actor=world.wss_a,
            survivor=her,
            safe_phone=NEW_NUMBER,
            voicemail_safe=False,
            code_word="bluebell",
            windows=[],
        )
    assert error.value.code == "no_verification"
    assert _unchanged(her)


def test_a_verified_change_is_recorded_and_shown_without_the_old_number(world) -> None:
    her = world.survivor_a
    worker = sign_in(Client(), world.wss_a)
    url = f"/staff/cases/{her.pk}/safe-contact/"
    assert worker.post(url, _staff_form()).status_code == 302
    her.refresh_from_db()
    assert her.safe_phone == NEW_E164 and her.code_word == "bluebell"
    change = ContactChange.objects.get(survivor=her)
    assert change.changed_by == world.wss_a and change.verification == "call_back"
    assert change.fields == ["safe_phone", "code_word"]
    # The history holds field names only: neither the old values nor the new.
    stored = str(list(ContactChange.objects.values()))
    for value in (CANARY_PHONE, "7700900987", CANARY_CODE_WORD, NEW_E164, "bluebell"):
        assert value not in stored
    # Her worker sees who, when, how and which fields on her case...
    case = worker.get(f"/staff/cases/{her.pk}/").content.decode()
    history = case[case.index('id="contact-changes"') :]
    assert "worker-a" in history and "I called her back on the number on file" in history
    assert "safe number, code word" in history
    # ...and the manager on the case's allocation page; the old number nowhere.
    manager = sign_in(Client(), world.manager).get(f"/staff/allocations/{her.pk}/")
    assert "I called her back on the number on file" in manager.content.decode()
    for page in (case, manager.content.decode()):
        assert CANARY_PHONE not in page and CANARY_PHONE_NATIONAL not in page
    # Saving the same details again changes nothing, so adds no entry.
    assert worker.post(url, _staff_form(verification="in_person")).status_code == 302
    assert ContactChange.objects.filter(survivor=her).count() == 1


def test_her_caseload_row_is_marked_for_14_days_after_a_change(world, settings) -> None:
    assert settings.CONTACT_CHANGE_MARKER_DAYS == 14
    her = world.survivor_a
    changed = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def caseload(user) -> str:  # signed in at the travelled-to time
        return sign_in(Client(), user).get("/staff/caseload/").content.decode()

    with time_machine.travel(changed, tick=False):
        assert MARKER not in caseload(world.wss_a)
        worker = sign_in(Client(), world.wss_a)
        worker.post(f"/staff/cases/{her.pk}/safe-contact/", _staff_form())
        assert MARKER in caseload(world.wss_a)
        # Another worker's caseload never shows her.
        assert MARKER not in caseload(world.wss_other)
    with time_machine.travel(changed + timedelta(days=13, hours=23), tick=False):
        assert MARKER in caseload(world.wss_a)
        settings.CONTACT_CHANGE_MARKER_DAYS = 7  # the period is the operator's
        assert MARKER not in caseload(world.wss_a)
        settings.CONTACT_CHANGE_MARKER_DAYS = 14
    with time_machine.travel(changed + timedelta(days=14), tick=False):
        assert MARKER not in caseload(world.wss_a)


def test_no_text_goes_to_the_old_or_new_number_because_of_a_change(
    world, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setenv("FAKE_TWILIO_DIR", str(tmp_path))
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_FROM = FROM_NUMBER
    settings.TWILIO_HTTP_CLIENT = "tests.checkins.fake_twilio.FakeTwilio"
    settings.SMS_BACKEND = ""
    her = world.survivor_a
    # Texts would be allowed at any time, so nothing is held back by a window.
    her.sms_nudges = True
    her.save()
    SafeContactWindow.objects.bulk_create(
        SafeContactWindow(survivor=her, weekday=d, starts_at=time(0), ends_at=time(23, 59))
        for d in range(7)
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff = sign_in(Client(), world.wss_a).post(
            f"/staff/cases/{her.pk}/safe-contact/",
            _staff_form(sms_nudges="on", verification="in_person"),
        )
        mine = sign_in(Client(), her.user).post(
            "/settings/", _portal_form(safe_phone="07700 900654", sms_nudges="on")
        )
    assert staff.status_code == 302 and mine.status_code == 303
    assert ContactChange.objects.filter(survivor=her).count() == 2
    assert not OutboundMessage.objects.exists()
    assert FakeTwilio(tmp_path).requests == []


def test_her_own_change_asks_for_her_passphrase_again(world) -> None:
    her = world.survivor_a
    client = sign_in(Client(), her.user)
    page = client.get("/settings/").content.decode()
    assert "Your usual passphrase" in page and "Enter it to save these settings." in page
    missing = client.post("/settings/", _portal_form(current_passphrase=""))
    assert missing.status_code == 400
    assert "Enter your usual passphrase." in missing.content.decode()
    wrong = client.post("/settings/", _portal_form(current_passphrase="not my passphrase"))
    assert wrong.status_code == 400
    assert "That is not your current passphrase." in wrong.content.decode()
    assert "not my passphrase" not in wrong.content.decode()  # never shown back
    assert _unchanged(her)
    saved = client.post("/settings/", _portal_form(), follow=True)
    assert "Saved. Your worker will follow these settings." in saved.content.decode()
    her.refresh_from_db()
    assert her.safe_phone == NEW_E164
    change = ContactChange.objects.get(survivor=her)
    assert change.changed_by is None and change.verification == "passphrase"
    case = sign_in(Client(), world.wss_a).get(f"/staff/cases/{her.pk}/").content.decode()
    history = case[case.index('id="contact-changes"') :]
    assert "She, in her account" in history and "Her passphrase, in her account" in history
    # The service checks it too, whatever calls it.
    with pytest.raises(PortalError) as error:
        safe_contact_update(
            actor=her.user,
            survivor=her,
            safe_phone="07700 900777",
            voicemail_safe=False,
            code_word="",
            windows=[],
            current_passphrase="not my passphrase",
        )
    assert error.value.code == "wrong_passphrase"


def test_under_duress_the_passphrase_check_looks_the_same_and_changes_nothing(world) -> None:
    her = world.survivor_a
    duress_passphrase_set(survivor=her, passphrase=SECOND, current_passphrase=USUAL)
    client = Client()
    client.post("/", {"username": her.user.username, "passphrase": SECOND})
    # Her real passphrase is "wrong" in the decoy: it plays a new account whose
    # passphrase is the one this session signed in with.
    wrong = client.post("/settings/", _portal_form(current_passphrase=USUAL))
    assert wrong.status_code == 400
    assert "That is not your current passphrase." in wrong.content.decode()
    saved = client.post("/settings/", _portal_form(current_passphrase=SECOND), follow=True)
    assert "Saved. Your worker will follow these settings." in saved.content.decode()
    assert 'value="+447700900321"' in saved.content.decode()  # shown back as saved
    assert _unchanged(her)  # ...but nothing real changed, and no history entry


def test_nobody_else_may_change_her_details_or_see_the_history(world) -> None:
    her = world.survivor_a
    url = f"/staff/cases/{her.pk}/safe-contact/"
    for user in (world.wss_other, world.manager, world.programme, world.comms):
        response = sign_in(Client(), user).post(url, _staff_form())
        assert response.status_code in (403, 404)
        assert sign_in(Client(), user).get(f"/staff/cases/{her.pk}/").status_code in (403, 404)
    # Another survivor cannot reach the staff page at all.
    sign_in(Client(), world.survivor_b.user).post(url, _staff_form())
    for actor in (world.wss_other, world.manager, world.programme, world.survivor_b.user):
        with pytest.raises(PortalError):
            safe_contact_update(
                actor=actor,
                survivor=her,
                safe_phone=NEW_NUMBER,
                voicemail_safe=False,
                code_word="",
                windows=[Window(weekday=1, starts_at=time(9), ends_at=time(10))],
                verification="in_person",
                current_passphrase=USUAL,
            )
    assert _unchanged(her)
