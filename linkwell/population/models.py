"""Invite lists: cohort run output uploaded to a link-worker service.

An entry carries only the pseudo id, rank, score and the cohort's reasons; names and NHS numbers
never reach these tables. The practice re-identifies the patient outside Linkwell and, when it
confirms identity, a proactive referral is created (population/services/confirmation.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class InviteList(PublicIdModel, TimestampedModel):
    link_worker_service = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="invite_lists"
    )
    cohort = models.CharField(max_length=100)
    cohort_version = models.CharField(max_length=50)
    run_date = models.DateField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invite_lists_uploaded",
    )
    filename = models.CharField(max_length=255, blank=True)
    entry_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-run_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["link_worker_service", "cohort", "cohort_version", "run_date"],
                name="invite_list_unique_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort} v{self.cohort_version} ({self.run_date:%d %b %Y})"


class InviteStatus(models.TextChoices):
    NEW = "new", "New"
    REQUESTED = "requested", "Sent to practice"
    CONFIRMED = "confirmed", "Confirmed (referral created)"
    NOT_SUITABLE = "not_suitable", "Not suitable"
    DECLINED = "declined", "Declined"
    NO_CONTACT = "no_contact", "Could not contact"


class InviteEntry(PublicIdModel, TimestampedModel, VersionedModel):
    invite_list = models.ForeignKey(InviteList, on_delete=models.CASCADE, related_name="entries")
    practice = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="invite_entries"
    )
    pseudo_id = models.CharField(max_length=64)
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    reasons = models.JSONField(default=list, help_text="The cohort's reasons (strings).")
    status = models.CharField(max_length=12, choices=InviteStatus.choices, default=InviteStatus.NEW)
    requested_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome_reason = models.TextField(blank=True)
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invite_entry",
    )

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["invite_list", "pseudo_id"], name="invite_entry_unique_pseudo_id"
            )
        ]
        indexes = [
            models.Index(fields=["invite_list", "practice", "rank"]),
            models.Index(fields=["practice", "status"]),
        ]

    def __str__(self) -> str:
        return f"Invite entry {self.rank} ({self.get_status_display()})"
