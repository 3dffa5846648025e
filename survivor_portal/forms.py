"""Forms for the survivor-facing pages. Plain labels and messages, in her language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from contacts.phones import PhoneNumberInvalid, phone_e164
from survivors.forms import OutcomeAnswersForm, SafeContactForm
from survivors.models import SafeContactWindow

# What her phone keeps (SPEC 4, discreet): nothing on her forms invites the
# browser or a password manager to remember her username or passphrase, so
# neither is offered to the next person holding the phone. "current-password"
# and "new-password" would do the opposite (they mark a sign-in or sign-up form,
# which is what triggers "Save password?" and generated-password offers);
# "off" plus the common password managers' own opt-outs is the strongest
# request a page can make. Paste is never blocked (pasting from her own
# password manager stays her choice).
NOT_REMEMBERED = {
    "autocomplete": "off",
    "data-lpignore": "true",
    "data-1p-ignore": "true",
    "data-bwignore": "true",
    "data-form-type": "other",
}
USERNAME_ATTRS = {
    **NOT_REMEMBERED,
    "autocapitalize": "none",
    "autocorrect": "off",
    "spellcheck": "false",
}

LONG_HINT = _(
    "At least 12 characters. A few words you will remember works well, "
    "for example “kettle orange river seven”."
)


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs=USERNAME_ATTRS),
    )
    passphrase = forms.CharField(
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs=NOT_REMEMBERED),
    )


class ActivationForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your worker"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
        error_messages={"required": _("Enter the code your worker gave you.")},
    )
    username = forms.CharField(
        label=_("Choose a username"),
        max_length=40,
        help_text=_("3 to 40 letters, numbers, dots, dashes or underscores. Avoid your real name."),
        widget=forms.TextInput(attrs=USERNAME_ATTRS),
        error_messages={"required": _("Choose a username.")},
    )
    passphrase = forms.CharField(
        label=_("Choose a passphrase"),
        max_length=200,
        strip=False,
        help_text=LONG_HINT,
        widget=forms.PasswordInput(attrs=NOT_REMEMBERED),
        error_messages={"required": _("Choose a passphrase.")},
    )
    passphrase_again = forms.CharField(
        label=_("Type the passphrase again"),
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(attrs=NOT_REMEMBERED),
        error_messages={"required": _("Type the passphrase again.")},
    )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("passphrase")
            and data.get("passphrase_again")
            and data["passphrase"] != data["passphrase_again"]
        ):
            self.add_error("passphrase_again", _("The two passphrases are different."))
        return data


class SecondPassphraseForm(forms.Form):
    current_passphrase = forms.CharField(
        label=_("Your usual passphrase"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs=NOT_REMEMBERED),
        error_messages={"required": _("Enter your usual passphrase.")},
    )
    second_passphrase = forms.CharField(
        label=_("Second passphrase"),
        strip=False,
        max_length=200,
        help_text=LONG_HINT,
        widget=forms.PasswordInput(attrs=NOT_REMEMBERED),
        error_messages={"required": _("Choose a second passphrase.")},
    )


class PortalSafeContactForm(SafeContactForm):
    """Her contact settings, saved only with her passphrase (SPEC 12: someone
    holding her unlocked phone must not change how she is contacted)."""

    current_passphrase = forms.CharField(
        label=_("Your usual passphrase"),
        help_text=_("Enter it to save these settings."),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs=NOT_REMEMBERED),
        error_messages={"required": _("Enter your usual passphrase.")},
    )


class RemoveSecondPassphraseForm(forms.Form):
    """Removing the second passphrase needs her usual one (SPEC 4): someone
    holding her unlocked phone must not remove it in one tap."""

    current_passphrase = forms.CharField(
        label=_("Your usual passphrase"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your usual passphrase.")},
    )


def _language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class LanguageForm(forms.Form):
    """Her language, named in its own script, and whether she would like an
    interpreter when her worker speaks with her (SPEC 11)."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=_language_choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a language from the list.")},
    )
    needs_interpreter = forms.BooleanField(
        label=_("I would like an interpreter when my worker speaks with me"), required=False
    )


# --- Helping us improve (SPEC 14): her choice about the outcome questions -----------


class OutcomesChoiceForm(forms.Form):
    """Whether her answers may be used to show what the service achieves, and
    whether she would like a short note in her account when there are
    questions. Neutral words throughout (SPEC 4)."""

    agreed = forms.TypedChoiceField(
        label=_("Can we use your answers?"),
        choices=[
            ("yes", _("Yes, you can use my answers")),
            ("no", _("No, do not use my answers")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    in_portal = forms.BooleanField(
        label=_("Show me a short note here when there are questions to answer"),
        required=False,
    )


# --- Asking to be contacted (SPEC 13) ------------------------------------------------


ENTER_A_NUMBER = _("Enter a phone number, like 07700 900123 or +44 7700 900123.")


class ContactRequestForm(forms.Form):
    """Her request, on the public "Ask us to get in touch" page, that someone
    call her: only her number is needed. Neutral words throughout (SPEC 4), and
    nothing the browser is invited to remember for the next person holding
    the phone."""

    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        help_text=_("The number we should call. We will not send a text to say we got this."),
        widget=forms.TextInput(attrs={**NOT_REMEMBERED, "type": "tel", "inputmode": "tel"}),
        error_messages={"required": ENTER_A_NUMBER},
    )
    known_as = forms.CharField(
        label=_("A name we may use (optional)"),
        max_length=100,
        required=False,
        help_text=_("Any name you are happy for us to ask for when we call."),
        widget=forms.TextInput(attrs=NOT_REMEMBERED),
    )
    safe_days = forms.TypedMultipleChoiceField(
        label=_("Days it is safe to call (optional)"),
        choices=SafeContactWindow.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose days from the list.")},
    )
    safe_from = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time, like 09:30 or 18:00.")},
    )
    safe_to = forms.TimeField(
        label=_("To"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time, like 09:30 or 18:00.")},
    )
    voicemail_safe = forms.ChoiceField(
        label=_("Is it safe to leave a voicemail on this number?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        initial="no",
        required=False,
        widget=forms.RadioSelect,
    )

    def clean_phone(self) -> str:
        try:
            e164 = phone_e164(self.cleaned_data.get("phone", ""))
        except PhoneNumberInvalid as error:
            raise forms.ValidationError(ENTER_A_NUMBER) from error
        if not e164:
            raise forms.ValidationError(ENTER_A_NUMBER)
        return e164

    def clean_voicemail_safe(self) -> bool:
        """Only a "yes" makes a voicemail safe; no answer is a "no"."""
        return self.cleaned_data.get("voicemail_safe") == "yes"

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("safe_from"), data.get("safe_to")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("safe_to", _("The end time must be after the start time."))
        return data


class CheckPointAnswersForm(OutcomeAnswersForm):
    """Her answers to a check-point (SPEC 14): every question optional, each a
    point of its scale or "prefer not to say"; the page draws the choices in
    her language."""
