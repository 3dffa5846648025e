"""With a real Celery worker running, a programme write reaches the worker of
every survivor linked to the man as an alert, through the programme's events:
the programme's commit wakes the WSS side's consumer through the broker, and
her optional text is queued in her safe windows (SPEC 2, SPEC 5)."""

from __future__ import annotations

from datetime import date

import pytest

from checkins.models import OutboundMessage
from contacts import roles
from programme.models import ProgrammeEvent
from programme.services import records
from survivors.models import Alert, ProgrammeEventReceipt
from survivors.tasks import programme_events_consume

from ..checkins.conftest import all_day_windows, celery_via_broker  # noqa: F401 - fixture
from ..checkins.test_worker import live_worker, wait_for, while_locked  # noqa: F401 - fixture
from ..factories import ParticipantFactory, SurvivorFactory, staff_user

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("broker"),
]


@pytest.mark.usefixtures("live_worker")
def test_a_programme_write_reaches_her_worker_through_a_real_worker() -> None:
    programme = staff_user(roles.PROGRAMME_WORKER, username="programme-events")
    first = staff_user(roles.WSS_WORKER, username="wss-events-1")
    second = staff_user(roles.WSS_WORKER, username="wss-events-2")
    man = ParticipantFactory.create(reference="P-8801")
    opted_in = SurvivorFactory.create(participant=man, worker=first, phone="+447700900801")
    opted_in.sms_nudges = True
    opted_in.save()
    all_day_windows(opted_in)
    SurvivorFactory.create(participant=man, worker=second)
    lone = ParticipantFactory.create(reference="P-8802")

    # The worker takes in the first write while the next ones are made.
    while_locked(
        lambda: records.status_change_record(actor=programme, participant=man, status="suspended")
    )
    while_locked(
        lambda: records.risk_concern_raise(
            actor=programme, participant=man, kind="threat", occurred_on=date(2026, 11, 1),
            urgency="urgent",
        )
    )  # fmt: skip
    while_locked(
        lambda: records.status_change_record(actor=programme, participant=lone, status="suspended")
    )
    # Nothing was raised inside the programme's requests: the worker does it.
    # Beat's sweep stands by, as in production, for a wake-up whose task lost
    # the race for SQLite's in-memory test database.
    wait_for(
        lambda: ProgrammeEventReceipt.objects.count() == 3,
        poke=programme_events_consume.delay,
        every=3,
    )
    alerts = Alert.objects.order_by("survivor__worker__username", "kind")
    assert [(a.survivor.worker.username, a.kind, a.urgent) for a in alerts] == [
        ("wss-events-1", "risk_concern", True),
        ("wss-events-1", "status_change", False),
        ("wss-events-2", "risk_concern", True),
        ("wss-events-2", "status_change", False),
    ]
    assert ProgrammeEvent.objects.count() == 3
    # The one who opted in gets one neutral nudge; nobody else does.
    nudges = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.NUDGE)
    assert list(nudges.values_list("survivor_id", flat=True)) == [opted_in.pk]
