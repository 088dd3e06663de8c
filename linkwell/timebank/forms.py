"""Input validation for the time bank's pages (the services check again and say why)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from linkwell.core.forms import text_input
from linkwell.core.idempotency import SubmissionKeyField
from linkwell.timebank.models import Category, ListingKind

SELECT = {"class": "nhsuk-select"}


class HoursField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            label="Hours",
            help_text="In quarter hours, like 1.5 or 0.75",
            max_length=10,
            widget=forms.TextInput(attrs=text_input(4, inputmode="decimal")),
            **kwargs,  # type: ignore[arg-type]
        )


class RecordForm(forms.Form):
    direction = forms.ChoiceField(
        label="What happened",
        choices=[("gave", "I gave time"), ("received", "I received time")],
        widget=forms.RadioSelect,
    )
    other = forms.CharField(
        label="The other member's account",
        help_text="Their reference, like TB-0042",
        max_length=20,
        widget=forms.TextInput(attrs=text_input(10)),
    )
    hours = HoursField()
    # A retried POST (after a timeout) records the exchange once (core/idempotency.py).
    submission_key = SubmissionKeyField()
    category = forms.ChoiceField(
        label="Kind of help", choices=Category.choices, widget=forms.Select(attrs=SELECT)
    )
    happened_on = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(
            format="%Y-%m-%d",
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"},
        ),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=text_input(30)),
    )


class ListingForm(forms.Form):
    kind = forms.ChoiceField(
        label="Offer or request", choices=ListingKind.choices, widget=forms.Select(attrs=SELECT)
    )
    text = forms.CharField(
        label="In your words", max_length=300, widget=forms.TextInput(attrs=text_input(30))
    )
    category = forms.ChoiceField(
        label="Kind of help", choices=Category.choices, widget=forms.Select(attrs=SELECT)
    )


class ReasonForm(forms.Form):
    """Why the broker reverses an exchange (one per row of the page: `auto_id` names the row)."""

    reason = forms.CharField(
        label="Reason",
        max_length=300,
        error_messages={"required": "Say why the exchange is reversed"},
        widget=forms.TextInput(attrs=text_input(20)),
    )


class MatchForm(forms.Form):
    """The offer the broker introduces to a request (a hidden field of each suggestion)."""

    offer = forms.UUIDField(
        error_messages={"required": "Choose an offer", "invalid": "Choose an offer"},
        widget=forms.HiddenInput,
    )


class MatchHoursForm(forms.Form):
    """The hours given in a match (one per match on the page: `auto_id` names the match)."""

    hours = forms.CharField(
        label="Hours given",
        max_length=10,
        error_messages={"required": "Enter the hours given, like 1.5"},
        widget=forms.TextInput(attrs=text_input(4, inputmode="decimal")),
    )


class PackageForm(forms.Form):
    nhs_number = forms.CharField(
        label="Person's NHS number", max_length=12, widget=forms.TextInput(attrs=text_input(10))
    )
    description = forms.CharField(
        label="Support", max_length=300, widget=forms.TextInput(attrs=text_input(30))
    )
    budget_hours = forms.DecimalField(
        label="Hours from a personal budget",
        initial=0,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs=text_input(4)),
    )
    budget_amount = forms.DecimalField(
        label="Personal budget (£)",
        initial=0,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs=text_input(5)),
    )
    credit_hours = forms.DecimalField(
        label="Hours paid in time credits",
        initial=0,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs=text_input(4)),
    )
    payer = forms.CharField(
        label="Person's account (for credits)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=text_input(10)),
    )
    provider = forms.CharField(
        label="Provider's account (for credits)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs=text_input(10)),
    )
    own_funds_amount = forms.DecimalField(
        label="Own funds (£)",
        initial=0,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs=text_input(5)),
    )


class MemberAddForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the member's name"},
        widget=forms.TextInput(attrs=text_input(20)),
    )
