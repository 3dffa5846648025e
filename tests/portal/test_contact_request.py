"""Ask us to get in touch (SPEC 13: she can ask to be contacted through a
discreet page of her portal's site). Her request is a referral waiting for
triage, or, when her number is on an open case, joins that case and tells her
worker; whoever sent it sees the same thank-you page either way, and nothing
is sent to the number. One address cannot flood the triage queue."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from checkins.models import OutboundMessage
from contacts.discretion import discretion_words_in
from contacts.encryption import phone_hash
from survivors.models import Alert, CaseState, Referral
from tests.conftest import CANARY_PHONE, without_csrf_token

PAGE = "/get-in-touch/"
THANKS = "/get-in-touch/thanks/"
UNKNOWN_NUMBER = "07700 900123"
UNKNOWN_E164 = "+447700900123"
EMERGENCY = (
    "If you are in danger now, call 999. If you cannot speak, call 999 from a mobile "
    "and press 55 when asked."
)


def _request(phone: str = UNKNOWN_NUMBER, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "phone": phone,
        "known_as": "Sam",
        "safe_days": ["0", "2", "4"],
        "safe_from": "10:00",
        "safe_to": "14:30",
        "voicemail_safe": "yes",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def _main(body: str) -> str:
    """The words of the page's main part, without its tags."""
    main = re.search(r"<main[^>]*>(.*)</main>", body, re.S).group(1)
    return re.sub(r"<[^>]+>", " ", main)


def test_a_valid_request_is_a_waiting_referral_with_her_details_encrypted(db) -> None:
    response = Client().post(PAGE, _request())
    # Post, redirect, get: refreshing the thank-you page sends nothing again.
    assert response.status_code == 303 and response["Location"] == THANKS
    referral = Referral.objects.get()
    assert referral.source == "self"
    assert referral.state == Referral.State.WAITING
    assert referral.survivor is None and referral.decided_at is None
    assert referral.phone == UNKNOWN_E164
    assert referral.phone_hash == phone_hash(UNKNOWN_E164)
    assert referral.known_as == "Sam"
    assert referral.safe_days == "0,2,4"
    assert (referral.safe_from, referral.safe_to) == (time(10, 0), time(14, 30))
    assert referral.voicemail_safe is True
    # Encrypted at rest: the stored row holds neither her number nor her name.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, known_as FROM survivors_referral WHERE id = %s", [referral.pk]
        )
        stored = " ".join(cursor.fetchone())
    assert UNKNOWN_E164 not in stored and "7700900123" not in stored and "Sam" not in stored
    thanks = Client().get(THANKS)
    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    assert Referral.objects.count() == 1


def test_only_her_number_is_needed_and_voicemail_is_not_safe_unless_she_says(db) -> None:
    response = Client().post(PAGE, {"phone": "+44 7700 900123"})
    assert response.status_code == 303
    referral = Referral.objects.get()
    assert referral.known_as == "" and referral.safe_days == ""
    assert referral.safe_from is None and referral.safe_to is None
    assert referral.voicemail_safe is False
    # The form offers "no" already chosen.
    body = Client().get(PAGE).content.decode()
    assert re.search(r'<input[^>]*value="no"[^>]*checked', body)


@pytest.mark.parametrize("phone", ["", "12", "not a number", "0770090012345678"])
def test_a_bad_number_gets_a_clear_error_and_nothing_is_stored(db, phone: str) -> None:
    response = Client().post(PAGE, _request(phone))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter a phone number, like 07700 900123 or +44 7700 900123." in body
    assert Referral.objects.count() == 0


def test_safe_times_end_after_they_start_and_odd_days_are_refused_not_a_500(db) -> None:
    backwards = Client().post(PAGE, _request(safe_from="15:00", safe_to="09:00"))
    assert backwards.status_code == 400
    assert "The end time must be after the start time." in backwards.content.decode()
    odd = Client().post(PAGE, _request(safe_days=["9"], safe_from="nonsense"))
    assert odd.status_code == 400
    assert "Enter a time, like 09:30 or 18:00." in odd.content.decode()
    assert Referral.objects.count() == 0


def test_her_number_on_an_open_case_joins_it_and_the_sender_sees_exactly_the_same(world) -> None:
    her = world.survivor_a
    assert her.safe_phone == CANARY_PHONE and her.worker == world.wss_a
    alerts_before = Alert.objects.filter(survivor=her).count()
    texts_before = OutboundMessage.objects.count()

    unknown = Client(REMOTE_ADDR="10.0.0.1").post(PAGE, _request(UNKNOWN_NUMBER), follow=True)
    known = Client(REMOTE_ADDR="10.0.0.2").post(PAGE, _request(CANARY_PHONE), follow=True)

    # What the sender sees: the same redirect, the same page, the same status.
    assert unknown.redirect_chain == [(THANKS, 303)] == known.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert without_csrf_token(known.content.decode()) == without_csrf_token(
        unknown.content.decode()
    )
    # What the service did: a new referral waits; hers joined her case.
    waiting = Referral.objects.get(phone_hash=phone_hash(UNKNOWN_E164))
    assert waiting.state == Referral.State.WAITING and waiting.survivor is None
    joined = Referral.objects.get(phone_hash=phone_hash(CANARY_PHONE))
    assert joined.state == Referral.State.JOINED and joined.survivor == her
    assert joined.decided_at is not None and joined.decided_by is None
    assert joined.source == "self"
    # Her worker is told: one alert on her case.
    new_alerts = Alert.objects.filter(survivor=her).order_by("-pk")
    assert new_alerts.count() == alerts_before + 1
    assert new_alerts.first().kind == Alert.Kind.REFERRAL_JOINED
    # Nothing to the number, either way: no text queued, no email sent.
    assert OutboundMessage.objects.count() == texts_before
    assert mail.outbox == []


def test_a_closed_case_is_not_joined_the_request_waits_for_triage(world) -> None:
    her = world.survivor_a
    her.case_state = CaseState.CLOSED
    her.closed_at = timezone.now()
    her.save(update_fields=["case_state", "closed_at"])
    alerts_before = Alert.objects.count()
    assert Client().post(PAGE, _request(CANARY_PHONE)).status_code == 303
    referral = Referral.objects.get()
    assert referral.state == Referral.State.WAITING and referral.survivor is None
    assert Alert.objects.count() == alerts_before


def test_a_thousand_requests_from_one_address_are_throttled_another_address_is_not(db) -> None:
    allowed = settings.CONTACT_REQUESTS_PER_ADDRESS_PER_HOUR
    flood = Client(REMOTE_ADDR="203.0.113.9")
    genuine = Client(REMOTE_ADDR="198.51.100.7")
    statuses: Counter[int] = Counter()
    start = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        for attempt in range(1000):
            if attempt == 500:
                response = genuine.post(PAGE, _request("07700 900555"))
                assert response.status_code == 303
            statuses[flood.post(PAGE, _request(f"07700 900{attempt % 1000:03d}")).status_code] += 1
            if attempt % 20 == 0:
                clock.shift(timedelta(seconds=1))  # all within one minute
        assert statuses == {303: allowed, 429: 1000 - allowed}
        refused = flood.post(PAGE, _request())
        assert refused.status_code == 429
        body = refused.content.decode()
        assert "Please try again later" in body
        assert "<title>Garden Club</title>" in body and 'id="leave"' in body
        assert Referral.objects.count() == allowed + 1
        assert Referral.objects.filter(phone_hash=phone_hash("+447700900555")).exists()
        # An hour on, the address may ask again.
        clock.shift(timedelta(hours=1))
        assert flood.post(PAGE, _request()).status_code == 303
    assert Referral.objects.count() == allowed + 2


def test_requests_refused_as_mistakes_use_none_of_the_allowance(db) -> None:
    client = Client(REMOTE_ADDR="192.0.2.44")
    for _ in range(settings.CONTACT_REQUESTS_PER_ADDRESS_PER_HOUR + 3):
        assert client.post(PAGE, _request("12")).status_code == 400
    assert client.post(PAGE, _request()).status_code == 303


def test_the_sign_in_page_offers_the_page(db) -> None:
    body = Client().get("/").content.decode()
    assert "Not in touch with us yet?" in body
    assert f'href="{PAGE}"' in body and "Ask us to get in touch" in body


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_word_of_the_pages_is_discreet_and_translated(db, language: str) -> None:
    """SPEC 4, 11: nothing on these pages names what the service is, in any language."""
    client = Client(REMOTE_ADDR="192.0.2.99")
    client.post("/language/", {"language": language})
    pages = {
        "form": client.get(PAGE),
        "mistake": client.post(PAGE, _request("12", safe_from="15:00", safe_to="09:00")),
        "thanks": client.get(THANKS),
    }
    for _ in range(settings.CONTACT_REQUESTS_PER_ADDRESS_PER_HOUR + 1):
        pages["later"] = client.post(PAGE, _request())
    assert pages["later"].status_code == 429
    english = {
        "form": "Ask us to get in touch",
        "mistake": "Enter a phone number",
        "thanks": "Thank you",
        "later": "Please try again later",
    }
    for name, response in pages.items():
        body = response.content.decode()
        assert f'<html lang="{language}"' in body, name
        words = _main(body)
        # The emergency line her status page shows as well: in Polish "danger"
        # (niebezpieczeństwo) holds the listed stem of "safety"; the line stays.
        with translation.override(language):
            words = words.replace(translation.gettext(EMERGENCY), "")
        assert discretion_words_in(words, language=language) == [], (name, words)
        if language != settings.LANGUAGE_CODE:
            assert english[name] not in words, (name, language)


def test_the_logs_carry_ids_never_her_number_or_name(world, caplog) -> None:
    """DEVELOPERS: logs carry ids, never bodies or phone numbers."""
    caplog.set_level("DEBUG")
    Client(REMOTE_ADDR="10.9.9.9").post(PAGE, _request(UNKNOWN_NUMBER, known_as="Wren"))
    Client(REMOTE_ADDR="10.9.9.8").post(PAGE, _request(CANARY_PHONE, known_as="Wren"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "referral" in logged
    for secret in ("Wren", "7700 900123", "7700900123", CANARY_PHONE[3:], "10.9.9"):
        assert secret not in logged, secret


def test_her_number_and_name_are_not_offered_to_the_next_person_holding_the_phone(db) -> None:
    body = Client().get(PAGE).content.decode()
    for name in ("phone", "known_as"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', body).group(0)
        assert 'autocomplete="off"' in tag, tag
    assert 'type="tel"' in re.search(r'<input[^>]*name="phone"[^>]*>', body).group(0)
