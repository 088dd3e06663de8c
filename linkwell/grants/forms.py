"""Input forms: shapes and widgets only; the rules are the services' (their messages appear on
the fields through `core.forms.apply_errors`). Every field has a length limit."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwell.accounts.models import Organisation
from linkwell.community.forms import SuggestionForm
from linkwell.core.forms import text_input
from linkwell.grants.models import Criterion, Tier, WhoMayApply
from linkwell.grants.selectors.gaps import GapChoice
from linkwell.grants.services._common import money

_TEXTAREA = {"class": "nhsuk-textarea", "rows": "5"}
_SELECT = {"class": "nhsuk-select"}


def _text(label: str, limit: int, *, width: int | None = None, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        widget=forms.TextInput(text_input(width)),
        **kw,
    )


def _area(label: str, limit: int, **kw: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        widget=forms.Textarea(attrs=_TEXTAREA),
        **kw,
    )


class SpamDefences(forms.Form):
    # A field people never see, and when the form was shown (signed): views/public.py.
    website_url = forms.CharField(required=False, max_length=500, label="Leave this empty")
    form_token = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class TierChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        tier: Tier = obj
        return f"{tier.name}: {money(tier.minimum_amount)} to {money(tier.maximum_amount)}" + (
            f" ({tier.description})" if tier.description else ""
        )


class ApplicationForm(forms.Form):
    tier = TierChoice(
        label="Which award are you applying for?",
        queryset=Tier.objects.none(),
        to_field_name="uuid",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the award you are applying for",
            "invalid_choice": "Choose one of this programme's awards",
        },
    )
    amount_requested = _text(
        "How much are you asking for? (£)", 20, width=10, help_text="In pounds, like 500"
    )
    title = _text("A short name for your idea", 200, help_text="For example: Tango on Prescription")
    summary = _area(
        "What will you do, and what is the money for?",
        4000,
        help_text="Who will run it, where and when, and what you will buy.",
    )
    place = _text("Where will it happen?", 200, help_text="A town, village or neighbourhood")
    gaps = forms.MultipleChoiceField(
        label="Which local needs does it answer?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Link workers record needs they could not find anything for. Choose any your idea "
            "answers."
        ),
    )
    people_to_reach = _text("How many people will it reach?", 10, width=4)
    who_it_reaches = _text(
        "Who will it reach?", 500, help_text="For example: men over 70 living alone, new parents"
    )
    applicant_name = _text("Your name", 100)
    group_name = _text("Your group or organisation (if any)", 200)
    applicant_email = _text(
        "Your email address", 254, help_text="We will send your reference and our decision here."
    )
    applicant_phone = _text("Your phone number (optional)", 30, width=20)

    def __init__(
        self, *args: Any, tiers: Any = None, gap_choices: list[GapChoice] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        field = self.fields["tier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = tiers if tiers is not None else Tier.objects.none()
        gaps = self.fields["gaps"]
        assert isinstance(gaps, forms.MultipleChoiceField)
        gaps.choices = [(c.key, c.label) for c in gap_choices or []]

    def application_data(self) -> dict[str, Any]:
        keys = (
            "amount_requested",
            "title",
            "summary",
            "place",
            "people_to_reach",
            "who_it_reaches",
            "applicant_name",
            "group_name",
            "applicant_email",
            "applicant_phone",
        )
        return {k: self.cleaned_data.get(k) for k in keys}


class PublicApplicationForm(SpamDefences, ApplicationForm):
    pass


class ScoreForm(forms.Form):
    """A score (0..max) and a comment for each of the round's criteria."""

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        initial_scores: dict[int, Any] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.criteria = criteria
        for c in criteria:
            previous = (initial_scores or {}).get(c.pk)
            self.fields[f"score_{c.pk}"] = forms.CharField(
                label=f"{c.name} (0 to {c.max_score})",
                required=False,
                max_length=3,
                help_text=c.description,
                initial=previous.score if previous else None,
                widget=forms.TextInput(text_input(2, inputmode="numeric")),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=f"Comment on {c.name.lower()}",
                required=False,
                max_length=1000,
                initial=previous.comment if previous else "",
                widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": "2"}),
            )

    def scores(self) -> dict[int, tuple[object, str]]:
        return {
            c.pk: (
                self.cleaned_data.get(f"score_{c.pk}"),
                self.cleaned_data.get(f"comment_{c.pk}") or "",
            )
            for c in self.criteria
        }

    def pairs(self) -> list[tuple[Any, Any]]:
        return [(self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


class ConflictForm(forms.Form):
    reason = _text(
        "What is your interest?",
        500,
        help_text="For example: I run the group applying, or a relative does.",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("award", "Award"), ("decline", "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose award or decline"},
    )
    amount = _text("Amount to award (£)", 20, width=10, help_text="Only for an award")
    reason = _area("The panel's reasons", 2000, help_text="The applicant is told these.")
    version = forms.IntegerField(widget=forms.HiddenInput)


class PaymentForm(forms.Form):
    amount = _text("Amount paid (£)", 20, width=10)
    paid_on = forms.DateField(
        label="Date paid",
        required=False,
        widget=forms.DateInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
        ),
        error_messages={"invalid": "Enter a real date, like 14 3 2026"},
    )
    reference = _text("Payment reference", 100, width=20)


class MonitoringForm(forms.Form):
    what_happened = _area(
        "What happened?", 4000, help_text="What you did, and what difference it made."
    )
    people_reached = _text("How many people took part?", 10, width=4)
    new_activity = forms.BooleanField(
        label="It started a new group or activity that others can join", required=False
    )


class NewActivityForm(SuggestionForm):
    """The new group or activity, with the public suggestion form's fields and rules."""

    prefix = "activity"

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        for name in ("suggester_name", "suggester_email"):
            self.fields.pop(name, None)


# --- Setting up: programmes, tiers, rounds, criteria, the panel (views/setup.py) -------------


class MoneyField(forms.DecimalField):
    """Pounds, as typed: "£1,250.50" is 1250.50. Its sign and size are the services' rules."""

    def __init__(self, label: str, *, required: str, **kw: Any) -> None:
        message = f"{required} in pounds, like 500 or 1250.50"
        super().__init__(
            label=label,
            max_digits=10,
            decimal_places=2,
            widget=forms.TextInput(text_input(10, inputmode="decimal")),
            error_messages={
                "required": message,
                "invalid": message,
                "max_digits": "Enter an amount under £100,000,000",
                "max_whole_digits": "Enter an amount under £100,000,000",
                "max_decimal_places": "Enter pounds and pence, like 1250.50",
            },
            **kw,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


def _date(label: str, required: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-10", "type": "date"}
        ),
        error_messages={"required": required, "invalid": "Enter a real date, like 14 3 2026"},
    )


class ProgrammeForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation running it",
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the organisation running the programme",
            "invalid_choice": "Choose an organisation whose grants you manage",
        },
    )
    name = _text("Name", 200, help_text="For example: Try it, Do it, Build it")
    summary = _area(
        "Description", 2000, help_text="What the programme funds and why, for the public page."
    )
    eligibility = _area("Who may apply", 4000, help_text="Shown above the application form.")

    def __init__(
        self, *args: Any, organisations: list[Organisation] | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        if organisations is None:
            # Editing: the programme stays with its organisation.
            del self.fields["organisation"]
            return
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])


class TierForm(forms.Form):
    name = _text("Name", 100, width=20, help_text="For example: Try it")
    description = _text("Description (optional)", 500, help_text="Shown beside the name.")
    minimum_amount = MoneyField(
        "The least it awards (£)", required="Enter the least this tier awards", initial=0
    )
    maximum_amount = MoneyField("The most it awards (£)", required="Enter the most it awards")
    who_may_apply = forms.ChoiceField(
        label="Who may apply",
        choices=WhoMayApply.choices,
        initial=WhoMayApply.ANYONE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who may apply",
            "invalid_choice": "Choose who may apply",
        },
    )


class RoundForm(forms.Form):
    name = _text("Name", 100, width=20, help_text="For example: Spring 2026")
    opens_on = _date("Opens on", "Enter the date the round opens")
    closes_on = _date("Closes on", "Enter the date the round closes")
    budget = MoneyField("Budget (£)", required="Enter the budget")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CriterionForm(forms.Form):
    name = _text("Name", 200, help_text="For example: How pressing is the need?")
    description = _text("What the panel looks for (optional)", 1000)
    max_score = forms.IntegerField(
        label="Maximum score",
        widget=forms.TextInput(text_input(2, inputmode="numeric")),
        error_messages={
            "required": "Enter the maximum score, like 5",
            "invalid": "Enter the maximum score as a whole number, like 5",
        },
    )
    weight = forms.DecimalField(
        label="Weight",
        initial=1,
        max_digits=5,
        decimal_places=2,
        help_text="How much it counts against the others: 2 counts twice as much as 1.",
        widget=forms.TextInput(text_input(4, inputmode="decimal")),
        error_messages={
            "required": "Enter the weight, like 1",
            "invalid": "Enter the weight as a number, like 1 or 1.5",
            "max_digits": "The weight must be more than 0 and at most 100",
            "max_whole_digits": "The weight must be more than 0 and at most 100",
            "max_decimal_places": "Give the weight with at most two decimal places",
        },
    )


class PanelMemberForm(forms.Form):
    email = _text(
        "Email address",
        254,
        help_text=(
            "The address they sign in to Linkwell with: a member of staff, or a volunteering "
            "community member with a sign-in."
        ),
    )
