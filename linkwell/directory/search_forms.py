"""The staff search form: validates GET parameters and turns them into ServiceFilters.

A bad postcode is a form error ("SY99 is not a valid UK postcode"), never an error page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms

from linkwell.core.exceptions import LinkwellError
from linkwell.directory import postcodes
from linkwell.directory.models import ServiceStatus, TaxonomyTerm
from linkwell.directory.presentation import KM_PER_MILE
from linkwell.directory.selectors import ServiceFilters

# The demo and the shipped taxonomies name the category list so (directory/taxonomies.py).
CATEGORY_TAXONOMY_NAME = "Linkwell categories"

DISTANCE_CHOICES = [("1", "1 mile"), ("2", "2 miles"), ("5", "5 miles"), ("10", "10 miles")]
DISTANCE_CHOICES += [("25", "25 miles")]
DEFAULT_MILES = "5"
DAY_CHOICES = [
    ("", "Any day"),
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
]
# Session overlaps the window: morning before noon, afternoon 12pm to 5pm, evening from 5pm.
TIME_WINDOWS: dict[str, tuple[dt.time, dt.time]] = {
    "morning": (dt.time(0, 0), dt.time(12, 0)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), dt.time(23, 59, 59)),
}
# Staff see temporarily closed services too (flagged), so they can tell the person when it
# reopens; inactive and defunct ones are gone from the list (the ORUK API decides separately).
STAFF_STATUSES = (ServiceStatus.ACTIVE.value, ServiceStatus.TEMPORARILY_CLOSED.value)
TIME_CHOICES = [
    ("", "Any time"),
    ("morning", "Morning (before 12pm)"),
    ("afternoon", "Afternoon (12pm to 5pm)"),
    ("evening", "Evening (after 5pm)"),
]


def category_choices() -> list[tuple[str, str]]:
    """Terms of the "Linkwell categories" taxonomy; every term when it does not exist yet."""
    terms = TaxonomyTerm.objects.filter(taxonomy__name=CATEGORY_TAXONOMY_NAME)
    if not terms.exists():
        terms = TaxonomyTerm.objects.all()
    rows = terms.order_by("name", "pk").values_list("uuid", "name")
    return [("", "Any category"), *((str(u), n) for u, n in rows)]


def postcode_field(*, label: str, help_text: str) -> forms.CharField:
    """An optional UK postcode; `PostcodeForm.clean_postcode` checks it and finds where it is."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        error_messages={"max_length": "Enter a full UK postcode, like SY11 1AA"},
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "autocomplete": "postal-code"}
        ),
    )


def age_field(*, label: str, invalid: str, help_text: str = "") -> forms.IntegerField:
    """An optional age in whole years, 0 to 120."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=120,
        help_text=help_text,
        error_messages={
            "invalid": invalid,
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 120 or less",
        },
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-3", "inputmode": "numeric"}
        ),
    )


class PostcodeForm(forms.Form):
    """A form with a `postcode` field (`postcode_field`): a bad postcode is a field error, and
    a good one is normalised and its place kept in `point`."""

    point: tuple[float, float] | None = None

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data.get("postcode", "").strip()
        if not value:
            return ""
        try:
            self.point = postcodes.lookup(value)
        except LinkwellError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return postcodes.normalise(value)


class ServiceSearchForm(PostcodeForm):
    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=200,
        help_text="For example, walking, debt advice, knitting, carers",
        widget=forms.TextInput(attrs={"class": "nhsuk-input", "type": "search"}),
    )
    category = forms.ChoiceField(
        label="Category",
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    postcode = postcode_field(label="Near postcode", help_text="For example, SY11 1AA")
    distance = forms.ChoiceField(
        label="Within",
        required=False,
        choices=DISTANCE_CHOICES,
        initial=DEFAULT_MILES,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    day = forms.ChoiceField(
        label="Day",
        required=False,
        choices=DAY_CHOICES,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    time = forms.ChoiceField(
        label="Time of day",
        required=False,
        choices=TIME_CHOICES,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    age = age_field(label="Age of the person", invalid="Enter age as a whole number, like 67")
    free = forms.BooleanField(label="Free only", required=False)
    accessible = forms.BooleanField(label="Wheelchair accessible only", required=False)
    referrals = forms.BooleanField(label="Accepts referrals only", required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and not data.get("distance"):
            # A bound form ignores `initial`: show the distance that filters() will use.
            data = data.copy()
            data["distance"] = DEFAULT_MILES
        super().__init__(data, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        self.point = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("time") and not data.get("day"):
            self.add_error("day", "Choose a day to search by time of day")
        return data

    @property
    def has_query(self) -> bool:
        """Whether the user asked for anything (an empty form lists everything)."""
        return any(
            self.data.get(name) not in (None, "") for name in self.fields if name != "distance"
        )

    def filters(self) -> ServiceFilters:
        data = self.cleaned_data
        window = TIME_WINDOWS.get(data.get("time") or "")
        category = data.get("category")
        within_km = None
        if self.point is not None:
            within_km = float(data.get("distance") or DEFAULT_MILES) * KM_PER_MILE
        return ServiceFilters(
            related_terms=True,
            text=data.get("q", ""),
            taxonomy_term_ids=(uuid.UUID(category),) if category else (),
            age=data.get("age"),
            point=self.point,
            within_km=within_km,
            day=data.get("day") or None,
            start_time=window[0] if window and data.get("day") else None,
            end_time=window[1] if window and data.get("day") else None,
            free_only=bool(data.get("free")),
            accessible_only=bool(data.get("accessible")),
            accepts_referrals=True if data.get("referrals") else None,
            statuses=STAFF_STATUSES,
        )
