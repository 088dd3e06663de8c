"""Forms of the volunteer's own pages and the coordinators' concerns page (views/volunteer.py).
Input shape only: the services check every rule again and say what is wrong."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone

from linkwell.casework.services.notes import MAX_NOTE_LENGTH
from linkwell.core.forms import text_input
from linkwell.volunteering.models import CONTACT_KINDS, ActivityKind
from linkwell.volunteering.services.visits import (
    MAX_CONCERN,
    MAX_DECLINE_REASON,
    MAX_HOW_IT_WENT,
)

_TEXTAREA = {"class": "nhsuk-textarea", "rows": "4"}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
OTHER_KINDS = [k for k in ActivityKind if k not in CONTACT_KINDS]


class VersionedForm(forms.Form):
    """Carries the version of the match the volunteer saw (core.concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcceptForm(VersionedForm):
    pass


class DeclineForm(VersionedForm):
    reason = forms.CharField(
        label="Why are you saying no?",
        help_text="A few words for your coordinator, for example “I can't do Tuesdays”.",
        max_length=MAX_DECLINE_REASON,
        error_messages={
            "required": "Tell your coordinator why, in a few words",
            "max_length": f"Use {MAX_DECLINE_REASON} characters or fewer",
        },
        widget=forms.TextInput(attrs=text_input()),
    )


class _ActivityFields(forms.Form):
    happened_on = forms.DateField(
        label="Date",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date",
            "invalid": "Enter a real date, for example 15/03/2026",
        },
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
        ),
    )
    minutes = forms.IntegerField(
        label="How long, in minutes",
        help_text="For example, 90 for an hour and a half. Include travel if you drove.",
        error_messages={
            "required": "Enter how long it took, in minutes",
            "invalid": "Enter the time as a whole number of minutes, like 60",
        },
        widget=forms.TextInput(attrs=text_input(4, inputmode="numeric")),
    )
    how_it_went = forms.CharField(
        label="How did it go? (optional)",
        required=False,
        max_length=MAX_HOW_IT_WENT,
        error_messages={"max_length": f"Use {MAX_HOW_IT_WENT:,} characters or fewer"},
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    # A fresh one-time key per form shown: a resubmission with the same key logs nothing new.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission_key", uuid.uuid4())
        # Most visits are logged the same day.
        kwargs["initial"].setdefault("happened_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class VisitForm(_ActivityFields):
    kind = forms.ChoiceField(
        label="What did you do?",
        choices=[(k.value, k.label) for k in CONTACT_KINDS],
        error_messages={
            "required": "Choose a visit, a meeting out or a phone call",
            "invalid_choice": "Choose a visit, a meeting out or a phone call",
        },
        widget=forms.RadioSelect,
    )
    concern = forms.CharField(
        label="Did anything worry you?",
        help_text=(
            "Anything about their safety or wellbeing. It goes straight to a named safeguarding "
            "lead or your coordinator. Leave it empty if not."
        ),
        required=False,
        max_length=MAX_CONCERN,
        error_messages={"max_length": f"Use {MAX_CONCERN:,} characters or fewer"},
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    field_order = ["kind", "happened_on", "minutes", "how_it_went", "concern", "submission_key"]


class OtherActivityForm(_ActivityFields):
    kind = forms.ChoiceField(
        label="What did you do?",
        choices=[(k.value, k.label) for k in OTHER_KINDS],
        error_messages={
            "required": "Choose what you did",
            "invalid_choice": "Choose what you did",
        },
        widget=forms.RadioSelect,
    )
    organisation = forms.ChoiceField(
        label="Who did you volunteer for?", required=False, widget=forms.RadioSelect
    )
    field_order = [
        "kind",
        "organisation",
        "happened_on",
        "minutes",
        "how_it_went",
        "submission_key",
    ]

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(m.uuid): m for m in members}
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(m.uuid), m.organisation.name) for m in members]
        if len(members) > 1:
            field.required = True
            field.error_messages["required"] = "Choose who you volunteered for"
        else:
            del self.fields["organisation"]

    def member(self) -> Any:
        if "organisation" in self.cleaned_data:
            return self.members[self.cleaned_data["organisation"]]
        return next(iter(self.members.values()))


class ConcernResolveForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        help_text=(
            "What was done: for example, you phoned them and all was well, you told their GP, "
            "or you referred to adult social care (with the reference)."
        ),
        max_length=MAX_NOTE_LENGTH,
        error_messages={
            "required": "Enter the outcome: what was done about the concern",
            "max_length": f"Use {MAX_NOTE_LENGTH:,} characters or fewer",
        },
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
