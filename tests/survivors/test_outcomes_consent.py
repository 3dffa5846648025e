"""Outcomes, with her consent (SPEC 14): she chooses whether her answers are
used to show what the service achieves, and can withdraw; at her request her
worker deletes her answers. She chooses in her own settings page (in her
language), or her worker records it on her case. A restricted case (SPEC 12)
refuses every change; a duress session (SPEC 4) shows the same page and
stores nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from contacts import roles
from contacts.models import AuditEvent
from survivors.errors import OutcomesError
from survivors.models import CheckPoint, OutcomeAnswer, OutcomeQuestion, Survivor
from survivors.services.cover import absence_mark
from survivors.services.outcomes_consent import (
    outcomes_answers_delete,
    outcomes_consent_give,
    outcomes_consent_withdraw,
)
from survivors.services.second_passphrase import duress_passphrase_set

from ..conftest import sign_in
from ..factories import staff_user

USUAL = "a long passphrase 42"
SECOND = "blue kettle morning"


def _actions(survivor: Survivor) -> list[str]:
    return list(
        AuditEvent.objects.filter(survivor_id=survivor.pk, action__startswith="outcomes.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _fresh(survivor: Survivor) -> Survivor:
    return Survivor.objects.get(pk=survivor.pk)


def _answers_for(survivor: Survivor, count: int = 2) -> list[OutcomeAnswer]:
    question = OutcomeQuestion.objects.create(
        text={"en-gb": "Placeholder question"},
        scale_points=5,
        scale_labels={"en-gb": ["1", "2", "3", "4", "5"]},
    )
    answers = []
    for stage in ["intake", "middle"][:count]:
        point = CheckPoint.objects.create(
            survivor=survivor,
            stage=stage,
            due_at=timezone.now(),
            state="answered",
            answered_at=timezone.now(),
        )
        answers.append(OutcomeAnswer.objects.create(check_point=point, question=question, value=3))
    return answers


# --- The services -----------------------------------------------------------------


def test_her_worker_records_her_agreement_then_her_withdrawal(world) -> None:
    her = world.survivor_a
    outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=True)
    her = _fresh(her)
    assert her.outcomes_consent_at is not None and her.outcomes_in_portal
    agreed_at = her.outcomes_consent_at
    # Only the invitation choice changes: the date of her agreement stays.
    outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=False)
    her = _fresh(her)
    assert her.outcomes_consent_at == agreed_at and not her.outcomes_in_portal
    # The same choice again writes nothing.
    outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=False)
    outcomes_consent_withdraw(actor=world.wss_a, survivor=her)
    her = _fresh(her)
    assert her.outcomes_consent_at is None and her.outcomes_withdrawn_at is not None
    assert not her.outcomes_in_portal
    assert _actions(her) == [
        "outcomes.consent_give",
        "outcomes.consent_change",
        "outcomes.consent_withdraw",
    ]
    # Agreeing again counts from the new date; the withdrawal date is cleared.
    outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=False)
    her = _fresh(her)
    assert her.outcomes_consent_at > agreed_at and her.outcomes_withdrawn_at is None


def test_withdrawing_keeps_her_answers_but_they_stop_counting(world) -> None:
    her = world.survivor_a
    outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=False)
    answers = _answers_for(her)
    outcomes_consent_withdraw(actor=world.wss_a, survivor=her)
    assert OutcomeAnswer.objects.filter(pk__in=[a.pk for a in answers]).count() == 2
    # What the report counts: only women whose agreement stands.
    assert not Survivor.objects.filter(pk=her.pk, outcomes_consent_at__isnull=False).exists()


def test_withdrawing_without_an_agreement_is_refused_and_says_so(world) -> None:
    with pytest.raises(OutcomesError) as refused:
        outcomes_consent_withdraw(actor=world.wss_a, survivor=world.survivor_a)
    assert refused.value.code == "not_agreed"
    assert "nothing to withdraw" in str(refused.value.message)
    assert _actions(world.survivor_a) == []


def test_at_her_request_her_worker_deletes_every_answer_and_nothing_else(world) -> None:
    her = world.survivor_a
    outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=True)
    _answers_for(her)
    other = _answers_for(world.survivor_b, count=1)
    assert outcomes_answers_delete(actor=world.wss_a, survivor=her) == 2
    assert not OutcomeAnswer.objects.filter(check_point__survivor=her).exists()
    assert OutcomeAnswer.objects.filter(pk=other[0].pk).exists()  # another woman's stay
    # Her choice and her check-points stay as they were.
    her = _fresh(her)
    assert her.outcomes_consent_at is not None and her.outcomes_in_portal
    assert CheckPoint.objects.filter(survivor=her, state="answered").count() == 2
    assert _actions(her)[-1] == "outcomes.answers_delete"
    # Nothing left to delete: said plainly, nothing written.
    with pytest.raises(OutcomesError) as refused:
        outcomes_answers_delete(actor=world.wss_a, survivor=her)
    assert refused.value.code == "no_answers"
    assert _actions(her).count("outcomes.answers_delete") == 1


def test_she_chooses_from_her_own_account_but_only_her_worker_deletes(world) -> None:
    her = world.survivor_a
    outcomes_consent_give(actor=her.user, survivor=her, in_portal=True)
    assert _fresh(her).outcomes_consent_at is not None
    event = AuditEvent.objects.get(survivor_id=her.pk, action="outcomes.consent_give")
    assert event.actor_id == her.user.pk
    _answers_for(her)
    with pytest.raises(OutcomesError) as refused:
        outcomes_answers_delete(actor=her.user, survivor=her)
    assert refused.value.code == "not_her_worker"
    assert OutcomeAnswer.objects.filter(check_point__survivor=her).count() == 2


@pytest.mark.parametrize("who", ["wss_other", "manager", "programme", "comms", "other_woman"])
def test_nobody_else_may_record_her_choice_or_delete_her_answers(world, who) -> None:
    her = world.survivor_a
    _answers_for(her)
    actor = world.survivor_b.user if who == "other_woman" else getattr(world, who)
    for attempt in (
        lambda: outcomes_consent_give(actor=actor, survivor=her, in_portal=True),
        lambda: outcomes_consent_withdraw(actor=actor, survivor=her),
        lambda: outcomes_answers_delete(actor=actor, survivor=her),
    ):
        with pytest.raises(OutcomesError):
            attempt()
    her = _fresh(her)
    assert her.outcomes_consent_at is None and her.outcomes_withdrawn_at is None
    assert OutcomeAnswer.objects.filter(check_point__survivor=her).count() == 2
    assert _actions(her) == []


def test_the_duty_worker_records_it_while_her_worker_is_away(world) -> None:
    her = world.survivor_a
    duty = staff_user(roles.WSS_WORKER, username="duty-worker-outcomes", is_duty_worker=True)
    today = timezone.localdate()
    absence_mark(
        actor=world.wss_a, worker=world.wss_a, starts_on=today, ends_on=today + timedelta(days=3)
    )
    outcomes_consent_give(actor=duty, survivor=her, in_portal=False)
    assert _fresh(her).outcomes_consent_at is not None
    assert AuditEvent.objects.get(survivor_id=her.pk, action="outcomes.consent_give").actor_id == (
        duty.pk
    )


def test_a_restricted_case_refuses_every_change(world) -> None:
    her = world.survivor_a
    outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=True)
    _answers_for(her)
    Survivor.objects.filter(pk=her.pk).update(restricted_at=timezone.now())
    her = _fresh(her)
    before = _actions(her)
    for attempt in (
        lambda: outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=False),
        lambda: outcomes_consent_withdraw(actor=world.wss_a, survivor=her),
        lambda: outcomes_answers_delete(actor=world.wss_a, survivor=her),
        lambda: outcomes_consent_withdraw(actor=her.user, survivor=her),
    ):
        with pytest.raises(OutcomesError) as refused:
            attempt()
        assert refused.value.code == "restricted"
    her = _fresh(her)
    assert her.outcomes_consent_at is not None and her.outcomes_in_portal
    assert OutcomeAnswer.objects.filter(check_point__survivor=her).count() == 2
    assert _actions(her) == before


# --- Her worker's page ------------------------------------------------------------


def test_her_case_page_shows_her_choice_and_records_changes(world) -> None:
    her = world.survivor_a
    client = sign_in(Client(), world.wss_a)
    page = client.get(f"/staff/cases/{her.pk}/").content.decode()
    assert "Not agreed." in page and "Record that she agrees" in page
    response = client.post(
        f"/staff/cases/{her.pk}/outcomes/consent/", {"action": "give", "in_portal": "1"}
    )
    assert response.status_code == 302
    page = client.get(f"/staff/cases/{her.pk}/").content.decode()
    today = timezone.localdate().strftime("%-d %b %Y")
    assert f"Agreed on {today}" in page and "invitations in her portal: yes" in page
    client.post(f"/staff/cases/{her.pk}/outcomes/consent/", {"action": "withdraw"})
    page = client.get(f"/staff/cases/{her.pk}/").content.decode()
    assert f"Withdrawn on {today}" in page
    # Withdrawing twice: a clear message, not an error page.
    response = client.post(f"/staff/cases/{her.pk}/outcomes/consent/", {"action": "withdraw"})
    assert response.status_code == 400
    assert "nothing to withdraw" in response.content.decode()


def test_deleting_her_answers_asks_first_and_says_what_goes(world) -> None:
    her = world.survivor_a
    _answers_for(her)
    client = sign_in(Client(), world.wss_a)
    url = f"/staff/cases/{her.pk}/outcomes/delete-answers/"
    page = client.post(url).content.decode()
    assert "all 2 answers" in page and "cannot be undone" in page
    assert OutcomeAnswer.objects.filter(check_point__survivor=her).count() == 2
    # Not confirmed: nothing goes.
    response = client.post(url, {"step": "confirm"})
    assert response.status_code == 400 and "Tick to confirm" in response.content.decode()
    assert OutcomeAnswer.objects.filter(check_point__survivor=her).count() == 2
    response = client.post(url, {"step": "confirm", "confirm": "1"})
    assert response.status_code == 302
    assert not OutcomeAnswer.objects.filter(check_point__survivor=her).exists()
    assert "2 answers deleted" in client.get(response["Location"]).content.decode()


def test_another_worker_cannot_reach_her_choice_or_answers(world) -> None:
    her = world.survivor_a
    _answers_for(her)
    client = sign_in(Client(), world.wss_other)
    consent = f"/staff/cases/{her.pk}/outcomes/consent/"
    assert client.post(consent, {"action": "give"}).status_code == 404
    delete = f"/staff/cases/{her.pk}/outcomes/delete-answers/"
    assert client.post(delete, {"step": "confirm", "confirm": "1"}).status_code == 404
    assert _fresh(her).outcomes_consent_at is None
    assert OutcomeAnswer.objects.filter(check_point__survivor=her).count() == 2


# --- Her settings page, in each language --------------------------------------------

SECTION = {
    "en-gb": ("Helping us improve", "Saved. Your answers can be used."),
    "cy": ("Ein helpu i wella", "Wedi’i gadw. Gellir defnyddio eich atebion."),
    "pl": ("Jak możemy działać lepiej", "Zapisano. Twoje odpowiedzi mogą być wykorzystane."),
    "ur": ("بہتری لانے میں ہمارا ساتھ دیں", "محفوظ ہو گیا۔ آپ کے جوابات استعمال کیے جا سکتے ہیں۔"),
}


def _checked(page: str, name: str) -> list[str]:
    """The values of the ticked inputs named ``name`` ("on" for a tick box)."""
    ticked = []
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and re.search(r"\schecked[\s>]", tag):
            value = re.search(r'value="([^"]*)"', tag)
            ticked.append(value.group(1) if value else "on")
    return ticked


@pytest.mark.parametrize("language", list(SECTION))
def test_she_agrees_and_withdraws_in_her_settings_in_her_language(world, language) -> None:
    her = world.survivor_a
    Survivor.objects.filter(pk=her.pk).update(language=language)
    client = Client()
    client.post("/", {"username": her.user.username, "passphrase": USUAL})
    heading, saved = SECTION[language]
    page = client.get("/settings/").content.decode()
    assert heading in page
    assert _checked(page, "outcomes-agreed") == ["no"]
    response = client.post(
        "/settings/",
        {"section": "outcomes", "outcomes-agreed": "yes", "outcomes-in_portal": "on"},
    )
    assert response.status_code == 303
    her = _fresh(her)
    assert her.outcomes_consent_at is not None and her.outcomes_in_portal
    page = client.get("/settings/").content.decode()
    assert saved in page
    assert _checked(page, "outcomes-agreed") == ["yes"]
    assert _checked(page, "outcomes-in_portal") == ["on"]
    client.post("/settings/", {"section": "outcomes", "outcomes-agreed": "no"})
    her = _fresh(her)
    assert her.outcomes_consent_at is None and her.outcomes_withdrawn_at is not None
    assert _actions(her) == ["outcomes.consent_give", "outcomes.consent_withdraw"]


def test_her_settings_say_in_her_language_what_is_missing(world) -> None:
    her = world.survivor_a
    Survivor.objects.filter(pk=her.pk).update(language="cy")
    client = Client()
    client.post("/", {"username": her.user.username, "passphrase": USUAL})
    response = client.post("/settings/", {"section": "outcomes"})
    assert response.status_code == 400
    assert "Dewiswch ie neu na." in response.content.decode()
    assert _actions(her) == []


def test_a_restricted_case_tells_her_in_her_settings_and_stores_nothing(world) -> None:
    her = world.survivor_a
    Survivor.objects.filter(pk=her.pk).update(restricted_at=timezone.now())
    client = sign_in(Client(), her.user)
    response = client.post("/settings/", {"section": "outcomes", "outcomes-agreed": "yes"})
    assert response.status_code == 400
    assert "You cannot change these settings from your account" in response.content.decode()
    assert _fresh(her).outcomes_consent_at is None


def test_a_duress_session_shows_the_same_page_and_stores_nothing(world) -> None:
    her = world.survivor_a
    duress_passphrase_set(survivor=her, passphrase=SECOND, current_passphrase=USUAL)
    outcomes_consent_give(actor=world.wss_a, survivor=her, in_portal=True)
    her = _fresh(her)
    _answers_for(her)
    before = _actions(her)
    client = Client()
    client.post("/", {"username": her.user.username, "passphrase": SECOND})
    page = client.get("/settings/").content.decode()
    # An ordinary new account: not agreed (her real agreement does not show).
    assert "Helping us improve" in page and _checked(page, "outcomes-agreed") == ["no"]
    response = client.post(
        "/settings/",
        {"section": "outcomes", "outcomes-agreed": "yes", "outcomes-in_portal": "on"},
    )
    assert response.status_code == 303
    page = client.get("/settings/").content.decode()
    assert "Saved. Your answers can be used." in page
    assert _checked(page, "outcomes-agreed") == ["yes"]  # shown back as saved
    client.post("/settings/", {"section": "outcomes", "outcomes-agreed": "no"})
    assert _checked(client.get("/settings/").content.decode(), "outcomes-agreed") == ["no"]
    # Nothing real changed: her agreement, her answers, the audit log.
    fresh = _fresh(her)
    assert fresh.outcomes_consent_at == her.outcomes_consent_at is not None
    assert fresh.outcomes_in_portal and fresh.outcomes_withdrawn_at is None
    assert OutcomeAnswer.objects.filter(check_point__survivor=her).count() == 2
    assert _actions(her) == before
