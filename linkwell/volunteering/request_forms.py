"""Forms for support requests and matches: input validation only (the services check the rest)."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwell.core.forms import LONG_TEXT_MAX, text_input
from linkwell.people.models import Sex
from linkwell.volunteering.models import ContactMode, SupportRole

_SELECT = {"class": "nhsuk-select"}
_RADIOS = {"class": "nhsuk-radios__input"}


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": rows})


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={**text_input(10), "type": "date"})


class RequestFieldsForm(forms.Form):
    """What the request asks for, from the plan or a referral."""

    organisation = forms.ChoiceField(label="Volunteer service", widget=forms.Select(attrs=_SELECT))
    role = forms.ChoiceField(
        label="What kind of support",
        choices=SupportRole.choices,
        initial=SupportRole.BEFRIENDER,
        widget=forms.Select(attrs=_SELECT),
    )
    contact = forms.ChoiceField(
        label="How they would like to be in touch",
        choices=[("", "Not said"), *ContactMode.choices],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    volunteer_gender = forms.ChoiceField(
        label="Preferred volunteer gender",
        choices=[("", "No preference"), ("female", "A woman"), ("male", "A man")],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    about = forms.CharField(
        label="What they enjoy",
        help_text="Shared with the volunteer: interests, what matters to them, in their words.",
        required=False,
        max_length=2000,
        widget=_textarea(4),
    )
    safety_notes = forms.CharField(
        label="Safety notes",
        help_text="Anything a volunteer must know to be safe (shared with the volunteer).",
        required=False,
        max_length=2000,
        widget=_textarea(3),
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = organisations
        if len(organisations) == 1:
            field.initial = organisations[0][0]


class ReferralForm(RequestFieldsForm):
    """A referral a coordinator received from a GP or an agency."""

    referrer_name = forms.CharField(
        label="Who made the referral", max_length=200, widget=forms.TextInput(attrs=text_input(20))
    )
    referrer_organisation = forms.CharField(
        label="GP practice or agency",
        max_length=200,
        widget=forms.TextInput(attrs=text_input(20)),
    )
    given_name = forms.CharField(
        label="First name", max_length=100, widget=forms.TextInput(attrs=text_input(20))
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, widget=forms.TextInput(attrs=text_input(20))
    )
    date_of_birth = forms.DateField(label="Date of birth", widget=_date())
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs=text_input(10)),
    )
    phone = forms.CharField(
        label="Phone", required=False, max_length=30, widget=forms.TextInput(attrs=text_input(20))
    )
    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.Select(attrs=_SELECT)
    )
    language = forms.CharField(
        label="Main language",
        initial="English",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs=text_input(20)),
    )
    # Set when the coordinator chose among the possible existing records.
    existing_person = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the request closing?",
        max_length=300,
        widget=forms.TextInput(attrs=text_input()),
    )


class ExcludeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    member = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=300)


class IntroduceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    member = forms.UUIDField(widget=forms.HiddenInput)
    shown = forms.CharField(max_length=LONG_TEXT_MAX, required=False, widget=forms.HiddenInput)
    review_on = forms.DateField(label="First review on", required=False, widget=_date())
    goals = forms.CharField(
        label="Their goals (one a line)", required=False, max_length=3000, widget=_textarea(3)
    )


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label="Review held on", required=False, widget=_date())
    how_it_is_going = forms.CharField(
        label="How is it going?", max_length=2000, widget=_textarea(4)
    )
    continues = forms.TypedChoiceField(
        label="Does the match continue?",
        choices=[("yes", "Yes, it continues"), ("no", "No, it ends here")],
        coerce=lambda v: v == "yes",
        initial="yes",
        widget=forms.Select(attrs=_SELECT),
    )
    next_review_on = forms.DateField(
        label="Next review on",
        required=False,
        help_text="Leave blank for the usual interval.",
        widget=_date(),
    )
    closing = forms.BooleanField(label="This is the connector's closing review", required=False)
    now_does = forms.CharField(
        label="What they now do on their own", required=False, max_length=2000, widget=_textarea(3)
    )


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the match ending?", max_length=300, widget=forms.TextInput(attrs=text_input())
    )
