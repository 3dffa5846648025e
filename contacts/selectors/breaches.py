"""The manager's breach register and the 72-hour clock to tell the ICO (UK GDPR
art. 33: without undue delay and, where feasible, within 72 hours of becoming
aware), and one account's audit rows between two times (SPEC 12). Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from contacts.models import AuditEvent, Breach

ICO_HOURS = 72


@dataclass(frozen=True)
class IcoClock:
    """Where a breach stands against the 72 hours: ``state`` is ``running``,
    ``overdue``, ``reported`` or ``not_reportable``."""

    state: str
    deadline: datetime
    hours: int  # whole hours left (running) or past the deadline (overdue)

    @property
    def showing(self) -> bool:
        return self.state in ("running", "overdue")


def ico_clock(*, breach: Breach, now: datetime | None = None) -> IcoClock:
    """The clock runs from discovery until the breach is reported to the ICO or
    decided not reportable (an undecided one still counts down)."""
    now = now or timezone.now()
    deadline = breach.discovered_at + timedelta(hours=ICO_HOURS)
    if breach.reported_at is not None:
        return IcoClock("reported", deadline, 0)
    if breach.reportable == Breach.Reportable.NO:
        return IcoClock("not_reportable", deadline, 0)
    seconds = (deadline - now).total_seconds()
    if seconds >= 0:
        return IcoClock("running", deadline, int(seconds // 3600))
    return IcoClock("overdue", deadline, int(-seconds // 3600))


def breaches() -> QuerySet[Breach]:
    return Breach.objects.select_related("recorded_by").order_by("-discovered_at", "-pk")


def breach(*, breach_id: int) -> Breach | None:
    return Breach.objects.filter(pk=breach_id).first()


def account_events(*, actor_id: int, start: datetime, end: datetime) -> QuerySet[AuditEvent]:
    """Everything one account did, reads and changes, from ``start`` up to
    ``end``, oldest first: what an investigation asks of the audit log."""
    return AuditEvent.objects.filter(actor_id=actor_id, at__gte=start, at__lt=end).order_by(
        "at", "id"
    )
