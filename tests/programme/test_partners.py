"""Partner details he names leave the programme side, one way (SPEC 13): saved
once, they are waiting referrals on the WSS side, encrypted and found by the
keyed hash of the number; the programme side keeps only how many, and cannot
read them back (SPEC 2)."""

from __future__ import annotations

import logging
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from contacts.discretion import discretion_words_in
from contacts.encryption import phone_hash
from contacts.models import AuditEvent
from programme.errors import ProgrammeError
from programme.forms import PARTNER_RELATIONSHIPS, PASS_ON_OCCASIONS
from programme.models import Participant
from programme.services import partners as service
from survivors.models import Referral, ReferralSource

from ..conftest import sign_in

NINA, NINA_PHONE, NINA_E164 = "Nina Quillfeather", "07700 900456", "+447700900456"
OLA, OLA_PHONE, OLA_E164 = "Ola Brackenridge", "+44 7700 900457", "+447700900457"


def _page(participant) -> str:
    return f"/staff/participants/{participant.pk}/passed-on/"


def _post(*people: dict[str, str], occasion="programme_intake", where="") -> dict[str, str]:
    """The page's form as a browser sends it: three rows, the unused ones empty."""
    data = {
        "occasion": occasion,
        "where": where,
        "person-TOTAL_FORMS": "3",
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "0",
        "person-MAX_NUM_FORMS": "3",
    }
    for index in range(3):
        person = people[index] if index < len(people) else {}
        for field in ("known_as", "phone", "relationship", "safety_notes"):
            data[f"person-{index}-{field}"] = person.get(field, "")
    return data


NINA_ROW = {
    "known_as": NINA,
    "phone": NINA_PHONE,
    "relationship": "ex",
    "safety_notes": "Lives with her mother; text first",
}
OLA_ROW = {"known_as": OLA, "phone": OLA_PHONE, "relationship": "current"}


def _programme_side_text() -> str:
    """Every row of every programme table and of the audit log, as text."""
    tables = [model._meta.db_table for model in apps.get_app_config("programme").get_models()]
    tables.append(AuditEvent._meta.db_table)
    text = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            text += [repr(row) for row in cursor.fetchall()]
    return "\n".join(text)


def _her_words() -> list[str]:
    return [NINA, NINA_PHONE, NINA_E164, OLA, OLA_E164, "Quillfeather", "Brackenridge", "mother"]


def test_the_programme_s_values_are_the_referral_s_values() -> None:
    """The programme side spells them out (it imports nothing of the WSS side)."""
    assert [value for value, _ in PARTNER_RELATIONSHIPS] == list(Referral.Relationship.values)
    assert list(service.RELATIONSHIPS) == list(Referral.Relationship.values)
    assert [value for value, _ in PASS_ON_OCCASIONS] == [
        ReferralSource.PROGRAMME_INTAKE,
        ReferralSource.NEW_PARTNER,
    ]


def test_two_partners_saved_become_two_waiting_referrals_and_leave_nothing_here(
    world, caplog
) -> None:
    participant = world.lone_participant
    client = sign_in(Client(), world.programme)
    page = client.get(_page(participant))
    assert page.status_code == 200
    assert "Person 3" in page.content.decode()

    with caplog.at_level(logging.DEBUG):
        response = client.post(_page(participant), _post(NINA_ROW, OLA_ROW), follow=True)
    body = response.content.decode()
    assert response.redirect_chain == [(f"/staff/participants/{participant.pk}/", 302)]
    assert "Partner details passed on (2). They are no longer held here." in body
    assert "Partner details passed on: 2" in body

    # The WSS side: two referrals waiting for triage, from his assessment.
    referrals = {r.known_as: r for r in Referral.objects.filter(participant=participant)}
    assert set(referrals) == {NINA, OLA}
    nina, ola = referrals[NINA], referrals[OLA]
    assert (nina.phone, nina.phone_hash) == (NINA_E164, phone_hash(NINA_E164))
    assert (ola.phone, ola.phone_hash) == (OLA_E164, phone_hash(OLA_E164))
    assert (nina.relationship, ola.relationship) == ("ex", "current")
    assert nina.safety_notes == "Lives with her mother; text first"
    assert {r.state for r in referrals.values()} == {Referral.State.WAITING}
    assert {r.source for r in referrals.values()} == {ReferralSource.PROGRAMME_INTAKE}
    assert nina.survivor_id is None and nina.received_at is not None
    # Encrypted at rest: the stored columns hold neither her name nor her number.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT known_as, phone, safety_notes FROM survivors_referral WHERE id = %s",
            [nina.pk],
        )
        stored = " ".join(cursor.fetchone())
    assert NINA not in stored and NINA_E164 not in stored and "mother" not in stored

    # The programme side: the count, and nothing of either woman anywhere.
    participant.refresh_from_db()
    assert participant.partner_details_passed_on == 2
    audit = AuditEvent.objects.filter(action="participant.partner_details")
    assert (
        sorted(audit.values_list("object_type", "object_id", "survivor_id"))
        == [("participant", str(participant.pk), None)] * 2
    )
    programme_side = _programme_side_text()
    session = repr(dict(client.session.items()))
    for word in _her_words():
        assert word not in programme_side, word
        assert word not in session, word
        assert word not in caplog.text, word
        assert word not in body, word


def test_the_form_after_save_shows_nothing_posted_and_he_cannot_read_them_back(world) -> None:
    participant = world.lone_participant
    client = sign_in(Client(), world.programme)
    client.post(_page(participant), _post(NINA_ROW, OLA_ROW))
    seen = [client.get(_page(participant)), client.get(f"/staff/participants/{participant.pk}/")]
    manager = sign_in(Client(), world.manager)
    seen.append(manager.get(f"/staff/participants/{participant.pk}/"))
    seen.append(manager.get(_page(participant)))
    assert [r.status_code for r in seen] == [200, 200, 200, 403]
    for response in seen:
        for word in _her_words():
            assert word not in response.content.decode(), word
    assert "(2 so far)" in seen[0].content.decode()
    # SPEC 4: neither the page's title nor its address names a partner.
    title = re.search(r"<title>(.*?)</title>", seen[0].content.decode(), re.S).group(1)
    assert title == f"Details he named, {participant.reference} · Staff"
    assert discretion_words_in(title) == [] and discretion_words_in(_page(participant)) == []
    assert "Partner details passed on: 2" in seen[2].content.decode()


def test_a_new_partner_he_disclosed_in_group_says_where(world) -> None:
    participant = world.lone_participant
    client = sign_in(Client(), world.programme)
    missing_where = client.post(
        _page(participant), _post({**OLA_ROW, "relationship": "new"}, occasion="new_partner")
    )
    assert missing_where.status_code == 400
    assert "Choose where he disclosed the new partner." in missing_where.content.decode()
    assert not Referral.objects.filter(participant=participant).exists()
    client.post(
        _page(participant),
        _post({**OLA_ROW, "relationship": "new"}, occasion="new_partner", where="group"),
    )
    referral = Referral.objects.get(participant=participant)
    assert (referral.source, referral.source_detail, referral.relationship) == (
        "new_partner",
        "Disclosed in group",
        "new",
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [NINA_ROW, {**OLA_ROW, "phone": "0123"}],
            "That phone number cannot be right: enter a UK number such as 07700 900123",
        ),
        ([{**NINA_ROW, "known_as": ""}], "This field is required."),
        ([{**NINA_ROW, "known_as": "N" * 101}], "at most 100 characters"),
        ([{**NINA_ROW, "relationship": ""}], "This field is required."),
        ([], "Enter at least one partner&#x27;s name and phone number."),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_written(world, rows, message) -> None:
    """Bad input: a clear message, no 500, nothing half-written (not even the counter)."""
    participant = world.lone_participant
    client = sign_in(Client(), world.programme)
    audit_rows, referrals = AuditEvent.objects.count(), Referral.objects.count()
    response = client.post(_page(participant), _post(*rows))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Nothing was saved." in body
    participant.refresh_from_db()
    assert participant.partner_details_passed_on == 0
    assert (AuditEvent.objects.count(), Referral.objects.count()) == (audit_rows, referrals)


def test_a_forged_form_with_more_rows_is_refused_clearly(world) -> None:
    participant = world.lone_participant
    client = sign_in(Client(), world.programme)
    data = _post(NINA_ROW, OLA_ROW, NINA_ROW)
    data.update({"person-TOTAL_FORMS": "4", "person-3-known_as": "Extra", "person-3-phone": "x"})
    response = client.post(_page(participant), data)
    assert response.status_code == 400
    assert "Please submit at most 3 forms." in response.content.decode()
    assert not Referral.objects.filter(participant=participant).exists()


def test_the_service_checks_every_person_before_writing_anything(world) -> None:
    participant = world.lone_participant
    good = {"known_as": NINA, "phone": NINA_E164, "relationship": "ex", "safety_notes": ""}
    for partners, occasion, where, code in [
        ([good, {**good, "phone": "not a number"}], "programme_intake", "", "bad_phone"),
        (
            [good, {**good, "relationship": "sister"}],
            "programme_intake",
            "",
            "unknown_relationship",
        ),
        ([good], "police", "", "unknown_occasion"),
        ([good], "new_partner", "", "no_where"),
        ([], "programme_intake", "", "no_details_named"),
        ([good] * 4, "programme_intake", "", "too_many_named"),
    ]:
        with pytest.raises(ProgrammeError) as refused:
            service.partner_details_pass_on(
                actor=world.programme,
                participant=participant,
                occasion=occasion,
                where=where,
                partners=partners,
            )
        assert refused.value.code == code
        assert NINA_E164 not in str(refused.value) and "not a number" not in str(refused.value)
    assert Participant.objects.get(pk=participant.pk).partner_details_passed_on == 0
    assert not Referral.objects.filter(participant=participant).exists()


def test_the_counter_adds_up_over_occasions(world) -> None:
    participant = world.lone_participant
    one = {"known_as": NINA, "phone": NINA_E164, "relationship": "ex", "safety_notes": ""}
    first = service.partner_details_pass_on(
        actor=world.programme, participant=participant, occasion="programme_intake", partners=[one]
    )
    second = service.partner_details_pass_on(
        actor=world.programme,
        participant=participant,
        occasion="new_partner",
        where="worker",
        partners=[{**one, "known_as": OLA, "phone": OLA_E164}, one],
    )
    assert (first.count, first.total, second.count, second.total) == (1, 1, 2, 3)
    assert Participant.objects.get(pk=participant.pk).partner_details_passed_on == 3
    # Two referrals of one number: both wait; matching them is triage's work.
    assert Referral.objects.filter(phone_hash=phone_hash(NINA_E164)).count() == 2


def test_details_nobody_received_are_not_counted(world) -> None:
    """Should the receiver ever be missing, the details do not vanish while his
    record says they were passed on: refused, nothing written."""
    from programme.signals import partner_details_passed_on
    from survivors import receivers

    participant = world.lone_participant
    uid = "survivors-partner-referrals"
    assert partner_details_passed_on.disconnect(dispatch_uid=uid)
    try:
        with pytest.raises(ProgrammeError) as refused:
            service.partner_details_pass_on(
                actor=world.programme,
                participant=participant,
                occasion="programme_intake",
                partners=[NINA_ROW | {"phone": NINA_E164}],
            )
    finally:
        partner_details_passed_on.connect(receivers.store_partner_referrals, dispatch_uid=uid)
    assert refused.value.code == "not_passed_on"
    assert Participant.objects.get(pk=participant.pk).partner_details_passed_on == 0
    assert not AuditEvent.objects.filter(action="participant.partner_details").exists()
