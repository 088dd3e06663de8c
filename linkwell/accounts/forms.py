from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from linkwell.accounts.models import User
from linkwell.accounts.services import AccountLocked, locked_message
from linkwell.core.forms import PASSWORD_MAX


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"class": "nhsuk-input", "autocomplete": "username"}),
    )
    password = forms.CharField(
        max_length=PASSWORD_MAX,
        label="Password",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"class": "nhsuk-input", "autocomplete": "current-password"}
        ),
    )

    def __init__(
        self,
        *args: Any,
        request: HttpRequest | None = None,
        refusal: str = "",
        **kwargs: Any,
    ) -> None:
        self.request = request
        # Set when the sign-in is refused before any password is checked (too many failures
        # from this client: linkwell/accounts/client_limit.py).
        self.refusal = refusal
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.refusal:
            raise forms.ValidationError(self.refusal, code="client_limit")
        email, password = data.get("email"), data.get("password")
        if email and password:
            try:
                user = authenticate(self.request, username=email, password=password)
            except AccountLocked as locked:
                raise forms.ValidationError(locked_message(locked.until), code="locked") from locked
            if user is None:
                raise forms.ValidationError(
                    "Enter a correct email address and password.", code="invalid_login"
                )
            self.user = user
        return data


class TotpCodeForm(forms.Form):
    code = forms.RegexField(
        max_length=20,
        label="Security code",
        # Authenticator apps often show the code as "123 456"; accept it as typed.
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input nhsuk-input--width-10",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
            }
        ),
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you saved when you set up two-factor sign-in, like abcde-fghjk.",
        max_length=40,
        error_messages={"required": "Enter one of your recovery codes."},
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input nhsuk-input--width-20",
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )
