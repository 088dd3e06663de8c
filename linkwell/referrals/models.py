"""Referrals into a link-worker service (GP, other agencies, self-referral) and triage."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.casework.models import Urgency as Urgency  # `Referral.urgency`'s choices
from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel

# The SNOMED CT concepts a referral episode is coded with (`snomed_code`), from linkwell.core.
from linkwell.core.snomed import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING as SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
)
from linkwell.core.snomed import (
    SNOMED_SOCIAL_PRESCRIBING_DECLINED as SNOMED_SOCIAL_PRESCRIBING_DECLINED,
)


class ReferralSource(models.TextChoices):
    GP_PRACTICE = "gp_practice", "GP practice"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    FIRE_SAFE_AND_WELL = "fire_safe_and_well", "Fire and rescue (Safe and Well visit)"
    MENTAL_HEALTH = "mental_health", "Mental health service"
    HOUSING = "housing", "Housing"
    VCS = "vcs", "Voluntary and community sector"
    PHARMACY = "pharmacy", "Pharmacy"
    HOSPITAL_DISCHARGE = "hospital_discharge", "Hospital discharge"
    SELF = "self", "Self-referral"
    PROACTIVE = "proactive", "Proactive case finding"
    OTHER = "other", "Other"


class ReferrerRole(models.TextChoices):
    """The referring professional's role, as recorded on the referral (blank: not recorded)."""

    GP = "gp", "GP"
    PRACTICE_NURSE = "practice_nurse", "Practice nurse"
    HEALTHCARE_ASSISTANT = "hca", "Healthcare assistant"
    PHARMACIST = "pharmacist", "Pharmacist"
    PRACTICE_STAFF = "practice_staff", "Other practice staff"
    SOCIAL_WORKER = "social_worker", "Social worker"
    MENTAL_HEALTH = "mental_health", "Mental health worker"
    COMMUNITY_HEALTH = "community_health", "Community health professional"
    HOUSING = "housing", "Housing officer"
    VCS_WORKER = "vcs_worker", "Voluntary sector worker"
    OTHER = "other", "Other professional"


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted (case opened)"
    RETURNED = "returned", "Returned to referrer"
    DECLINED = "declined", "Declined by the person"


class Referral(PublicIdModel, TimestampedModel, VersionedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    link_worker_service = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    source = models.CharField(max_length=20, choices=ReferralSource.choices)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
    )
    referrer_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals_made",
    )
    # For referrers without a Linkwell account (self-referral, phone-in from an agency).
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_contact = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(
        max_length=20, choices=ReferrerRole.choices, blank=True, help_text="Who referred."
    )
    reasons = models.ManyToManyField(
        "directory.TaxonomyTerm", blank=True, related_name="referrals", help_text="Needs taxonomy"
    )
    details = models.TextField(blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    consent_to_contact = models.BooleanField(default=False)
    consent_to_share = models.BooleanField(default=False)
    share_with = models.TextField(
        blank=True, help_text="Who the person agreed information may go to."
    )
    safeguarding_concern = models.BooleanField(default=False)
    safeguarding_details = models.TextField(blank=True)
    accessibility_needs = models.TextField(blank=True)
    language_needs = models.CharField(max_length=100, blank=True)
    preferred_contact_method = models.CharField(max_length=12, blank=True)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    received_at = models.DateTimeField(db_index=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    # The SNOMED CT concept recorded for this episode: 871731000000106 at first contact, then
    # 871711000000103 if the person declines (referrals/services.py sets both; message back reads).
    snomed_code = models.CharField(max_length=20, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_reason = models.TextField(blank=True)
    # Referred although the link-worker service's eligibility rule was not met: what failed, why.
    eligibility_failed = models.JSONField(default=list, blank=True)
    eligibility_override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["link_worker_service", "status", "received_at"])]

    def __str__(self) -> str:
        return f"Referral of {self.person} ({self.get_source_display()})"

    @property
    def reference(self) -> str:
        """A short reference a person can read out on the phone (first 8 characters of the id)."""
        return self.uuid.hex[:8].upper()


class LinkWorkerCoverage(models.Model):
    """Which link worker covers which GP practice for a link-worker service (the "practice
    cluster"). Routing sends a practice's referrals to the services that cover it, and triage
    suggests the covering worker with the smallest open caseload."""

    link_worker_service = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="coverage"
    )
    practice = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="covered_by"
    )
    link_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_coverage"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link_worker_service", "practice", "link_worker"],
                name="coverage_unique_worker_practice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.link_worker} covers {self.practice}"
