"""Answering an outcome check-point (SPEC 14): her worker records her answers
during a call, or she answers in her portal. Every answer optional, "prefer
not to say" always possible; a draft until she has finished; refused, writing
nothing, without her consent, when no longer due, on a restricted case
(SPEC 12), for anyone but her worker, the duty worker in cover or herself."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import roles
from contacts.models import AuditAction, AuditEvent
from survivors.errors import OutcomeAnswerError
from survivors.models import CheckPoint, OutcomeAnswer, OutcomeQuestion
from survivors.services import cover
from survivors.services.outcome_answers import outcome_answers_save

from ..factories import staff_user


def questions() -> list[OutcomeQuestion]:
    return [
        OutcomeQuestion.objects.create(
            position=1,
            text={"en-gb": "How settled do you feel?", "cy": "Pa mor gartrefol ydych chi?"},
            scale_points=5,
            scale_labels={"en-gb": ["Not at all", "A little", "Some", "Mostly", "Completely"]},
        ),
        OutcomeQuestion.objects.create(
            position=2, text={"en-gb": "How often do you sleep well?"}, scale_points=3
        ),
    ]


def due_check_point(survivor, *, consent: bool = True) -> CheckPoint:
    survivor.outcomes_consent_at = timezone.now() if consent else None
    survivor.save(update_fields=["outcomes_consent_at"])
    return CheckPoint.objects.create(
        survivor=survivor, stage=CheckPoint.Stage.INTAKE, due_at=timezone.now()
    )


def _saved(check_point: CheckPoint) -> dict[int, int | None]:
    return dict(check_point.answers.values_list("question_id", "value"))


def _audited() -> list[str]:
    actions = (AuditAction.OUTCOME_ANSWERS_DRAFT, AuditAction.OUTCOME_ANSWERS_FINISH)
    events = AuditEvent.objects.filter(action__in=actions).order_by("pk")
    return list(events.values_list("action", flat=True))


def test_her_worker_saves_a_draft_then_finishes_replacing_the_draft(world) -> None:
    first, second = questions()
    check_point = due_check_point(world.survivor_a)
    outcome_answers_save(
        actor=world.wss_a, check_point=check_point, answers={first.pk: 2}, finish=False
    )
    check_point.refresh_from_db()
    assert check_point.state == CheckPoint.State.DUE
    assert _saved(check_point) == {first.pk: 2}
    outcome_answers_save(
        actor=world.wss_a,
        check_point=check_point,
        answers={first.pk: 4, second.pk: 3},
        finish=True,
    )
    check_point.refresh_from_db()
    assert _saved(check_point) == {first.pk: 4, second.pk: 3}
    assert check_point.state == CheckPoint.State.ANSWERED
    assert check_point.answered_at is not None
    assert check_point.answered_by == world.wss_a
    assert _audited() == ["outcome_answers.draft", "outcome_answers.finish"]
    # The audit row names the check-point, never an answer.
    event = AuditEvent.objects.get(action=AuditAction.OUTCOME_ANSWERS_FINISH)
    assert (event.object_type, event.survivor_id) == ("checkpoint", world.survivor_a.pk)


def test_a_draft_replaces_the_earlier_draft_and_may_leave_questions_out(world) -> None:
    first, second = questions()
    check_point = due_check_point(world.survivor_a)
    outcome_answers_save(
        actor=world.wss_a,
        check_point=check_point,
        answers={first.pk: 1, second.pk: 2},
        finish=False,
    )
    outcome_answers_save(
        actor=world.wss_a, check_point=check_point, answers={second.pk: 3}, finish=False
    )
    assert _saved(check_point) == {second.pk: 3}


def test_prefer_not_to_say_is_an_answer_with_no_value(world) -> None:
    first, second = questions()
    check_point = due_check_point(world.survivor_a)
    outcome_answers_save(
        actor=world.wss_a,
        check_point=check_point,
        answers={first.pk: None, second.pk: 1},
        finish=True,
    )
    assert _saved(check_point) == {first.pk: None, second.pk: 1}


def test_she_answers_from_her_own_account_answered_by_nobody_on_staff(world) -> None:
    first, _second = questions()
    check_point = due_check_point(world.survivor_a)
    outcome_answers_save(
        actor=world.survivor_a.user, check_point=check_point, answers={first.pk: 5}, finish=True
    )
    check_point.refresh_from_db()
    assert check_point.state == CheckPoint.State.ANSWERED
    assert check_point.answered_by is None


def test_the_duty_worker_records_them_while_her_worker_is_away(world) -> None:
    first, _second = questions()
    duty = staff_user(roles.WSS_WORKER, username="duty-worker")
    duty.is_duty_worker = True
    duty.save()
    today = timezone.localdate()
    cover.absence_mark(
        actor=world.wss_a, worker=world.wss_a, starts_on=today, ends_on=today + timedelta(days=2)
    )
    check_point = due_check_point(world.survivor_a)
    outcome_answers_save(actor=duty, check_point=check_point, answers={first.pk: 3}, finish=True)
    check_point.refresh_from_db()
    assert check_point.answered_by == duty


def _refused(check_point: CheckPoint, actor, answers, code: str) -> None:
    before = list(OutcomeAnswer.objects.values_list("pk", "value"))
    audited = _audited()
    state = check_point.state
    with pytest.raises(OutcomeAnswerError) as refused:
        outcome_answers_save(actor=actor, check_point=check_point, answers=answers, finish=True)
    assert refused.value.code == code
    assert str(refused.value.message)  # a sentence a person understands
    assert list(OutcomeAnswer.objects.values_list("pk", "value")) == before
    check_point.refresh_from_db()
    assert check_point.state == state
    assert _audited() == audited


def test_refused_without_her_consent(world) -> None:
    first, _second = questions()
    check_point = due_check_point(world.survivor_a, consent=False)
    _refused(check_point, world.wss_a, {first.pk: 2}, "no_consent")


def test_refused_once_answered_or_missed(world) -> None:
    first, _second = questions()
    check_point = due_check_point(world.survivor_a)
    check_point.state = CheckPoint.State.MISSED
    check_point.missed_at = timezone.now()
    check_point.save()
    _refused(check_point, world.wss_a, {first.pk: 2}, "not_due")
    check_point.state = CheckPoint.State.ANSWERED
    check_point.save()
    _refused(check_point, world.survivor_a.user, {first.pk: 2}, "not_due")


def test_refused_on_a_restricted_case(world) -> None:
    first, _second = questions()
    check_point = due_check_point(world.survivor_a)
    world.survivor_a.restricted_at = timezone.now()
    world.survivor_a.save(update_fields=["restricted_at"])
    check_point.refresh_from_db()
    _refused(check_point, world.wss_a, {first.pk: 2}, "restricted")


@pytest.mark.parametrize("who", ["wss_other", "manager", "programme", "survivor_b"])
def test_refused_for_anyone_but_her_worker_or_herself(world, who: str) -> None:
    first, _second = questions()
    check_point = due_check_point(world.survivor_a)
    actor = world.survivor_b.user if who == "survivor_b" else getattr(world, who)
    _refused(check_point, actor, {first.pk: 2}, "not_allowed")


@pytest.mark.parametrize("value", [0, 6, -1, True, "3"])
def test_a_value_off_the_scale_is_refused_and_nothing_saved(world, value) -> None:
    first, second = questions()
    check_point = due_check_point(world.survivor_a)
    outcome_answers_save(
        actor=world.wss_a, check_point=check_point, answers={second.pk: 1}, finish=False
    )
    # The earlier draft is kept whole: the other answer is not written either.
    _refused(check_point, world.wss_a, {second.pk: 2, first.pk: value}, "out_of_range")
    assert _saved(check_point) == {second.pk: 1}


def test_an_unknown_or_retired_question_is_refused_and_nothing_saved(world) -> None:
    first, second = questions()
    second.active = False
    second.save()
    check_point = due_check_point(world.survivor_a)
    _refused(check_point, world.wss_a, {first.pk: 1, second.pk: 1}, "unknown_question")
    _refused(check_point, world.wss_a, {first.pk: 1, 999999: 1}, "unknown_question")


# --- Her worker's page: recording her answers during a call ----------------------------


def test_her_worker_records_a_draft_then_her_finished_answers_on_the_page(world) -> None:
    from django.test import Client
    from django.urls import reverse

    from ..conftest import sign_in

    first, second = questions()
    check_point = due_check_point(world.survivor_a)
    url = reverse("staff-case-check-point", args=[world.survivor_a.pk, check_point.pk])
    client = sign_in(Client(), world.wss_a)
    page = client.get(url).content.decode()
    assert "How settled do you feel?" in page and "5: Completely" in page
    assert page.count("Prefer not to say") == 2
    assert "Save draft" in page and "Save: she has finished" in page
    client.post(url, {f"q{first.pk}": "none", "save": "draft"})
    again = client.get(url).content.decode()
    assert "Draft saved." in again
    assert f'id="q{first.pk}-none" value="none" checked' in again
    done = client.post(url, {f"q{first.pk}": "2", f"q{second.pk}": "3", "save": "finish"})
    assert done.status_code == 302
    check_point.refresh_from_db()
    assert (check_point.state, check_point.answered_by) == ("answered", world.wss_a)
    assert "nothing more can be recorded" in client.get(url).content.decode()
    # Another worker: no such page.
    assert sign_in(Client(), world.wss_other).get(url).status_code == 404


def test_her_worker_is_told_clearly_when_she_has_not_agreed(world) -> None:
    from django.test import Client
    from django.urls import reverse

    from ..conftest import sign_in

    first, _second = questions()
    check_point = due_check_point(world.survivor_a, consent=False)
    url = reverse("staff-case-check-point", args=[world.survivor_a.pk, check_point.pk])
    client = sign_in(Client(), world.wss_a)
    assert "She has not agreed to answer these questions" in client.get(url).content.decode()
    refused = client.post(url, {f"q{first.pk}": "2", "save": "finish"})
    assert refused.status_code == 400
    assert "nothing was saved" in refused.content.decode()
    assert not OutcomeAnswer.objects.exists()
