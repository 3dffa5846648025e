"""User-facing rules live in the services and raise domain errors with a code,
so every caller (a view, an import, a task, the admin) gets the same answer;
the pages turn the code into the same words as before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import roles
from contacts.errors import AccountError
from contacts.models import AuditEvent
from contacts.services import accounts
from programme.errors import ProgrammeError
from programme.models import Participant, ProgrammeGroup, RiskConcern, StatusChange
from programme.services import records
from survivors.errors import ContactLogError, PortalError
from survivors.models import ContactLogEntry
from survivors.services import cases as cases_services
from survivors.services import contact_log
from survivors.services.activation import activation_code_issue, survivor_activate

from ..factories import SurvivorFactory


def test_a_risk_concern_dated_after_today_is_refused_by_the_service(world) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ProgrammeError) as caught:
        records.risk_concern_raise(
            actor=world.programme,
            participant=world.linked_participant,
            kind=RiskConcern.Kind.THREAT,
            occurred_on=timezone.localdate() + timedelta(days=1),
            urgency=RiskConcern.Urgency.URGENT,
        )
    assert caught.value.code == "in_future"
    assert caught.value.message == "The date cannot be in the future."
    assert RiskConcern.objects.count() == 0
    assert not world.survivor_a.alerts.exists()
    assert AuditEvent.objects.count() == before


def test_a_risk_concern_dated_today_is_recorded(world) -> None:
    concern = records.risk_concern_raise(
        actor=world.programme,
        participant=world.lone_participant,
        kind=RiskConcern.Kind.THREAT,
        occurred_on=timezone.localdate(),
        urgency=RiskConcern.Urgency.ROUTINE,
    )
    assert RiskConcern.objects.get() == concern


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("kind", "made_up", "unknown_concern_kind"), ("urgency", "soon", "unknown_urgency")],
)
def test_an_unknown_concern_kind_or_urgency_is_a_domain_error(world, field, value, code) -> None:
    data = {"kind": RiskConcern.Kind.THREAT, "urgency": RiskConcern.Urgency.URGENT, field: value}
    with pytest.raises(ProgrammeError) as caught:
        records.risk_concern_raise(
            actor=world.programme,
            participant=world.lone_participant,
            occurred_on=timezone.localdate(),
            **data,
        )
    assert caught.value.code == code
    assert RiskConcern.objects.count() == 0


def test_an_unknown_status_is_a_domain_error(world) -> None:
    with pytest.raises(ProgrammeError) as caught:
        records.status_change_record(
            actor=world.programme, participant=world.lone_participant, status="vanished"
        )
    assert caught.value.code == "unknown_status"
    assert StatusChange.objects.count() == 0


def test_group_names_are_unique_whatever_their_case(world) -> None:
    records.group_create(actor=world.programme, name="Thursday evening")
    count = ProgrammeGroup.objects.count()
    for name in ("THURSDAY EVENING", "  thursday Evening "):
        with pytest.raises(ProgrammeError) as caught:
            records.group_create(actor=world.programme, name=name)
        assert caught.value.code == "group_name_taken"
        assert caught.value.message == "There is already a group with that name."
    assert ProgrammeGroup.objects.count() == count
    with pytest.raises(ProgrammeError) as caught:
        records.group_create(actor=world.programme, name="   ")
    assert caught.value.code == "no_group_name"


def test_participant_references_are_unique_whatever_their_case(world) -> None:
    records.participant_create(actor=world.programme, reference="P-7700")
    count = Participant.objects.count()
    with pytest.raises(ProgrammeError) as caught:
        records.participant_create(actor=world.programme, reference="p-7700")
    assert caught.value.code == "reference_taken"
    assert caught.value.message == "That reference is already in use."
    assert Participant.objects.count() == count


def test_staff_usernames_are_unique_whatever_their_case(world) -> None:
    with pytest.raises(AccountError) as caught:
        accounts.staff_account_create(
            actor=world.manager,
            username=world.wss_a.username.upper(),
            role_names=[roles.WSS_WORKER],
        )
    assert caught.value.code == "username_taken"


def test_her_username_cannot_differ_from_a_taken_one_only_by_case(world) -> None:
    newcomer = SurvivorFactory.create(known_as="New Person")
    cases_services.survivor_allocate(actor=world.manager, survivor=newcomer, worker=world.wss_a)
    newcomer.refresh_from_db()
    code = activation_code_issue(actor=world.wss_a, survivor=newcomer)
    with pytest.raises(PortalError) as caught:
        survivor_activate(
            code=code,
            username=world.survivor_a.user.username.upper(),
            passphrase="orange kettle river seven",
        )
    assert caught.value.code == "username_unavailable"


@pytest.mark.parametrize(
    ("kind", "outcome", "code"),
    [("pigeon", "spoke", "unknown_kind"), ("call", "shrugged", "unknown_outcome")],
)
def test_an_unknown_contact_kind_or_outcome_is_a_domain_error(world, kind, outcome, code) -> None:
    with pytest.raises(ContactLogError) as caught:
        contact_log.contact_log_add(
            actor=world.wss_a, survivor=world.survivor_a, kind=kind, outcome=outcome
        )
    assert caught.value.code == code
    assert ContactLogEntry.objects.count() == 0
