"""Forms for the case page, appointments, notes and safeguarding: input parsing only.

Rules (allowed status moves, dates in range, who may be assigned or named lead) live in
services.py; views copy a service's `ValidationFailed` errors back onto the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.casework.models import AppointmentKind, AppointmentOutcome, Complexity
from linkwell.casework.services import MAX_NOTE_LENGTH
from linkwell.core.idempotency import SubmissionKeyField

_INPUT = {"class": "nhsuk-input"}
_TEXTAREA = {"class": "nhsuk-textarea", "rows": "4"}
_SELECT = {"class": "nhsuk-select"}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


def _user_choices(users: list[User], *, blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(u.uuid), str(u)) for u in users]


class UserChoiceField(forms.ChoiceField):
    """A choice of users by uuid; `clean` returns the User (or None)."""

    def __init__(self, *args: Any, users: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.users = {str(u.uuid): u for u in users or []}

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return self.users.get(value) if value else None


class CaseEditForm(forms.Form):
    complexity = forms.ChoiceField(
        label="Complexity",
        choices=[("", "Not yet assessed"), *Complexity.choices],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    assigned_to = UserChoiceField(
        label="Link worker", required=False, widget=forms.Select(attrs=_SELECT)
    )
    next_contact_due = forms.DateField(
        label="Next contact due",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="The case shows under “Contact today” on the caseload from this date.",
        error_messages={"invalid": "The next contact date must be a real date, like 15/3/2025"},
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, UserChoiceField)
        field.users = {str(u.uuid): u for u in workers}
        field.choices = _user_choices(workers, blank="Nobody yet (back to triage)")


class StatusForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "2"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AppointmentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of contact",
        choices=AppointmentKind.choices,
        widget=forms.Select(attrs=_SELECT),
    )
    date = forms.DateField(
        label="Date",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date",
            "invalid": "The date must be a real date, like 15/3/2025",
        },
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
        ),
    )
    time = forms.TimeField(
        label="Time",
        input_formats=TIME_FORMATS,
        error_messages={
            "required": "Enter the time",
            "invalid": "The time must be a real time, like 14:30",
        },
        widget=forms.TimeInput(
            format="%H:%M", attrs={"class": "nhsuk-input nhsuk-input--width-5", "type": "time"}
        ),
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        required=False,
        help_text="Leave blank for the usual length (a wellbeing review is 45 minutes).",
        error_messages={"invalid": "Enter the length as a whole number of minutes"},
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-4"}),
    )
    venue = forms.CharField(
        label="Venue",
        required=False,
        max_length=200,
        help_text="Where: a surgery, a community centre, “phone”, “home”.",
        widget=forms.TextInput(attrs=_INPUT),
    )
    with_user = UserChoiceField(label="With", required=False, widget=forms.Select(attrs=_SELECT))
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "2"}),
    )

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["with_user"]
        assert isinstance(field, UserChoiceField)
        field.users = {str(u.uuid): u for u in workers}
        field.choices = _user_choices(workers, blank="The case's link worker")

    def starts_at(self) -> dt.datetime | None:
        date, time = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if date is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(date, time))


class RebookForm(forms.Form):
    date = AppointmentForm.base_fields["date"]
    time = AppointmentForm.base_fields["time"]
    venue = forms.CharField(
        label="Venue", required=False, max_length=200, widget=forms.TextInput(attrs=_INPUT)
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def starts_at(self) -> dt.datetime | None:
        date, time = self.cleaned_data.get("date"), self.cleaned_data.get("time")
        if date is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(date, time))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=[
            (AppointmentOutcome.ATTENDED, "Attended"),
            (AppointmentOutcome.DID_NOT_ATTEND, "Did not attend"),
            (AppointmentOutcome.CANCELLED, "Cancelled"),
        ],
        error_messages={"required": "Choose what happened"},
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "3"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=20_000,
        error_messages={"required": "Enter the note"},
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    sensitive = forms.BooleanField(
        label="Sensitive: only I, the assigned link worker and team managers can read it",
        required=False,
    )
    # A retried POST (after a timeout) adds the note once (core/idempotency.py).
    submission_key = SubmissionKeyField()


class SafeguardingForm(forms.Form):
    description = forms.CharField(
        label="The concern",
        help_text="What you saw or were told, when, and what you have done so far.",
        max_length=20_000,
        error_messages={"required": "Describe the concern"},
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "6"}),
    )
    lead = UserChoiceField(
        label="Safeguarding lead to escalate to",
        error_messages={"required": "Choose the safeguarding lead to escalate to"},
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args: Any, leads: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead"]
        assert isinstance(field, UserChoiceField)
        field.users = {str(u.uuid): u for u in leads}
        field.choices = _user_choices(leads, blank="Choose a team manager")


class SafeguardingResolveForm(forms.Form):
    """The outcome that resolves a concern (views/safeguarding.py); the service checks it again."""

    outcome = forms.CharField(
        label="Outcome",
        help_text=(
            "What was done and decided: for example, referred to adult social care (with the "
            "reference), discussed with the GP, or no further action and why."
        ),
        max_length=MAX_NOTE_LENGTH,
        error_messages={
            "required": "Enter the outcome: what was done about the concern",
            "max_length": f"Use {MAX_NOTE_LENGTH:,} characters or fewer",
        },
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": "6"}),
    )
