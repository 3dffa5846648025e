"""What both sides share: the user model (staff and her portal account) and the
append-only audit log. The domain lives in ``programme`` (the perpetrator
programme), ``survivors`` (the Women's Support Service) and ``checkins`` (texts);
this app knows none of them."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from contacts.encryption import EncryptedTextField


class UserManager(DjangoUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        """Django's own sign-in (ModelBackend, createsuperuser) finds staff
        accounts only: her portal account is found by the portal's backend
        (``survivor_portal.auth``), in its own namespace of usernames."""
        return self.get(username=username, kind=User.Kind.STAFF)


# django-otp ships no types, so django-stubs cannot type the reverse manager of
# BackupCodeDevice (a django-otp Device) that it adds here.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        SURVIVOR = "survivor", "Portal user"

    # Usernames are unique per side (the constraint in Meta, ignoring case), not
    # across both: choosing her portal username can never tell anyone whether a
    # staff account of that name exists, and creating a staff account never
    # tells a manager which names women have chosen (SPEC 2).
    username = models.CharField(
        "username",
        max_length=150,
        help_text="Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
        validators=[UnicodeUsernameValidator()],
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STAFF)
    is_duty_worker = models.BooleanField(
        default=False, help_text="Sees urgent alerts across the service (WSS workers only)."
    )
    # Staff side (SPEC 5): an optional neutral email when an alert is raised.
    alert_emails = models.BooleanField(
        default=False,
        help_text='Email "You have a new alert" (no name, no detail) to this address.',
    )
    # Set when a manager sets or resets the password (the manager knows it): no
    # staff page opens until she has chosen her own.
    must_change_password = models.BooleanField(default=False)

    # Plain attributes, not fields. Her role names, cached on this instance for
    # one request by ``contacts.policy.role_names``; and, on the user the
    # portal's sign-in backend returns, whether she signed in with her second
    # passphrase (``survivor_portal.auth``).
    _role_names: frozenset[str]
    portal_quiet: bool

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        verbose_name = "user"
        verbose_name_plural = "users"
        constraints = [
            models.UniqueConstraint(Lower("username"), "kind", name="username_unique_per_side")
        ]

    @property
    def is_survivor(self) -> bool:
        return self.kind == self.Kind.SURVIVOR

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF


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
    STAFF_BACKUP_CODES_GENERATE = "staff.backup_codes_generate", "Backup codes made"
    STAFF_BACKUP_CODE_USE = "staff.backup_code_use", "Backup code used to sign in"
    STAFF_SESSION_END = "staff.session_end", "Own session ended"
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
    ALLOCATION_VIEW = "allocation.view", "A case's allocation read"
    AUDIT_VIEW = "audit.view", "Audit log read"
    AUDIT_EXPORT = "audit.export", "Audit log downloaded"
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
    # Her casework (SPEC 9)
    CASE_STATE_CHANGE = "case.state_change", "Case stage changed"
    CASE_REENGAGEMENT_OFFER = "case.reengagement_offer", "Re-engagement offered"
    RISK_ASSESSMENT_RECORD = "risk_assessment.record", "Checklist recorded"
    RISK_ASSESSMENT_VIEW = "risk_assessment.view", "Checklist read"
    MARAC_TASK_RAISE = "marac_task.raise", "Referral task raised"
    MARAC_TASK_CLOSE = "marac_task.close", "Referral task closed with a reason"
    MARAC_REFERRAL_RECORD = "marac_referral.record", "Referral recorded"
    PLAN_SAVE = "plan.save", "Her plan saved"
    PLAN_VIEW = "plan.view", "Her plan read"
    ABSENCE_MARK = "absence.mark", "Worker marked away"
    ABSENCE_END = "absence.end", "Worker marked back"
    # The duty worker acting on a case while its worker is away (SPEC 9); the
    # record names whom she covered for.
    MESSAGE_SEND_IN_COVER = "message.send_in_cover", "Reply sent in cover for her away worker"
    CONTACT_LOG_ADD_IN_COVER = "contact_log.add_in_cover", "Contact logged in cover"
    ALERT_ACKNOWLEDGE_IN_COVER = "alert.acknowledge_in_cover", "Alert acknowledged in cover"
    # Check-ins and texts
    CHECKIN_PLAN_SET = "checkin_plan.set", "Check-in plan saved"
    SMS_TEXTS_UPDATE = "sms_texts.update", "Text wording saved"
    SMS_OPT_OUT_LIFT = "sms_opt_out.lift", "Text opt-out lifted"
    # Programme side
    GROUP_CREATE = "group.create", "Group created"
    SESSION_CREATE = "session.create", "Session created"
    SESSION_REGISTER = "session.register", "Register saved"
    SESSION_MARK_CLEARED = "session.mark_cleared", "Attendance mark cleared"
    SESSION_TOPIC = "session.topic", "Session topic set"
    REGISTER_IMPORT = "register.import", "Registers imported"
    PARTICIPANT_CREATE = "participant.create", "Participant added"
    PARTICIPANT_STATUS_CHANGE = "participant.status_change", "Participant status changed"
    PARTICIPANT_RISK_CONCERN = "participant.risk_concern", "Risk concern raised"
    CASE_ENTRY_RECORD = "case_entry.record", "Monthly case-management entry recorded"
    PROGRAMME_REPORT_ADD = "programme_report.add", "Programme report added"
    # Items from the programme, on her case (WSS side)
    PROGRAMME_ITEM_VIEW = "programme_item.view", "Item from the programme read"
    PROGRAMME_ITEM_SHARED = "programme_item.shared", "Item from the programme shared with her"
    PROGRAMME_ITEM_PORTAL = "programme_item.portal", "Report made visible in her portal"
    PROGRAMME_ITEM_SEEN = "programme_item.seen", "Report shown to her in the portal"
    # Information sessions (WSS side)
    INFO_SESSION_CREATE = "info_session.create", "Information session set up"
    INFO_SESSION_INVITE = "info_session.invite", "Invited to an information session"
    INFO_SESSION_ANSWER = "info_session.answer", "Information session invitation answered"
    INFO_SESSION_VIEW = "info_session.view", "Information session read"
    # Maintenance
    RETENTION_PURGE = "retention.purge", "Retention purge"
    # Data rights (SPEC 12): her subject access request
    SUBJECT_ACCESS_RECORD = "subject_access.record", "Records request recorded"
    SUBJECT_ACCESS_VIEW = "subject_access.view", "Records request read"
    SUBJECT_ACCESS_LIST = "subject_access.list", "Records requests listed"
    SUBJECT_ACCESS_BUILD = "subject_access.build", "Records request export made"
    SUBJECT_ACCESS_DOWNLOAD = "subject_access.download", "Records request export downloaded"
    SUBJECT_ACCESS_EXPIRE = "subject_access.expire", "Records request export deleted (expired)"
    # Who read her record, breaches (SPEC 12)
    CASE_READS_VIEW = "case_reads.view", "Who read the case: read"
    ACCESS_ALERTS_VIEW = "access_alerts.view", "Access alerts read"
    ACCESS_ALERT_ACKNOWLEDGE = "access_alert.acknowledge", "Access alert acknowledged"
    BREACH_RECORD = "breach.record", "Breach recorded"
    BREACH_UPDATE = "breach.update", "Breach record changed"
    BREACHES_VIEW = "breaches.view", "Breach register read"
    ACCOUNT_READS_EXPORT = "account_reads.export", "One account's audit rows downloaded"
    # Erasure, restriction, hold (SPEC 12)
    DATA_RIGHTS_VIEW = "data_rights.view", "A case's erasure, restriction or hold page read"
    CASE_ERASE = "case.erase", "Case erased"
    CASE_ERASURE_REFUSE = "case.erasure_refuse", "Erasure refused with its reason"
    CASE_RESTRICT = "case.restrict", "Case restricted"
    CASE_RESTRICTION_LIFT = "case.restriction_lift", "Restriction lifted"
    CASE_HOLD_SET = "case.hold_set", "Legal hold set"
    CASE_HOLD_LIFT = "case.hold_lift", "Legal hold lifted"
    # His records request (SPEC 12)
    PARTICIPANT_RECORDS_REQUEST = (
        "participant_records.request",
        "Participant's records request recorded",
    )
    PARTICIPANT_RECORDS_BUILT = "participant_records.built", "Participant's records export built"
    PARTICIPANT_RECORDS_DOWNLOAD = (
        "participant_records.download",
        "Participant's records export downloaded",
    )
    PARTICIPANT_RISK_CONCERN_TOLD = (
        "participant.risk_concern_told",
        "Risk concern recorded as told to the participant",
    )
    # Partner details he named, passed on (SPEC 13): one row per person, naming
    # him only; her details are never in the log.
    PARTICIPANT_PARTNER_DETAILS = (
        "participant.partner_details",
        "Partner details passed on (one person)",
    )
    # Referrals and the triage queue (SPEC 13): a referral is audited as itself
    # (object "referral") until it is her case.
    REFERRAL_RECORD = "referral.record", "Referral from an agency recorded"
    REFERRALS_VIEW = "referrals.view", "Referral queue read"
    REFERRAL_VIEW = "referral.view", "Referral read for triage"
    REFERRAL_ALLOCATE = "referral.allocate", "Referral opened as a new case and allocated"
    REFERRAL_JOIN = "referral.join", "Referral joined to a case"
    REFERRAL_DECLINE = "referral.decline", "Referral declined"
    # Outcomes, with her consent (SPEC 14): her choice, her answers deleted at
    # her request, and the manager's questions.
    OUTCOMES_CONSENT_GIVE = "outcomes.consent_give", "Outcome questions: her agreement recorded"
    OUTCOMES_CONSENT_CHANGE = (
        "outcomes.consent_change",
        "Outcome questions: her choice of invitations in her account changed",
    )
    OUTCOMES_CONSENT_WITHDRAW = (
        "outcomes.consent_withdraw",
        "Outcome questions: her withdrawal recorded",
    )
    OUTCOMES_ANSWERS_DELETE = (
        "outcomes.answers_delete",
        "Her outcome answers deleted at her request",
    )
    OUTCOME_QUESTION_CREATE = "outcome_question.create", "Outcome question added"
    OUTCOME_QUESTION_UPDATE = "outcome_question.update", "Outcome question changed"
    OUTCOME_QUESTION_DELETE = "outcome_question.delete", "Outcome question deleted (no answers)"
    # Answering an outcome check-point (SPEC 14): her worker during a call, or
    # she in her portal; a draft, then finished. Ids only, never the answers.
    CHECK_POINT_VIEW = "check_point.view", "Outcome check-point opened to record answers"
    OUTCOME_ANSWERS_DRAFT = "outcome_answers.draft", "Outcome answers saved as a draft"
    OUTCOME_ANSWERS_FINISH = "outcome_answers.finish", "Outcome answers saved: she has finished"


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditRetentionCutoff(models.Model):
    """One row. The database trigger on the audit log (``contacts/audit_protection.py``)
    refuses every DELETE except of rows older than ``deletes_before``, which the
    retention run sets and clears again inside its own transaction: outside a
    retention run it is empty and no audit row can be deleted."""

    deletes_before = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"AuditRetentionCutoff {self.deletes_before}"


# --- Backup codes (SPEC 8) -------------------------------------------------------------


def backup_code_normalise(code: str) -> str:
    """What she typed, as stored: lower case, without spaces or hyphens."""
    return "".join(code.split()).replace("-", "").lower()


def backup_code_hash(code: str, salt: str) -> str:
    """A code is 16 random base32 characters (80 bits), so a salted SHA-256 is
    out of reach of guessing even from a stolen database, and checking ten of
    them costs nothing at sign-in (a slow password hash would cost seconds)."""
    digest = hashlib.sha256(f"{salt}${backup_code_normalise(code)}".encode()).hexdigest()
    return f"{salt}${digest}"


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A staff member's set of single-use backup codes: a django-otp device, so a
    code signs her in exactly as her authenticator does (``django_otp.login``,
    the same verified session), throttled the same way after failures.

    django-otp's own static device stores its tokens in clear; SPEC 8 asks for
    them hashed, hence this device. One per person; a new set replaces the old."""

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_BACKUP_CODE_THROTTLE_FACTOR", 1)

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token: object) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed or not isinstance(token, str):
            return False
        normalised = backup_code_normalise(token)
        match = None
        for code in self.codes.filter(used_at__isnull=True):
            salt = code.code_hash.split("$", 1)[0]
            if hmac.compare_digest(code.code_hash, backup_code_hash(normalised, salt)):
                match = code
        # Single use even if two sign-ins race with the same code.
        if match is not None and (
            BackupCode.objects.filter(pk=match.pk, used_at__isnull=True).update(
                used_at=timezone.now()
            )
            == 1
        ):
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class BackupCode(models.Model):
    """One backup code, hashed ("salt$sha256"); ``used_at`` once it has been used."""

    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=100)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"BackupCode {self.pk}"


# --- Who read her record, breaches (SPEC 12) -----------------------------------------


class Breach(models.Model):
    """A personal-data breach in the manager's register (UK GDPR art. 33): when it
    happened and was found, what data and how many people, whether the ICO must
    be told (within 72 hours of discovery) and why, and what was done. The
    free text may name people, so it is encrypted at rest like her messages."""

    class Reportable(models.TextChoices):
        UNDECIDED = "undecided", "Not decided yet"
        YES = "yes", "Yes: report to the ICO"
        NO = "no", "No: not likely to risk anyone's rights"

    occurred_at = models.DateTimeField("when it happened")
    discovered_at = models.DateTimeField("when it was discovered")
    data_involved = EncryptedTextField("what data")
    people_affected = models.PositiveIntegerField("how many people")
    reportable = models.CharField(
        "report to the ICO?", max_length=10, choices=Reportable.choices, default="undecided"
    )
    reportable_reason = EncryptedTextField("why (or why not)", blank=True)
    reported_at = models.DateTimeField("reported to the ICO at", null=True, blank=True)
    actions_taken = EncryptedTextField("actions taken", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-discovered_at", "-pk"]

    def __str__(self) -> str:
        return f"Breach {self.pk}"
