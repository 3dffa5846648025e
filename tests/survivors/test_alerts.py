"""Alerts: raised in the same transaction as their cause on the WSS side, and
from the programme's events once the programme's write commits; acknowledged
with a note; the optional neutral email; the duty view."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from contacts.models import AuditEvent
from programme.models import ProgrammeEvent, RiskConcern, StatusChange
from programme.services import records
from survivors.models import Alert, ProgrammeEventReceipt
from survivors.services import alerts as alerts_services
from survivors.services.events import programme_event_take_in, programme_events_consume
from survivors.services.second_passphrase import duress_passphrase_set

from ..conftest import CANARIES, sign_in
from ..factories import staff_user


def test_status_change_alerts_every_linked_survivors_worker(
    world, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        records.status_change_record(
            actor=world.programme,
            participant=world.linked_participant,
            status="suspended",
            reason="missed sessions",
        )
    alerts = Alert.objects.filter(kind=Alert.Kind.STATUS_CHANGE)
    assert sorted(a.survivor_id for a in alerts) == sorted(
        [world.survivor_a.pk, world.survivor_b.pk]
    )
    assert not any(a.urgent for a in alerts)
    # Nobody linked to the lone man: no alert, and no error either.
    with django_capture_on_commit_callbacks(execute=True):
        records.status_change_record(
            actor=world.programme, participant=world.lone_participant, status="attending"
        )
    assert Alert.objects.count() == 2
    # Each event was taken in once; taking them in again raises nothing twice.
    assert ProgrammeEventReceipt.objects.count() == ProgrammeEvent.objects.count() == 2
    assert programme_events_consume() == 0
    for event in ProgrammeEvent.objects.all():
        assert programme_event_take_in(event=event) == 0
    assert Alert.objects.count() == 2


@pytest.mark.parametrize(("urgency", "urgent"), [("urgent", True), ("routine", False)])
def test_risk_concern_alerts_with_its_urgency(
    world, urgency, urgent, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        records.risk_concern_raise(
            actor=world.programme,
            participant=world.linked_participant,
            kind="disclosed_abuse",
            occurred_on=date(2026, 11, 1),
            urgency=urgency,
        )
    alerts = list(Alert.objects.filter(kind=Alert.Kind.RISK_CONCERN))
    assert len(alerts) == 2
    assert {a.urgent for a in alerts} == {urgent}


@pytest.mark.parametrize(
    ("kind", "urgent"),
    [
        (Alert.Kind.DURESS, True),
        (Alert.Kind.CALL_REQUESTED, False),
        (Alert.Kind.URGENT_REPLY, True),
        (Alert.Kind.CHECKIN_MISSED, False),
        (Alert.Kind.OPTED_OUT, False),
    ],
)
def test_every_other_cause_raises_an_alert_visible_to_her_worker_only(world, kind, urgent) -> None:
    alerts_services.alert_raise(survivor=world.survivor_a, kind=kind, urgent=urgent)
    own = sign_in(Client(), world.wss_a).get("/staff/caseload/")
    row = own.context["survivors"][0]
    assert (row.pk, row.open_alerts, row.urgent_alerts) == (world.survivor_a.pk, 1, int(urgent))
    other = sign_in(Client(), world.wss_other).get("/staff/caseload/")
    assert [s.open_alerts for s in other.context["survivors"]] == [0]


def test_unknown_alert_kind_is_a_programming_error(world) -> None:
    with pytest.raises(ValueError, match="Unknown alert kind"):
        alerts_services.alert_raise(survivor=world.survivor_a, kind="made_up")


@pytest.mark.parametrize("cause", ["status", "concern"])
def test_a_failure_after_the_cause_rolls_back_cause_and_event(world, cause) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        if cause == "status":
            records.status_change_record(
                actor=world.programme, participant=world.linked_participant, status="suspended"
            )
        else:
            records.risk_concern_raise(
                actor=world.programme,
                participant=world.linked_participant,
                kind="threat",
                occurred_on=date(2026, 11, 1),
                urgency="urgent",
            )
        # The event is recorded inside the programme's transaction; the alerts
        # are not (the WSS side raises them once it commits).
        assert ProgrammeEvent.objects.count() == 1
        assert Alert.objects.count() == 0
        raise Boom
    assert ProgrammeEvent.objects.count() == 0
    assert programme_events_consume() == 0
    assert Alert.objects.count() == 0
    assert StatusChange.objects.count() == 0
    assert RiskConcern.objects.count() == 0
    world.linked_participant.refresh_from_db()
    assert world.linked_participant.status == "referred"


def test_a_failing_event_write_rolls_back_its_cause(world, monkeypatch) -> None:
    """If the programme event cannot be written, the status change is not saved
    either (so her worker can never miss a change that was saved)."""
    from django.db import connection

    real_execute = connection.cursor().__class__.execute

    def failing_execute(self, sql, params=None):
        if "INSERT INTO" in sql and "programme_programmeevent" in sql:
            raise RuntimeError("disk full")
        return real_execute(self, sql, params)

    monkeypatch.setattr(connection.cursor().__class__, "execute", failing_execute)
    with pytest.raises(RuntimeError):
        records.status_change_record(
            actor=world.programme, participant=world.linked_participant, status="suspended"
        )
    monkeypatch.undo()
    assert StatusChange.objects.count() == 0
    world.linked_participant.refresh_from_db()
    assert world.linked_participant.status == "referred"


def test_a_failing_alert_loses_no_event(world, monkeypatch) -> None:
    """If her alert cannot be written when the event is taken in, the event stays
    pending (its receipt rolls back with the alert) and the next run raises it."""
    from django.db import connection

    records.status_change_record(
        actor=world.programme, participant=world.linked_participant, status="suspended"
    )
    real_execute = connection.cursor().__class__.execute

    def failing_execute(self, sql, params=None):
        if "INSERT INTO" in sql and "survivors_alert" in sql:
            raise RuntimeError("disk full")
        return real_execute(self, sql, params)

    monkeypatch.setattr(connection.cursor().__class__, "execute", failing_execute)
    with pytest.raises(RuntimeError):
        programme_events_consume()
    monkeypatch.undo()
    assert Alert.objects.count() == 0 and ProgrammeEventReceipt.objects.count() == 0
    assert programme_events_consume() == 2
    assert Alert.objects.filter(kind=Alert.Kind.STATUS_CHANGE).count() == 2


# --- The optional email -----------------------------------------------------------------


def test_opted_in_worker_gets_a_neutral_email_after_commit(
    world, django_capture_on_commit_callbacks
):
    world.wss_a.email, world.wss_a.alert_emails = "worker-a@example.org", True
    world.wss_a.save()
    world.wss_other.email = "worker-b@example.org"  # has an address, did not opt in
    world.wss_other.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        records.status_change_record(
            actor=world.programme, participant=world.linked_participant, status="suspended"
        )
    assert mail.outbox == []  # nothing before commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()  # the programme's commit wakes the WSS side, which raises the alerts
    assert [m.to for m in mail.outbox] == [["worker-a@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "New alert"
    assert message.body == "You have a new alert \N{EM DASH} sign in to view."
    text = f"{message.subject}{message.body}"
    for secret in [*CANARIES, "P-7001", "suspended", "status", str(world.survivor_a.pk)]:
        assert secret not in text


def test_every_cause_sends_the_email(world, django_capture_on_commit_callbacks) -> None:
    world.wss_a.email, world.wss_a.alert_emails = "worker-a@example.org", True
    world.wss_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        alerts_services.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=True)
    with django_capture_on_commit_callbacks(execute=True):
        records.risk_concern_raise(
            actor=world.programme,
            participant=world.linked_participant,
            kind="threat",
            occurred_on=date(2026, 11, 1),
            urgency="routine",
        )
    assert len(mail.outbox) == 2


def test_a_rolled_back_cause_sends_no_email(world, django_capture_on_commit_callbacks) -> None:
    world.wss_a.email, world.wss_a.alert_emails = "worker-a@example.org", True
    world.wss_a.save()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        alerts_services.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.DURESS, urgent=True)
        1 / 0  # noqa: B018
    assert mail.outbox == []


def test_worker_opts_in_on_her_account_page(world) -> None:
    client = sign_in(Client(), world.wss_a)
    refused = client.post("/staff/account/", {"alert_emails": "on", "email": ""})
    assert refused.status_code == 400
    assert "Give an email address" in refused.content.decode()
    client.post("/staff/account/", {"alert_emails": "on", "email": "a@example.org"})
    world.wss_a.refresh_from_db()
    assert world.wss_a.alert_emails and world.wss_a.email == "a@example.org"


# --- Acknowledgement ---------------------------------------------------------------------


def test_worker_acknowledges_with_a_note(world) -> None:
    alert = alerts_services.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.CALL_REQUESTED)
    client = sign_in(Client(), world.wss_a)
    empty = client.post(f"/staff/alerts/{alert.pk}/", {"note": "  "})
    assert empty.status_code == 400
    assert "Write a short note" in empty.content.decode()
    response = client.post(f"/staff/alerts/{alert.pk}/", {"note": "Called her, all fine"})
    assert response["Location"] == f"/staff/cases/{world.survivor_a.pk}/"
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.wss_a
    assert alert.acknowledgement_note == "Called her, all fine"
    assert AuditEvent.objects.filter(action="alert.acknowledge", object_id=str(alert.pk)).exists()
    again = client.post(f"/staff/alerts/{alert.pk}/", {"note": "twice"})
    assert again.status_code == 400
    assert "already been acknowledged" in again.content.decode()
    page = client.get("/staff/caseload/")
    assert page.context["survivors"][0].open_alerts == 0


def test_other_workers_cannot_see_or_acknowledge_her_alerts(world) -> None:
    alert = alerts_services.alert_raise(survivor=world.survivor_a, kind=Alert.Kind.CALL_REQUESTED)
    for user in (world.wss_other, world.manager, world.programme):
        client = sign_in(Client(), user)
        assert client.get(f"/staff/alerts/{alert.pk}/").status_code in (403, 404)
        assert client.post(f"/staff/alerts/{alert.pk}/", {"note": "x"}).status_code in (403, 404)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_duty_worker_sees_and_acknowledges_urgent_alerts_across_the_service(world) -> None:
    duty = staff_user("WSS worker", username="duty-worker", is_duty_worker=True)
    urgent = alerts_services.alert_raise(
        survivor=world.survivor_a, kind=Alert.Kind.URGENT_REPLY, urgent=True
    )
    routine = alerts_services.alert_raise(survivor=world.survivor_b, kind=Alert.Kind.CALL_REQUESTED)
    client = sign_in(Client(), duty)
    page = client.get("/staff/duty/")
    assert page.status_code == 200
    assert [a.pk for a in page.context["listing"].rows] == [urgent.pk]
    detail = client.get(f"/staff/alerts/{urgent.pk}/")
    assert detail.status_code == 200
    assert world.survivor_a.safe_phone in detail.content.decode()
    assert AuditEvent.objects.filter(
        actor=duty, action="survivor.view_duty", survivor_id=world.survivor_a.pk
    ).exists()
    # Not her case: a routine alert and the case page stay closed to the duty worker.
    assert client.get(f"/staff/alerts/{routine.pk}/").status_code == 404
    assert client.get(f"/staff/cases/{world.survivor_a.pk}/").status_code == 404
    response = client.post(f"/staff/alerts/{urgent.pk}/", {"note": "Rang her, safe now"})
    assert response["Location"] == "/staff/duty/"
    assert client.get("/staff/duty/").context["listing"].rows == []
    # Ordinary WSS workers do not get the duty view.
    assert sign_in(Client(), world.wss_a).get("/staff/duty/").status_code == 403


def test_duress_sign_in_alerts_her_worker_urgently_and_the_duty_view(world) -> None:
    """The real cause, end to end: she signs in with her second passphrase."""
    duress_passphrase_set(
        survivor=world.survivor_a,
        passphrase="another long phrase 77",
        current_passphrase="a long passphrase 42",
    )
    response = Client().post(
        "/", {"username": world.survivor_a.user.username, "passphrase": "another long phrase 77"}
    )
    assert response.status_code in (302, 303)  # signed in, as with her usual passphrase
    alert = Alert.objects.get(kind=Alert.Kind.DURESS)
    assert (alert.survivor_id, alert.urgent) == (world.survivor_a.pk, True)
    duty = staff_user("WSS worker", username="duty-2", is_duty_worker=True)
    assert [a.pk for a in sign_in(Client(), duty).get("/staff/duty/").context["listing"].rows] == [
        alert.pk
    ]
    caseload = sign_in(Client(), world.wss_a).get("/staff/caseload/")
    assert caseload.context["survivors"][0].urgent_alerts == 1


def test_her_worker_sees_the_risk_concerns_kind_date_and_urgency(
    world, django_capture_on_commit_callbacks
) -> None:
    """SPEC 5 (risk concerns alert her worker): the alert said only "Risk concern raised"."""
    duty = staff_user("WSS worker", username="duty-worker", is_duty_worker=True)
    client = sign_in(Client(), world.programme)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/staff/participants/{world.linked_participant.pk}/concerns/",
            {"kind": "threat", "occurred_on": "2026-11-03", "urgency": "urgent"},
        )
    alert = Alert.objects.get(survivor=world.survivor_a, kind=Alert.Kind.RISK_CONCERN)
    basic = "Risk concern raised: threat, on 3 Nov 2026, urgent"
    worker = sign_in(Client(), world.wss_a)
    assert basic in worker.get(f"/staff/cases/{world.survivor_a.pk}/").content.decode()
    assert basic in worker.get(f"/staff/alerts/{alert.pk}/").content.decode()
    assert basic in sign_in(Client(), duty).get("/staff/duty/").content.decode()
    # Acknowledged, it still says what it was.
    worker.post(f"/staff/alerts/{alert.pk}/", {"note": "Rang her"})
    assert basic in worker.get(f"/staff/cases/{world.survivor_a.pk}/").content.decode()
    # There is no detail to show: the concern holds none (SPEC 2).
    assert {f.name for f in RiskConcern._meta.concrete_fields} == {
        "id",
        "participant",
        "kind",
        "occurred_on",
        "urgency",
        "author",
        "created_at",
        "told_him_at",  # when he was told, for his own copy of his records (SPEC 12)
    }
