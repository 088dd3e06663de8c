"""Forms for recording a measure (built from the instrument's definition), self-completion,
self-completion links, schedules and local measures. Input parsing only; rules live in the
engine and services."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils import timezone

from linkwell.core.forms import LONG_TEXT_MAX, SHORT_TEXT_MAX
from linkwell.outcomes.engine import Instrument, Item, Number
from linkwell.outcomes.models import TIMEPOINT_DAYS, CompletedBy, Timepoint

_SELECT = {"class": "nhsuk-select"}
_INPUT = {"class": "nhsuk-input"}
_DATE = {"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}


def _value_key(value: Number) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class ItemField(forms.TypedChoiceField):
    """One item: radio options carrying their values; blank = not answered."""

    def __init__(
        self, item: Item, number: int, *, show_text: bool, allow_blank: bool = True, **kwargs: Any
    ) -> None:
        choices = [(_value_key(o.value), o.label) for o in item.options]
        text = item.text if show_text and item.text else item.label
        blank = [("", "Not answered")] if allow_blank else []
        super().__init__(
            label=f"{number}. {text}",
            choices=[*blank, *choices],
            coerce=lambda v: int(v) if v.lstrip("-").isdigit() else float(v),
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )
        self.item = item
        self.number = number


class MeasureForm(forms.Form):
    """Item answers (radios) or, where allowed, a total from a paper form."""

    timepoint = forms.ChoiceField(
        label="When in the person's journey",
        choices=Timepoint.choices,
        widget=forms.Select(attrs=_SELECT),
    )
    administered_on = forms.DateField(
        label="Date completed",
        widget=forms.DateInput(format="%Y-%m-%d", attrs=_DATE),
        error_messages={"required": "Enter the date the measure was completed"},
    )
    completed_by = forms.ChoiceField(
        label="Completed",
        choices=[
            (CompletedBy.LINK_WORKER, CompletedBy.LINK_WORKER.label),
            (CompletedBy.PAPER, CompletedBy.PAPER.label),
        ],
        widget=forms.RadioSelect,
        initial=CompletedBy.LINK_WORKER,
    )

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        items: tuple[Item, ...],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.items = items
        self.fields["administered_on"].initial = timezone.localdate()
        show_text = instrument.has_item_text
        for n, item in enumerate(items, start=1):
            self.fields[f"item_{item.id}"] = ItemField(item, n, show_text=show_text)
        if instrument.allow_total_entry and instrument.dynamic is None:
            self.fields["total"] = forms.FloatField(
                label=f"Or the total from the paper form ({instrument.total_label} not needed)"
                if instrument.method == "lookup"
                else "Or the total from the paper form",
                help_text="Only if you do not have each answer. Leave blank if you entered them.",
                required=False,
                widget=forms.NumberInput(
                    attrs={**_INPUT, "class": "nhsuk-input nhsuk-input--width-4", "step": "any"}
                ),
            )
        if instrument.id == "mycaw":
            for key in ("concern_1", "concern_2"):
                self.fields[f"note_{key}"] = forms.CharField(
                    label=f"{key.replace('_', ' ').capitalize()} in the person's words",
                    required=False,
                    max_length=500,
                    widget=forms.TextInput(attrs=_INPUT),
                )
        if instrument.category == "assessment":
            for item in items:
                self.fields[f"note_{item.id}"] = forms.CharField(
                    label=f"{item.label}: notes",
                    required=False,
                    max_length=500,
                    widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 2}),
                )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.id}"] for item in self.items]

    def note_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("note_")]

    def answers(self) -> dict[str, Number | None]:
        return {item.id: self.cleaned_data.get(f"item_{item.id}") for item in self.items}

    def notes(self) -> dict[str, str]:
        return {
            name.removeprefix("note_"): self.cleaned_data.get(name) or ""
            for name in self.fields
            if name.startswith("note_")
        }


class SelfCompletionForm(forms.Form):
    """The person's answers on the public page (no dates or timepoints to fill in)."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for n, item in enumerate(instrument.items, start=1):
            # No "Not answered" radio for the person; an unanswered item is left blank.
            self.fields[f"item_{item.id}"] = ItemField(item, n, show_text=True, allow_blank=False)

    def item_fields(self) -> list[forms.BoundField]:
        return [self[f"item_{item.id}"] for item in self.instrument.items]

    def answers(self) -> dict[str, Number | None]:
        return {item.id: self.cleaned_data.get(f"item_{item.id}") for item in self.instrument.items}


class SelfLinkForm(forms.Form):
    instrument = forms.ChoiceField(label="Measure", widget=forms.Select(attrs=_SELECT))
    timepoint = forms.ChoiceField(
        label="When in the person's journey",
        choices=Timepoint.choices,
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (i.id, i.title) for i in instruments
        ]


class ScheduleForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Measures", widget=forms.CheckboxSelectMultiple, required=False
    )
    timepoints = forms.MultipleChoiceField(
        label="When",
        choices=[(t, Timepoint(t).label) for t in TIMEPOINT_DAYS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instruments"]).choices = [
            (i.id, i.title) for i in instruments if i.category == "outcome"
        ]


class LocalMeasureForm(forms.Form):
    definition = forms.CharField(
        max_length=100_000,
        label="Measure definition (JSON)",
        help_text="The same format as the shipped measures (see the outcomes README).",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea app-code", "rows": "16"}),
        error_messages={"required": "Paste the measure definition"},
    )

    def clean_definition(self) -> Any:
        text = self.cleaned_data["definition"]
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"This is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from exc


class StaffSurveyForm(forms.Form):
    practice = forms.ChoiceField(label="GP practice", widget=forms.Select(attrs=_SELECT))
    administered_on = forms.DateField(
        label="Date of the survey",
        widget=forms.DateInput(format="%Y-%m-%d", attrs=_DATE),
    )
    ratings = forms.CharField(
        max_length=SHORT_TEXT_MAX,
        label="Ratings from 1 (very poor) to 10 (excellent), separated by commas",
        help_text="One per member of staff who answered, e.g. 8, 9, 6, 10",
        widget=forms.TextInput(attrs=_INPUT),
    )
    comments = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="Comments (optional)",
        help_text="One per line, at most one per rating. Reports show them only when enough "
        "staff from enough practices answered, and never with the practice.",
        required=False,
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": "5"}),
    )

    def comment_lines(self) -> list[str]:
        text = self.cleaned_data.get("comments") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def __init__(self, *args: Any, practices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["practice"]).choices = [
            ("", "Choose a practice"),
            *practices,
        ]
        self.fields["administered_on"].initial = timezone.localdate()
