"""The quarterly report's filter form (GET, so a report can be bookmarked), and the patient
story form (its rules live in `linkwell.reports.stories.story_problems`, which the services
apply; `linkwell.core.forms.apply_errors` puts their messages on the form's fields)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone

from linkwell.accounts.models import Area, Organisation, OrganisationKind
from linkwell.analysis.forms import (
    SELECT,
    choice_field,
    period_end_field,
    period_start_field,
    uuid_choices,
)
from linkwell.core.forms import LONG_TEXT_MAX, SHORT_TEXT_MAX
from linkwell.reports.access import ReportScope
from linkwell.reports.quarterly import previous_quarter, quarter_bounds, quarter_label
from linkwell.reports.stories import TEXT_MAX, TITLE_MAX

CUSTOM = "custom"
QUARTERS_SHOWN = 12
MAX_DAYS = 2 * 366


def quarter_choices(today: dt.date) -> list[tuple[str, str]]:
    year, q = previous_quarter(today)
    # The current quarter (so far) first, then earlier ones.
    year, q = (year, q + 1) if q < 4 else (year + 1, 1)
    out = []
    for _ in range(QUARTERS_SHOWN):
        out.append((f"{year}-Q{q}", quarter_label(year, q)))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return out


class ReportFilterForm(forms.Form):
    quarter = forms.ChoiceField(label="Quarter", widget=SELECT, required=False)
    start = period_start_field(help_text="Only for a custom period. For example, 2025-04-01.")
    end = period_end_field()
    area = choice_field(label="Area")
    practice = choice_field(label="GP practice")
    service = choice_field(label="Link-worker service")

    def __init__(self, *args: Any, scope: ReportScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        choices = quarter_choices(today)
        cast(forms.ChoiceField, self.fields["quarter"]).choices = [
            *choices,
            (CUSTOM, "Custom period (enter the dates below)"),
        ]
        self.fields["quarter"].initial = quarter_choices(today)[1][0]
        areas = Area.objects.order_by("name")
        orgs = Organisation.objects.order_by("name")
        if scope.area_ids is not None:
            areas = areas.filter(pk__in=scope.area_ids)
            orgs = orgs.filter(area_id__in=scope.area_ids)
        services = orgs.filter(kind=OrganisationKind.LINK_WORKER_SERVICE)
        if scope.service_ids is not None:
            services = services.filter(pk__in=scope.service_ids)
        everywhere = "All areas" if scope.area_ids is None else "Your area"
        lists = {
            "area": uuid_choices(everywhere, areas),
            "practice": uuid_choices(
                "All practices", orgs.filter(kind=OrganisationKind.GP_PRACTICE)
            ),
            "service": uuid_choices("All services you can see", services),
        }
        for name, field_choices in lists.items():
            cast(forms.ChoiceField, self.fields[name]).choices = field_choices

    def period(self) -> tuple[dt.date, dt.date]:
        """The period chosen (only after is_valid())."""
        period: tuple[dt.date, dt.date] = self.cleaned_data["period"]
        return period

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quarter = data.get("quarter") or self.fields["quarter"].initial
        if quarter == CUSTOM:
            start, end = data.get("start"), data.get("end")
            if not start and "start" not in self.errors:
                self.add_error("start", "Enter the first day of the custom period")
            if not end and "end" not in self.errors:
                self.add_error("end", "Enter the last day of the custom period")
            if start and end:
                if start > end:
                    self.add_error("end", "The end date must be on or after the start date")
                elif (end - start).days > MAX_DAYS:
                    self.add_error("end", "Choose a period of at most two years")
                else:
                    data["period"] = (start, end)
        else:
            try:
                year_text, q_text = str(quarter).split("-Q")
                data["period"] = quarter_bounds(int(year_text), int(q_text))
            except ValueError:
                self.add_error("quarter", "Choose a quarter from the list, or a custom period")
        return data


class StoryForm(forms.Form):
    """Title, text and consent; presence, length and identifiers are checked by the services
    (story_record / story_update), so the rules are in one place."""

    title = forms.CharField(
        max_length=SHORT_TEXT_MAX,
        label="Title",
        required=False,
        help_text=f"A few words, for example “Back to the allotment”. Up to {TITLE_MAX:,} "
        "characters.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
    )
    text = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="The story",
        required=False,
        help_text="What changed for the person, in a few sentences. Write “they” or “the "
        "person”: no names, addresses, dates, phone or NHS numbers. "
        f"Up to {TEXT_MAX:,} characters.",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 8}),
    )
    consent_to_publish = forms.BooleanField(
        label="The person agreed to this story being used in reports",
        required=False,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
