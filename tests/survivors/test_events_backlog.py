"""A backlog of programme events is taken in without waiting for the sweep:
while a full batch is still waiting after a run, the WSS side's consumer queues
itself again (SPEC 2, SPEC 10: every programme write reaches her worker)."""

from __future__ import annotations

from programme.models import AttendanceMark, ProgrammeEvent
from survivors.services import events
from survivors.tasks import programme_events_consume


def test_one_wake_up_takes_in_two_full_batches(world) -> None:
    ProgrammeEvent.objects.bulk_create(
        ProgrammeEvent(
            kind=ProgrammeEvent.Kind.ATTENDANCE,
            participant=world.lone_participant,
            session=world.session,
            mark=AttendanceMark.ATTENDED,
        )
        for _ in range(2 * events.BATCH)
    )
    programme_events_consume.delay()  # eager in the tests: the task and any it queues
    assert events.programme_events_pending() == []
