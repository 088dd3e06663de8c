"""Connections from a person's plan to community services, with providers closing the loop.

Lifecycle follows FHIR Task.status: draft -> requested -> accepted | rejected -> in-progress <->
on-hold -> completed | failed; cancelled from any open state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class ConnectionKind(models.TextChoices):
    SIGNPOST = "signpost", "Signpost (information given)"
    REFERRAL = "referral", "Referral to the provider"


class ConnectionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Declined by provider"
    IN_PROGRESS = "in-progress", "Attending"
    ON_HOLD = "on-hold", "On hold"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Stopped"
    CANCELLED = "cancelled", "Cancelled"


class ConnectionReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", "No capacity"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    COULD_NOT_CONTACT = "could_not_contact", "Could not contact"
    NO_LONGER_INTERESTED = "not_interested", "Person no longer interested"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    OTHER = "other", "Other"


class Connection(PublicIdModel, TimestampedModel, VersionedModel):
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="connections")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="connections"
    )
    kind = models.CharField(max_length=10, choices=ConnectionKind.choices)
    status = models.CharField(
        max_length=12, choices=ConnectionStatus.choices, default=ConnectionStatus.DRAFT
    )
    reason = models.CharField(max_length=20, choices=ConnectionReason.choices, blank=True)
    reason_detail = models.TextField(blank=True)
    # What the provider may see: only what the person consented to share (minimum necessary),
    # copied at the time of the request so later edits of the record do not leak.
    shared = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateField(null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # Set by `linkwell connections remind` when `respond_by` passed with no answer: the referral
    # returns to the link worker's attention (selectors.connections_needing_attention).
    lapsed_at = models.DateTimeField(null=True, blank=True)
    # Set when the referral comes back to the link worker (lapsed, declined, stopped); cleared
    # when they acknowledge it or act on it. `connections_needing_attention` reads it.
    attention_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    provider_note = models.TextField(blank=True)
    # Referred although the service's eligibility rule was not met: what failed, and why.
    eligibility_failed = models.JSONField(default=list, blank=True)
    eligibility_override_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["service", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.service}"


class Attendance(PublicIdModel, TimestampedModel):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="attendances")
    session_on = models.DateField()
    attended = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "session_on"], name="one_attendance_a_day"
            )
        ]


class ProvisionGap(PublicIdModel, TimestampedModel):
    """An unmet need: no suitable service existed (feeds the commissioner gap report)."""

    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="gaps"
    )
    need = models.ForeignKey(
        "directory.TaxonomyTerm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField()
    place = models.CharField(max_length=200, blank=True, help_text="Town or postcode district.")
    who = models.CharField(max_length=200, blank=True, help_text="e.g. men over 70, carers.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_worker_service = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="provision_gaps"
    )


class AttendanceBatchKind(models.TextChoices):
    REGISTER = "register", "Session register"
    UPLOAD = "upload", "Attendance file"


class AttendanceBatch(PublicIdModel, TimestampedModel):
    """One save of a provider's session register or one imported attendance file: what a
    retried submission finds (core.idempotency) and the audit trail's object. The sessions
    themselves are `Attendance` rows, written by the same services as one session at a time."""

    kind = models.CharField(max_length=10, choices=AttendanceBatchKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # The register's service and day; empty for a file, which may cover several of both.
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded = models.PositiveIntegerField(default=0)
    corrected = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.session_on or self.created_at:%Y-%m-%d}"
