from django import forms


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
