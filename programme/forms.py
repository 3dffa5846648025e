from collections.abc import Iterator
from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from contacts.forms import DATE_INPUT
from contacts.phones import PhoneNumberInvalid, phone_e164
from programme.models import (
    AttendanceMark,
    CaseManagementEntry,
    Participant,
    ParticipantStatus,
    ProgrammeGroup,
    ProgrammeModule,
    ProgrammeReport,
    RiskConcern,
)
from programme.services import partners

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


STATUS_REASON_WARNING = (
    "What you write here may be shown word for word outside the programme. "
    "Write it in plain words, and leave out anything that should not be read by others."
)


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=ParticipantStatus.choices)
    reason = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        # The same words for every man, linked or not (SPEC 2): nothing here may
        # say whether anyone will read it.
        help_text=STATUS_REASON_WARNING,
    )


class RiskConcernForm(forms.Form):
    """Basic information only: no free-text field on purpose (SPEC 2)."""

    kind = forms.ChoiceField(choices=RiskConcern.Kind.choices)
    occurred_on = forms.DateField(label="When", widget=DATE_INPUT)
    urgency = forms.ChoiceField(choices=RiskConcern.Urgency.choices)
    told_him = forms.BooleanField(
        required=False,
        label="He has been told about this concern",
        help_text="Only concerns he has been told about go into his copy of his records.",
    )


class GroupForm(forms.Form):
    name = forms.CharField(max_length=100)
    meeting_details = forms.CharField(max_length=200, required=False, label="When it meets")


def _topic_field() -> forms.ModelChoiceField:
    """The group topics comms staff have written, in the service's default
    language (the translations are hers to read, not a choice here)."""
    from wagtail.models import Locale

    return forms.ModelChoiceField(
        queryset=ProgrammeModule.objects.filter(locale=Locale.get_default()),
        required=False,
        label="Topic",
        empty_label="No topic set",
        help_text="What the group works on in this session (topics are written by the comms team).",
    )


class SessionForm(forms.Form):
    date = forms.DateField(widget=DATE_INPUT)
    time = forms.TimeField(widget=TIME_INPUT, label="Start time")
    location = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, group: ProgrammeGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["module"] = _topic_field()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date") and data.get("time"):
            starts_at = datetime.combine(
                data["date"], data["time"], tzinfo=timezone.get_current_timezone()
            )
            if self.group.sessions.filter(starts_at=starts_at).exists():
                raise forms.ValidationError("This group already has a session at that time.")
            data["starts_at"] = starts_at
        return data


class SessionTopicForm(forms.Form):
    """Set or change the topic of a session already on the calendar."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"] = _topic_field()


class ParticipantForm(forms.Form):
    reference = forms.RegexField(
        regex=r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,31}$",
        max_length=32,
        error_messages={"invalid": "Use letters, numbers and - / _ . only (up to 32)."},
    )
    group = forms.ModelChoiceField(
        queryset=ProgrammeGroup.objects.all(), required=False, empty_label="No group yet"
    )


class RegisterForm(forms.Form):
    """One screen, one submit: a mark for every person on the register."""

    def __init__(
        self, *args: Any, participants: list[Participant], current: dict[int, str], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.participants = participants
        for participant in participants:
            self.fields[f"mark_{participant.pk}"] = forms.ChoiceField(
                label=participant.reference,
                choices=AttendanceMark.choices,
                widget=forms.RadioSelect,
                initial=current.get(participant.pk),
                error_messages={"required": f"Mark {participant.reference}."},
            )

    def rows(self) -> Iterator[tuple[Participant, forms.BoundField]]:
        for participant in self.participants:
            yield participant, self[f"mark_{participant.pk}"]

    def marks(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"mark_{p.pk}"] for p in self.participants}


class RegisterImportForm(forms.Form):
    file = forms.FileField(label="Register file (CSV)")


class RegisterImportConfirmForm(forms.Form):
    # A field named "data": the form's metaclass moves it into ``base_fields``,
    # so the bound form's own ``data`` attribute is untouched.
    data = forms.CharField(  # type: ignore[assignment]
        widget=forms.HiddenInput, max_length=1_400_000, strip=False
    )


class CaseEntryForm(forms.Form):
    """The monthly case-management entry: what the programme may share. The
    same form and words for every man (SPEC 2)."""

    engagement = forms.ChoiceField(choices=CaseManagementEntry.Engagement.choices)
    engagement_note = forms.CharField(
        label="About his engagement",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=STATUS_REASON_WARNING,
    )
    assessment_outcome = forms.ChoiceField(
        choices=CaseManagementEntry.AssessmentOutcome.choices, required=False
    )
    end_summary = forms.CharField(
        label="End-of-programme summary (if he has finished or left)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=STATUS_REASON_WARNING,
    )
    risk_kind = forms.ChoiceField(
        label="Risk: kind",
        choices=[("", "No risk to record"), *RiskConcern.Kind.choices],
        required=False,
    )
    risk_occurred_on = forms.DateField(label="Risk: when", required=False, widget=DATE_INPUT)
    risk_urgency = forms.ChoiceField(
        label="Risk: how urgent",
        choices=[("", "—"), *RiskConcern.Urgency.choices],
        required=False,
    )


class ProgrammeReportForm(forms.Form):
    kind = forms.ChoiceField(choices=ProgrammeReport.Kind.choices)
    text = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            STATUS_REASON_WARNING + " Leave a blank line between paragraphs: a paragraph "
            "may be shown on its own."
        ),
    )


class MonthForm(forms.Form):
    month = forms.DateField(input_formats=["%Y-%m"], required=False)


class RecordsRequestForm(forms.Form):
    """His subject access request (SPEC 12): when it reached the service."""

    received_on = forms.DateField(
        label="Date received",
        widget=DATE_INPUT,
        help_text="The day his request reached the service: the answer is due a month later.",
    )


# --- Partner details he names, passed on (SPEC 13) -------------------------------------

# The same values as ``survivors.models.Referral.Relationship`` and the two
# programme sources of ``survivors.models.ReferralSource``: spelled out on this
# side (``programme.services.partners``), which imports nothing of the other
# (a test holds the lists equal). Here they get the programme worker's words.
PARTNER_RELATIONSHIPS = [
    ("current", "Current partner"),
    ("ex", "Ex-partner"),
    ("new", "New partner"),
]
PASS_ON_OCCASIONS = [
    (partners.OCCASION_INTAKE, "At his assessment"),
    (partners.OCCASION_NEW_PARTNER, "New partner he disclosed"),
]
WHERE_DISCLOSED_CHOICES = [
    ("", "—"),
    ("group", "In group"),
    ("case_management", "At a case-management meeting"),
    ("worker", "To his worker"),
]
# No browser on a programme computer keeps what was typed here for later.
NOT_REMEMBERED = {"autocomplete": "off"}


class PassOnOccasionForm(forms.Form):
    occasion = forms.ChoiceField(
        label="When he named them", choices=PASS_ON_OCCASIONS, widget=forms.RadioSelect
    )
    where = forms.ChoiceField(
        label="Where he disclosed a new partner",
        choices=WHERE_DISCLOSED_CHOICES,
        required=False,
        help_text="Only for a new partner he disclosed.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("occasion") == partners.OCCASION_NEW_PARTNER and not data.get("where"):
            self.add_error("where", "Choose where he disclosed the new partner.")
        if data.get("occasion") == partners.OCCASION_INTAKE:
            data["where"] = ""
        return data


def _phone_e164_or_error(raw: str) -> str:
    try:
        phone = phone_e164(raw)
    except PhoneNumberInvalid:
        phone = ""
    if not phone:
        raise forms.ValidationError(
            "That phone number cannot be right: enter a UK number such as 07700 900123, "
            "or a number abroad starting with + and its country code."
        )
    return phone


class PartnerDetailsForm(forms.Form):
    """One person he named. Nothing of it is kept on this side once saved."""

    known_as = forms.CharField(
        label="Name", max_length=partners.NAME_MAX_LENGTH, widget=forms.TextInput(NOT_REMEMBERED)
    )
    phone = forms.CharField(
        label="Phone number", max_length=40, widget=forms.TextInput(NOT_REMEMBERED)
    )
    relationship = forms.ChoiceField(
        label="Relationship to him", choices=[("", "—"), *PARTNER_RELATIONSHIPS]
    )
    safety_notes = forms.CharField(
        label="Safety notes (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 3, **NOT_REMEMBERED}),
        help_text="Anything the worker who contacts her should know first.",
    )

    def clean_phone(self) -> str:
        return _phone_e164_or_error(self.cleaned_data["phone"])


class BasePartnerDetailsFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        # A forged management form already has its error; rows with errors
        # have theirs.
        if not self.management_form.is_valid() or any(self.errors):
            return
        if not self.named():
            raise forms.ValidationError(
                "Enter at least one partner's name and phone number.", code="none_named"
            )

    def named(self) -> list[dict[str, str]]:
        """The rows filled in (empty extra rows are left out), for the service."""
        return [row for row in self.cleaned_data if row]


# Three rows per submit; a forged management form asking for more gets a clear
# error and three rows back (absolute_max).
PartnerDetailsFormSet = cast(
    type[BasePartnerDetailsFormSet],
    forms.formset_factory(
        PartnerDetailsForm,
        formset=BasePartnerDetailsFormSet,
        extra=partners.MAX_AT_ONCE,
        max_num=partners.MAX_AT_ONCE,
        absolute_max=partners.MAX_AT_ONCE,
        validate_max=True,
    ),
)
