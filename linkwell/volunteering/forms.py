"""Input validation for the volunteering pages (members part): shapes only; the services hold
the rules (lengths, dates, transitions) and their messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from linkwell.core.forms import text_input
from linkwell.volunteering.languages import LANGUAGE_CHOICES
from linkwell.volunteering.models import (
    CheckKind,
    ContactMode,
    Course,
    DbsLevel,
    RoleKind,
    RoleStatus,
    SupportRole,
    Travel,
)
from linkwell.volunteering.services.members import DAYS

_TEXTAREA = {"class": "nhsuk-textarea", "rows": "4"}
_SELECT = {"class": "nhsuk-select"}
# Generous limits on the raw input (the services hold the real ones, with their messages): a
# 2 MB field is refused here before anything else reads it.
RAW_TEXT = 4000

GENDERS = [("", "Not given"), ("female", "Female"), ("male", "Male"), ("non_binary", "Non-binary")]
PERSON_GENDERS = [("", "No preference"), ("female", "Female"), ("male", "Male")]
YES_NO = [("", "Not asked"), ("yes", "Yes"), ("no", "No")]


def _text(label: str, *, required: bool = False, width: int | None = None, **kw: Any) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=RAW_TEXT,
        widget=forms.TextInput(attrs=text_input(width)),
        **kw,
    )


def _area(label: str, *, help_text: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=RAW_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )


def _date(label: str, *, required: bool = False, message: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"],
        help_text="For example, 27/03/1958",
        error_messages={
            "invalid": "Enter a real date, like 27/03/1958",
            "required": message or f"Enter the {label.lower()}",
        },
        widget=forms.TextInput(attrs=text_input(10)),
    )


class AvailabilityMixin(forms.Form):
    """From/to times for each day of the week, read into `[{"day", "from", "to"}]`."""

    def add_availability(self) -> None:
        for code, name in DAYS.items():
            for part, label in (("from", "from"), ("to", "until")):
                self.fields[f"avail_{code}_{part}"] = forms.CharField(
                    label=f"{name} {label}",
                    required=False,
                    max_length=5,
                    widget=forms.TextInput(
                        attrs=text_input(4, placeholder="HH:MM", inputmode="numeric")
                    ),
                )

    def day_rows(self) -> list[tuple[str, Any, Any]]:
        return [(name, self[f"avail_{c}_from"], self[f"avail_{c}_to"]) for c, name in DAYS.items()]

    def availability(self) -> list[dict[str, str]]:
        slots = []
        for code in DAYS:
            start = (self.cleaned_data.get(f"avail_{code}_from") or "").strip()
            end = (self.cleaned_data.get(f"avail_{code}_to") or "").strip()
            if start or end:
                slots.append({"day": code, "from": start, "to": end})
        return slots

    @staticmethod
    def availability_initial(slots: list[dict[str, str]]) -> dict[str, str]:
        out = {}
        for slot in slots or []:
            out[f"avail_{slot.get('day')}_from"] = slot.get("from", "")
            out[f"avail_{slot.get('day')}_to"] = slot.get("to", "")
        return out


class MemberForm(AvailabilityMixin):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    given_name = _text(
        "First name", required=True, error_messages={"required": "Enter their first name"}
    )
    family_name = _text("Last name")
    email = _text("Email address")
    phone = _text("Phone number", width=20)
    postcode = _text("Postcode", width=10)
    date_of_birth = _date("Date of birth (optional)")
    gender = forms.ChoiceField(
        label="Gender", choices=GENDERS, required=False, widget=forms.Select(attrs=_SELECT)
    )
    offer = _area(
        "What they can offer",
        help_text="In their own words: “I'd like to volunteer / I can offer …”",
    )
    interests = _area(
        "Interests", help_text="One per line, or separated by commas: gardening, football, knitting"
    )
    skills = _area("Skills", help_text="One per line, or separated by commas")
    lived_experience = _area(
        "Lived experience they are willing to share",
        help_text="One per line, or separated by commas: bereavement, caring for a parent",
    )
    languages = forms.MultipleChoiceField(
        label="Languages they speak",
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.SelectMultiple(
            attrs={"class": "nhsuk-select app-select-multiple", "size": "6"}
        ),
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
    )
    travel = forms.ChoiceField(
        label="How they get about",
        choices=[("", "Not given"), *Travel.choices],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    travel_radius_km = _text("How far they will travel (km)", width=4)
    home_visits = forms.ChoiceField(
        label="Happy to visit people at home?",
        choices=YES_NO,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    max_matches = _text("How many people they can support at once (0 to 10)", width=2, initial="2")
    pref_person_gender = forms.ChoiceField(
        label="Prefers to support (gender)",
        choices=PERSON_GENDERS,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    pref_person_min_age = _text("Youngest age they would support", width=3)
    pref_person_max_age = _text("Oldest age they would support", width=3)
    preferences = _area("Anything else they prefer")
    consent = forms.BooleanField(
        label="They agreed to us holding these details to arrange volunteering", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_availability()

    def member_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data.get(k) for k in self.fields if not k.startswith("avail_")}
        home = data.pop("home_visits")
        data["home_visits"] = {"yes": True, "no": False}.get(home or "")
        data["availability"] = self.availability()
        return data

    @classmethod
    def initial_from(cls, member: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": member.version,
            "given_name": member.given_name,
            "family_name": member.family_name,
            "email": member.email,
            "phone": member.phone,
            "postcode": member.postcode,
            "date_of_birth": member.date_of_birth.strftime("%d/%m/%Y")
            if member.date_of_birth
            else "",
            "gender": member.gender,
            "offer": member.offer,
            "interests": "\n".join(member.interests),
            "skills": "\n".join(member.skills),
            "lived_experience": "\n".join(member.lived_experience),
            "languages": member.languages,
            "travel": member.travel,
            "travel_radius_km": member.travel_radius_km
            if member.travel_radius_km is not None
            else "",
            "home_visits": {True: "yes", False: "no"}.get(member.home_visits, ""),
            "max_matches": member.max_matches,
            "pref_person_gender": member.pref_person_gender,
            "pref_person_min_age": member.pref_person_min_age
            if member.pref_person_min_age is not None
            else "",
            "pref_person_max_age": member.pref_person_max_age
            if member.pref_person_max_age is not None
            else "",
            "preferences": member.preferences,
            "consent": member.consent_at is not None,
        }
        initial.update(cls.availability_initial(member.availability))
        return initial


class RoleAddForm(forms.Form):
    kind = forms.ChoiceField(
        label="Role",
        choices=RoleKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the role",
            "invalid_choice": "Choose the role from the list",
        },
    )
    status = forms.ChoiceField(
        label="Stage they start at",
        choices=[c for c in RoleStatus.choices if c[0] != RoleStatus.LEFT],
        initial=RoleStatus.ENQUIRY,
        widget=forms.Select(attrs=_SELECT),
        help_text="Enquiry for someone new. A later stage for someone who already volunteers with you (say why).",
        error_messages={
            "required": "Choose the stage",
            "invalid_choice": "Choose the stage from the list",
        },
    )
    reason = _text("Why they start at this stage (if not enquiry)")


class RoleMoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    to_status = forms.ChoiceField(
        choices=RoleStatus.choices,
        error_messages={
            "required": "Choose where to move the role",
            "invalid_choice": "Choose where to move the role",
        },
    )
    reason = _text("Reason (needed when they leave)")


class CheckForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=CheckKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a DBS check, a reference or training"},
    )
    dbs_level = forms.ChoiceField(
        label="DBS level",
        choices=[("", "Choose the level"), *DbsLevel.choices],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    course = forms.ChoiceField(
        label="Training course",
        choices=[("", "Choose the course"), *Course.choices],
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    done_on = _date("Date checked, received or completed", required=True, message="Enter the date")
    note = _text(
        "Note (optional)",
        help_text="For example, the DBS certificate number or who gave the reference",
    )


class SupervisionForm(forms.Form):
    held_on = _date("Date of the session", required=True, message="Enter the date of the session")
    notes = _area("Notes (optional)")


class LinkPersonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    nhs_number = _text(
        "NHS number", width=10, help_text="Or leave it empty and give their name and date of birth"
    )
    given_name = _text("First name")
    family_name = _text("Last name")
    date_of_birth = _date("Date of birth")
    reason = _text(
        "Why link the records?",
        help_text="For example, so we do not match them as a volunteer with their own support worker",
    )
    consent = forms.BooleanField(
        label="The volunteer agreed to linking their two records", required=False
    )


class UnlinkPersonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text("Why remove the link?")


# --- Public forms ---------------------------------------------------------------------------


class SpamDefences(forms.Form):
    # A field people never see, and when the form was shown (signed): views/public.py.
    website_url = forms.CharField(required=False, max_length=RAW_TEXT, label="Leave this empty")
    form_token = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class OrganisationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class JoinForm(SpamDefences, AvailabilityMixin):
    organisation = OrganisationChoice(
        label="Who would you like to volunteer with?",
        queryset=None,
        to_field_name="uuid",
        empty_label="Choose an organisation",
        widget=forms.Select(attrs=_SELECT),
        error_messages={
            "required": "Choose the organisation you would like to volunteer with",
            "invalid_choice": "Choose an organisation from the list",
        },
    )
    given_name = _text(
        "First name", required=True, error_messages={"required": "Enter your first name"}
    )
    family_name = _text("Last name")
    email = _text(
        "Email address", help_text="We will only use it to talk to you about volunteering."
    )
    phone = _text("Phone number", width=20)
    postcode = _text("Postcode", width=10)
    offer = _area(
        "I'd like to volunteer / I can offer …",
        help_text="In your own words: your time, a skill, a listening ear, a lift to the shops …",
    )
    interests = _area(
        "What do you enjoy?",
        help_text="One per line, or separated by commas: gardening, football, knitting",
    )
    roles = forms.MultipleChoiceField(
        label="What kind of volunteering interests you?",
        choices=RoleKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label="I agree to the organisation keeping these details to talk to me about volunteering",
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.add_availability()

    def member_data(self) -> dict[str, Any]:
        data = {
            k: self.cleaned_data.get(k)
            for k in (
                "given_name",
                "family_name",
                "email",
                "phone",
                "postcode",
                "offer",
                "interests",
                "consent",
            )
        }
        data["availability"] = self.availability()
        return data


class AskForm(SpamDefences):
    organisation = OrganisationChoice(
        label="Which organisation would you like support from?",
        queryset=None,
        to_field_name="uuid",
        empty_label="Choose an organisation",
        widget=forms.Select(attrs=_SELECT),
        error_messages={
            "required": "Choose the organisation you would like support from",
            "invalid_choice": "Choose an organisation from the list",
        },
    )
    given_name = _text(
        "First name", required=True, error_messages={"required": "Enter your first name"}
    )
    family_name = _text(
        "Last name", required=True, error_messages={"required": "Enter your last name"}
    )
    date_of_birth = _date("Date of birth", required=True, message="Enter your date of birth")
    phone = _text("Phone number", width=20)
    email = _text("Email address")
    postcode = _text("Postcode", width=10)
    about = _area(
        "What do you enjoy, and what would you like to do more of?",
        help_text="For example: I used to love walking and I miss a chat over a cup of tea",
    )
    role = forms.ChoiceField(
        label="What support would you like?",
        choices=SupportRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the support you would like"},
    )
    contact = forms.ChoiceField(
        label="How would you like to meet or talk?",
        choices=ContactMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you would like to meet or talk"},
    )
    volunteer_gender = forms.ChoiceField(
        label="Would you prefer a volunteer of a particular gender? (optional)",
        choices=PERSON_GENDERS,
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    consent = forms.BooleanField(
        label="I agree to the organisation keeping these details to find me a volunteer",
        required=False,
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def request_data(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data.get(k)
            for k in (
                "given_name",
                "family_name",
                "date_of_birth",
                "phone",
                "email",
                "postcode",
                "about",
                "role",
                "contact",
                "volunteer_gender",
                "consent",
            )
        }


def parse_date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None
