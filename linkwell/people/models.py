"""The person record: who a referral is about. Personal data: every read and write is audited."""

from __future__ import annotations

import re

from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """NHS ethnic category (NHS Data Dictionary, 2001 census classification, codes A-Z)."""

    A = "A", "White - British"
    B = "B", "White - Irish"
    C = "C", "White - Any other White background"
    D = "D", "Mixed - White and Black Caribbean"
    E = "E", "Mixed - White and Black African"
    F = "F", "Mixed - White and Asian"
    G = "G", "Mixed - Any other mixed background"
    H = "H", "Asian or Asian British - Indian"
    J = "J", "Asian or Asian British - Pakistani"
    K = "K", "Asian or Asian British - Bangladeshi"
    L = "L", "Asian or Asian British - Any other Asian background"
    M = "M", "Black or Black British - Caribbean"
    N = "N", "Black or Black British - African"
    P = "P", "Black or Black British - Any other Black background"
    R = "R", "Other Ethnic Groups - Chinese"
    S = "S", "Other Ethnic Groups - Any other ethnic group"
    Z = "Z", "Not stated"
    UNKNOWN = "99", "Not known"


def _digits(phone: str) -> str:
    """A UK number reduced to its national digits, so "+44 7700 900123" matches "07700900123"."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and len(digits) > 10:
        digits = digits[2:]
    return digits.lstrip("0")


class CarerStatus(models.TextChoices):
    NOT_A_CARER = "no", "Not a carer"
    CARER = "carer", "Is a carer"
    YOUNG_CARER = "young_carer", "Is a young carer"
    CARED_FOR = "cared_for", "Has a carer"
    UNKNOWN = "unknown", "Not known"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    VIA_CARER = "via_carer", "Through a carer or family member"


class Person(PublicIdModel, TimestampedModel, VersionedModel):
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(db_index=True)
    nhs_number = models.CharField(
        max_length=10, blank=True, db_index=True, help_text="10 digits, modulus-11 checked."
    )
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact_method = models.CharField(
        max_length=12, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(max_length=100, blank=True)
    ethnicity = models.CharField(max_length=2, choices=Ethnicity.choices, default=Ethnicity.UNKNOWN)
    carer_status = models.CharField(
        max_length=12, choices=CarerStatus.choices, default=CarerStatus.UNKNOWN
    )
    registered_practice = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_people",
    )
    language = models.CharField(max_length=50, blank=True, default="English")
    interpreter_needed = models.BooleanField(default=False)
    accessibility_needs = models.TextField(blank=True)
    # Merging keeps the duplicate row (audited) pointing at the record that survives.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    # Set by the retention policy (linkwell/ops/retention.py) when names, contact details, the
    # NHS number and free text were removed; the row stays so outcome statistics still count it.
    pseudonymised_at = models.DateTimeField(null=True, blank=True)
    # The number text messages could not be delivered to (GOV.UK Notify reported a permanent
    # failure), and when: reminders do not choose texts while the record still has that number
    # (people/services/contact.py). Changing the phone number lifts the flag.
    sms_unreachable_number = models.CharField(max_length=30, blank=True)
    sms_unreachable_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["family_name", "date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def sms_unreachable(self) -> bool:
        """True while the record's phone number is one texts could not be delivered to."""
        return bool(self.sms_unreachable_number) and _digits(self.phone) == _digits(
            self.sms_unreachable_number
        )

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}"
