from typing import Any, cast

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from contacts import roles as role_names
from contacts.models import Breach, User
from contacts.selectors.listing import NO_RECORD, IdField, RecordChoiceField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BackupCodeForm(forms.Form):
    backup_code = forms.RegexField(
        regex=r"^[\sA-Za-z2-7-]{16,40}$",
        max_length=40,
        label="Backup code",
        error_messages={"invalid": "Enter one of your backup codes, e.g. abcd-efgh-ijkl-mnop."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
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


def current_password_field() -> forms.CharField:
    return forms.CharField(
        max_length=200,
        strip=False,
        label="Your current password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ReauthenticationForm(forms.Form):
    """Her password and a current code, asked again before any change to how she
    signs in (SPEC 8; OWASP ASVS level 2: full re-authentication before a change
    of authentication factors). The shapes only: ``contacts.services.sign_in``
    checks them."""

    password = current_password_field()
    code = forms.RegexField(
        regex=r"^\s*(\d{6}|[\sA-Za-z2-7-]{16,40})\s*$",
        max_length=40,
        label="A code from your authenticator app, or one of your backup codes",
        error_messages={
            "invalid": "Enter the 6-digit code from your authenticator app, or a backup code."
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class StaffPasswordChangeForm(SetPasswordForm, ReauthenticationForm):
    """A new password (twice, through Django's password validators), with her
    current password and a current code."""

    field_order = ["password", "new_password1", "new_password2", "code"]


class AuthenticatorSetupForm(TokenForm):
    """The first code from the new authenticator app, with her password again:
    whoever holds the browser after the password step cannot add their own
    phone (SPEC 8)."""

    password = current_password_field()
    field_order = ["password", "token"]


# --- Staff side (SPEC 3) ----------------------------------------------------------
# Forms only validate shapes; the rules live in contacts.services.


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


class AuditFilterForm(forms.Form):
    """The audit log's filters. Ids as on every staff list: a bad one finds
    nothing (``contacts.selectors.listing``)."""

    actor = RecordChoiceField(
        queryset=User.objects.filter(kind=User.Kind.STAFF).order_by("username"),
        required=False,
        empty_label="Anyone",
        label="Who",
    )
    case = IdField(required=False, label="Case number")
    action = forms.ChoiceField(required=False, label="Action")
    date_from = forms.DateField(required=False, widget=DATE_INPUT, label="From")
    date_to = forms.DateField(required=False, widget=DATE_INPUT, label="To")

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", "Any action"), *actions]

    def clean_actor(self) -> int | None:
        """Her id (the log holds ids), ``NO_RECORD`` for one nobody has."""
        actor = self.cleaned_data["actor"]
        return actor if actor in (None, NO_RECORD) else actor.pk

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data


# --- Breaches (SPEC 12) ------------------------------------------------------------------

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_ERRORS = {"invalid": "Enter a date and time, e.g. 2026-03-01 14:30."}


def _moment(label: str, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, widget=DATETIME_INPUT, error_messages=DATETIME_ERRORS
    )


class BreachForm(forms.Form):
    occurred_at = _moment("When it happened")
    discovered_at = _moment("When it was discovered")
    data_involved = forms.CharField(
        label="What data", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    people_affected = forms.IntegerField(label="How many people", min_value=0, max_value=10**7)
    reportable = forms.ChoiceField(
        label="Report to the ICO?", choices=Breach.Reportable.choices, widget=forms.RadioSelect
    )
    reportable_reason = forms.CharField(
        label="Why (or why not)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reported_at = _moment("Reported to the ICO at (once done)", required=False)
    actions_taken = forms.CharField(
        label="Actions taken",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AccountReadsForm(forms.Form):
    """The window of one account's audit rows to export: ``from`` and ``to``
    (the query string's names; ``from`` is a Python keyword, hence __init__)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = _moment("From")
        self.fields["to"] = _moment("To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start >= end:
            raise forms.ValidationError("The start time must be before the end time.")
        return data
