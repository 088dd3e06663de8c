"""Invite-list forms: input parsing only (rules live in population/services/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.population.models import InviteStatus
from linkwell.referrals.forms import _PersonFields

_INPUT = {"class": "nhsuk-input"}
_TEXTAREA = {"class": "nhsuk-textarea", "rows": "3"}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Cohort file",
        help_text="The .csv or .parquet file `linkwell population run` wrote.",
        error_messages={"required": "Choose the cohort file to upload"},
        widget=forms.ClearableFileInput(
            attrs={"class": "nhsuk-file-upload", "accept": ".csv,.parquet"}
        ),
    )
    run_date = forms.DateField(
        label="Date the cohort was run",
        help_text="For example, 2026-11-20",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Enter the date the cohort was run",
            "invalid": "Enter the run date like 2026-11-20",
        },
        widget=forms.DateInput(attrs={**_INPUT, "class": "nhsuk-input nhsuk-input--width-10"}),
    )

    def __init__(self, *args: Any, teams: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("run_date", timezone.localdate().isoformat())
        if len(teams) > 1:
            self.fields["team"] = forms.ModelChoiceField(
                label="Link-worker service",
                queryset=Organisation.objects.filter(pk__in=[t.pk for t in teams]).order_by("name"),
                empty_label=None,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the link-worker service"},
            )
        self.teams = teams

    def chosen_team(self) -> Organisation:
        team: Organisation | None = self.cleaned_data.get("team")
        return team or self.teams[0]

    def clean_run_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["run_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The run date must be today or in the past")
        return value


class SelectionForm(forms.Form):
    """The link worker's choice of entries and what to do with them."""

    ACTIONS = [("request", "Ask the practice to confirm"), ("not_suitable", "Not suitable")]
    action = forms.ChoiceField(
        choices=ACTIONS, error_messages={"required": "Choose what to do with the people chosen"}
    )
    entries = forms.TypedMultipleChoiceField(
        coerce=str,
        error_messages={"required": "Choose at least one person on the list"},
    )
    reason = forms.CharField(
        label="Why they are not suitable",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )

    def __init__(self, *args: Any, entry_ids: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entries"].choices = [(e, e) for e in entry_ids]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "not_suitable" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why these people are not suitable")
        return data


class ConfirmForm(_PersonFields):
    """The practice confirms who the invite is about (the person's details, re-identified
    outside Linkwell). The NHS number is required here: it is the identity check."""

    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
        widget=forms.EmailInput(attrs=_INPUT),
    )
    consent_to_contact = forms.BooleanField(
        label="The person agrees to be contacted by a link worker", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nhs = self.fields["nhs_number"]
        nhs.label = "NHS number"
        nhs.required = True
        nhs.error_messages["required"] = (
            "Enter the person's NHS number: Linkwell uses it to check this is the person on the "
            "invite list"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Reported with the other field errors, not only once they are fixed
        # (services/confirmation.py has the same rule for other callers).
        if not data.get("consent_to_contact"):
            self.add_error(
                "consent_to_contact",
                "The person must agree to be contacted by a link worker before they can be "
                "referred",
            )
        return data


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=[
            (InviteStatus.DECLINED, "The person declined"),
            (InviteStatus.NO_CONTACT, "We could not contact the person"),
            (InviteStatus.NOT_SUITABLE, "Not suitable (say why)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    reason = forms.CharField(
        label="Reason or note",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") == InviteStatus.NOT_SUITABLE
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Say why the person is not suitable")
        return data
