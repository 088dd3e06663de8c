"""Input validation for the practice pages (the services check again and say why)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from linkwell.core.forms import LONG_TEXT_MAX, text_input
from linkwell.practice.models import ActionStatus

SELECT = {"class": "nhsuk-select"}
TEXTAREA = {"class": "nhsuk-textarea", "rows": "3"}


def _date(label: str, **kwargs: object) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(
            format="%Y-%m-%d",
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"},
        ),
        error_messages={"required": f"Enter the {label.lower()}", "invalid": "Enter a real date"},
        **kwargs,  # type: ignore[arg-type]
    )


class MeetingForm(forms.Form):
    meeting_on = _date("Meeting date", initial=timezone.localdate)


class AddPersonForm(forms.Form):
    case = forms.UUIDField(
        label="Person",
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": "Choose someone", "invalid": "Choose someone"},
    )
    reason = forms.CharField(
        label="Why they should be discussed",
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Say why they should be discussed"},
    )

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["case"].widget.choices = [("", "Choose someone"), *choices]


class DiscussionForm(forms.Form):
    agreed_actions = forms.CharField(
        label="Agreed actions",
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Enter what was agreed"},
    )
    action_owner = forms.CharField(
        label="Who will do it",
        max_length=200,
        widget=forms.TextInput(attrs=text_input(20)),
        error_messages={"required": "Say who will do it"},
    )
    next_step = forms.CharField(
        label="Next step",
        max_length=2000,
        widget=forms.TextInput(attrs=text_input()),
        error_messages={"required": "Enter the next step"},
    )


class HoldForm(forms.Form):
    attendees = forms.CharField(
        label="Who attended",
        help_text="Names and roles, e.g. Dr Patel (GP), Sam (community wellbeing officer)",
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Enter who attended"},
    )


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Action",
        max_length=300,
        widget=forms.TextInput(attrs=text_input()),
        error_messages={"required": "Enter the action"},
    )
    why = forms.CharField(
        label="Which figure or need it answers (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        widget=forms.TextInput(attrs=text_input(20)),
        error_messages={"required": "Say who owns the action"},
    )
    due_on = _date("Due date")


class ReviewForm(forms.Form):
    reviewed_on = _date("Review date", initial=timezone.localdate)
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.Select(attrs=SELECT)
    )
    notes = forms.CharField(
        label="Review notes",
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
        error_messages={"required": "Enter what the review found"},
    )


class RolloutForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="E.g. Social prescribing roll-out: Bishop's Castle",
        max_length=200,
        widget=forms.TextInput(attrs=text_input()),
        error_messages={"required": "Enter a name for the checklist"},
    )
    organisation = forms.UUIDField(
        label="Organisation running the programme",
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": "Choose the organisation",
            "invalid": "Choose the organisation",
        },
    )
    area = forms.UUIDField(label="Area", required=False, widget=forms.Select(attrs=SELECT))

    def __init__(
        self,
        *args: object,
        organisations: list[tuple[str, str]],
        areas: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].widget.choices = organisations
        self.fields["area"].widget.choices = [("", "No particular area"), *areas]


class TaskForm(forms.Form):
    owner = forms.CharField(
        label="Owner", required=False, max_length=200, widget=forms.TextInput(attrs=text_input(20))
    )
    evidence_note = forms.CharField(
        label="Evidence: note",
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    evidence_link = forms.URLField(
        label="Evidence: link",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs=text_input()),
        error_messages={"invalid": "Enter a web address, like https://example.org/plan"},
    )
    evidence_file = forms.CharField(
        label="Evidence: uploaded file",
        help_text="The name or location of the file, e.g. shared drive / Rollout / insight.pdf",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=text_input()),
    )
    done = forms.BooleanField(label="This task is done", required=False)
