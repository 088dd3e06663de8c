"""Forms for the evidence pages: the shared filter and each page's own options (GET, so
results can be bookmarked), and the unit cost edit form (POST)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from linkwell.accounts.models import Area, Organisation, OrganisationKind
from linkwell.analysis.forms import (
    SELECT,
    choice_field,
    period_end_field,
    period_start_field,
    uuid_choices,
)
from linkwell.connections.services import need_choices
from linkwell.evidence.models import GapRecipientKind
from linkwell.evidence.selectors import COHORT_DIMENSIONS, EQUITY_DIMENSIONS, FUNNEL_METRICS
from linkwell.outcomes.models import Timepoint
from linkwell.outcomes.registry import all_instruments


class FilterForm(forms.Form):
    start = period_start_field(help_text="For example, 2025-04-01.")
    end = period_end_field()
    service = choice_field(label="Link-worker service")
    practice = choice_field(label="GP practice")
    area = choice_field(label="Area")

    def __init__(self, *args: Any, service_ids: list[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = Organisation.objects.filter(kind=OrganisationKind.LINK_WORKER_SERVICE)
        if service_ids is not None:
            services = services.filter(pk__in=service_ids)
        practices = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
        lists = {
            "service": uuid_choices("All you can see", services.order_by("name")),
            "practice": uuid_choices("All practices", practices.order_by("name")),
            "area": uuid_choices("All areas", Area.objects.order_by("name")),
        }
        for name, field_choices in lists.items():
            cast(forms.ChoiceField, self.fields[name]).choices = field_choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date must be on or after the start date")
        return data


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


class OutcomesForm(forms.Form):
    instrument = forms.ChoiceField(
        label="Measure", widget=SELECT, error_messages={"required": "Choose a measure"}
    )
    item = forms.ChoiceField(
        label="Item",
        required=False,
        widget=SELECT,
        help_text="For measures reported item by item (ONS4): the item to analyse.",
    )
    by = forms.ChoiceField(
        label="Compare by",
        required=False,
        widget=SELECT,
        choices=[("", "No grouping"), *_choices(COHORT_DIMENSIONS)],
    )
    followup = forms.ChoiceField(
        label="Follow-up",
        required=False,
        widget=SELECT,
        choices=[("", "First follow-up recorded")]
        + [(v, str(label)) for v, label in Timepoint.choices if v not in ("baseline", "other")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instruments = [i for i in all_instruments() if i.category in ("outcome", "goal_attainment")]
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            (i.id, i.short_title or i.title) for i in sorted(instruments, key=lambda i: i.id)
        ]
        items = sorted(
            {
                (it.id, f"{i.short_title or i.id}: {it.label}")
                for i in instruments
                if not i.has_total
                for it in i.items
            }
        )
        cast(forms.ChoiceField, self.fields["item"]).choices = [("", "Whole measure"), *items]


def _months_field(label: str) -> forms.IntegerField:
    """A window around the referral, in whole months from 1 to 36 (6 to start with)."""
    message = "Enter a number of months from 1 to 36"
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=36,
        initial=6,
        required=False,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-3"}),
        error_messages={"min_value": message, "max_value": message, "invalid": message},
    )


class ServiceUseForm(forms.Form):
    months_before = _months_field("Months before referral")
    months_after = _months_field("Months after referral")


class EquityForm(forms.Form):
    by = forms.ChoiceField(
        label="Compare by",
        widget=SELECT,
        choices=[
            (d, d.replace("_", " ").replace("imd", "IMD").capitalize()) for d in EQUITY_DIMENSIONS
        ],
    )


class ProvidersForm(forms.Form):
    metric = forms.ChoiceField(
        label="Funnel plot of",
        required=False,
        widget=SELECT,
        choices=[(k, v[0]) for k, v in FUNNEL_METRICS.items()],
    )
    instrument = forms.ChoiceField(label="Outcome measure", required=False, widget=SELECT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instrument"]).choices = [
            ("", "No outcome measure")
        ] + [
            (i.id, i.short_title or i.title)
            for i in sorted(all_instruments(), key=lambda i: i.id)
            if i.has_total and i.category == "outcome"
        ]


class UnitCostForm(forms.Form):
    cost = forms.DecimalField(
        label="Cost per contact (£)",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "inputmode": "decimal"}
        ),
        error_messages={
            "required": "Enter the cost per contact",
            "invalid": "Enter the cost as an amount of money, like 42.50",
            "min_value": "The cost must be £0 or more",
            "max_decimal_places": "Enter the cost in pounds and pence (at most 2 decimal places)",
            "max_digits": "Enter a cost under £100,000,000",
        },
    )
    source = forms.CharField(
        label="Source",
        max_length=2000,
        help_text="Publication, table and year, so others can check it.",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
        error_messages={"required": "Say where the cost comes from"},
    )


class GapRecipientForm(forms.Form):
    """Name a service or community champion to receive the gaps of a theme and area."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the service's or champion's name"},
    )
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter an email address, like name@example.org",
            "invalid": "Enter an email address, like name@example.org",
        },
    )
    kind = forms.ChoiceField(
        label="Who they are",
        choices=GapRecipientKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a service or a community champion"},
    )
    need = choice_field(label="Theme (need)")
    area = choice_field(label="Area")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms = {str(t.uuid): t for t in need_choices()}
        self.areas = {str(a.uuid): a for a in Area.objects.order_by("name")}
        cast(forms.ChoiceField, self.fields["need"]).choices = [
            ("", "Every need"),
            *((key, term.name) for key, term in self.terms.items()),
        ]
        cast(forms.ChoiceField, self.fields["area"]).choices = [
            ("", "Every area"),
            *((key, area.name) for key, area in self.areas.items()),
        ]
