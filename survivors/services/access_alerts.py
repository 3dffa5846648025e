"""Reads that do not fit the work alert the manager (SPEC 12). Raised from the
audit write of every staff read (``contacts.signals.case_reads_recorded``, in
the same transaction); the manager acknowledges each with a note. Women's
Support Service (WSS) side: the alerts name cases, never the programme."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from survivors.errors import AccessAlertError
from survivors.models import AccessAlert
from survivors.selectors.access_log import cases_opened_since, reads_not_fitting


def _clock_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def access_alerts_raise(
    *,
    actor: User,
    action: str,
    survivor_ids: list[int],
    listed: bool,
    now: datetime | None = None,
) -> list[AccessAlert]:
    """Check one staff read against the two rules and raise what fails:

    * a case read that does not fit the work (``reads_not_fitting``): one alert
      per account, case and clock hour;
    * one account opening more than ``ACCESS_ALERT_CASES_PER_HOUR`` different
      cases in the last hour (list pages are left out: see ``LIST_READS``): one
      alert per account and clock hour, so a burst never floods the manager.
    """
    now = now or timezone.now()
    hour = _clock_hour(now)
    raised = []
    with transaction.atomic(savepoint=False):
        for survivor_id in reads_not_fitting(actor=actor, action=action, survivor_ids=survivor_ids):
            alert, created = AccessAlert.objects.get_or_create(
                kind=AccessAlert.Kind.UNFITTING,
                account=actor,
                survivor_id=survivor_id,
                hour=hour,
                defaults={"action": action, "raised_at": now},
            )
            if created:
                raised.append(alert)
        if not listed:
            opened = cases_opened_since(actor=actor, since=now - timedelta(hours=1))
            if opened > settings.ACCESS_ALERT_CASES_PER_HOUR:
                alert, created = AccessAlert.objects.get_or_create(
                    kind=AccessAlert.Kind.VOLUME,
                    account=actor,
                    hour=hour,
                    defaults={"action": action, "cases_read": opened, "raised_at": now},
                )
                if created:
                    raised.append(alert)
    return raised


def access_alert_acknowledge(*, actor: User, alert: AccessAlert, note: str) -> AccessAlert:
    """The manager looked into it: who, when and what she found (audited)."""
    note = note.strip()
    if not note:
        raise AccessAlertError("note_required")
    with transaction.atomic():
        locked = AccessAlert.objects.select_for_update().get(pk=alert.pk)
        if locked.acknowledged_at is not None:
            raise AccessAlertError("already_acknowledged")
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        locked.note = note
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
        audit_record(actor=actor, action=AuditAction.ACCESS_ALERT_ACKNOWLEDGE, obj=locked)
    return locked
