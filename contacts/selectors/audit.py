"""The audit log, filtered for the service manager (ids only in every row)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from contacts.models import AuditAction, AuditEvent

# How a row reads to the manager: "Read case 14's messages", not "thread.view".
# {case} is the case number, {object} the object's id; an action not listed
# here reads as its label.
SENTENCES: dict[str, str] = {
    # A list page writes one row per case it showed (SPEC 12); an empty list,
    # one row without a case, reads as the action's label.
    AuditAction.CASELOAD_VIEW: "Saw case {case} on their caseload",
    AuditAction.SURVIVOR_VIEW: "Read case {case}",
    AuditAction.SURVIVOR_VIEW_DUTY: "Read case {case} on duty",
    AuditAction.ALERT_VIEW: "Read alert {object} on case {case}",
    AuditAction.DUTY_VIEW: "Saw case {case} on the duty list",
    AuditAction.THREAD_VIEW: "Read case {case}'s messages",
    AuditAction.CHECKINS_VIEW: "Read case {case}'s check-ins",
    AuditAction.ALLOCATIONS_VIEW: "Saw case {case} in the allocations",
    AuditAction.ALLOCATION_VIEW: "Read case {case}'s allocation",
    AuditAction.AUDIT_VIEW: "Read the audit log",
    AuditAction.AUDIT_EXPORT: "Downloaded the audit log",
    AuditAction.DISCLOSURES_VIEW: "Read the disclosures",
    AuditAction.SURVIVOR_CREATE: "Opened case {case}",
    AuditAction.SURVIVOR_ALLOCATE: "Allocated case {case}",
    AuditAction.SURVIVOR_LINK_PARTICIPANT: "Linked case {case} to a participant",
    AuditAction.ACTIVATION_CODE_ISSUE: "Issued an activation code for case {case}",
    AuditAction.SAFE_CONTACT_UPDATE: "Saved case {case}'s safe-contact details",
    AuditAction.MESSAGE_SEND: "Sent a message on case {case}",
    AuditAction.CONTACT_LOG_ADD: "Logged a contact on case {case}",
    AuditAction.DISCLOSURE_RECORD: "Recorded a disclosure on case {case}",
    AuditAction.ALERT_ACKNOWLEDGE: "Acknowledged alert {object} on case {case}",
    AuditAction.CHECKIN_PLAN_SET: "Saved case {case}'s check-in plan",
    AuditAction.USER_SESSIONS_REVOKE: "Ended the sessions of account {object}",
    AuditAction.STAFF_CREATE: "Created staff account {object}",
    AuditAction.STAFF_UPDATE: "Changed staff account {object}",
    AuditAction.STAFF_TOTP_RESET: "Reset the authenticator of account {object}",
    AuditAction.STAFF_PASSWORD_RESET: "Reset the password of account {object}",
    AuditAction.STAFF_BACKUP_CODES_GENERATE: "Made a new set of backup codes",
    AuditAction.STAFF_BACKUP_CODE_USE: "Signed in with a backup code",
    AuditAction.STAFF_SESSION_END: "Ended one of their own sessions",
    AuditAction.RETENTION_PURGE: "Ran retention (run {object}: counts on the Retention page)",
    # Who read her record, breaches (SPEC 12)
    AuditAction.CASE_READS_VIEW: "Read who read case {case}",
    AuditAction.ACCESS_ALERTS_VIEW: "Read the access alerts",
    AuditAction.ACCESS_ALERT_ACKNOWLEDGE: "Acknowledged access alert {object}",
    AuditAction.BREACH_RECORD: "Recorded breach {object}",
    AuditAction.BREACH_UPDATE: "Changed breach {object}",
    AuditAction.BREACHES_VIEW: "Read the breach register",
    AuditAction.ACCOUNT_READS_EXPORT: "Downloaded what account {object} did",
}


def describe(event: AuditEvent) -> str:
    """One audit row in plain English (ids only, as the row holds)."""
    try:
        label = AuditAction(event.action).label
    except ValueError:
        label = event.action
    sentence = SENTENCES.get(event.action)
    if sentence is None or ("{case}" in sentence and event.survivor_id is None):
        detail = f" ({event.object_type} {event.object_id})" if event.object_id else ""
        case = f", case {event.survivor_id}" if event.survivor_id else ""
        return f"{label}{detail}{case}"
    return sentence.format(case=event.survivor_id, object=event.object_id)


def audit_events(
    *,
    actor_id: int | None = None,
    survivor_id: int | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if survivor_id is not None:
        events = events.filter(survivor_id=survivor_id)
    if action:
        events = events.filter(action=action)
    zone = timezone.get_current_timezone()
    if date_from is not None:
        events = events.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to is not None:
        events = events.filter(
            at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
        )
    return events


def audit_actions() -> list[tuple[str, str]]:
    """Every action the log can hold, as (value, label) in label order: from the
    enum, not from a scan of the table."""
    return sorted(AuditAction.choices, key=lambda choice: choice[1])
