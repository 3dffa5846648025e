"""SPEC 12 (retention): one schedule, record type by record type, shown to the
manager and applied nightly; each run writes counts, never content. SPEC 12
(legal hold) stops retention of a case. SPEC 7: old messages and check-ins go
automatically; SPEC 9: a closed case goes from its closing date."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from io import StringIO
from itertools import count
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessLog
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone

from checkins.models import (
    CheckIn,
    CheckInPlan,
    InboundMessage,
    OutboundMessage,
    PurgeRun,
    SmsStatusEvent,
)
from checkins.services.retention import retention_apply
from checkins.tasks import retention_purge_nightly
from contacts.models import AuditAction, AuditEvent
from contacts.services.audit import audit_record
from survivors.models import CaseState, Message, Referral, Survivor

from ..conftest import CANARIES, sign_in
from ..factories import SurvivorFactory

T0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
_sids = count(1)

# A row of each record type, made at T0; each returns a check "is it still there?".
Exists = Callable[[], bool]


def _case(**fields) -> Survivor:
    return SurvivorFactory.create(**{"case_state": CaseState.ACTIVE, **fields})


def _message(survivor: Survivor, world) -> Message:
    return Message.objects.create(
        survivor=survivor, author=world.wss_a, from_survivor=False, body="see you thursday"
    )


def closed_case(world) -> Exists:
    case = _case(case_state=CaseState.CLOSED, closed_at=timezone.now())
    message = _message(case, world)
    return lambda: (
        Survivor.objects.filter(pk=case.pk).exists()
        or Message.objects.filter(pk=message.pk).exists()
    )


def message(world) -> Exists:
    row = _message(_case(), world)
    return Message.objects.filter(pk=row.pk).exists


def checkin_and_reply(world) -> Exists:
    case = _case()
    plan = CheckInPlan.objects.create(survivor=case, frequency="daily", send_at=time(18, 0))
    checkin = CheckIn.objects.create(
        plan=plan, survivor=case, due_at=timezone.now(), state=CheckIn.State.ANSWERED
    )
    reply = InboundMessage.objects.create(
        message_sid=f"SMreply{next(_sids)}", from_hash="x", body="1", survivor=case, checkin=checkin
    )
    return lambda: (
        CheckIn.objects.filter(pk=checkin.pk).exists()
        or InboundMessage.objects.filter(pk=reply.pk).exists()
    )


def _text(survivor: Survivor) -> OutboundMessage:
    sid = f"SMtext{next(_sids)}"
    SmsStatusEvent.objects.create(message_sid=sid, status="delivered")
    return OutboundMessage.objects.create(
        idempotency_key=sid,
        kind=OutboundMessage.Kind.NUDGE,
        survivor=survivor,
        to_number="+447700900123",
        body="Hi, you have a new message.",
        state=OutboundMessage.State.DELIVERED,
        message_sid=sid,
    )


def text_and_callback(world) -> Exists:
    text = _text(_case())
    return lambda: (
        OutboundMessage.objects.filter(pk=text.pk).exists()
        or SmsStatusEvent.objects.filter(message_sid=text.message_sid).exists()
    )


def staff_sign_in(world) -> Exists:
    row = AccessLog.objects.create(
        username=world.wss_a.username,
        ip_address="10.1.1.1",
        user_agent="",
        http_accept="",
        path_info="/",
    )
    return AccessLog.objects.filter(pk=row.pk).exists


def audit_row(world) -> Exists:
    row = audit_record(actor=world.manager, action=AuditAction.AUDIT_VIEW)
    return AuditEvent.objects.filter(pk=row.pk).exists


def exports(world) -> Exists:
    """Her records request export and his, each built (SPEC 12)."""
    from pathlib import Path

    from django.conf import settings

    from checkins.selectors.subject_access import check_ins_section
    from programme.models import ParticipantRecordsRequest
    from programme.services.records_request import (
        participant_records_export_build,
        participant_records_request_record,
    )
    from survivors.models import SubjectAccessRequest
    from survivors.services.subject_access import (
        subject_access_export_build,
        subject_access_request_record,
    )

    hers = subject_access_request_record(
        actor=world.wss_a, survivor=world.survivor_a, received_on=timezone.localdate()
    )
    subject_access_export_build(request_id=hers.pk, check_ins=check_ins_section)
    his = participant_records_request_record(
        actor=world.programme,
        participant=world.linked_participant,
        received_on=timezone.localdate(),
    )
    participant_records_export_build(records_request_id=his.pk)
    files = [
        Path(settings.EXPORT_ROOT) / SubjectAccessRequest.objects.get(pk=hers.pk).file_name,
        Path(settings.EXPORT_ROOT) / ParticipantRecordsRequest.objects.get(pk=his.pk).file_name,
    ]
    assert all(file.exists() for file in files)
    return lambda: any(file.exists() for file in files)


def _referral(**fields) -> Referral:
    return Referral.objects.create(**{"source": "police", "known_as": "Jo", **fields})


def declined_referral(world) -> Exists:
    """A referral declined at triage (SPEC 13), decided as it came in."""
    row = _referral(state=Referral.State.DECLINED, decided_at=timezone.now())
    return Referral.objects.filter(pk=row.pk).exists


MAKERS = {
    "exports": exports,
    "declined_referrals": declined_referral,
    "closed_cases": closed_case,
    "messages": message,
    "checkins": checkin_and_reply,
    "texts": text_and_callback,
    "sign_in_records": staff_sign_in,
    "audit": audit_row,
}


def _days(settings, record_type: str) -> int:
    return settings.RETENTION_SCHEDULE[record_type]["days"]


@pytest.mark.parametrize("record_type", list(MAKERS))
def test_each_record_type_is_kept_to_the_end_of_its_period_and_then_deleted(
    world, settings, record_type
) -> None:
    with time_machine.travel(T0, tick=False):
        still_there = MAKERS[record_type](world)
    period = timedelta(days=_days(settings, record_type))

    with time_machine.travel(T0 + period - timedelta(hours=1), tick=False):
        retention_apply()
    assert still_there()

    with time_machine.travel(T0 + period + timedelta(hours=1), tick=False):
        run = retention_apply()
    assert not still_there()
    assert run.counts[record_type]["deleted"] >= 1
    assert run.finished_at is not None


def test_a_case_under_legal_hold_is_kept_whole_and_counted_as_held(world, settings) -> None:
    with time_machine.travel(T0, tick=False):
        held = _case(case_state=CaseState.CLOSED, closed_at=timezone.now(), legal_hold_at=T0)
        free = _case(case_state=CaseState.CLOSED, closed_at=timezone.now())
        held_message, free_message = _message(held, world), _message(free, world)
        held_text, free_text = _text(held), _text(free)
        held_read = audit_record(actor=world.wss_a, action=AuditAction.SURVIVOR_VIEW, survivor=held)
    longest = max(_days(settings, key) for key in MAKERS)

    with time_machine.travel(T0 + timedelta(days=longest + 1), tick=False):
        run = retention_apply()

    assert Survivor.objects.filter(pk=held.pk).exists()
    assert Message.objects.filter(pk=held_message.pk).exists()
    assert OutboundMessage.objects.filter(pk=held_text.pk).exists()
    assert SmsStatusEvent.objects.filter(message_sid=held_text.message_sid).exists()
    assert AuditEvent.objects.filter(pk=held_read.pk).exists()
    assert not Survivor.objects.filter(pk=free.pk).exists()
    assert not Message.objects.filter(pk=free_message.pk).exists()
    assert not OutboundMessage.objects.filter(pk=free_text.pk).exists()
    assert run.counts["closed_cases"] == {"deleted": 1, "held": 1}
    assert run.counts["audit"]["held"] == 1
    # Her messages and texts are held while her case is (the free case's went with it).
    assert run.counts["texts"]["held"] == 2  # the text and its status callback


def _refuse_deleting(message_pk: int) -> Callable[[], None]:
    """A database that fails half way through a run: it refuses to delete one
    message (a trigger, made and dropped by this test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION 'the disk went away'; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER test_refuse BEFORE DELETE ON survivors_message FOR EACH ROW "
                f"WHEN (OLD.id = {int(message_pk)}) EXECUTE FUNCTION test_refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_refuse BEFORE DELETE ON survivors_message "
                f"WHEN OLD.id = {int(message_pk)} "
                "BEGIN SELECT RAISE(ABORT, 'the disk went away'); END"
            )

    def put_back() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER test_refuse ON survivors_message")
                cursor.execute("DROP FUNCTION test_refuse()")
            else:
                cursor.execute("DROP TRIGGER test_refuse")

    return put_back


def test_a_run_stopped_half_way_keeps_its_batches_and_the_next_run_finishes(
    world, settings
) -> None:
    settings.RETENTION_BATCH_SIZE = 2
    Message.objects.all().delete()
    with time_machine.travel(T0, tick=False):
        case = _case()
        ids = [_message(case, world).pk for _ in range(5)]
    later = T0 + timedelta(days=_days(settings, "messages") + 1)
    put_back = _refuse_deleting(ids[3])  # the second batch fails

    with time_machine.travel(later, tick=False), pytest.raises(DatabaseError):
        retention_apply()

    stopped = PurgeRun.objects.get()
    assert stopped.finished_at is None
    assert stopped.counts["messages"] == {"deleted": 2, "held": 0}
    assert sorted(Message.objects.values_list("pk", flat=True)) == ids[2:]

    put_back()
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        resumed = retention_apply()
    assert resumed.resumes == stopped
    assert resumed.counts["messages"] == {"deleted": 3, "held": 0}
    assert resumed.finished_at is not None
    assert not Message.objects.exists()


def test_the_run_records_counts_only_and_one_audit_row(world) -> None:
    with time_machine.travel(T0 + timedelta(days=10 * 365), tick=False):
        retention_purge_nightly.delay()
    run = PurgeRun.objects.get()
    stored = json.dumps(run.counts)
    assert set(run.counts) == set(MAKERS)
    assert all(set(counts) == {"deleted", "held"} for counts in run.counts.values())
    assert all(isinstance(n, int) for c in run.counts.values() for n in c.values())
    assert not [canary for canary in CANARIES if canary in stored]
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_PURGE)
    assert (event.object_type, event.object_id) == ("purge_run", str(run.pk))


def test_docs_hold_the_current_schedule() -> None:
    """docs/operations.md carries `manage.py retention --show`'s output as it is now."""
    out = StringIO()
    call_command("retention", "--show", stdout=out)
    assert out.getvalue().startswith("| record type |")
    assert out.getvalue() in DOCS.read_text()


def test_a_schedule_that_cannot_be_applied_says_why(settings) -> None:
    settings.RETENTION_SCHEDULE = {
        **settings.RETENTION_SCHEDULE,
        "messages": {"days": 0, "from": "creation"},
    }
    with pytest.raises(ImproperlyConfigured, match="RETENTION_MESSAGES_DAYS must be 1 or more"):
        retention_apply()
    assert not PurgeRun.objects.exists()


def test_the_manager_sees_the_schedule_and_the_last_runs(world) -> None:
    with time_machine.travel(T0, tick=False):
        _message(_case(), world)
    with time_machine.travel(T0 + timedelta(days=400), tick=False):
        run = retention_apply()
    page = sign_in(Client(), world.manager).get("/staff/retention/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Records request exports" in body and "30 days" in body
    assert f"{run.counts['messages']['deleted']} deleted" in body
    assert "not reached" not in body
    assert sign_in(Client(), world.programme).get("/staff/retention/").status_code == 403


def test_declined_and_never_decided_referrals_go_a_period_after_the_decision(
    world, settings
) -> None:
    """SPEC 12 and 13: a declined referral is kept for its period from the
    decision; one never decided, from the day it came in; one that made or
    joined a case stays with the case, and one on a case under legal hold is
    held."""
    period = timedelta(days=_days(settings, "declined_referrals"))
    with time_machine.travel(T0, tick=False):
        waiting = _referral()
        declined_later = _referral(
            state=Referral.State.DECLINED, decided_at=T0 + timedelta(days=30)
        )
        placed = _referral(state=Referral.State.ALLOCATED, decided_at=T0, survivor=world.survivor_a)
        held_case = _case(legal_hold_at=T0)
        held = _referral(state=Referral.State.DECLINED, decided_at=T0, survivor=held_case)

    def still_there() -> set[int]:
        return set(Referral.objects.values_list("pk", flat=True))

    with time_machine.travel(T0 + period - timedelta(hours=1), tick=False):
        retention_apply()
    assert still_there() == {waiting.pk, declined_later.pk, placed.pk, held.pk}

    with time_machine.travel(T0 + period + timedelta(hours=1), tick=False):
        run = retention_apply()
    assert still_there() == {declined_later.pk, placed.pk, held.pk}
    assert run.counts["declined_referrals"] == {"deleted": 1, "held": 1}

    with time_machine.travel(T0 + timedelta(days=30) + period + timedelta(hours=1), tick=False):
        run = retention_apply()
    assert still_there() == {placed.pk, held.pk}
    assert run.counts["declined_referrals"] == {"deleted": 1, "held": 1}
