"""The retention schedule (SPEC 12) as the manager and operators read it, and
the record of recent runs. ``RETENTION_SCHEDULE`` in settings says how many days
each record type is kept and from which date; what each type covers is here."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from checkins.models import PurgeRun

COUNTED_FROM = {
    "closing": "closing date",
    "creation": "date recorded",
    "built": "date built",
    "decision": "date decided",
}


@dataclass(frozen=True)
class RecordType:
    label: str
    counted_from: str  # the only date this type can be counted from
    covers: str


# In the order a run applies them.
RECORD_TYPES: dict[str, RecordType] = {
    "closed_cases": RecordType(
        "Closed cases",
        "closing",
        "The whole case: record, portal account, checklists, plan, contact log, "
        "disclosures, messages, check-ins. A reopened case has no closing date and is kept.",
    ),
    "messages": RecordType("Messages", "creation", "Messages between her and her worker."),
    "checkins": RecordType(
        "Check-ins and replies",
        "creation",
        "Check-ins (not those waiting to go or for a reply) and the replies texted back.",
    ),
    "texts": RecordType(
        "Texts",
        "creation",
        "Outbox rows once finished (sent, delivered, undelivered, failed, expired) and "
        "their status callbacks; queued and sending texts are kept.",
    ),
    "sign_in_records": RecordType(
        "Sign-in records",
        "creation",
        "Staff sign-in history. Whatever the period: failed sign-ins once lockout no "
        "longer counts them, activation-page tries after their window, and any sign-in "
        "history of a portal account.",
    ),
    "exports": RecordType(
        "Records request exports",
        "built",
        "The encrypted export file; the request itself is kept, marked expired.",
    ),
    "declined_referrals": RecordType(
        "Declined referrals",
        "decision",
        "Referrals declined at triage, and referrals never decided (counted from the day "
        "they came in); referrals that made or joined a case go with the case.",
    ),
    "audit": RecordType("Audit log", "creation", "Rows of the audit log past its own period."),
}


@dataclass(frozen=True)
class ScheduleRow:
    record_type: str
    label: str
    days: int
    counted_from: str
    covers: str


def retention_schedule() -> list[ScheduleRow]:
    """The schedule from settings, checked: every record type once, a whole
    number of days of at least 1, counted from the date that type has."""
    configured = settings.RETENTION_SCHEDULE
    if set(configured) != set(RECORD_TYPES):
        raise ImproperlyConfigured(
            f"RETENTION_SCHEDULE must name exactly these record types: {', '.join(RECORD_TYPES)}."
        )
    rows = []
    for key, kind in RECORD_TYPES.items():
        days, counted_from = configured[key]["days"], configured[key]["from"]
        if not isinstance(days, int) or days < 1:
            raise ImproperlyConfigured(f"RETENTION_{key.upper()}_DAYS must be 1 or more.")
        if counted_from != kind.counted_from:
            raise ImproperlyConfigured(
                f"RETENTION_SCHEDULE[{key!r}] can only be counted from {kind.counted_from!r}."
            )
        rows.append(
            ScheduleRow(key, kind.label, days, COUNTED_FROM[kind.counted_from], kind.covers)
        )
    return rows


def retention_schedule_markdown() -> str:
    """The schedule as a Markdown table (``manage.py retention --show``, docs/operations.md)."""
    lines = [
        "| record type | kept for | counted from | what goes |",
        "| --- | ---: | --- | --- |",
    ]
    lines += [
        f"| {row.label} | {row.days} days | {row.counted_from} | {row.covers} |"
        for row in retention_schedule()
    ]
    return "\n".join(lines) + "\n"


def purge_runs_recent(*, limit: int = 10) -> QuerySet[PurgeRun]:
    return PurgeRun.objects.order_by("-started_at", "-id")[:limit]
