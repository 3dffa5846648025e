from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from . import roles as role_names
from .models import (
    AttendanceMark,
    ContactLogEntry,
    Disclosure,
    Participant,
    ParticipantStatus,
    ProgrammeGroup,
    RiskConcern,
    User,
)


class StaffLoginForm(forms.Form):
    username = forms.CharField(max_length=150)
    password = forms.CharField(max_length=200, strip=False, widget=forms.PasswordInput)


class TokenForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


# --- Staff side (issue 4) ---------------------------------------------------------
# Forms only validate shapes; the rules live in contacts.services.

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
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


class GroupForm(forms.Form):
    name = forms.CharField(max_length=100)
    meeting_details = forms.CharField(max_length=200, required=False, label="When it meets")


class SessionForm(forms.Form):
    date = forms.DateField(widget=DATE_INPUT)
    time = forms.TimeField(widget=TIME_INPUT, label="Start time")
    location = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, group: ProgrammeGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") and data.get("time"):
            starts_at = datetime.combine(
                data["date"], data["time"], tzinfo=timezone.get_current_timezone()
            )
            if self.group.sessions.filter(starts_at=starts_at).exists():
                raise forms.ValidationError("This group already has a session at that time.")
            data["starts_at"] = starts_at
        return data


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
    data = forms.CharField(widget=forms.HiddenInput, max_length=1_400_000, strip=False)


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

    def clean_happened_at(self) -> datetime | None:
        value = self.cleaned_data.get("happened_at")
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("The contact cannot be in the future.")
        return value


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
        self.fields["worker"].queryset = _wss_workers()
        self.fields["worker"].empty_label = "Not allocated yet"


class AllocateForm(forms.Form):
    worker = WorkerChoiceField(queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = _wss_workers()


class LinkParticipantForm(forms.Form):
    participant = ParticipantChoiceField(
        queryset=Participant.objects.order_by("reference"),
        required=False,
        empty_label="Not linked",
    )


ROLE_CHOICES = [(name, name) for name in role_names.ALL_ROLES]


class StaffAccountForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[A-Za-z0-9._-]{3,150}$",
        max_length=150,
        error_messages={"invalid": "Usernames use letters, numbers and . _ - only."},
    )
    first_name = forms.CharField(max_length=150, required=False, label="Name")
    email = forms.EmailField(required=False)
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
    )
    is_duty_worker = forms.BooleanField(required=False, label="Duty worker (WSS only)")
    alert_emails = forms.BooleanField(required=False, label='Email "You have a new alert"')


class StaffAccountEditForm(forms.Form):
    email = forms.EmailField(required=False)
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
    )
    is_duty_worker = forms.BooleanField(required=False, label="Duty worker (WSS only)")
    alert_emails = forms.BooleanField(required=False, label='Email "You have a new alert"')
    is_active = forms.BooleanField(required=False, label="Account active")


class AlertEmailForm(forms.Form):
    email = forms.EmailField(required=False)
    alert_emails = forms.BooleanField(
        required=False, label='Email me "You have a new alert — sign in to view"'
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("alert_emails") and not data.get("email"):
            raise forms.ValidationError("Give an email address to receive alert emails.")
        return data


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        queryset=User.objects.filter(kind=User.Kind.STAFF).order_by("username"),
        required=False,
        empty_label="Anyone",
        label="Who",
    )
    case = forms.IntegerField(required=False, min_value=1, label="Case number")
    action = forms.ChoiceField(required=False, label="Action")
    date_from = forms.DateField(required=False, widget=DATE_INPUT, label="From")
    date_to = forms.DateField(required=False, widget=DATE_INPUT, label="To")

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *((a, a) for a in actions)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


class SafeContactNotesForm(forms.Form):
    notes = forms.CharField(
        label="Notes for her worker (she does not see these)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
