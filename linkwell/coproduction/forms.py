"""Forms for self-assessments: input parsing only (the services validate the rules)."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwell.coproduction.models import ActionStatus
from linkwell.coproduction.questions import SCALE, Principle, QuestionSet
from linkwell.core.forms import text_input

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]
# Long enough for the services' own limits to give their specific message.
RAW_TEXT = 10_000


def _date(label: str, *, message: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        help_text="For example, 14/03/2026",
        error_messages={"invalid": "Enter a real date, like 14/03/2026", "required": message},
        widget=forms.TextInput(attrs=text_input(10)),
    )


def _count(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        error_messages={"invalid": "Enter a whole number, like 6"},
        widget=forms.TextInput(attrs=text_input(4, inputmode="numeric")),
    )


def _area(label: str, *, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=RAW_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": str(rows)}),
    )


def answer_field_name(key: str) -> str:
    return "answer_" + key.replace(".", "__")


def evidence_field_name(principle: str) -> str:
    return f"evidence_{principle}"


class VersionForm(forms.Form):
    """For a button that changes a record: the version the page showed."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class StartForm(forms.Form):
    held_on = _date("Date the team met", message="Enter the date the team met to assess")
    copy_last = forms.BooleanField(
        label="Start from the answers and evidence of the last completed self-assessment",
        required=False,
    )


class AssessmentForm(forms.Form):
    """Participants, then a score for every statement and evidence for every principle."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = _date("Date the team met", message="Enter the date the team met to assess")
    staff_count = _count("How many staff took part", "Paid staff and managers of the service.")
    staff_names = _area(
        "Staff who took part (optional)",
        help_text="Names or roles, one a line. For example, Team manager.",
    )
    people_count = _count(
        "How many people who use the service took part",
        "A self-assessment is completed together with the people who use the service.",
    )
    people_names = _area(
        "People who use the service who took part (optional)",
        help_text="First names or initials only, and only if they want to be named.",
    )

    def __init__(self, *args: Any, question_set: QuestionSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question_set = question_set
        for s in question_set.statements:
            self.fields[answer_field_name(s.key)] = forms.TypedChoiceField(
                label=s.text,
                help_text=s.guidance,
                choices=[(str(v), label) for v, label in SCALE],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose a score from the list"},
            )
        for p in Principle:
            self.fields[evidence_field_name(p.value)] = _area(
                f"Evidence for {p.label.lower()}",
                help_text="What you saw or did that supports these scores.",
                rows=4,
            )

    def answers(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {
            s.key: (
                data.get(answer_field_name(s.key))
                if data.get(answer_field_name(s.key)) != ""
                else None
            )
            for s in self.question_set.statements
        }

    def evidence(self) -> dict[str, str]:
        return {p: self.cleaned_data.get(evidence_field_name(p)) or "" for p in Principle.values}

    def field_names(self) -> dict[str, str]:
        """A service's error key (a statement key) to this form's field."""
        return {s.key: answer_field_name(s.key) for s in self.question_set.statements}

    def sections(self) -> list[dict[str, Any]]:
        """The answer and evidence fields, principle by principle (for the template)."""
        return [
            {
                "principle": p.value,
                "label": p.label,
                "answers": [
                    self[answer_field_name(s.key)] for s in self.question_set.for_principle(p)
                ],
                "evidence": self[evidence_field_name(p.value)],
            }
            for p in Principle
        ]


class ActionForm(forms.Form):
    principle = forms.ChoiceField(
        label="Principle",
        choices=[("", "Choose a principle"), *Principle.choices],
        error_messages={"required": "Choose the principle the action is for"},
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    what = forms.CharField(
        label="What will be done",
        max_length=RAW_TEXT,
        error_messages={"required": "Enter what will be done"},
        widget=forms.TextInput(attrs=text_input()),
    )
    who = forms.CharField(
        label="Who will do it",
        max_length=RAW_TEXT,
        help_text="A name or a role. For example, the team manager and two peer supporters.",
        error_messages={"required": "Enter who will do it"},
        widget=forms.TextInput(attrs=text_input()),
    )
    due_on = _date("By when", message="Enter the date it will be done by")


class ActionStatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
