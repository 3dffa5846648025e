"""Check-ins and texts: plans, check-ins, the outbox, inbound replies, status
callbacks, opt-outs and the wording of the texts. The database is the source of
truth; the broker only carries wake-ups (SPEC 5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from contacts.encryption import EncryptedTextField
from contacts.models import User
from survivors.models import Survivor

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


class PurgeRun(models.Model):
    """One retention run (SPEC 12): when it started and finished, and per record
    type how many rows it deleted and how many it kept under legal hold. Counts
    only, never content. Counts are saved with each batch, so a run stopped half
    way shows what it did; ``resumes`` names the unfinished run it took over."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    resumes = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # {"messages": {"deleted": 3, "held": 1}, ...}
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"PurgeRun {self.pk}"
