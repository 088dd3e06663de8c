"""Forms of the public pages: the directory search (GET) and "What could help me?" (POST).

The search form is the staff form (`directory.search_forms.ServiceSearchForm`) with the
public's words: distances in kilometres (the issue's "within 3 km"; miles alongside), no
"accepts referrals" filter, and only running services whatever is asked (`filters()`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms

from linkwell.directory.search_forms import (
    DAY_CHOICES,
    PostcodeForm,
    ServiceSearchForm,
    age_field,
    postcode_field,
)
from linkwell.directory.selectors import ServiceFilters

# Only running services reach the public: not temporarily closed, inactive or defunct ones.
PUBLIC_STATUSES = ("active",)

KM_CHOICES = [
    ("1", "1 km (about half a mile)"),
    ("3", "3 km (about 2 miles)"),
    ("5", "5 km (about 3 miles)"),
    ("10", "10 km (about 6 miles)"),
    ("25", "25 km (about 15 miles)"),
]
DEFAULT_KM = "5"


class PublicSearchForm(ServiceSearchForm):
    """GET parameters of /find/: q, category, postcode, distance (km), day, time, age, free,
    accessible."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        if data is not None and not data.get("distance"):
            data = data.copy()
            data["distance"] = DEFAULT_KM
        super().__init__(data, **kwargs)
        del self.fields["referrals"]
        distance = self.fields["distance"]
        distance.choices = KM_CHOICES  # type: ignore[attr-defined]
        distance.initial = DEFAULT_KM
        self.fields["q"].label = "What are you looking for?"
        self.fields["q"].help_text = "For example, walking, singing, gardening, debt advice"
        self.fields["postcode"].label = "Your postcode"
        self.fields["age"].label = "Your age (optional)"
        self.fields["age"].help_text = "Some groups are for certain ages only"
        self.fields["accessible"].label = "Wheelchair accessible"
        self.fields["free"].label = "Free"

    def filters(self) -> ServiceFilters:
        base = super().filters()
        within_km = None
        if self.point is not None:
            within_km = float(self.cleaned_data.get("distance") or DEFAULT_KM)
        return dataclasses.replace(
            base, within_km=within_km, accepts_referrals=None, statuses=PUBLIC_STATUSES
        )


# --- "What could help me?" ---------------------------------------------------------------------

_INPUT = {"class": "nhsuk-input"}
_TEXTAREA = {"class": "nhsuk-textarea", "rows": "3"}

# Values are the person-profile schema's `travel` (linkwell/matching/schemas/).
TRAVEL_CHOICES = [
    ("walk", "I walk"),
    ("public_transport", "I go by bus or train"),
    ("car", "I drive, or someone gives me a lift"),
    ("needs_transport", "I would need someone to take me"),
]
# How far each way of travelling usually reaches, when the person does not say (km).
TRAVEL_KM = {"walk": 2.0, "public_transport": 10.0, "car": 25.0, "needs_transport": 10.0}
HELP_DISTANCE_CHOICES = [("", "It depends how I get about"), *KM_CHOICES]
WHEN_CHOICES = [("morning", "Mornings"), ("afternoon", "Afternoons"), ("evening", "Evenings")]
WEEKDAY_CHOICES = [c for c in DAY_CHOICES if c[0]]
# Values are the profile's `accessibility` words, which the engine matches against venues.
ACCESS_CHOICES = [
    ("wheelchair", "Wheelchair or step-free access"),
    ("hearing loop", "A hearing loop"),
    ("large print", "Large print"),
    ("accessible toilet", "An accessible toilet"),
]


class HelpForm(PostcodeForm):
    """The short questionnaire. Every answer is optional but at least one of interests and
    "what matters" is needed to suggest anything."""

    interests = forms.CharField(
        label="What do you enjoy, or would like to try?",
        required=False,
        max_length=500,
        help_text="For example: gardening, singing, walking, cooking, meeting people",
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    matters = forms.CharField(
        label="What matters to you at the moment?",
        required=False,
        max_length=1000,
        help_text="For example: I feel lonely since I retired; I want to get fitter; money is tight",
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    postcode = postcode_field(
        label="Your postcode (optional)",
        help_text="We use it only to work out distances. For example, SY11 1AA",
    )
    travel = forms.ChoiceField(
        label="How do you get about?",
        required=False,
        choices=TRAVEL_CHOICES,
        widget=forms.RadioSelect,
    )
    distance = forms.ChoiceField(
        label="How far can you go?",
        required=False,
        choices=HELP_DISTANCE_CHOICES,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    days = forms.MultipleChoiceField(
        label="Which days are you free?",
        required=False,
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    times = forms.MultipleChoiceField(
        label="What time of day suits you?",
        required=False,
        choices=WHEN_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    free_only = forms.BooleanField(label="Only show things that are free", required=False)
    access = forms.MultipleChoiceField(
        label="Do you need any of these?",
        required=False,
        choices=ACCESS_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    age = age_field(
        label="Your age (optional)",
        help_text="Some groups are for certain ages only",
        invalid="Enter your age as a whole number, like 67",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.point = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("interests") or "").strip() and not (data.get("matters") or "").strip():
            self.add_error(
                "interests",
                "Tell us something you enjoy, or what matters to you, so we can suggest things",
            )
        if data.get("distance") and not data.get("postcode"):
            self.add_error("postcode", "Enter your postcode so we can work out how far things are")
        return data

    def max_km(self) -> float | None:
        """The person's reach: what they chose, else what their way of travelling allows."""
        data = self.cleaned_data
        if self.point is None:
            return None
        if data.get("distance"):
            return float(data["distance"])
        if data.get("travel"):
            return TRAVEL_KM[data["travel"]]
        return float(DEFAULT_KM)
