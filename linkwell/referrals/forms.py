"""Referral and triage forms: input parsing only. Business rules (consent, NHS number, duplicate
records, who can be allocated) live in the services; views copy their errors back here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When

from linkwell.accounts.models import Organisation
from linkwell.casework.models import Complexity, Urgency
from linkwell.core.forms import text_input
from linkwell.core.idempotency import SubmissionKeyField
from linkwell.directory.eligibility import LongTermCondition
from linkwell.directory.models import TaxonomyTerm
from linkwell.people.forms import PersonIdentityFields, PracticeChoiceField
from linkwell.people.models import ContactMethod
from linkwell.people.services import PersonDetails
from linkwell.referrals.models import ReferralSource, ReferrerRole
from linkwell.referrals.services import (
    REASON_LIMIT,
    TEXT_LIMITS,
    ReferralDetails,
    too_long_message,
)

_TEXTAREA = {"class": "nhsuk-textarea", "rows": "4"}

AGENCY_SOURCES = [
    (v, label)
    for v, label in ReferralSource.choices
    if v not in {ReferralSource.GP_PRACTICE, ReferralSource.SELF, ReferralSource.PROACTIVE}
]

# Service errors are keyed by model field; a few are shown against a different form field.
ERROR_FIELDS = {"date_of_birth": "dob_day", "person_choice": "person_choice"}


# Plain words for the reasons (the "Needs" taxonomy) on the public form, in the order shown,
# keyed by the term's code: the taxonomy's names are a professional's words ("Carer strain",
# "Digital exclusion"). Staff forms and everything stored keep the taxonomy's own terms; a term
# added to the taxonomy later shows with its own name. "Frequent attendance" is a professional's
# observation, not something a person asks for help with, so the public are not offered it.
PLAIN_NEEDS = {
    "loneliness": "Feeling lonely or cut off from people",
    "low-mood": "Feeling low, stressed or anxious",
    "bereavement": "Coping after someone has died",
    "carer-strain": "Looking after someone (being a carer)",
    "money": "Money, debts or benefits",
    "housing": "Problems with your home, or a cold or damp home",
    "food-insecurity": "Having enough food",
    "employment": "Finding work, or keeping a job",
    "physical-inactivity": "Being more active",
    "weight": "Getting to a healthier weight",
    "pre-diabetes": "Lowering your risk of diabetes",
    "long-term-condition": "Living well with a long-term health condition",
    "falls-risk": "Falls, or worry about falling",
    "memory-problems": "Memory problems or dementia",
    "digital-exclusion": "Getting online and using the internet",
}
NOT_FOR_THE_PUBLIC = {"frequent-attendance"}

# A stand-in date of birth for checking the rest of a form whose date of birth has its own error
# already (`values_as_entered`): any error about it is dropped, as the form's own comes first.
_CHECK_DATE_OF_BIRTH = dt.date(1970, 1, 1)


def _text(limit: int, name: str, **kwargs: Any) -> forms.CharField:
    """A free-text field held to the service's length limit, with the service's wording."""
    messages = {"max_length": too_long_message(name, limit), **kwargs.pop("error_messages", {})}
    return forms.CharField(max_length=limit, error_messages=messages, **kwargs)


class ServiceChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organisation) -> str:
        area = f" ({obj.area.name})" if obj.area_id and obj.area else ""
        return f"{obj.name}{area}"


class _PersonFields(PersonIdentityFields):
    # Filled in only when the user is shown possible existing records ("" / "new" / a uuid).
    person_choice = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def values_as_entered(self) -> dict[str, Any]:
        """After validation: the cleaned values, and for each field that failed, the text as
        typed. The services' checks run on it (`referral_errors`), so an over-long description
        still counts as a description and every other problem shows in the same round."""
        values: dict[str, Any] = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                values[name] = str(self.data.get(self.add_prefix(name), ""))
        values.update(self.cleaned_data)
        values.setdefault("date_of_birth", _CHECK_DATE_OF_BIRTH)
        return values

    def person_details(self, data: Mapping[str, Any] | None = None) -> PersonDetails:
        d = self.cleaned_data if data is None else data
        return PersonDetails(
            given_name=d.get("given_name", ""),
            family_name=d.get("family_name", ""),
            date_of_birth=d["date_of_birth"],
            nhs_number=d.get("nhs_number", ""),
            postcode=d.get("postcode", ""),
            phone=d.get("phone", ""),
            email=d.get("email", "") or "",
            preferred_contact_method=d.get("preferred_contact_method") or ContactMethod.PHONE,
            accessibility_needs=d.get("accessibility_needs", "") or "",
            registered_practice=d.get("registered_practice"),
        )


class _ReferralFields(forms.Form):
    reasons = forms.ModelMultipleChoiceField(
        label="Reasons for referral",
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
    )
    details = _text(
        TEXT_LIMITS["details"],
        "details",
        label="Anything the link worker should know",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    consent_to_contact = forms.BooleanField(
        label="The person agrees to be contacted by a link worker", required=False
    )
    consent_to_share = forms.BooleanField(
        label="The person agrees to their information being shared", required=False
    )
    share_with = _text(
        TEXT_LIMITS["share_with"],
        "share_with",
        label="Who it may be shared with",
        required=False,
        help_text="For example: the link-worker team and the services they connect the person to.",
        widget=forms.TextInput(attrs=text_input()),
    )

    def setup(self, *, reasons: list[TaxonomyTerm], services: list[Organisation]) -> None:
        # With their taxonomy: referral_errors checks each reason is a need.
        self.fields["reasons"].queryset = (  # type: ignore[attr-defined]
            TaxonomyTerm.objects.filter(pk__in=[t.pk for t in reasons])
            .select_related("taxonomy")
            .order_by("name")
        )
        if len(services) > 1:
            self.fields["link_worker_service"] = ServiceChoiceField(
                label=self.service_label,
                queryset=Organisation.objects.filter(pk__in=[s.pk for s in services]).order_by(
                    "name"
                ),
                empty_label=None,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the link-worker service to refer to"},
            )
        self.services = services

    service_label = "Which link-worker service should receive the referral?"

    def chosen_service(self) -> Organisation | None:
        if "link_worker_service" in self.fields:
            chosen: Organisation | None = self.cleaned_data.get("link_worker_service")
            return chosen
        return self.services[0] if self.services else None


class StaffReferralForm(_PersonFields, _ReferralFields):
    """GP practice staff: the short form. Everything else can follow from the link worker."""

    # A retried POST (after a timeout) sends one referral (core/idempotency.py).
    submission_key = SubmissionKeyField()

    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how urgent the referral is"},
    )
    safeguarding_concern = forms.BooleanField(
        label="There is a safeguarding concern", required=False
    )
    safeguarding_details = _text(
        TEXT_LIMITS["safeguarding_details"],
        "safeguarding_details",
        label="Safeguarding concern",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    # The link-worker service's eligibility rule, when it checks one (services/receiving.py).
    conditions = forms.MultipleChoiceField(
        label="Long-term conditions the person has",
        help_text="Tick those in the person's record.",
        choices=LongTermCondition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    override_eligibility = forms.BooleanField(
        label="Refer anyway, although the person does not meet the service's rule",
        required=False,
    )
    override_reason = forms.CharField(
        label="Why you are overriding the rule",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={**_TEXTAREA, "rows": 3}),
    )
    referrer_role = forms.ChoiceField(
        label="Your role (optional)",
        help_text="Commissioners see referrals by the role of who referred.",
        choices=[("", "Choose your role"), *ReferrerRole.choices],
        required=False,
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )

    def referral_details(
        self,
        *,
        source: str,
        referrer_organisation: Organisation | None,
        data: Mapping[str, Any] | None = None,
    ) -> ReferralDetails:
        d = self.cleaned_data if data is None else data
        return ReferralDetails(
            link_worker_service=self.chosen_service(),
            source=source,
            reasons=list(d.get("reasons") or []),
            details=d.get("details", ""),
            urgency=d.get("urgency") or Urgency.ROUTINE,
            consent_to_contact=bool(d.get("consent_to_contact")),
            consent_to_share=bool(d.get("consent_to_share")),
            share_with=d.get("share_with", ""),
            safeguarding_concern=bool(d.get("safeguarding_concern")),
            safeguarding_details=d.get("safeguarding_details", ""),
            accessibility_needs=d.get("accessibility_needs", "") or "",
            language_needs=d.get("language_needs", "") or "",
            preferred_contact_method=d.get("preferred_contact_method", "") or "",
            referrer_organisation=referrer_organisation,
            registered_practice=d.get("registered_practice"),
            check_eligibility=True,
            conditions=list(d.get("conditions") or []),
            override_eligibility=bool(d.get("override_eligibility")),
            override_reason=d.get("override_reason", "") or "",
            referrer_role=d.get("referrer_role", "") or "",
        )


class AgencyReferralForm(StaffReferralForm):
    """Other agencies: say who they are, and the person's access and language needs."""

    source = forms.ChoiceField(
        label="Your service",
        choices=AGENCY_SOURCES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which kind of service you are referring from"},
    )
    accessibility_needs = _text(
        TEXT_LIMITS["accessibility_needs"],
        "accessibility_needs",
        label="Accessibility needs",
        required=False,
        help_text="For example: uses a wheelchair, needs large print, hard of hearing.",
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    language_needs = _text(
        TEXT_LIMITS["language_needs"],
        "language_needs",
        label="Language needs",
        required=False,
        help_text="For example: speaks Polish, needs a BSL interpreter.",
        widget=forms.TextInput(attrs=text_input()),
    )
    preferred_contact_method = forms.ChoiceField(
        label="How the person prefers to be contacted",
        choices=ContactMethod.choices,
        initial=ContactMethod.PHONE,
        widget=forms.RadioSelect,
    )
    registered_practice = PracticeChoiceField(
        label="The person's GP practice",
        help_text="The link worker reports back to it, if the person agrees to share.",
    )


class SelfReferralForm(_PersonFields, _ReferralFields):
    """The public page: plain words, no jargon, and the spam defences (views.py)."""

    service_label = "Where do you live?"

    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address like name@example.com",
            "max_length": "Enter an email address of 254 characters or fewer",
        },
        widget=forms.EmailInput(attrs=text_input()),
    )
    preferred_contact_method = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=[(v, label) for v, label in ContactMethod.choices if v != ContactMethod.VIA_CARER],
        initial=ContactMethod.PHONE,
        widget=forms.RadioSelect,
    )
    accessibility_needs = _text(
        TEXT_LIMITS["accessibility_needs"],
        "accessibility_needs",
        label="Is there anything that would make it easier for you to talk to us? (optional)",
        required=False,
        help_text="For example: you need an interpreter, large print, or someone with you.",
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
    registered_practice = PracticeChoiceField(
        label="Your GP practice (optional)",
        help_text="We let your GP practice know how we helped, if you agree below.",
    )
    # Spam defences: a field people never see, and when the form was shown (signed).
    website = forms.CharField(required=False, max_length=200, label="Leave this empty")
    form_token = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "given_name": "Your first name",
            "family_name": "Your last name",
            "nhs_number": "Your NHS number (optional)",
            "postcode": "Your postcode",
            "phone": "Your phone number",
            "reasons": "What would you like help with?",
            "details": "Tell us a bit more (optional)",
            "consent_to_contact": "I agree to a link worker contacting me",
            "consent_to_share": (
                "I agree to my information being shared with my GP practice and the services "
                "my link worker connects me with"
            ),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        self.fields["given_name"].error_messages["required"] = "Enter your first name"
        self.fields["family_name"].error_messages["required"] = "Enter your last name"
        self.fields["postcode"].error_messages["required"] = "Enter your postcode"
        self.fields["share_with"].widget = forms.HiddenInput()
        self.fields["details"].error_messages["max_length"] = (
            f"What you tell us must be {TEXT_LIMITS['details']:,} characters or fewer. "
            "You can tell the link worker more when they contact you"
        )

    def setup(self, *, reasons: list[TaxonomyTerm], services: list[Organisation]) -> None:
        """The reasons in plain words (PLAIN_NEEDS), in that order."""
        shown = [t for t in reasons if t.code not in NOT_FOR_THE_PUBLIC]
        super().setup(reasons=shown, services=services)
        order = list(PLAIN_NEEDS)
        field = self.fields["reasons"]
        field.queryset = field.queryset.order_by(  # type: ignore[attr-defined]
            SqlCase(
                *(When(code=code, then=Value(i)) for i, code in enumerate(order)),
                default=Value(len(order)),
                output_field=IntegerField(),
            ),
            "name",
        )
        field.label_from_instance = lambda term: PLAIN_NEEDS.get(term.code, term.name)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("consent_to_contact") and "consent_to_contact" not in self.errors:
            self.add_error(
                "consent_to_contact",
                "To ask for help, tick the box to agree to a link worker contacting you",
            )
        if data.get("consent_to_share") and not (data.get("share_with") or "").strip():
            data["share_with"] = "My GP practice and the services my link worker connects me with"
        if not (data.get("phone") or "").strip() and not data.get("email"):
            self.add_error("phone", "Enter a phone number or an email address so we can reach you")
        return data

    def referral_details(self, data: Mapping[str, Any] | None = None) -> ReferralDetails:
        d = self.cleaned_data if data is None else data
        return ReferralDetails(
            link_worker_service=self.chosen_service(),
            source=ReferralSource.SELF,
            reasons=list(d.get("reasons") or []),
            details=d.get("details", ""),
            consent_to_contact=bool(d.get("consent_to_contact")),
            consent_to_share=bool(d.get("consent_to_share")),
            share_with=d.get("share_with", ""),
            accessibility_needs=d.get("accessibility_needs", ""),
            preferred_contact_method=d.get("preferred_contact_method") or ContactMethod.PHONE,
            referrer_name="Self-referral",
            registered_practice=d.get("registered_practice"),
        )


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assign_to = forms.ChoiceField(
        label="Allocate to",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
        error_messages={"required": "Choose a link worker to allocate the person to"},
    )
    complexity = forms.ChoiceField(
        label="Complexity",
        choices=Complexity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how complex the person's needs are"},
    )

    def __init__(self, *args: Any, options: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].choices = [  # type: ignore[attr-defined]
            (
                str(o.user.uuid),
                f"{o.user} — {o.open_cases} open"
                + (" — covers the person's practice" if o.covers_practice else "")
                + ("" if o.is_link_worker else " — team manager"),
            )
            for o in options
        ]


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(
        REASON_LIMIT,
        "reason",
        label="Why is the referral being returned?",
        help_text="The referrer will see this.",
        widget=forms.Textarea(attrs=_TEXTAREA),
        error_messages={"required": "Say why the referral is being returned"},
    )


class DeclineForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(
        REASON_LIMIT,
        "reason",
        label="What did the person say? (optional)",
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
    )
