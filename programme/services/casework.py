"""Monthly case management and programme reports (SPEC 10), programme side.

Every participant gets the same monthly entry and the same report form, and
each write records a programme event in its own transaction: what the Women's
Support Service side does with it is none of the programme's business, and
nothing of it comes back here (SPEC 2). No function here looks at, counts or
branches on anything but the man's own programme record."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts.models import AuditAction, User
from contacts.services.audit import audit_record
from programme.errors import ProgrammeError
from programme.models import CaseManagementEntry, Participant, ProgrammeReport
from programme.services.events import event_case_entry, event_report
from programme.services.records import risk_concern_raise

REPORT_MAX_LENGTH = 2000


def month_start(day: date | None = None) -> date:
    """The first day of ``day``'s month (today's, in the programme's time zone)."""
    day = day or timezone.localdate()
    return day.replace(day=1)


def case_entry_record(
    *,
    actor: User,
    participant: Participant,
    engagement: str,
    engagement_note: str = "",
    assessment_outcome: str = "",
    end_summary: str = "",
    risk_kind: str = "",
    risk_occurred_on: date | None = None,
    risk_urgency: str = "",
    month: date | None = None,
) -> CaseManagementEntry:
    """This month's entry for him: once per month (``ProgrammeError("entry_exists")``).

    A basic risk (kind, date, urgency: all three or none) is raised as a risk
    concern in the same transaction, so it reaches her worker as one does."""
    if engagement not in CaseManagementEntry.Engagement.values:
        raise ProgrammeError("unknown_engagement")
    if assessment_outcome not in CaseManagementEntry.AssessmentOutcome.values:
        raise ProgrammeError("unknown_outcome")
    risk_given = [bool(risk_kind), risk_occurred_on is not None, bool(risk_urgency)]
    if any(risk_given) and not all(risk_given):
        raise ProgrammeError("risk_incomplete")
    month = month_start(month)
    try:
        with transaction.atomic():
            if CaseManagementEntry.objects.filter(participant=participant, month=month).exists():
                raise ProgrammeError("entry_exists")
            concern = None
            if risk_kind and risk_occurred_on is not None and risk_urgency:
                concern = risk_concern_raise(
                    actor=actor,
                    participant=participant,
                    kind=risk_kind,
                    occurred_on=risk_occurred_on,
                    urgency=risk_urgency,
                )
            entry = CaseManagementEntry.objects.create(
                participant=participant,
                month=month,
                engagement=engagement,
                engagement_note=engagement_note.strip(),
                assessment_outcome=assessment_outcome,
                end_summary=end_summary.strip(),
                risk_concern=concern,
                author=actor,
            )
            event_case_entry(entry=entry)
            audit_record(actor=actor, action=AuditAction.CASE_ENTRY_RECORD, obj=entry)
    except IntegrityError as error:  # the same month saved at the same moment
        raise ProgrammeError("entry_exists") from error
    return entry


def report_attach(
    *, actor: User, participant: Participant, kind: str, text: str
) -> ProgrammeReport:
    """A short report on him (assessment outcome, end of programme)."""
    if kind not in ProgrammeReport.Kind.values:
        raise ProgrammeError("unknown_report_kind")
    text = (text or "").strip()
    if not text:
        raise ProgrammeError("no_report_text")
    if len(text) > REPORT_MAX_LENGTH:
        raise ProgrammeError("report_too_long")
    with transaction.atomic():
        report = ProgrammeReport.objects.create(
            participant=participant, kind=kind, text=text, author=actor
        )
        event_report(report=report)
        audit_record(actor=actor, action=AuditAction.PROGRAMME_REPORT_ADD, obj=report)
    return report
