"""Her outcome check-points (SPEC 14), following his programme register
through what this side already receives: the programme's events (taken in by
``survivors.services.events``) and her own case's stage changes. The
programme side learns nothing and does nothing different (SPEC 2).

Each stage is made at most once per woman (unique per survivor and stage), so
a replayed event, a second wake-up or the sweep make nothing twice. A new
check-point is a task for her worker: a "check-point due" alert. One left
unanswered past its window is recorded as missed by the sweep, and stays."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from survivors.models import Alert, CheckPoint, Survivor
from survivors.selectors.check_points import check_points_due_by, days_before
from survivors.services.alerts import alert_raise

logger = logging.getLogger(__name__)

STAGE_ORDER = [stage for stage, _ in CheckPoint.Stage.choices]


def check_points_update(
    *, survivor: Survivor, now: datetime | None = None, active_since: datetime | None = None
) -> list[CheckPoint]:
    """Make her check-points that his register (and her case) say are due by
    ``now`` and she does not have yet; raise a "check-point due" alert for each
    new one. Returns the new ones. Nothing without her consent; one she already
    has (due, answered or missed) is left as it is."""
    now = now or timezone.now()
    due = check_points_due_by(survivor=survivor, now=now, active_since=active_since)
    made: list[CheckPoint] = []
    for stage in sorted(due, key=STAGE_ORDER.index):
        with transaction.atomic():
            point, created = CheckPoint.objects.get_or_create(
                survivor=survivor, stage=stage, defaults={"due_at": due[stage], "created_at": now}
            )
            if created:
                alert_raise(survivor=survivor, kind=Alert.Kind.CHECK_POINT_DUE)
                made.append(point)
                logger.info("check-point %s due for case %s", point.pk, survivor.pk)
    return made


def check_points_register_changed(*, participant_id: int, now: datetime | None = None) -> int:
    """His register changed (a status change or an attendance mark taken in):
    bring every consenting woman linked to him up to date. Returns how many
    check-points were made. Call inside the event's transaction."""
    survivors = Survivor.objects.filter(
        participant_id=participant_id, outcomes_consent_at__isnull=False
    )
    return sum(len(check_points_update(survivor=s, now=now)) for s in survivors)


def check_points_case_active(*, survivor: Survivor, at: datetime) -> list[CheckPoint]:
    """Her case became active at ``at``: her intake may be due now (if he has
    started already)."""
    if survivor.outcomes_consent_at is None:
        return []
    return check_points_update(survivor=survivor, active_since=at)


def check_points_consent_given(*, survivor: Survivor) -> list[CheckPoint]:
    """She consented (perhaps long after he started): make the check-points
    already due by now, each once (the intake at once if both its conditions
    hold). For the consent service to call once her consent is saved."""
    return check_points_update(survivor=survivor)


class SweepResult(NamedTuple):
    """What one sweep did: check-points made (follow-ups that fell due, wake-ups
    that were lost) and check-points recorded as missed."""

    made: int
    missed: int


def check_points_sweep(*, now: datetime | None = None) -> SweepResult:
    """The periodic sweep (beat): make what fell due with time alone (the
    follow-up after his exit) or whose wake-up was lost, for every consenting
    woman linked to a man whose follow-up she does not have yet; then record
    as missed every check-point left unanswered ``OUTCOMES_ANSWER_WINDOW_DAYS``
    after it fell due. Missed ones are never dropped or made again."""
    now = now or timezone.now()
    waiting = (
        Survivor.objects.filter(
            outcomes_consent_at__isnull=False,
            participant__isnull=False,
            restricted_at__isnull=True,
        )
        .exclude(check_points__stage=CheckPoint.Stage.FOLLOW_UP)
        .order_by("pk")
    )
    made = sum(len(check_points_update(survivor=s, now=now)) for s in waiting.iterator())
    cutoff = days_before(now, settings.OUTCOMES_ANSWER_WINDOW_DAYS)
    with transaction.atomic():
        missed = CheckPoint.objects.filter(state=CheckPoint.State.DUE, due_at__lt=cutoff).update(
            state=CheckPoint.State.MISSED, missed_at=now
        )
    if made or missed:
        logger.info("check-points sweep: %s made, %s missed", made, missed)
    return SweepResult(made=made, missed=missed)
