from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contacts import roles as role_names
from contacts.forms import DATE_INPUT
from contacts.models import User
from programme.models import Participant
from survivors.errors import PortalError
from survivors.models import (
    CaseState,
    ClosureOutcome,
    ContactChange,
    ContactLogEntry,
    Disclosure,
    Referral,
    RiskAnswer,
    RiskLevel,
    RiskQuestion,
    SafeContactWindow,
    Survivor,
)
from survivors.services.referrals import AGENCY_SOURCES
from survivors.services.safe_contact import phone_normalise


class AlertAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="What you did",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write a short note saying what you did about this alert."},
    )


class ContactLogForm(forms.Form):
    kind = forms.ChoiceField(choices=ContactLogEntry.Kind.choices, label="Contact")
    outcome = forms.ChoiceField(choices=ContactLogEntry.Outcome.choices)
    happened_at = forms.DateTimeField(
        label="When",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text="Leave empty for now.",
    )
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Before she has been reached, a call outside her safe times is refused
    # unless marked urgent, with the reason (SPEC 13).
    urgent = forms.BooleanField(required=False, label="Urgent: call outside her safe times")
    urgent_reason = forms.CharField(
        max_length=1000,
        required=False,
        label="Why it could not wait",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the call is marked urgent.",
    )

    def clean_happened_at(self) -> datetime | None:
        value = self.cleaned_data.get("happened_at")
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("The contact cannot be in the future.")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("urgent") and not cleaned.get("urgent_reason", "").strip():
            self.add_error("urgent_reason", "Say why the call could not wait for her safe times.")
        return cleaned


class DisclosureForm(forms.Form):
    agency = forms.CharField(max_length=200, label="Shared with (agency)", required=False)
    basis = forms.ChoiceField(
        choices=[("", "Choose the basis"), *Disclosure.Basis.choices], required=False
    )
    details = forms.CharField(
        max_length=2000,
        required=False,
        label="What was shared, and (for consent) when and how she agreed",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _wss_workers():
    return User.objects.filter(
        kind=User.Kind.STAFF, is_active=True, groups__name=role_names.WSS_WORKER
    ).order_by("username")


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Participant) -> str:
        return obj.reference


class SurvivorOpenForm(forms.Form):
    known_as = forms.CharField(max_length=100, label="Known as")
    worker = WorkerChoiceField(queryset=User.objects.none(), required=False, label="Worker")
    participant = ParticipantChoiceField(
        queryset=Participant.objects.order_by("reference"),
        required=False,
        label="Linked participant",
        empty_label="Not linked yet",
    )
    issue_code = forms.BooleanField(
        required=False, initial=True, label="Issue an activation code for her account"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker = cast(WorkerChoiceField, self.fields["worker"])
        worker.queryset = _wss_workers()
        worker.empty_label = "Not allocated yet"


class AllocateForm(forms.Form):
    worker = WorkerChoiceField(queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(WorkerChoiceField, self.fields["worker"]).queryset = _wss_workers()


class LinkParticipantForm(forms.Form):
    """Link her case to a participant: by his reference as the manager types it
    (one text box, not a list of every participant), or by id."""

    reference = forms.CharField(
        max_length=32, required=False, label="Participant reference (blank: not linked)"
    )
    participant = ParticipantChoiceField(
        queryset=Participant.objects.order_by("reference"),
        required=False,
        empty_label="Not linked",
        widget=forms.HiddenInput,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        reference = (data.get("reference") or "").strip()
        if reference:
            participant = Participant.objects.filter(reference__iexact=reference).first()
            if participant is None:
                raise forms.ValidationError(f"No participant has the reference {reference}.")
            data["participant"] = participant
        return data


class AlertEmailForm(forms.Form):
    email = forms.EmailField(required=False)
    alert_emails = forms.BooleanField(
        required=False, label='Email me "You have a new alert — sign in to view"'
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("alert_emails") and not data.get("email"):
            raise forms.ValidationError("Give an email address to receive alert emails.")
        return data


class SafeContactNotesForm(forms.Form):
    notes = forms.CharField(
        label="Notes for her worker (she does not see these)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SafeContactForm(forms.Form):
    safe_phone = forms.CharField(
        label=_("Safe phone number"),
        required=False,
        max_length=30,
        help_text=_("The number it is safe for us to call or text. Leave empty if none is safe."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    voicemail_safe = forms.BooleanField(
        label=_("It is safe to leave a voicemail on this number"), required=False
    )
    code_word = forms.CharField(
        label=_("Code word"),
        required=False,
        max_length=40,
        help_text=_("Your worker will say this word on the phone so you know it is her."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    sms_nudges = forms.BooleanField(
        label=_("Send me a plain text “You have a new message” inside my safe times"),
        required=False,
    )

    def clean_safe_phone(self) -> str:
        try:
            return phone_normalise(self.cleaned_data.get("safe_phone", ""))
        except PortalError as error:
            raise forms.ValidationError(error.message) from error


class ContactVerificationForm(forms.Form):
    """How her worker checked it was her before changing her safe-contact
    details (SPEC 12: whoever holds her old phone may pretend to be her)."""

    verification = forms.ChoiceField(
        label="How did you check it was her?",
        choices=[
            (value, label)
            for value, label in ContactChange.Verification.choices
            if value != ContactChange.Verification.PASSPHRASE
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you checked it was her. Nothing was saved.",
            "invalid_choice": "Choose how you checked it was her from the list. Nothing was saved.",
        },
    )


class WindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", _("Choose a day")), *SafeContactWindow.Weekday.choices],
        coerce=int,
        required=False,
    )
    starts_at = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time, like 09:30 or 18:00.")},
    )
    ends_at = forms.TimeField(
        label=_("To"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time, like 09:30 or 18:00.")},
    )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        parts = [data.get("weekday") not in (None, ""), data.get("starts_at"), data.get("ends_at")]
        if any(parts) and not all(parts):
            raise forms.ValidationError(_("Fill in the day, the start time and the end time."))
        if all(parts) and data["ends_at"] <= data["starts_at"]:
            raise forms.ValidationError(_("The end time must be after the start time."))
        return data


class BaseWindowFormSet(forms.BaseFormSet):
    def chosen_windows(self) -> list:
        """The safe times she kept (filled in and not deleted), for the service."""
        from survivors.services.safe_contact import Window

        return [
            Window(weekday=row["weekday"], starts_at=row["starts_at"], ends_at=row["ends_at"])
            for row in self.cleaned_data
            if row and not row.get("DELETE") and row.get("starts_at")
        ]


# absolute_max: a forged management form asking for 1,000 rows gets a clear
# error and at most 21 rows rendered back, not 1,000 (Django's default cap).
# formset_factory's declared return type is the plain BaseFormSet; the class it
# makes is a subclass of the formset passed in.
WindowFormSet = cast(
    type[BaseWindowFormSet],
    forms.formset_factory(
        WindowForm,
        formset=BaseWindowFormSet,
        extra=2,
        can_delete=True,
        max_num=21,
        absolute_max=21,
    ),
)


class CaseLanguageForm(forms.Form):
    """Her worker records her language and interpreter need on her case (staff
    pages, in English; the language names stay in their own script)."""

    language = forms.ChoiceField(
        label="Her language (the portal and her texts)",
        choices=lambda: [("", "Not chosen yet (English)"), *settings.LANGUAGES],
        required=False,
    )
    needs_interpreter = forms.BooleanField(
        label="She would like an interpreter when we speak with her", required=False
    )


# --- Items from the programme (SPEC 10) ------------------------------------------------


class ItemSharedForm(forms.Form):
    shared_on = forms.DateField(label="Shared with her on", widget=DATE_INPUT)
    note = forms.CharField(
        label="How, and what you passed on",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ItemPortalForm(forms.Form):
    """Show her a report, or part of it: one box per paragraph, and a note."""

    note = forms.CharField(
        label="Your note to her (shown with it)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, paragraphs: list[str], **kwargs: Any) -> None:
        # Its own ids: the sharing form on the same page also has a "note".
        kwargs.setdefault("auto_id", "show_%s")
        super().__init__(*args, **kwargs)
        self.fields["paragraphs"] = forms.TypedMultipleChoiceField(
            label="Paragraphs to show her",
            choices=[(str(n), text) for n, text in enumerate(paragraphs)],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["paragraphs", "note"])


class CaseManagementDisclosureForm(forms.Form):
    basis = forms.ChoiceField(
        choices=[("", "Choose the basis"), *Disclosure.Basis.choices], required=False
    )
    details = forms.CharField(
        max_length=2000,
        required=False,
        label="What you told the group worker, and (for consent) when and how she agreed",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Information sessions (SPEC 10) -----------------------------------------------------


class InformationSessionForm(forms.Form):
    date = forms.DateField(widget=DATE_INPUT)
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(
        max_length=300,
        label="Place, or how to join online",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    capacity = forms.IntegerField(min_value=1, max_value=500, label="How many women can come")
    programme_worker = forms.ModelChoiceField(
        queryset=User.objects.filter(
            kind=User.Kind.STAFF, is_active=True, groups__name=role_names.PROGRAMME_WORKER
        ).order_by("username"),
        label="Programme worker attending",
        to_field_name="pk",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date") and data.get("time"):
            data["starts_at"] = datetime.combine(
                data["date"], data["time"], tzinfo=timezone.get_current_timezone()
            )
        return data


class InvitationForm(forms.Form):
    def __init__(self, *args: Any, caseload: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.caseload = {str(s.pk): s for s in caseload}
        self.fields["case"] = forms.ChoiceField(
            label="Invite",
            choices=[("", "Choose someone on your caseload")]
            + [(str(s.pk), f"Case {s.pk}: {s.known_as}") for s in caseload],
        )

    def survivor(self):
        return self.caseload[self.cleaned_data["case"]]


# --- Her casework (SPEC 9) --------------------------------------------------------


class CaseStateForm(forms.Form):
    to_state = forms.ChoiceField(choices=CaseState.choices, label="Move the case to")
    outcome = forms.ChoiceField(
        choices=[("", "Choose when closing"), *ClosureOutcome.choices],
        required=False,
        label="Outcome (when closing)",
    )


class ReengagementForm(forms.Form):
    kind = forms.ChoiceField(choices=ContactLogEntry.Kind.choices, label="Contact")
    outcome = forms.ChoiceField(choices=ContactLogEntry.Outcome.choices)
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RiskChecklistForm(forms.Form):
    """One yes / no / not known answer and an optional note per question; her
    worker's judgement may raise the level (the service refuses lowering it)."""

    level = forms.ChoiceField(
        choices=[("", "As the answers give"), *RiskLevel.choices],
        required=False,
        label="Level by professional judgement",
        help_text="Only to raise the level the answers give; say why below.",
    )
    reason = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for raising the level",
    )

    def __init__(self, *args: Any, questions: list[RiskQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"answer_{question.pk}"] = forms.ChoiceField(
                choices=RiskAnswer.Answer.choices,
                widget=forms.RadioSelect,
                label=f"{question.number}. {question.text}",
                error_messages={"required": "Answer this question: yes, no or not known."},
            )
            self.fields[f"note_{question.pk}"] = forms.CharField(
                max_length=1000, required=False, label=f"Note on question {question.number}"
            )

    def rows(self) -> list[tuple[RiskQuestion, forms.BoundField, forms.BoundField]]:
        return [
            (question, self[f"answer_{question.pk}"], self[f"note_{question.pk}"])
            for question in self.questions
        ]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            question.pk: (
                self.cleaned_data[f"answer_{question.pk}"],
                self.cleaned_data[f"note_{question.pk}"],
            )
            for question in self.questions
        }


class MaracReferralForm(forms.Form):
    agency = forms.CharField(max_length=200, initial="MARAC", label="Referred to")
    details = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What was shared",
    )


class MaracCloseForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for not referring",
    )


class AbsenceForm(forms.Form):
    worker = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Worker", empty_label=None
    )
    starts_on = forms.DateField(
        label="First day away", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label="Last day away", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, for_manager: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_manager:
            cast(forms.ModelChoiceField, self.fields["worker"]).queryset = _wss_workers()
            self.fields["worker"].required = True
        else:
            del self.fields["worker"]


class RecordsRequestForm(forms.Form):
    """Her subject access request (SPEC 12); only the manager may name staff."""

    received_on = forms.DateField(
        label="Date she made the request",
        widget=DATE_INPUT,
        error_messages={
            "required": "Enter the date she made the request.",
            "invalid": "Enter the date as day, month and year.",
        },
    )
    staff_names = forms.BooleanField(
        required=False, label="Name the staff in the export (otherwise they appear by role)"
    )

    def __init__(self, *args: Any, for_manager: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not for_manager:
            del self.fields["staff_names"]


class AccessAlertAcknowledgeForm(forms.Form):
    """The manager's note on an access alert (SPEC 12)."""

    note = forms.CharField(
        label="What you found",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write a short note saying what you found."},
    )


# --- Referrals and triage (SPEC 13): staff pages, English ------------------------------


def _voicemail_answer(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class AgencyReferralForm(forms.Form):
    """An agency's referral as a WSS worker or the manager takes it down. Her
    number and times are checked again by the service (its messages are shown)."""

    source = forms.ChoiceField(
        label="Referred by",
        choices=[
            ("", "Choose one"),
            *((source.value, source.label) for source in AGENCY_SOURCES),
        ],
        error_messages={"required": "Choose who made the referral from the list."},
    )
    source_detail = forms.CharField(
        label="Who referred (agency, contact name and number, their reference)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    known_as = forms.CharField(
        label="Her name",
        max_length=100,
        error_messages={
            "required": "Enter her name, or the name she is known by.",
            "max_length": "Her name can be at most 100 characters.",
        },
    )
    phone = forms.CharField(label="Her phone number", max_length=32, required=False)
    relationship = forms.ChoiceField(
        label="Her relationship to him",
        choices=[("", "Not known"), *Referral.Relationship.choices],
        required=False,
    )
    reference = forms.CharField(
        label="His reference, if the agency gave one", max_length=32, required=False
    )
    safety_notes = forms.CharField(
        label="Safety notes",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    safe_days = forms.TypedMultipleChoiceField(
        label="Safe days",
        choices=SafeContactWindow.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safe_from = forms.TimeField(
        label="Safe from (UK time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time, like 09:30 or 18:00."},
    )
    safe_to = forms.TimeField(
        label="Safe until (UK time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time, like 09:30 or 18:00."},
    )
    voicemail_safe = forms.TypedChoiceField(
        label="Is a voicemail safe?",
        choices=[("", "Not known (treated as not safe)"), ("yes", "Yes"), ("no", "No")],
        coerce=_voicemail_answer,
        empty_value=None,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        reference = (data.pop("reference", "") or "").strip()
        data["participant"] = None
        if reference:
            participant = Participant.objects.filter(reference__iexact=reference).first()
            if participant is None:
                self.add_error(
                    "reference",
                    f"No one has the reference {reference}. Check it, or leave it blank.",
                )
            data["participant"] = participant
        return data


class ReferralAllocateForm(forms.Form):
    """Triage: open her case and give it to a worker (the list leaves out
    workers who already support a partner of the same man, SPEC 2)."""

    worker = WorkerChoiceField(
        queryset=User.objects.none(),
        label="Allocate to",
        empty_label="Choose a worker",
        error_messages={
            "required": "Choose a worker from the list.",
            "invalid_choice": (
                "That worker cannot take this referral: she already supports someone "
                "linked to the same man, or is not a WSS worker. Choose a different worker."
            ),
        },
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(WorkerChoiceField, self.fields["worker"]).queryset = workers


class CaseChoiceField(forms.ModelChoiceField):
    """Her case by its number only: the choice names no one."""

    def label_from_instance(self, obj: Survivor) -> str:
        return f"Case {obj.pk}"


class ReferralJoinForm(forms.Form):
    """Triage: put the referral on a case with the same number."""

    case = CaseChoiceField(
        queryset=Survivor.objects.none(),
        label="Join the case",
        empty_label=None,
        error_messages={
            "required": "Choose one of the matching cases.",
            "invalid_choice": "Choose one of the matching cases.",
        },
    )

    def __init__(self, *args: Any, cases: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CaseChoiceField, self.fields["case"]).queryset = cases


class ReferralDeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why it is declined",
        choices=[("", "Choose a reason"), *Referral.DeclineReason.choices],
        error_messages={"required": "Choose why the referral is declined."},
    )
    note = forms.CharField(
        label="Note (needed for \u201cOther\u201d)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Outcomes, with her consent (SPEC 14): staff pages, English ------------------------


class OutcomesConsentForm(forms.Form):
    """Her worker records her choice: she agrees (and whether she wants a
    neutral invitation in her portal), or she withdraws."""

    action = forms.ChoiceField(
        choices=[("give", "She agrees"), ("withdraw", "She withdraws")],
        error_messages={
            "required": "Choose whether she agrees or withdraws.",
            "invalid_choice": "Choose whether she agrees or withdraws.",
        },
    )
    in_portal = forms.BooleanField(
        label="She would like a neutral invitation in her portal when questions are due",
        required=False,
    )


class OutcomeAnswersDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="She asked for every one of her answers to be deleted",
        error_messages={"required": "Tick to confirm that she asked for this."},
    )


class OutcomeQuestionForm(forms.Form):
    """One question: its wording and one label per point (a label a line) in
    every language of settings.LANGUAGES, all required."""

    scale_points = forms.IntegerField(
        label="Number of points on the scale (2 to 11)",
        min_value=2,
        max_value=11,
        error_messages={
            "required": "Give the number of points: a whole number from 2 to 11.",
            "invalid": "Give the number of points: a whole number from 2 to 11.",
            "min_value": "Give the number of points: a whole number from 2 to 11.",
            "max_value": "Give the number of points: a whole number from 2 to 11.",
        },
    )
    higher_is_better = forms.BooleanField(
        label="A higher point is the better answer (untick if higher is worse)",
        required=False,
        initial=True,
    )
    position = forms.IntegerField(
        label="Position (questions are asked in this order, lowest first)",
        min_value=0,
        max_value=999,
        initial=0,
        error_messages={
            "required": "Give the position: a whole number from 0 to 999.",
            "invalid": "Give the position: a whole number from 0 to 999.",
            "min_value": "Give the position: a whole number from 0 to 999.",
            "max_value": "Give the position: a whole number from 0 to 999.",
        },
    )
    active = forms.BooleanField(label="Active (asked at new check-points)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[f"text_{code}"] = forms.CharField(
                label=f"Wording in {name} ({code})",
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2, "lang": code, "dir": "auto"}),
                error_messages={"required": f"Give the wording in {name} ({code})."},
            )
            self.fields[f"labels_{code}"] = forms.CharField(
                label=f"Labels in {name} ({code}): one a line, lowest point first",
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 5, "lang": code, "dir": "auto"}),
                error_messages={"required": f"Give the labels in {name} ({code}), one a line."},
            )
        codes = [code for code, _name in settings.LANGUAGES]
        self.order_fields(
            [f"text_{code}" for code in codes]
            + ["scale_points"]
            + [f"labels_{code}" for code in codes]
            + ["higher_is_better", "position", "active"]
        )

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        points = data.get("scale_points")
        if points is None:
            return data
        for code, name in settings.LANGUAGES:
            key = f"labels_{code}"
            if key in data and len(self.lines(data[key])) != points:
                given = len(self.lines(data[key]))
                self.add_error(
                    key,
                    f"Give {points} labels in {name} ({code}), one a line, for {points} "
                    f"points: there are {given}.",
                )
        return data

    def text(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"text_{code}"] for code, _name in settings.LANGUAGES}

    def labels(self) -> dict[str, list[str]]:
        return {
            code: self.lines(self.cleaned_data[f"labels_{code}"])
            for code, _name in settings.LANGUAGES
        }

    @classmethod
    def initial_for(cls, question: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "scale_points": question.scale_points,
            "higher_is_better": question.higher_is_better,
            "position": question.position,
            "active": question.active,
        }
        for code, _name in settings.LANGUAGES:
            initial[f"text_{code}"] = (question.text or {}).get(code, "")
            initial[f"labels_{code}"] = "\n".join((question.scale_labels or {}).get(code, []))
        return initial


class OutcomeAnswersForm(forms.Form):
    """Answers to a check-point (SPEC 14): one optional choice per question, a
    point of its scale or "prefer not to say". Her portal's form is this one
    too, with its labels in her language (the page draws the radio buttons)."""

    def __init__(self, *args: Any, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from survivors.selectors.outcome_answers import PREFER_NOT_TO_SAY

        self.prefer_not_to_say = PREFER_NOT_TO_SAY
        for question in questions:
            self.fields[question.field_name] = forms.ChoiceField(
                choices=[*question.choices, (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY)],
                required=False,
            )

    def posted(self) -> dict[str, str]:
        """What was chosen, to show back when it could not be saved."""
        return {name: str(self.data.get(name, "")) for name in self.fields}

    def answers(self) -> dict[int, int | None]:
        """Question id -> value (None: prefer not to say); unanswered left out."""
        chosen: dict[int, int | None] = {}
        for name, value in self.cleaned_data.items():
            if not value:
                continue
            chosen[int(name[1:])] = None if value == self.prefer_not_to_say else int(value)
        return chosen
