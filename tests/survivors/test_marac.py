"""The MARAC pathway (SPEC 9): four criteria, exactly one task per
case listing the evidence, each incident counted once, the referral recorded
as a high-risk disclosure, closing without a referral only with a reason, and
reassessment falling due on time and on programme events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import Client, TestCase
from django.utils import timezone

from contacts.models import AuditAction, AuditEvent
from programme.services import records
from survivors.errors import DisclosureError, MaracError
from survivors.models import Alert, Disclosure, MaracReferral, MaracTask, RiskAssessment, Survivor
from survivors.services import alerts, casework, marac
from survivors.services import cases as cases_services

from ..conftest import sign_in
from ..factories import ParticipantFactory, SurvivorFactory


@pytest.fixture
def questions(world) -> list:
    from survivors.models import RiskQuestion

    call_command("loaddata", "risk_questions_placeholder", verbosity=0)
    return list(RiskQuestion.objects.filter(active=True))


def _case(world, name: str = "Ruth", participant=None) -> Survivor:
    survivor = SurvivorFactory.create(known_as=name)
    cases_services.survivor_allocate(actor=world.manager, survivor=survivor, worker=world.wss_a)
    if participant is not None:
        cases_services.survivor_link_participant(
            actor=world.manager, survivor=survivor, participant=participant
        )
    survivor.refresh_from_db()
    return survivor


def _assess(world, survivor, questions, yes: int, **kw) -> RiskAssessment:
    answers = {q.pk: ("yes" if i < yes else "no", "") for i, q in enumerate(questions)}
    return casework.risk_assessment_record(
        actor=world.wss_a, survivor=survivor, answers=answers, **kw
    )


def _tasks(survivor) -> list[MaracTask]:
    return list(MaracTask.objects.filter(survivor=survivor).order_by("pk"))


# --- Visible high risk and professional judgement ------------------------------------


def test_a_checklist_scoring_14_gives_exactly_one_task_listing_it(world, questions) -> None:
    survivor = _case(world)
    _assess(world, survivor, questions, 13)
    assert _tasks(survivor) == []  # medium: no criterion met
    _assess(world, survivor, questions, 14)
    _assess(world, survivor, questions, 16)  # met again while the task is open
    tasks = _tasks(survivor)
    assert len(tasks) == 1
    task = tasks[0]
    assert task.closed_at is None
    assert task.criteria_labels == ["Visible high risk (score 14 or more)"]
    assert len(task.evidence_lines) == 2
    assert "checklist scored 14, level high" in task.evidence_lines[0]
    assert "checklist scored 16, level high" in task.evidence_lines[1]
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.MARAC_TASK_RAISE, object_id=str(task.pk)
        ).count()
        == 1
    )


def test_raising_to_high_by_judgement_is_the_judgement_criterion(world, questions) -> None:
    survivor = _case(world)
    _assess(world, survivor, questions, 4, level="high", reason="What she described today")
    (task,) = _tasks(survivor)
    assert task.criteria_labels == ["Professional judgement"]
    assert "(raised by professional judgement)" in task.evidence_lines[0]


# --- Potential escalation ------------------------------------------------------------


def _raise(survivor, kind: str, urgent: bool = False) -> Alert:
    """An alert, and what follows its commit (the MARAC check is a task)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return alerts.alert_raise(survivor=survivor, kind=kind, urgent=urgent)


def test_three_incidents_in_the_window_give_one_task_each_counted_once(
    world, django_capture_on_commit_callbacks
) -> None:
    participant = ParticipantFactory.create(reference="P-8801")
    survivor = _case(world, participant=participant)
    # Not incidents: a routine concern, an ordinary status change, a call request.
    with django_capture_on_commit_callbacks(execute=True):
        records.risk_concern_raise(
            actor=world.programme,
            participant=participant,
            kind="threat",
            occurred_on=date.today(),
            urgency="routine",
        )
        records.status_change_record(
            actor=world.programme, participant=participant, status="suspended"
        )
    _raise(survivor, Alert.Kind.CALL_REQUESTED)
    assert _tasks(survivor) == []
    # Incidents: an urgent concern, a reply 3, his order breached.
    with django_capture_on_commit_callbacks(execute=True):
        records.risk_concern_raise(
            actor=world.programme,
            participant=participant,
            kind="threat",
            occurred_on=date.today(),
            urgency="urgent",
        )
    _raise(survivor, Alert.Kind.URGENT_REPLY, urgent=True)
    assert _tasks(survivor) == []  # two so far
    with django_capture_on_commit_callbacks(execute=True):
        records.status_change_record(
            actor=world.programme, participant=participant, status="order_breached"
        )
    (task,) = _tasks(survivor)
    assert task.criteria_labels == ["Potential escalation"]
    assert [line.split(": ", 1)[1] for line in task.evidence_lines] == [
        "Urgent risk concern raised by the programme",
        "Urgent check-in reply",
        "His status changed: order breached",
    ]
    assert task.incidents.count() == 3
    # A fourth (a duress sign-in) joins the open task: still one task.
    duress = _raise(survivor, Alert.Kind.DURESS, urgent=True)
    (task,) = _tasks(survivor)
    assert task.incidents.count() == 4
    # Checked again (a replayed wake-up), it is not counted twice.
    assert marac.marac_incident_check_by_id(alert_id=duress.pk) is None
    assert task.incidents.count() == 4
    # Closed with a reason, the counted incidents never count again.
    marac.marac_task_close(actor=world.wss_a, survivor=survivor, reason="Discussed with manager")
    _raise(survivor, Alert.Kind.URGENT_REPLY, urgent=True)
    _raise(survivor, Alert.Kind.URGENT_REPLY, urgent=True)
    assert len(_tasks(survivor)) == 1
    _raise(survivor, Alert.Kind.URGENT_REPLY, urgent=True)
    tasks = _tasks(survivor)
    assert len(tasks) == 2
    assert tasks[1].incidents.count() == 3


def test_beat_finds_incidents_whose_check_was_lost(world) -> None:
    """Three incidents whose after-commit checks never ran (a lost wake-up):
    beat's sweep raises the one task, and running it again changes nothing."""
    survivor = _case(world, name="Nell")
    for kind in (Alert.Kind.URGENT_REPLY, Alert.Kind.DURESS, Alert.Kind.URGENT_REPLY):
        alerts.alert_raise(survivor=survivor, kind=kind, urgent=True)  # no commit: no check
    assert _tasks(survivor) == []
    assert marac.marac_incidents_sweep() == 1
    (task,) = _tasks(survivor)
    assert task.criteria_labels == ["Potential escalation"] and task.incidents.count() == 3
    assert marac.marac_incidents_sweep() == 0
    assert task.incidents.count() == 3 and len(_tasks(survivor)) == 1


def test_incidents_outside_the_window_do_not_count(world, settings) -> None:
    settings.MARAC_ESCALATION_WINDOW_DAYS = 30
    survivor = _case(world)
    for days in (40, 35):
        Alert.objects.create(
            survivor=survivor,
            kind=Alert.Kind.URGENT_REPLY,
            urgent=True,
            created_at=timezone.now() - timedelta(days=days),
        )
    _raise(survivor, Alert.Kind.URGENT_REPLY, urgent=True)
    assert _tasks(survivor) == []
    settings.MARAC_ESCALATION_INCIDENTS = 1
    _raise(survivor, Alert.Kind.DURESS, urgent=True)
    (task,) = _tasks(survivor)
    assert task.incidents.count() == 2  # the two inside the window


# --- The referral and repeat referral --------------------------------------------------


def test_recording_the_referral_records_a_high_risk_disclosure_and_closes_the_task(
    world, questions
) -> None:
    survivor = _case(world)
    _assess(world, survivor, questions, 14)
    client = sign_in(Client(), world.wss_a)
    page = client.get(f"/staff/cases/{survivor.pk}/").content.decode()
    assert "A referral criterion is met" in page
    assert "checklist scored 14, level high" in page
    response = client.post(
        f"/staff/cases/{survivor.pk}/marac/refer/",
        {"agency": "Local MARAC", "details": "Checklist and safety concerns"},
        follow=True,
    )
    assert "Referral recorded" in response.content.decode()
    referral = MaracReferral.objects.get(survivor=survivor)
    assert referral.disclosure.basis == Disclosure.Basis.HIGH_RISK
    assert referral.disclosure.agency == "Local MARAC"
    assert not referral.repeat
    (task,) = _tasks(survivor)
    assert task.outcome == MaracTask.Outcome.REFERRED
    assert task.closed_by == world.wss_a
    # The manager's disclosure list shows it like any other.
    listing = sign_in(Client(), world.manager).get("/staff/disclosures/").content.decode()
    assert "Local MARAC" in listing


def test_a_referral_without_an_agency_is_refused_and_nothing_is_written(world, questions) -> None:
    survivor = _case(world)
    _assess(world, survivor, questions, 14)
    with pytest.raises(DisclosureError):
        marac.marac_referral_record(actor=world.wss_a, survivor=survivor, agency="  ")
    assert not Disclosure.objects.filter(survivor=survivor).exists()
    assert not MaracReferral.objects.filter(survivor=survivor).exists()
    assert _tasks(survivor)[0].closed_at is None


def test_an_incident_within_a_year_of_a_referral_is_a_repeat_referral(world) -> None:
    survivor = _case(world)
    marac.marac_referral_record(
        actor=world.wss_a,
        survivor=survivor,
        agency="Local MARAC",
        referred_at=timezone.now() - timedelta(days=200),
    )
    _raise(survivor, Alert.Kind.CALL_REQUESTED)  # not an incident
    assert _tasks(survivor) == []
    _raise(survivor, Alert.Kind.DURESS, urgent=True)
    (task,) = _tasks(survivor)
    assert task.criteria_labels == ["Repeat referral"]
    assert any("a new incident since" in line for line in task.evidence_lines)
    second = marac.marac_referral_record(actor=world.wss_a, survivor=survivor, agency="MARAC")
    assert second.repeat


def test_a_referral_over_a_year_ago_is_not_a_repeat(world) -> None:
    survivor = _case(world)
    marac.marac_referral_record(
        actor=world.wss_a,
        survivor=survivor,
        agency="Local MARAC",
        referred_at=timezone.now() - timedelta(days=400),
    )
    _raise(survivor, Alert.Kind.DURESS, urgent=True)
    assert _tasks(survivor) == []


def test_a_high_risk_task_closes_only_with_a_referral_or_a_reason(world, questions) -> None:
    survivor = _case(world)
    _assess(world, survivor, questions, 15)
    client = sign_in(Client(), world.wss_a)
    response = client.post(
        f"/staff/cases/{survivor.pk}/marac/close/", {"reason": "  "}, follow=True
    )
    assert "Give the reason for not referring" in response.content.decode()
    assert _tasks(survivor)[0].closed_at is None
    with pytest.raises(MaracError):
        marac.marac_task_close(actor=world.wss_a, survivor=survivor, reason="")
    client.post(
        f"/staff/cases/{survivor.pk}/marac/close/", {"reason": "Already heard at MARAC last week"}
    )
    (task,) = _tasks(survivor)
    assert task.outcome == MaracTask.Outcome.NOT_REFERRED
    assert task.close_reason == "Already heard at MARAC last week"
    page = client.get(f"/staff/cases/{survivor.pk}/").content.decode()
    assert "Already heard at MARAC last week" in page
    assert "No open referral task." in page


def test_another_worker_cannot_refer_or_close(world) -> None:
    client = sign_in(Client(), world.wss_other)
    case = world.survivor_a.pk
    assert client.post(f"/staff/cases/{case}/marac/refer/", {"agency": "X"}).status_code == 404
    assert client.post(f"/staff/cases/{case}/marac/close/", {"reason": "X"}).status_code == 404
    assert not MaracReferral.objects.exists()


# --- Reassessment --------------------------------------------------------------------


def test_reassessment_falls_due_after_eight_weeks_and_on_a_programme_event(
    world, questions, django_capture_on_commit_callbacks
) -> None:
    participant = ParticipantFactory.create(reference="P-8802")
    survivor = _case(world, participant=participant)
    client = sign_in(Client(), world.wss_a)

    def row() -> str:
        body = client.get("/staff/caseload/").content.decode()
        start = body.index(f'href="/staff/cases/{survivor.pk}/"')
        return body[start : body.index("</tr>", start)]

    old = _assess(world, survivor, questions, 2)
    RiskAssessment.objects.filter(pk=old.pk).update(
        assessed_at=timezone.now() - timedelta(weeks=8, hours=1)
    )
    assert "reassessment due" in row()
    _assess(world, survivor, questions, 2)
    assert "reassessment due" not in row()
    # A status change about him makes it due at once.
    with django_capture_on_commit_callbacks(execute=True):
        records.status_change_record(
            actor=world.programme, participant=participant, status="suspended"
        )
    assert "reassessment due" in row()
    assert (
        "<strong>reassessment due</strong>"
        in client.get(f"/staff/cases/{survivor.pk}/").content.decode()
    )
