"""The Women's Support Service (WSS) side: survivors, allocations, safe contact,
activation, alerts, the contact log, disclosures and messages.

Information flows one way: this side reads the programme's records and events;
nothing on the programme side points here. ``Survivor.participant`` has no
reverse accessor (``related_name="+"``), so a participant cannot reach her even
by accident."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts.encryption import EncryptedTextField
from contacts.models import User
from programme.models import Participant, ParticipantStatus

# His status changes that prompt a review of her plan with her (SPEC 9).
PLAN_REVIEW_STATUSES = (
    ParticipantStatus.COMPLETED,
    ParticipantStatus.SUSPENDED,
    ParticipantStatus.DROPPED_OUT,
    ParticipantStatus.ORDER_BREACHED,
)


class CaseState(models.TextChoices):
    REFERRED = "referred", "Referred"
    FIRST_CONTACT = "first_contact", "First contact made"
    ACTIVE = "active", "Active"
    DORMANT = "dormant", "Dormant"
    CLOSED = "closed", "Closed"


class ClosureOutcome(models.TextChoices):
    """Why a case closed: asked for on closing, counted in the manager's report."""

    GOALS_MET = "goals_met", "Her goals were met"
    PERIOD_ENDED = "period_ended", "The period after his course ended"
    SHE_ENDED = "she_ended", "She chose to end it"
    NO_CONTACT = "no_contact", "No contact could be made"
    MOVED_ON = "moved_on", "Moved to another service or area"
    OTHER = "other", "Other"


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
    # Her case's lifecycle (SPEC 9): referred -> first contact -> active ->
    # dormant -> closed. The first-contact clock runs from ``referred_at``;
    # retention of a closed case runs from ``closed_at``.
    case_state = models.CharField(max_length=16, choices=CaseState.choices, default="referred")
    referred_at = models.DateTimeField(default=timezone.now)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    # The first-contact clock (SPEC 13): when her worker first tried to reach
    # her (the first contact attempt, whatever its outcome), and the source of
    # the referral that opened the case, which sets the clock's target.
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    referral_source = models.CharField(max_length=24, blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_outcome = models.CharField(max_length=24, choices=ClosureOutcome.choices, blank=True)
    # Her data rights (SPEC 12). A restricted case is kept but not used: no
    # check-ins, no contact, read-only. A legal hold (court proceedings, a
    # Domestic Homicide Review) stops erasure and retention of the case.
    restricted_at = models.DateTimeField(null=True, blank=True)
    restriction_reason = EncryptedTextField(blank=True)
    legal_hold_at = models.DateTimeField(null=True, blank=True)
    legal_hold_reason = EncryptedTextField(blank=True)
    # Outcome measurement (SPEC 14), her choice: when she agreed (None: she has
    # not, or withdrew: then none of her answers counts in any report), and
    # whether she wants a neutral invitation in her portal when a check-point
    # is due. Every change is audited.
    outcomes_consent_at = models.DateTimeField(null=True, blank=True)
    outcomes_withdrawn_at = models.DateTimeField(null=True, blank=True)
    outcomes_in_portal = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        # The manager's reports count cases by the month of their referral,
        # and the commissioner report closures by the quarter they closed.
        indexes = [
            models.Index(fields=["referred_at"], name="survivor_referred"),
            models.Index(fields=["closed_at"], name="survivor_closed"),
        ]
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
        # Her setup code stopped working after too many refused usernames: give
        # her a new one (someone else may have had her code).
        CODE_SPENT = "code_spent", "Setup code stopped working: too many names refused"
        # Monthly case management and reports from the programme (SPEC 10).
        PROGRAMME_ITEM = "programme_item", "New from the programme's case management"
        # Referrals (SPEC 13): a new referral (her own request to be contacted,
        # an agency's, one from his intake) joined her existing case.
        REFERRAL_JOINED = "referral_joined", "New referral joined the case"
        # Outcomes (SPEC 14): one of her check-points fell due (she consented):
        # ask her the questions, or see that she answers in her portal.
        CHECK_POINT_DUE = "check_point_due", "Outcome check-point due"

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = EncryptedTextField(blank=True)
    # Acknowledged by the duty worker while her own worker was away (SPEC 9):
    # whom she covered for.
    acknowledged_covering_for = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For a risk concern: its basic information (kind, date, urgency) is shown
    # to her worker; the concern holds no detail of his disclosure (SPEC 2, 3).
    risk_concern = models.ForeignKey(
        "programme.RiskConcern", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The programme event that raised it (status change, risk concern): a
    # replayed event raises nothing twice (unique per event and survivor).
    programme_event = models.ForeignKey(
        "programme.ProgrammeEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-urgent", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["survivor", "acknowledged_at"], name="alert_open_by_survivor"),
            models.Index(fields=["urgent", "acknowledged_at"], name="alert_open_urgent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_event", "survivor"], name="one_alert_per_event_and_survivor"
            )
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk}"

    @property
    def prompts_plan_review(self) -> bool:
        """His status changed in a way that should prompt her worker to review
        her plan with her (SPEC 9): completed, suspended, dropped out, breached."""
        if self.kind != self.Kind.STATUS_CHANGE or self.programme_event is None:
            return False
        change = self.programme_event.status_change
        return change is not None and change.status in PLAN_REVIEW_STATUSES


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
        WRONG_NUMBER = "wrong_number", "Wrong number"

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="contact_log")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    happened_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(blank=True)
    # Logged by the duty worker while her own worker was away (SPEC 9): whom
    # she covered for.
    covering_for = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A call outside her safe times before first contact is refused unless
    # marked urgent, with the reason (SPEC 13).
    urgent_reason = EncryptedTextField(blank=True)

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
    # A reply the duty worker sent while her own worker was away (SPEC 9):
    # whom she covered for.
    covering_for = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["survivor", "created_at"], name="message_thread")]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class ProgrammeEventReceipt(models.Model):
    """A programme event this side has taken in (alerts raised, nudges queued).
    One row per event: the consumer that inserts it does the work, and a replay
    or a second worker finds it and does nothing."""

    event = models.OneToOneField(
        "programme.ProgrammeEvent", on_delete=models.CASCADE, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"ProgrammeEventReceipt {self.pk}"


# --- The risk checklist (SPEC 9) ------------------------------------------------


class RiskLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class RiskQuestion(models.Model):
    """One question of the checklist. The wording is data: the demo ships
    neutral placeholders (``survivors/fixtures/risk_questions_placeholder.json``);
    the service loads its own licensed text over it (docs/using.md)."""

    number = models.PositiveSmallIntegerField(unique=True)
    text = models.TextField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Question {self.number}"


class RiskAssessment(models.Model):
    """One completed checklist, kept for good: a new one never changes an old one."""

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="assessments")
    assessed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField()
    score_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    # Her worker's professional judgement may raise the level, never lower it.
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    judgement_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [models.Index(fields=["survivor", "assessed_at"], name="assessment_by_case")]

    def __str__(self) -> str:
        return f"RiskAssessment {self.pk}"

    @property
    def raised_by_judgement(self) -> bool:
        return self.level != self.score_level


class RiskAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        NOT_KNOWN = "not_known", "Not known"

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(RiskQuestion, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    # Her words: encrypted at rest.
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"RiskAnswer {self.pk}"


# --- The MARAC pathway (SPEC 9) ---------------------------------------------------


class MaracTask(models.Model):
    """The one open task telling her worker that a referral criterion is met,
    with the evidence. At most one open task per case: a criterion met while
    one is open adds its evidence to it (never a second task). An incident
    (alert) counted for escalation is counted once, on one task."""

    class Criterion(models.TextChoices):
        VISIBLE_HIGH_RISK = "visible_high_risk", "Visible high risk (score 14 or more)"
        PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"
        POTENTIAL_ESCALATION = "potential_escalation", "Potential escalation"
        REPEAT_REFERRAL = "repeat_referral", "Repeat referral"

    class Outcome(models.TextChoices):
        REFERRED = "referred", "Referred"
        NOT_REFERRED = "not_referred", "Not referred, with a reason"

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="marac_tasks")
    created_at = models.DateTimeField(default=timezone.now)
    # Criterion codes met, in the order they were met ("visible_high_risk,...").
    criteria = models.CharField(max_length=200)
    # One line per piece of evidence (dates and kinds; her words stay in the checklist).
    evidence = EncryptedTextField()
    assessment = models.ForeignKey(
        RiskAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    incidents = models.ManyToManyField(Alert, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    close_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survivor"], condition=Q(closed_at__isnull=True), name="one_open_marac_task"
            )
        ]

    def __str__(self) -> str:
        return f"MaracTask {self.pk}"

    @property
    def criteria_labels(self) -> list[str]:
        return [self.Criterion(code).label for code in self.criteria.split(",") if code]

    @property
    def evidence_lines(self) -> list[str]:
        return [line for line in self.evidence.splitlines() if line.strip()]


class MaracReferral(models.Model):
    """A referral to the MARAC, recorded with its disclosure (basis: high risk)."""

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="marac_referrals")
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)
    disclosure = models.OneToOneField(Disclosure, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        MaracTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    repeat = models.BooleanField(default=False)

    class Meta:
        ordering = ["-referred_at", "-id"]
        # The commissioner report counts them by quarter.
        indexes = [models.Index(fields=["referred_at"], name="marac_referral_referred")]

    def __str__(self) -> str:
        return f"MaracReferral {self.pk}"


# --- Her plan (SPEC 9: the safety plan, under neutral words) ----------------------


class PlanVersion(models.Model):
    """One saved version of her plan: every version kept, with who saved it and
    which parts changed. The steps are her words: encrypted at rest. A version
    saved from a session signed in with her second passphrase is kept apart
    (``under_duress``): her worker sees it marked; it is never her plan."""

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="plan_versions")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # JSON object: heading key -> text (see survivors.selectors.plan.PLAN_HEADINGS).
    steps = EncryptedTextField()
    changed = models.CharField(max_length=200, blank=True)
    under_duress = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["survivor", "created_at"], name="plan_version_by_case")]

    def __str__(self) -> str:
        return f"PlanVersion {self.pk}"


# --- Cover when her worker is away (SPEC 9) ------------------------------------------


class WorkerAbsence(models.Model):
    """A WSS worker away (leave, sickness) from ``starts_on`` to ``ends_on``
    inclusive: meanwhile her cases' alerts, unanswered messages and open tasks
    show on the duty view, each with a response deadline."""

    worker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    marked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"WorkerAbsence {self.pk}"


class ProgrammeItem(models.Model):
    """What the programme shared about him (a monthly case-management entry or a
    report), as it reaches one survivor's Women's Support Service worker (SPEC 10).

    One row per event and survivor, made when the event is taken in. Her worker
    decides what to pass on and records that she did (``shared_on``); she may
    also show a report, whole or in part, in the portal with a note: exactly
    what was shown is kept here. Nothing here is ever read by the programme side."""

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="programme_items")
    programme_event = models.ForeignKey(
        "programme.ProgrammeEvent", on_delete=models.CASCADE, related_name="+"
    )
    case_entry = models.ForeignKey(
        "programme.CaseManagementEntry",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        "programme.ProgrammeReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(default=timezone.now)
    # "Shared with her on …": what her worker passed on, when, and how.
    shared_on = models.DateField(null=True, blank=True)
    shared_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_note = EncryptedTextField(blank=True)
    # A report shown in her portal: the very words shown, the worker's note.
    portal_text = EncryptedTextField(blank=True)
    portal_note = EncryptedTextField(blank=True)
    portal_shared_at = models.DateTimeField(null=True, blank=True)
    portal_shared_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    portal_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme_event", "survivor"], name="one_programme_item_per_survivor"
            )
        ]

    def __str__(self) -> str:
        return f"ProgrammeItem {self.pk}"


class InformationSession(models.Model):
    """A session the Women's Support Service runs about the programme, where
    women can meet a programme worker (SPEC 10). The programme worker attending
    sees only a head count, and only once it is at least
    ``HEAD_COUNT_THRESHOLD``: never names, never who declined."""

    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300, help_text="A place, or how to join online.")
    capacity = models.PositiveSmallIntegerField()
    programme_worker = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": "staff"}
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_has_capacity")
        ]

    def __str__(self) -> str:
        return f"InformationSession {self.pk}"


class SessionInvitation(models.Model):
    """Her worker invited her; she answers yes or no in her account. Two
    partners of the same man are never invited to the same session (checked by
    ``invitation_send`` under a lock on the session)."""

    class Answer(models.TextChoices):
        NONE = "", "No answer yet"
        YES = "yes", "Coming"
        NO = "no", "Not coming"

    session = models.ForeignKey(
        InformationSession, on_delete=models.CASCADE, related_name="invitations"
    )
    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    answer = models.CharField(max_length=3, choices=Answer.choices, blank=True, default="")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "survivor"], name="one_invitation_each")
        ]

    def __str__(self) -> str:
        return f"SessionInvitation {self.pk}"


# --- Her data rights (SPEC 12) ---------------------------------------------------------


class SubjectAccessRequest(models.Model):
    """Her request for everything held about her (UK GDPR subject access),
    answered within one calendar month of ``received_on`` (``due_on``).

    Recorded by her worker or the manager; only that person downloads the
    export, an encrypted ZIP (``contacts.exports``) kept 30 days after it is
    built. Staff appear in it by role unless the manager chose names."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be built"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be built"
        EXPIRED = "expired", "Download expired"

    survivor = models.ForeignKey(
        Survivor, on_delete=models.CASCADE, related_name="subject_access_requests"
    )
    received_on = models.DateField()
    due_on = models.DateField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    progress = models.PositiveSmallIntegerField(default=0)
    staff_names = models.BooleanField(
        default=False, help_text="Name the staff in the export (the manager's choice)."
    )
    file_name = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="subject_access_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"SubjectAccessRequest {self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.WAITING, self.State.BUILDING)


# --- Who read her record (SPEC 12) ----------------------------------------------------


class AccessAlert(models.Model):
    """A staff read that does not fit the work, for the manager to look into:
    a case read by someone who is neither her worker nor covering for her
    (``unfitting``), or one account opening more than
    ``ACCESS_ALERT_CASES_PER_HOUR`` cases in an hour (``volume``). Ids only,
    like the audit log it is raised from; at most one of each per account, case
    and clock hour (the constraints), so a burst of reads raises one alert."""

    class Kind(models.TextChoices):
        UNFITTING = "unfitting", "Case read by someone not working with her"
        VOLUME = "volume", "Many cases opened in an hour"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    account = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    survivor_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=64, blank=True)
    cases_read = models.PositiveIntegerField(default=0)
    hour = models.DateTimeField()
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "hour"],
                condition=Q(kind="volume"),
                name="one_volume_alert_per_account_hour",
            ),
            models.UniqueConstraint(
                fields=["account", "survivor_id", "hour"],
                condition=Q(kind="unfitting"),
                name="one_unfitting_alert_per_case_hour",
            ),
        ]

    def __str__(self) -> str:
        return f"AccessAlert {self.pk}"


# --- Her data rights: erasure (SPEC 12) ------------------------------------------------


class ErasureRequest(models.Model):
    """Her request to be erased and what became of it: erased, or refused with
    the reason the law allows. Kept after an erasure, so it names her case by
    its old id only (no foreign key) and holds nothing else of hers; the note
    on a refusal is the manager's, encrypted, and blanked if the case is erased."""

    class Outcome(models.TextChoices):
        ERASED = "erased", "Erased"
        REFUSED = "refused", "Refused"

    class RefusalReason(models.TextChoices):
        SAFEGUARDING = "safeguarding", "Safeguarding: keeping her or a child safe"
        LEGAL_CLAIMS = "legal_claims", "Needed for legal claims"
        LEGAL_OBLIGATION = "legal_obligation", "A legal obligation to keep it"
        OTHER = "other", "Other (say which in the note)"

    case_id = models.BigIntegerField(db_index=True)
    received_on = models.DateField(help_text="The day she asked.")
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    refusal_reason = models.CharField(max_length=20, choices=RefusalReason.choices, blank=True)
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"ErasureRequest {self.pk}"


class ErasedCase(models.Model):
    """What stays of an erased case: its old id, when, by whom (empty when the
    retention schedule erased it) and how many rows of each kind went. No
    personal data, so audit rows (which carry the case id) still add up."""

    case_id = models.BigIntegerField(unique=True)
    erased_at = models.DateTimeField(default=timezone.now)
    erased_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "request" (she asked) or "retention" (the schedule's period ran out).
    reason = models.CharField(max_length=20)
    # {"survivors.Message": 3, "contacts.User": 1, "sessions": 2, ...}
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"ErasedCase {self.case_id}"


class ContactChange(models.Model):
    """A change of her safe-contact details (SPEC 12): who made it, when, how her
    identity was checked and which fields changed, by name only. Never the old
    or new values: someone holding her old phone may have asked for it."""

    class Verification(models.TextChoices):
        CODE_WORD = "code_word", "She gave her code word"
        IN_PERSON = "in_person", "In person"
        CALL_BACK = "call_back", "I called her back on the number on file"
        REFERRAL = "referral", "A professional confirmed the referral"
        PASSPHRASE = "passphrase", "Her passphrase, in her account"

    class Field(models.TextChoices):
        SAFE_PHONE = "safe_phone", "safe number"
        VOICEMAIL_SAFE = "voicemail_safe", "voicemail"
        CODE_WORD = "code_word", "code word"
        SMS_NUDGES = "sms_nudges", "message texts"
        WINDOWS = "windows", "safe times"
        NOTES = "notes", "notes"

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="contact_changes")
    changed_at = models.DateTimeField(default=timezone.now)
    # Her worker; empty when she made the change in her own account.
    changed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification = models.CharField(max_length=16, choices=Verification.choices)
    fields = models.JSONField(default=list)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["survivor", "-changed_at"])]

    def __str__(self) -> str:
        return f"ContactChange {self.pk}"

    def field_labels(self) -> list[str]:
        return [str(self.Field(name).label) for name in self.fields if name in self.Field.values]


class ReferralSource(models.TextChoices):
    """Where a referral came from (SPEC 13); each has its first-contact target
    (``FIRST_CONTACT_TARGET_WORKING_DAYS``)."""

    PROGRAMME_INTAKE = "programme_intake", "Named at his assessment"
    NEW_PARTNER = "new_partner", "New partner he disclosed"
    SELF = "self", "Her own request"
    POLICE = "police", "Police"
    MARAC = "marac", "MARAC"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    HEALTH = "health", "Health"
    IDVA = "idva", "IDVA"
    OTHER = "other", "Other agency"


class Referral(models.Model):
    """A referral waiting in the triage queue, or what triage made of it
    (SPEC 13). Her details are encrypted at rest and found by the keyed hash of
    her number, never by a plaintext search. Several referrals of one woman end
    on one case (``survivor``), which keeps all their sources.

    A referral from the programme (his intake, a new partner he disclosed) is
    written here in the programme worker's transaction and nothing of it stays
    on the programme side: ``participant`` has no reverse accessor."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for triage"
        ALLOCATED = "allocated", "New case allocated"
        JOINED = "joined", "Joined an existing case"
        DECLINED = "declined", "Declined"

    class Relationship(models.TextChoices):
        CURRENT = "current", "Current partner"
        EX = "ex", "Ex-partner"
        NEW = "new", "New partner"

    class DeclineReason(models.TextChoices):
        OUT_OF_AREA = "out_of_area", "Outside the service's area"
        NOT_ELIGIBLE = "not_eligible", "Not eligible for the service"
        ALREADY_SUPPORTED = "already_supported", "Already supported by another service"
        NO_DETAILS = "no_details", "Not enough details to reach her"
        OTHER = "other", "Other"

    source = models.CharField(max_length=24, choices=ReferralSource.choices)
    # Who referred and how to reach them (an agency's name and reference), or
    # where he disclosed a new partner: free text, encrypted.
    source_detail = EncryptedTextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    # The man she is or was the partner of, where known. SET_NULL, no reverse
    # accessor: the programme side can neither reach this row nor be stopped
    # by it (SPEC 2).
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    relationship = models.CharField(max_length=8, choices=Relationship.choices, blank=True)
    known_as = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    safety_notes = EncryptedTextField(blank=True)
    # Her safe times, as she or the referrer gave them: weekdays (0 = Monday,
    # comma-separated) and one span of UK local time; and whether a voicemail
    # is safe (None: not known, so not safe).
    safe_days = models.CharField(max_length=20, blank=True)
    safe_from = models.TimeField(null=True, blank=True)
    safe_to = models.TimeField(null=True, blank=True)
    voicemail_safe = models.BooleanField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    survivor = models.ForeignKey(
        Survivor, on_delete=models.CASCADE, null=True, blank=True, related_name="referrals"
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["state", "received_at"], name="referral_queue"),
            # The manager's first-contact figures count referrals by month.
            models.Index(fields=["received_at"], name="referral_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="waiting") | Q(decided_at__isnull=False),
                name="referral_decided_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["allocated", "joined"]) | Q(survivor__isnull=False),
                name="referral_placed_has_case",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk}"


class OutcomeQuestion(models.Model):
    """One question of the outcome questionnaire (SPEC 14), held as data and
    edited by the manager: the service loads its own licensed wording; the demo
    ships neutral placeholders. Scaled answers from 1 to ``scale_points``;
    "prefer not to say" is always offered (an answer with no value).

    ``text`` and ``scale_labels`` are translated for every language of
    settings.LANGUAGES: ``{"en-gb": "How safe ...", "cy": "..."}`` and
    ``{"en-gb": ["Not at all", ..., "Completely"], ...}`` (one label per point,
    lowest first)."""

    position = models.PositiveSmallIntegerField(default=0)
    text = models.JSONField(default=dict)
    scale_points = models.PositiveSmallIntegerField(default=5)
    scale_labels = models.JSONField(default=dict)
    # Whether a higher answer is the better one (how safe she feels) or the
    # worse one (how often something happened), for improved / same / worse.
    higher_is_better = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_points__gte=2) & Q(scale_points__lte=11),
                name="outcome_question_scale_2_to_11",
            )
        ]

    def __str__(self) -> str:
        return f"OutcomeQuestion {self.pk}"


class CheckPoint(models.Model):
    """One outcome check-point of hers (SPEC 14), due from his programme
    register: intake, middle, exit, and follow-up after his exit. At most one
    of each stage per case; answered (by her in the portal or by her worker
    during a call) or, when its window passed unanswered, recorded as missed.
    Answers saved before ``answered_at`` are her draft."""

    class Stage(models.TextChoices):
        INTAKE = "intake", "Intake"
        MIDDLE = "middle", "Middle of his course"
        EXIT = "exit", "End of his course"
        FOLLOW_UP = "follow_up", "Follow-up after his course"

    class State(models.TextChoices):
        DUE = "due", "Due"
        ANSWERED = "answered", "Answered"
        MISSED = "missed", "Missed"

    survivor = models.ForeignKey(Survivor, on_delete=models.CASCADE, related_name="check_points")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DUE)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Who recorded the answers: her worker (during a call), or None when she
    # answered in her portal.
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    missed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survivor", "stage"], name="one_check_point_per_stage")
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="check_point_due")]

    def __str__(self) -> str:
        return f"CheckPoint {self.pk}"


class OutcomeAnswer(models.Model):
    """Her answer to one question at one check-point: a point of its scale, or
    None for "prefer not to say"."""

    check_point = models.ForeignKey(CheckPoint, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(OutcomeQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["check_point", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_point", "question"], name="one_outcome_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"OutcomeAnswer {self.pk}"
