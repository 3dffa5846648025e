"""The domain: the programme side (groups, sessions, participants, attendance,
status changes, risk concerns) and the Women's Support Service (WSS) side
(survivors, allocations, safe contact, alerts, contact log, disclosures,
messages), plus the append-only audit log.

Information flows one way. Nothing on the programme side points at a survivor:
``Survivor.participant`` has no reverse accessor (``related_name="+"``), so a
participant object cannot reach her even by accident.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .encryption import EncryptedTextField


class User(AbstractUser):
    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        SURVIVOR = "survivor", "Portal user"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STAFF)
    is_duty_worker = models.BooleanField(
        default=False, help_text="Sees urgent alerts across the service (WSS workers only)."
    )
    # Staff side (issue 4): an optional neutral email when an alert is raised.
    alert_emails = models.BooleanField(
        default=False,
        help_text='Email "You have a new alert" (no name, no detail) to this address.',
    )
    # Set when a manager sets or resets the password (the manager knows it): no
    # staff page opens until she has chosen her own.
    must_change_password = models.BooleanField(default=False)

    @property
    def is_survivor(self) -> bool:
        return self.kind == self.Kind.SURVIVOR

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF


# --- Programme side -------------------------------------------------------------


class ProgrammeGroup(models.Model):
    name = models.CharField(max_length=100, unique=True)
    meeting_details = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeSession(models.Model):
    group = models.ForeignKey(ProgrammeGroup, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)

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

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"RiskConcern {self.pk}"


# --- WSS side -------------------------------------------------------------------


class Survivor(models.Model):
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survivor",
        limit_choices_to={"kind": User.Kind.SURVIVOR},
    )
    # Her name, encrypted at rest like her other details (max 100 characters,
    # checked by the forms): never filter or sort on it in the database.
    known_as = EncryptedTextField("known as")
    # No reverse accessor: the programme side can never walk from a man to her.
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="caseload",
        limit_choices_to={"kind": User.Kind.STAFF},
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    safe_phone = EncryptedTextField(blank=True)
    safe_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    voicemail_safe = models.BooleanField(default=False)
    code_word = EncryptedTextField(blank=True)
    safe_contact_notes = EncryptedTextField(blank=True)
    contact_paused = models.BooleanField(default=False)
    sms_nudges = models.BooleanField(
        default=False, help_text="She opted in to a neutral text when there is a new message."
    )
    duress_passphrase = models.CharField(max_length=128, blank=True)
    # Her language (SPEC 11): a code from settings.LANGUAGES, chosen by her or
    # her worker; empty until one of them chooses. No choices here, so adding a
    # language needs no migration (the forms and services check the code).
    language = models.CharField(max_length=12, blank=True, default="")
    needs_interpreter = models.BooleanField(
        default=False, help_text="She would like an interpreter when her worker speaks with her."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            # Survivors linked to the same man never share a worker (SPEC 2).
            # NULLs are distinct, so unlinked or unallocated survivors never clash.
            models.UniqueConstraint(
                fields=["participant", "worker"], name="linked_survivors_have_different_workers"
            )
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"


class Allocation(models.Model):
    """History of who held a survivor's case and when."""

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="allocations")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survivor"], condition=Q(ended_at__isnull=True), name="one_open_allocation"
            )
        ]

    def __str__(self) -> str:
        return f"Allocation {self.pk}"


class SafeContactWindow(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="window_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"SafeContactWindow {self.pk}"


class ActivationCode(models.Model):
    survivor = models.ForeignKey(
        Survivor, on_delete=models.CASCADE, related_name="activation_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Usernames refused with this code: after ACTIVATION_USERNAME_REFUSALS the
    # code stops working, so one code cannot be used to test which names exist.
    username_refusals = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"ActivationCode {self.pk}"


class ActivationAttempt(models.Model):
    """One try at the activation page, for its rate limits: ``key`` is a keyed
    hash of the address ("address:…") or of the code tried ("code:…"), never
    either in clear. Rows older than the window are purged by retention."""

    key = models.CharField(max_length=80)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="activation_attempt_key_at")]

    def __str__(self) -> str:
        return f"ActivationAttempt {self.pk}"


class Alert(models.Model):
    class Kind(models.TextChoices):
        STATUS_CHANGE = "status_change", "His status changed"
        RISK_CONCERN = "risk_concern", "Risk concern raised"
        DURESS = "duress", "Signed in under duress"
        CALL_REQUESTED = "call_requested", "Call requested"
        URGENT_REPLY = "urgent_reply", "Urgent check-in reply"
        CHECKIN_MISSED = "checkin_missed", "Check-in not answered"
        CHECKIN_TOO_OLD = "checkin_too_old", "Check-in too old to send"
        OPTED_OUT = "opted_out", "Texts opted out"
        SEND_FAILED = "send_failed", "Text could not be sent"
        OTHER_REPLY = "other_reply", "Check-in reply to read"
        # Changes made from her own account, perhaps by someone holding her phone.
        CONTACT_PAUSED = "contact_paused", "Contact paused from her account"
        SAFE_PHONE_CHANGED = "safe_phone_changed", "Safe number changed from her account"
        SECOND_CHANGED = "second_changed", "Second passphrase changed from her account"
        SECOND_REMOVED = "second_removed", "Second passphrase removed from her account"

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = EncryptedTextField(blank=True)
    # For a risk concern: its basic information (kind, date, urgency) is shown
    # to her worker; the concern holds no detail of his disclosure (SPEC 2, 3).
    risk_concern = models.ForeignKey(
        "RiskConcern", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-urgent", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["survivor", "acknowledged_at"], name="alert_open_by_survivor"),
            models.Index(fields=["urgent", "acknowledged_at"], name="alert_open_urgent"),
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk}"


class ContactLogEntry(models.Model):
    class Kind(models.TextChoices):
        CALL = "call", "Phone call"
        VISIT = "visit", "Visit"
        TEXT = "text", "Text message"
        OTHER = "other", "Other"

    class Outcome(models.TextChoices):
        SPOKE = "spoke", "Spoke with her"
        NO_ANSWER = "no_answer", "No answer"
        VOICEMAIL = "voicemail", "Left voicemail"
        NOT_SAFE = "not_safe", "Not safe to talk"
        MET = "met", "Met in person"
        SENT = "sent", "Sent"

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="contact_log")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    happened_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-happened_at", "-id"]

    def __str__(self) -> str:
        return f"ContactLogEntry {self.pk}"


class Disclosure(models.Model):
    """Sharing her information outside the service, only with a recorded basis."""

    class Basis(models.TextChoices):
        CONSENT = "consent", "Her recorded consent"
        CHILD_SAFEGUARDING = "child_safeguarding", "Child safeguarding"
        HIGH_RISK = "high_risk", "High risk of harm"

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="disclosures")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=200)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    details = EncryptedTextField(blank=True)
    disclosed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-disclosed_at", "-id"]

    def __str__(self) -> str:
        return f"Disclosure {self.pk}"


class Message(models.Model):
    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    from_survivor = models.BooleanField()
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    hidden_for_survivor = models.BooleanField(default=False)
    # Sent from a session signed in with her second passphrase: her worker sees
    # it marked; it never shows in her own view.
    sent_under_duress = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["survivor", "created_at"], name="message_thread")]

    def __str__(self) -> str:
        return f"Message {self.pk}"


# --- Audit ------------------------------------------------------------------------


class AuditAction(models.TextChoices):
    """Every action the audit log records. The stored strings never change:
    existing rows, filters and reports read them (``audit_record`` takes members
    of this enum only, so a typo cannot invent a new action)."""

    # Staff accounts and sign-in
    STAFF_SIGN_IN = "staff.sign_in", "Staff sign-in"
    STAFF_OTP_VERIFIED = "staff.otp_verified", "Staff second factor verified"
    STAFF_OTP_ENROLLED = "staff.otp_enrolled", "Staff second factor set up"
    STAFF_CREATE = "staff.create", "Staff account created"
    STAFF_UPDATE = "staff.update", "Staff account changed"
    STAFF_TOTP_RESET = "staff.totp_reset", "Staff second factor reset"
    STAFF_PASSWORD_RESET = "staff.password_reset", "Staff password reset"
    STAFF_PASSWORD_CHANGE = "staff.password_change", "Staff password changed"
    STAFF_PREFERENCES = "staff.preferences", "Staff alert-email choice saved"
    USER_SESSIONS_REVOKE = "user.sessions_revoke", "Sessions ended"
    # Staff reads
    CASELOAD_VIEW = "caseload.view", "Caseload read"
    SURVIVOR_VIEW = "survivor.view", "Case read"
    SURVIVOR_VIEW_DUTY = "survivor.view_duty", "Case read by the duty worker"
    ALERT_VIEW = "alert.view", "Alert read"
    DUTY_VIEW = "duty.view", "Duty view read"
    THREAD_VIEW = "thread.view", "Messages read"
    CHECKINS_VIEW = "checkins.view", "Check-ins read"
    ALLOCATIONS_VIEW = "allocations.view", "Allocations read"
    AUDIT_VIEW = "audit.view", "Audit log read"
    DISCLOSURES_VIEW = "disclosures.view", "Disclosures read"
    # Operations (Django admin) reads
    OPS_USER_LIST = "ops.user.list", "Operations: user list read"
    OPS_USER_VIEW = "ops.user.view", "Operations: user read"
    OPS_USER_HISTORY = "ops.user.history", "Operations: user history read"
    OPS_AUDIT_LIST = "ops.audit.list", "Operations: audit list read"
    OPS_AUDIT_VIEW = "ops.audit.view", "Operations: audit event read"
    OPS_AUDIT_HISTORY = "ops.audit.history", "Operations: audit event history read"
    # Her case (WSS side)
    SURVIVOR_CREATE = "survivor.create", "Case opened"
    SURVIVOR_ALLOCATE = "survivor.allocate", "Case allocated"
    SURVIVOR_LINK_PARTICIPANT = "survivor.link_participant", "Case linked to a participant"
    SURVIVOR_ACTIVATE = "survivor.activate", "Portal account set up"
    SURVIVOR_LOCKOUT_LIFT = "survivor.lockout_lift", "Portal lockout lifted"
    ACTIVATION_CODE_ISSUE = "activation_code.issue", "Activation code issued"
    ACTIVATION_CODE_SPENT = "activation_code.spent", "Activation code used up"
    PORTAL_SIGN_IN = "portal.sign_in", "Portal sign-in"
    SAFE_CONTACT_UPDATE = "safe_contact.update", "Safe-contact details saved"
    SAFE_CONTACT_PAUSE = "safe_contact.pause", "Contact paused"
    SAFE_CONTACT_RESUME = "safe_contact.resume", "Contact resumed"
    DURESS_PASSPHRASE_SET = "duress_passphrase.set", "Second passphrase set"
    DURESS_PASSPHRASE_CLEAR = "duress_passphrase.clear", "Second passphrase removed"
    MESSAGE_SEND = "message.send", "Message sent"
    THREAD_CLEAR_VIEW = "thread.clear_view", "Her view of the messages cleared"
    CONTACT_LOG_ADD = "contact_log.add", "Contact logged"
    DISCLOSURE_RECORD = "disclosure.record", "Disclosure recorded"
    ALERT_ACKNOWLEDGE = "alert.acknowledge", "Alert acknowledged"
    # Check-ins and texts
    CHECKIN_PLAN_SET = "checkin_plan.set", "Check-in plan saved"
    SMS_TEXTS_UPDATE = "sms_texts.update", "Text wording saved"
    SMS_OPT_OUT_LIFT = "sms_opt_out.lift", "Text opt-out lifted"
    # Programme side
    GROUP_CREATE = "group.create", "Group created"
    SESSION_CREATE = "session.create", "Session created"
    SESSION_REGISTER = "session.register", "Register saved"
    SESSION_MARK_CLEARED = "session.mark_cleared", "Attendance mark cleared"
    REGISTER_IMPORT = "register.import", "Registers imported"
    PARTICIPANT_CREATE = "participant.create", "Participant added"
    PARTICIPANT_STATUS_CHANGE = "participant.status_change", "Participant status changed"
    PARTICIPANT_RISK_CONCERN = "participant.risk_concern", "Risk concern raised"
    # Maintenance
    RETENTION_PURGE = "retention.purge", "Retention purge"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what to which object, when. Ids only, never personal data."""

    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    survivor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"AuditEvent {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


# --- Check-ins and SMS ------------------------------------------------------------
# The database is the source of truth; the broker only carries wake-ups (SPEC 5).


class CheckInPlan(models.Model):
    """Her worker's plan: when a neutral check-in text goes to her.

    ``send_at`` is a local time in ``Survivor.time_zone``; ``next_due_at`` is the
    next instant (UTC) inside one of her safe windows, recomputed after each send,
    so clock changes never shift the local time. NULL means nothing is due
    (paused, opted out, or no safe window)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Weekly on chosen days"
        FORTNIGHTLY = "fortnightly", "Every other week on chosen days"

    survivor = models.OneToOneField(Survivor, on_delete=models.CASCADE, related_name="checkin_plan")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    weekdays = models.CharField(max_length=20, blank=True, help_text="Comma-separated 0-6.")
    send_at = models.TimeField()
    reply_window_hours = models.PositiveSmallIntegerField(default=24)
    paused = models.BooleanField(default=False)
    starts_on = models.DateField(default=timezone.localdate)
    next_due_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            # Partial: only plans that can fall due are in it, so finding the
            # due ones touches the due rows only.
            models.Index(
                fields=["next_due_at"],
                name="checkin_plan_due",
                condition=Q(next_due_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"CheckInPlan {self.pk}"

    @property
    def weekday_list(self) -> list[int]:
        return sorted({int(day) for day in self.weekdays.split(",") if day.strip() != ""})


class CheckIn(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENT = "sent", "Sent, waiting for a reply"
        ANSWERED = "answered", "Answered"
        MISSED = "missed", "Not answered"
        TOO_OLD = "too_old", "Too old to send"
        NOT_SENT = "not_sent", "Could not be sent"

    class Reply(models.TextChoices):
        WELL = "well", "All is well"
        CALL = "call", "Would like a call"
        URGENT = "urgent", "Urgent"
        OTHER = "other", "Other reply"

    plan = models.ForeignKey(CheckInPlan, on_delete=models.CASCADE, related_name="checkins")
    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="checkins")
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    sent_at = models.DateTimeField(null=True, blank=True)
    reply_by = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reply = models.CharField(max_length=10, choices=Reply.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_at"], name="one_checkin_per_due_time")
        ]
        indexes = [
            models.Index(
                fields=["reply_by"],
                name="checkin_awaiting_reply",
                condition=Q(state="sent"),
            )
        ]

    def __str__(self) -> str:
        return f"CheckIn {self.pk}"


class OutboundMessage(models.Model):
    """The outbox: one row per text, written in the same transaction as its cause."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        UNDELIVERED = "undelivered", "Not delivered"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Too old to send"

    class Kind(models.TextChoices):
        CHECKIN = "checkin", "Check-in"
        NUDGE = "nudge", "New message nudge"

    idempotency_key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    survivor = models.ForeignKey(
        Survivor, on_delete=models.CASCADE, related_name="outbound_messages"
    )
    checkin = models.OneToOneField(
        CheckIn, on_delete=models.CASCADE, null=True, blank=True, related_name="outbound"
    )
    to_number = EncryptedTextField()
    body = EncryptedTextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    not_after = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    # An earlier attempt may have reached Twilio (a killed worker, a timeout):
    # look it up before sending again.
    in_doubt = models.BooleanField(default=False)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    message_sid = models.CharField(max_length=64, null=True, blank=True, unique=True)
    error_code = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=Q(state="queued"),
            ),
            models.Index(
                fields=["lease_expires_at"],
                name="outbox_leased",
                condition=Q(state="sending"),
            ),
        ]

    def __str__(self) -> str:
        return f"OutboundMessage {self.pk}"


class InboundMessage(models.Model):
    """A text that arrived on the webhook. Unique on Twilio's MessageSid."""

    message_sid = models.CharField(max_length=64, unique=True)
    from_hash = models.CharField(max_length=64, db_index=True)
    body = EncryptedTextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    survivor = models.ForeignKey(
        Survivor, on_delete=models.CASCADE, null=True, blank=True, related_name="inbound_messages"
    )
    checkin = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    meaning = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["received_at"],
                name="inbound_unprocessed",
                condition=Q(processed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"InboundMessage {self.pk}"


class SmsStatusEvent(models.Model):
    """Twilio status callbacks, unique on (MessageSid, status): replays store nothing."""

    message_sid = models.CharField(max_length=64)
    status = models.CharField(max_length=20)
    error_code = models.CharField(max_length=32, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_sid", "status"], name="one_event_per_status")
        ]

    def __str__(self) -> str:
        return f"SmsStatusEvent {self.pk}"


class SmsOptOut(models.Model):
    """She (or someone holding her phone) texted STOP, or Twilio refused with
    21610. All texts stop until her worker has spoken with her and lifts it."""

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="sms_opt_outs")
    source = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survivor"], condition=Q(lifted_at__isnull=True), name="one_open_opt_out"
            )
        ]

    def __str__(self) -> str:
        return f"SmsOptOut {self.pk}"


class SmsTexts(models.Model):
    """The manager's wording of the texts (one row). ``{name}`` is the sender
    name from the site's branding settings."""

    checkin_text = models.CharField(
        max_length=320,
        default="Hi, it's {name}. Reply 1 if all is well, 2 if you'd like a call, "
        "3 if it's urgent.",
    )
    nudge_text = models.CharField(
        max_length=320, default="Hi, it's {name}. You have a new message."
    )
    # The same two texts in her other languages (SPEC 11), as the manager wrote
    # them: {"cy": {"checkin_text": ..., "nudge_text": ...}, ...}. A language
    # without its own wording uses the translation shipped in locale/.
    translations = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "SMS texts"

    def __str__(self) -> str:
        return "SMS texts"

    @classmethod
    def load(cls) -> SmsTexts:
        texts, _ = cls.objects.get_or_create(pk=1)
        return texts
