"""The form fields of the report filter (`ReportFilter`) that the evidence pages and the
quarterly report both show: the period's two dates and the area, practice and service lists."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from linkwell.accounts.models import Area, Organisation

DATE = forms.DateInput(attrs={"type": "date", "class": "nhsuk-input nhsuk-input--width-10"})
SELECT = forms.Select(attrs={"class": "nhsuk-select"})


def period_start_field(*, help_text: str) -> forms.DateField:
    """The first day of the period (optional; UK date)."""
    return forms.DateField(
        label="From",
        required=False,
        widget=DATE,
        help_text=help_text,
        error_messages={"invalid": "Enter the start date as a date, like 2025-04-01"},
    )


def period_end_field() -> forms.DateField:
    """The last day of the period, included (optional; UK date)."""
    return forms.DateField(
        label="To",
        required=False,
        widget=DATE,
        help_text="Included in the period.",
        error_messages={"invalid": "Enter the end date as a date, like 2025-06-30"},
    )


def choice_field(*, label: str) -> forms.ChoiceField:
    """An optional list (area, practice or service) whose choices `uuid_choices` fills in."""
    return forms.ChoiceField(label=label, required=False, widget=SELECT)


def uuid_choices(blank: str, rows: Iterable[Area | Organisation]) -> list[tuple[str, str]]:
    """`blank` for no restriction, then each row by its public id and name."""
    return [("", blank)] + [(str(row.uuid), row.name) for row in rows]
