"""Directory forms: input parsing only. Business rules (age order, capacity, opening times) live
in services/edit_validation.py so the API and the CLI get the same checks; views copy its errors
back here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory

from linkwell.accounts.models import User
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import LONG_TEXT_MAX, SHORT_TEXT_MAX, apply_errors, text_input
from linkwell.directory.eligibility import LongTermCondition
from linkwell.directory.models import QualityCheckKind, ReferralMode, Service, ServiceStatus
from linkwell.directory.services import (
    COST_FREE,
    COST_PAID,
    COST_UNKNOWN,
    DAYS,
    MAX_EMAIL_LENGTH,
    MAX_PLACES,
    MAX_URL_LENGTH,
    service_edit_errors,
)

_TEXTAREA = {"class": "nhsuk-textarea", "rows": "4"}


class ServiceEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(
        label="Service name",
        max_length=255,
        error_messages={"required": "Enter the name of the service"},
        widget=forms.TextInput(attrs=text_input()),
    )
    description = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="What the service offers",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    status = forms.ChoiceField(
        label="Is the service running?",
        choices=ServiceStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the service is running"},
    )
    referral_mode = forms.ChoiceField(
        label="How people get to the service",
        choices=ReferralMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the service accepts referrals or is signposting only"
        },
    )
    application_process = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="How to join or refer",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    capacity_available = forms.IntegerField(
        label="Places available now",
        required=False,
        min_value=0,
        max_value=MAX_PLACES,
        error_messages={
            "invalid": "Places available must be a whole number, like 5",
            "min_value": "Places must be 0 or more",
            "max_value": f"Places must be {MAX_PLACES:,} or fewer",
        },
        widget=forms.TextInput(attrs=text_input(4, inputmode="numeric")),
    )
    capacity_maximum = forms.IntegerField(
        label="Maximum places",
        required=False,
        min_value=0,
        max_value=MAX_PLACES,
        error_messages={
            "invalid": "Maximum places must be a whole number, like 12",
            "min_value": "Places must be 0 or more",
            "max_value": f"Places must be {MAX_PLACES:,} or fewer",
        },
        widget=forms.TextInput(attrs=text_input(4, inputmode="numeric")),
    )
    phone = forms.CharField(
        label="Telephone",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs=text_input(20, type="tel", autocomplete="off")),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=MAX_EMAIL_LENGTH,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": f"Email address must be {MAX_EMAIL_LENGTH} characters or fewer",
        },
        widget=forms.EmailInput(attrs=text_input(30, spellcheck="false")),
    )
    url = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        max_length=MAX_URL_LENGTH,
        error_messages={
            "invalid": "Enter a website address in the correct format, like https://www.example.org",
            "max_length": f"Website address must be {MAX_URL_LENGTH} characters or fewer",
        },
        widget=forms.URLInput(attrs=text_input(30, spellcheck="false")),
    )
    cost = forms.ChoiceField(
        label="Does it cost anything?",
        required=False,
        widget=forms.RadioSelect,
        choices=[(COST_FREE, "Free"), (COST_PAID, "There is a cost"), (COST_UNKNOWN, "Not known")],
    )
    cost_amount = forms.DecimalField(
        label="Cost in pounds",
        required=False,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the cost in pounds, for example 3.50",
            "max_decimal_places": "Enter the cost in pounds and pence, for example 3.50",
        },
        widget=forms.TextInput(attrs=text_input(5, inputmode="decimal")),
    )
    fees_description = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="About the cost (optional)",
        help_text="For example, per session, or concessions available",
        required=False,
        widget=forms.Textarea(attrs=dict(_TEXTAREA, rows="2")),
    )
    minimum_age = forms.IntegerField(
        label="Minimum age",
        required=False,
        error_messages={"invalid": "Minimum age must be a whole number, like 18"},
        widget=forms.TextInput(attrs=text_input(3, inputmode="numeric")),
    )
    maximum_age = forms.IntegerField(
        label="Maximum age",
        required=False,
        error_messages={"invalid": "Maximum age must be a whole number, like 65"},
        widget=forms.TextInput(attrs=text_input(3, inputmode="numeric")),
    )
    eligibility_description = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="Who the service is for",
        required=False,
        widget=forms.Textarea(attrs=dict(_TEXTAREA, rows="3")),
    )
    required_conditions = forms.MultipleChoiceField(
        label="Long-term conditions (at least one needed)",
        help_text="Leave all unticked if the service does not require a condition",
        choices=LongTermCondition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligibility_checked = forms.BooleanField(
        label="Check the ages and conditions when someone is referred (a link worker can "
        "override the check, giving a reason)",
        required=False,
    )
    eligibility_conditions = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="Conditions people must meet (optional)",
        help_text="One on each line, for example: Lives in Oswestry, or: Is an unpaid carer",
        required=False,
        widget=forms.Textarea(attrs=dict(_TEXTAREA, rows="3")),
    )
    accessibility = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="Access at the venue",
        help_text="For example step-free entrance, hearing loop, accessible toilet",
        required=False,
        widget=forms.Textarea(attrs=dict(_TEXTAREA, rows="3")),
    )
    languages = forms.CharField(
        max_length=SHORT_TEXT_MAX,
        label="Languages the service is offered in (optional)",
        help_text="Separate languages with commas, for example: English, Welsh, British Sign Language",
        required=False,
        widget=forms.TextInput(attrs=text_input()),
    )

    def __init__(
        self, *args: Any, has_location: bool = True, may_edit_venue: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # A service without a venue of its own has no accessibility to describe here.
        if not has_location:
            del self.fields["accessibility"]
        elif not may_edit_venue:
            # Shown, not editable: the venue is not the user's organisation's to describe
            # (services.may_edit_venue). A disabled field keeps its initial value on POST.
            field = self.fields["accessibility"]
            field.disabled = True
            field.help_text = (
                "The venue is not owned by your organisation, so only the social prescribing "
                "team can change its access information"
            )

    @classmethod
    def initial_from_state(cls, state: dict[str, Any], version: int) -> dict[str, Any]:
        initial = {k: v for k, v in state.items() if k != "schedule"}
        initial["languages"] = ", ".join(state["languages"])
        initial["eligibility_conditions"] = "\n".join(state["eligibility_conditions"])
        initial["version"] = version
        return initial

    def service_data(self) -> dict[str, Any]:
        """cleaned_data in the shape `service_update(data=...)` takes (without schedule)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for key in ("languages", "eligibility_conditions"):
            data[key] = self.service_data_value(key, data[key])
        return data

    @staticmethod
    def service_data_value(key: str, text: str) -> list[str]:
        parts = text.split(",") if key == "languages" else text.splitlines()
        return [p.strip() for p in parts if p.strip()]


class SessionForm(forms.Form):
    """One weekly session: a day, an opening time, a closing time. A blank row is ignored."""

    day = forms.ChoiceField(label="Day", required=False, choices=[("", "Select a day"), *DAYS])
    opens_at = forms.TimeField(
        label="Opens",
        required=False,
        error_messages={"invalid": "Enter the opening time as hours and minutes, like 09:30"},
        widget=forms.TimeInput(attrs=text_input(5, type="time"), format="%H:%M"),
    )
    closes_at = forms.TimeField(
        label="Closes",
        required=False,
        error_messages={"invalid": "Enter the closing time as hours and minutes, like 14:00"},
        widget=forms.TimeInput(attrs=text_input(5, type="time"), format="%H:%M"),
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(k) for k in ("day", "opens_at", "closes_at"))


SessionFormSet = formset_factory(SessionForm, extra=2, max_num=21)


def sessions_data(formset: Any) -> list[dict[str, Any]]:
    """The non-blank rows, with the formset index each came from (to put errors back)."""
    return [
        {**form.cleaned_data, "_row": i}
        for i, form in enumerate(formset.forms)
        if not form.is_blank()
    ]


def apply_service_errors(
    exc: ValidationFailed, form: forms.Form, formset: Any, rows: list[dict[str, Any]]
) -> None:
    """Copy a service's ValidationFailed errors onto the form fields (and session rows) they
    belong to, so the error summary links to the right input."""
    for key, messages in exc.errors.items():
        if not key.startswith("schedule."):
            apply_errors(ValidationFailed({key: messages}), form)
            continue
        _, index, field = key.split(".", 2)
        row = rows[int(index)]["_row"]
        for message in messages:
            formset.forms[row].add_error(field, message)


class QualityCheckForm(forms.Form):
    kind = forms.ChoiceField(
        label="What was checked",
        choices=QualityCheckKind.choices,
        error_messages={"required": "Select what was checked"},
    )
    checked_on = forms.DateField(
        label="Date checked",
        error_messages={
            "required": "Enter the date it was checked",
            "invalid": "Date checked must be a real date",
        },
        widget=forms.DateInput(attrs=text_input(10, type="date")),
    )
    expires_on = forms.DateField(
        label="Expiry date",
        help_text="When the policy, insurance or checks must be renewed",
        error_messages={
            "required": "Enter the expiry date",
            "invalid": "Expiry date must be a real date",
        },
        widget=forms.DateInput(attrs=text_input(10, type="date")),
    )
    reference = forms.CharField(
        label="Reference (optional)",
        help_text="A policy number, certificate number or document name",
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs=text_input(20)),
    )


_PAIRED = (
    ("minimum_age", "maximum_age"),
    ("capacity_available", "capacity_maximum"),
    ("cost", "cost_amount"),
)


def add_rule_errors(
    service: Service, form: ServiceEditForm, formset: Any, *, actor: User | None = None
) -> None:
    """On a form that did not fully parse, add the service's rule errors for the fields that
    did parse (a field already in error keeps its own message)."""
    parsed = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k != "version"}
    for key in ("languages", "eligibility_conditions"):
        if key in parsed:
            parsed[key] = form.service_data_value(key, parsed[key])
    rows = [
        {**f.cleaned_data, "_row": i}
        for i, f in enumerate(formset.forms)
        if not f.errors and not f.is_blank()
    ]
    errors = service_edit_errors(service=service, data={**parsed, "schedule": rows}, actor=actor)
    already = {k for k, v in form.errors.items() if v}
    # A rule that compares two fields is skipped when its partner did not parse: comparing with
    # the stored value instead would blame the wrong field.
    already |= {a for a, b in _PAIRED if b in already} | {b for a, b in _PAIRED if a in already}
    wanted = {
        k: v
        for k, v in errors.items()
        if k not in already and (k in parsed or k.startswith("schedule."))
    }
    apply_service_errors(ValidationFailed(wanted), form, formset, rows)
