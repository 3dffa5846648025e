"""Alerts to a survivor's Women's Support Service (WSS) worker, created in the
same transaction as their cause, and their acknowledgement.

Every alert, whatever raised it, may also send her worker a neutral email
("You have a new alert — sign in to view": no name, no detail) if the worker
opted in. The email is queued with ``transaction.on_commit`` and sent by a
Celery task, so a rolled-back cause sends nothing and no request (a programme
worker's status change, a duress sign-in) waits on a mail server.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from contacts import roles
from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from contacts.services.queue import ALERT_EMAILS_SEND, MARAC_INCIDENT_CHECK, enqueue
from programme.models import ProgrammeEvent, RiskConcern
from survivors.errors import AlertError
from survivors.models import Alert, Survivor
from survivors.selectors.cover import covered_worker

logger = logging.getLogger(__name__)

ALERT_EMAIL_SUBJECT = "New alert"
ALERT_EMAIL_BODY = "You have a new alert \N{EM DASH} sign in to view."


def alert_raise(
    *,
    survivor: Survivor,
    kind: str,
    urgent: bool = False,
    risk_concern: RiskConcern | None = None,
    programme_event: ProgrammeEvent | None = None,
) -> Alert:
    """Raise one alert for her worker. Call inside the cause's transaction."""
    if kind not in Alert.Kind.values:
        raise ValueError(f"Unknown alert kind {kind!r}")
    alert = Alert.objects.create(
        survivor=survivor,
        kind=kind,
        urgent=urgent,
        risk_concern=risk_concern,
        programme_event=programme_event,
    )
    enqueue(ALERT_EMAILS_SEND, alert_ids=[alert.pk])
    # Her risk picture (SPEC 9): an incident may meet a MARAC criterion. Checked
    # after commit, by a task: a duress sign-in must do exactly the work of an
    # ordinary one (tests/portal/test_quiet_changes.py).
    enqueue(MARAC_INCIDENT_CHECK, alert_id=alert.pk)
    # Ids only: the kind (duress, urgent reply...) says what happened to her.
    logger.info("alert %s raised for case %s", alert.pk, survivor.pk)
    return alert


@shared_task(acks_late=True, reject_on_worker_lost=True)
def alert_emails_send(*, alert_ids: list[int]) -> int:
    """Email each opted-in worker once: "You have a new alert". Ids only in logs."""
    alerts = Alert.objects.filter(pk__in=alert_ids)
    # Her worker's role is read now, not when the case was allocated: an account
    # that has left the WSS side (or holds a role that may not sit beside it) is
    # told nothing, or a programme worker would learn that a man has a linked
    # survivor from the email that follows his status change (SPEC 2).
    workers = list(
        User.objects.filter(
            caseload__alerts__in=alerts,
            alert_emails=True,
            is_active=True,
            kind=User.Kind.STAFF,
            groups__name=roles.WSS_WORKER,
        )
        .exclude(email="")
        .exclude(groups__name__in=[*roles.PROGRAMME_SIDE, roles.SERVICE_MANAGER])
        .distinct()
        .values_list("pk", "email")
    )
    for worker_id, email in workers:
        send_mail(
            ALERT_EMAIL_SUBJECT,
            ALERT_EMAIL_BODY,
            settings.DEFAULT_FROM_EMAIL,
            [email],
            fail_silently=False,
        )
        logger.info("alert email sent to worker %s", worker_id)
    return len(workers)


def alert_acknowledge(*, actor: User, alert: Alert, note: str) -> Alert:
    """Her worker (or the duty worker, for an urgent alert) acknowledges it with a
    note. The duty worker acting while her worker is away is recorded as in
    cover, naming whom she covered for (SPEC 9)."""
    note = note.strip()
    if not note:
        raise AlertError("note_required")
    with transaction.atomic():
        locked = Alert.objects.select_for_update().select_related("survivor").get(pk=alert.pk)
        if locked.acknowledged_at is not None:
            raise AlertError("already_acknowledged")
        covering_for = covered_worker(user=actor, survivor=locked.survivor)
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        locked.acknowledgement_note = note
        locked.acknowledged_covering_for = covering_for
        locked.save(
            update_fields=[
                "acknowledged_at",
                "acknowledged_by",
                "acknowledgement_note",
                "acknowledged_covering_for",
            ]
        )
        action = (
            AuditAction.ALERT_ACKNOWLEDGE
            if covering_for is None
            else AuditAction.ALERT_ACKNOWLEDGE_IN_COVER
        )
        audit_record(actor=actor, action=action, obj=locked, survivor=locked.survivor)
    return locked
