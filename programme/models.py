"""The programme side: groups, sessions, participants, attendance, status
changes and risk concerns, and the events the programme publishes.

It knows nothing of survivors: no import of, query on or join to the Women's
Support Service's data (SPEC 2)."""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.models import TranslatableMixin

from contacts.discretion import discretion_words_in
from contacts.models import User


class ProgrammeGroup(models.Model):
    name = models.CharField(max_length=100, unique=True)
    meeting_details = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeModule(TranslatableMixin, models.Model):
    """What the groups work on, one topic at a time (SPEC 10, "what he is working
    on"). Content, not casework: comms staff write and translate it in the
    Wagtail admin (``cms`` registers it as a snippet, "Group topics"), in
    neutral words, because her status page shows its name as what the group
    covers next, linked to the page about it. A session may name one; the
    programme side picks from the default language's topics."""

    name = models.CharField(
        max_length=80,
        help_text="Shown to her as what the group covers next: plain, neutral words.",
    )
    summary = models.CharField(
        max_length=200, blank=True, help_text="One sentence shown under the name."
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The information page about this topic.",
    )

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name = "group topic"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        language = self.locale.language_code if self.locale_id else None
        errors = {}
        for field in ("name", "summary"):
            words = discretion_words_in(getattr(self, field), language=language)
            if words:
                errors[field] = (
                    f"This is shown on her page, so it cannot contain “{words[0]}”. "
                    "Use neutral words."
                )
        if errors:
            raise ValidationError(errors)


class ProgrammeSession(models.Model):
    group = models.ForeignKey(ProgrammeGroup, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    module = models.ForeignKey(
        ProgrammeModule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="topic",
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "starts_at"], name="one_session_per_start")
        ]

    def __str__(self) -> str:
        return f"{self.group} {timezone.localtime(self.starts_at):%d %b %Y %H:%M}"


class ParticipantStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ASSESSMENT = "assessment", "In assessment"
    ATTENDING = "attending", "Attending"
    SUSPENDED = "suspended", "Suspended"
    DROPPED_OUT = "dropped_out", "Dropped out"
    COMPLETED = "completed", "Completed"
    ORDER_BREACHED = "order_breached", "Order breached"


class Participant(models.Model):
    reference = models.CharField(max_length=32, unique=True)
    group = models.ForeignKey(
        ProgrammeGroup,
        on_delete=models.PROTECT,
        related_name="participants",
        null=True,
        blank=True,
    )
    status = models.CharField(
        max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.REFERRED
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    status_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Partner details passed on to the Women's Support Service (SPEC 13): how
    # many, and nothing else. The details themselves never stay on this side,
    # and nothing here changes with what happens to them next.
    partner_details_passed_on = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class AttendanceMark(models.TextChoices):
    ATTENDED = "attended", "Attended"
    LATE = "late", "Late"
    MISSED = "missed", "Missed"
    EXCUSED = "excused", "Excused"


class Attendance(models.Model):
    session = models.ForeignKey(
        ProgrammeSession, on_delete=models.CASCADE, related_name="attendance"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    mark = models.CharField(max_length=10, choices=AttendanceMark.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "participant"], name="one_mark_per_session")
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class StatusChange(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(max_length=20, choices=ParticipantStatus.choices)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"StatusChange {self.pk}"


class RiskConcern(models.Model):
    """Basic information only (SPEC 2): never the detail of his disclosure."""

    class Kind(models.TextChoices):
        DISCLOSED_ABUSE = "disclosed_abuse", "Disclosed violence or abuse"
        THREAT = "threat", "Threat"
        BREACH = "breach", "Breach"
        OTHER = "other", "Other"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="risk_concerns"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # When the programme worker recorded that he was told of it (SPEC 12): only
    # such concerns go into his copy of his records.
    told_him_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"RiskConcern {self.pk}"


class ProgrammeEvent(models.Model):
    """What the programme publishes: one row per write (a status change, a risk
    concern, an attendance mark), recorded in the write's own transaction.

    The programme writes these for every man alike and never reads them back;
    the Women's Support Service side consumes them (``survivors.services.events``)
    and raises alerts for any survivor linked to him. Information flows one
    way: nothing here points at a survivor (SPEC 2)."""

    class Kind(models.TextChoices):
        STATUS_CHANGE = "status_change", "Status changed"
        RISK_CONCERN = "risk_concern", "Risk concern raised"
        ATTENDANCE = "attendance", "Attendance recorded"
        ATTENDANCE_CLEARED = "attendance_cleared", "Attendance mark cleared"
        CASE_MANAGEMENT = "case_management", "Monthly case-management entry"
        REPORT = "report", "Programme report"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    status_change = models.ForeignKey(
        StatusChange, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    risk_concern = models.ForeignKey(
        RiskConcern, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        ProgrammeSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    mark = models.CharField(max_length=10, choices=AttendanceMark.choices, blank=True)
    case_entry = models.ForeignKey(
        "CaseManagementEntry", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        "ProgrammeReport", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"ProgrammeEvent {self.pk}"


class CaseManagementEntry(models.Model):
    """The monthly case-management entry (SPEC 10): what the programme may share
    about him this month. Every participant gets the same entry, whoever (if
    anyone) reads it on the other side: the programme cannot tell.

    Free text is what the programme would say to anyone (it may be read word for
    word outside the programme); basic risk is a ``RiskConcern`` (kind, date,
    urgency), never the detail of his disclosure."""

    class Engagement(models.TextChoices):
        GOOD = "good", "Engaging well"
        SOME = "some", "Engaging in part"
        POOR = "poor", "Not engaging"
        NOT_SEEN = "not_seen", "Not seen this month"

    class AssessmentOutcome(models.TextChoices):
        NONE = "", "No outcome this month"
        ACCEPTED = "accepted", "Accepted onto the programme"
        NOT_ACCEPTED = "not_accepted", "Not accepted onto the programme"
        NOT_COMPLETED = "not_completed", "Assessment not completed"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="case_entries"
    )
    month = models.DateField(help_text="The first day of the month the entry is for.")
    engagement = models.CharField(max_length=10, choices=Engagement.choices)
    engagement_note = models.TextField(blank=True)
    assessment_outcome = models.CharField(
        max_length=16, choices=AssessmentOutcome.choices, blank=True, default=""
    )
    end_summary = models.TextField(blank=True)
    risk_concern = models.ForeignKey(
        RiskConcern, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "month"], name="one_case_entry_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"CaseManagementEntry {self.pk}"


class ProgrammeReport(models.Model):
    """A short report the programme attaches to a participant (SPEC 10): his
    assessment outcome or his end-of-programme report. Written to be read
    outside the programme."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment outcome"
        END_OF_PROGRAMME = "end_of_programme", "End-of-programme report"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"ProgrammeReport {self.pk}"

    def paragraphs(self) -> list[str]:
        """The report in paragraphs (blank lines apart): what a worker may show
        her, whole or in part."""
        return [
            part.strip() for part in self.text.replace("\r\n", "\n").split("\n\n") if part.strip()
        ]


class ParticipantRecordsRequest(models.Model):
    """His subject access request (SPEC 12), answered from the programme side:
    a ZIP (readable HTML and the same data as JSON, ``contacts.exports``) built
    by a Celery task from his programme records only. Nothing in it, and nothing
    here, looks at or differs with anyone on the other side (SPEC 2).

    Only the staff member who recorded the request may download the file; it
    is deleted after ``EXPORT_DAYS`` (``participant_records_exports_expire``)."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be built"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be built"
        EXPIRED = "expired", "Expired (file deleted)"

    OPEN_STATES = (State.WAITING, State.BUILDING)

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="records_requests"
    )
    received_on = models.DateField(help_text="The day his request reached the service.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent built.")
    file_name = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            # One request at a time is being answered (a second is refused).
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(state__in=["waiting", "building"]),
                name="one_open_records_request",
            )
        ]

    def __str__(self) -> str:
        return f"ParticipantRecordsRequest {self.pk}"

    @property
    def due_on(self) -> date:
        """The answer is due within a month of receipt (UK GDPR Art. 12(3))."""
        year, month = divmod(self.received_on.month, 12)
        year += self.received_on.year
        day = min(self.received_on.day, calendar.monthrange(year, month + 1)[1])
        return date(year, month + 1, day)
