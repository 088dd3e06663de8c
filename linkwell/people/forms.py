"""Person-record form pieces shared by every form that takes a person's details (the referral
forms in linkwell.referrals and the edit page here): date of birth as three boxes, the postcode
check, and the registered GP practice. Input parsing only: the rules live in people.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.core.forms import LONG_TEXT_MAX, text_input
from linkwell.directory.postcodes import InvalidPostcode, UnknownPostcode, lookup, normalise
from linkwell.people.models import CarerStatus, ContactMethod, Ethnicity, Person, Sex
from linkwell.people.services import PERSON_FIELDS, PersonDetails

_TEXTAREA = {"class": "nhsuk-textarea", "rows": "3"}
_SELECT = {"class": "nhsuk-select"}

NOT_REGISTERED = "Not registered with a GP, or not known"


def unknown_postcode_message(value: str) -> str | None:
    """A message when `value` is a well-formed postcode that the postcode data does not know
    (mistyped, or too new to be listed); None when it is known, empty or malformed (the service
    reports a malformed one)."""
    try:
        code = normalise(value)
    except InvalidPostcode:
        return None
    try:
        lookup(code)
    except UnknownPostcode:
        return (
            f"We could not find the postcode {code}. Check it, or tick the box below if you "
            "know it is right (a new address may not be listed yet)"
        )
    return None


class PracticeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """The GP practices Linkwell knows, or "not registered / not known" (empty)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "GP practice")
        kwargs.setdefault("empty_label", NOT_REGISTERED)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Select(attrs=_SELECT))
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "Choose a GP practice from the list"}
        )
        super().__init__(
            queryset=Organisation.objects.filter(
                kind=OrganisationKind.GP_PRACTICE, is_active=True
            ).select_related("area"),
            **kwargs,
        )

    def label_from_instance(self, obj: Organisation) -> str:
        where = obj.postcode or (obj.area.name if obj.area_id and obj.area else "")
        return f"{obj.name} ({where})" if where else obj.name


class PersonIdentityFields(forms.Form):
    """Names, date of birth, NHS number, postcode (checked against the postcode data) and phone:
    what every referral route and the edit page ask."""

    given_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the person's first name"},
        widget=forms.TextInput(attrs=text_input(autocomplete="off")),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person's last name"},
        widget=forms.TextInput(attrs=text_input(autocomplete="off")),
    )
    dob_day = forms.IntegerField(
        label="Day",
        required=False,
        widget=forms.TextInput(attrs=text_input(2, inputmode="numeric")),
    )
    dob_month = forms.IntegerField(
        label="Month",
        required=False,
        widget=forms.TextInput(attrs=text_input(2, inputmode="numeric")),
    )
    dob_year = forms.IntegerField(
        label="Year",
        required=False,
        widget=forms.TextInput(attrs=text_input(4, inputmode="numeric")),
    )
    nhs_number = forms.CharField(
        label="NHS number (if known)",
        required=False,
        max_length=20,
        help_text="10 numbers, for example 943 476 5919",
        widget=forms.TextInput(attrs=text_input(10, inputmode="numeric")),
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter the person's postcode"},
        widget=forms.TextInput(attrs=text_input(10, autocomplete="off")),
    )
    postcode_confirmed = forms.BooleanField(
        label="I have checked this postcode and it is right", required=False
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs=text_input(20, type="tel")),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [data.get("dob_day"), data.get("dob_month"), data.get("dob_year")]
        if any(p is None for p in parts):
            if "dob_day" not in self.errors:
                self.add_error("dob_day", "Enter the date of birth as day, month and year")
        else:
            day, month, year = (int(p) for p in parts)  # type: ignore[arg-type]
            if year < 1000:
                self.add_error("dob_day", "Enter the year of birth with 4 numbers, like 1956")
            else:
                try:
                    data["date_of_birth"] = dt.date(year, month, day)
                except ValueError:
                    self.add_error("dob_day", "Date of birth must be a real date")
        postcode = (data.get("postcode") or "").strip()
        if postcode and not data.get("postcode_confirmed") and "postcode" not in self.errors:
            problem = unknown_postcode_message(postcode)
            if problem:
                self.add_error("postcode", problem)
        return data

    @property
    def asks_to_confirm_postcode(self) -> bool:
        """Show the "I have checked" box: the postcode was not found, or was confirmed."""
        return bool(
            self.is_bound and (self.errors.get("postcode") or self.data.get("postcode_confirmed"))
        )


class PersonEditForm(PersonIdentityFields):
    """Everything on the person's record that the people who work with them may correct."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    preferred_name = forms.CharField(
        label="Known as (optional)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=text_input(20)),
    )
    address_line_1 = forms.CharField(
        label="Address line 1",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=text_input()),
    )
    address_line_2 = forms.CharField(
        label="Address line 2 (optional)",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=text_input()),
    )
    town = forms.CharField(
        label="Town or city",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=text_input(20)),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
        widget=forms.EmailInput(attrs=text_input()),
    )
    preferred_contact_method = forms.ChoiceField(
        label="How they prefer to be contacted",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    gender_identity = forms.CharField(
        label="Gender identity, in their words (optional)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs=text_input(20)),
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=Ethnicity.choices,
        help_text="The person's own description, in the NHS ethnic categories.",
        widget=forms.Select(attrs=_SELECT),
    )
    carer_status = forms.ChoiceField(
        label="Caring", choices=CarerStatus.choices, widget=forms.RadioSelect
    )
    registered_practice = PracticeChoiceField(label="Registered GP practice")
    language = forms.CharField(
        label="Main language", max_length=50, widget=forms.TextInput(attrs=text_input(20))
    )
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    accessibility_needs = forms.CharField(
        max_length=LONG_TEXT_MAX,
        label="Accessibility needs (optional)",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    confirm_not_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    # Other fields keep their names; only the date of birth is three boxes.
    PLAIN_FIELDS = tuple(name for name in PERSON_FIELDS if name != "date_of_birth")

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        initial = {name: getattr(person, name) for name in self.PLAIN_FIELDS}
        initial["registered_practice"] = person.registered_practice_id
        dob = person.date_of_birth
        initial.update(
            dob_day=dob.day, dob_month=dob.month, dob_year=dob.year, version=person.version
        )
        initial.update(kwargs.pop("initial", None) or {})
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["postcode"].required = False
        if person.registered_practice_id is not None:
            # A practice that has since closed stays choosable for the person registered there,
            # so saving another change does not fail on it.
            practice = self.fields["registered_practice"]
            practice.queryset = (  # type: ignore[attr-defined]
                practice.queryset  # type: ignore[attr-defined]
                | Organisation.objects.filter(pk=person.registered_practice_id)
            ).distinct()

    def person_details(self) -> PersonDetails:
        d = self.cleaned_data
        values = {name: d.get(name) for name in self.PLAIN_FIELDS}
        values["email"] = values["email"] or ""
        return PersonDetails(date_of_birth=d["date_of_birth"], **values)  # type: ignore[arg-type]
