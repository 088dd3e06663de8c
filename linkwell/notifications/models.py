"""One row per message handed to GOV.UK Notify, updated by its delivery receipts."""

from __future__ import annotations

from django.db import models

from linkwell.core.models import PublicIdModel


class MessageStatus(models.TextChoices):
    # Linkwell's own: Notify refused it, or it could not be reached (nothing left).
    NOT_SENT = "not-sent", "Not sent"
    # Notify's statuses (its API and its delivery receipts).
    CREATED = "created", "Handed to GOV.UK Notify"
    SENDING = "sending", "Sending"
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent (international)"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Not delivered: the address or number does not work"
    TEMPORARY_FAILURE = "temporary-failure", "Not delivered: the phone or inbox was unavailable"
    TECHNICAL_FAILURE = "technical-failure", "Not delivered: a fault at GOV.UK Notify"
    # Letters.
    ACCEPTED = "accepted", "Accepted for printing"
    RECEIVED = "received", "Posted"
    CANCELLED = "cancelled", "Cancelled"
    VALIDATION_FAILED = "validation-failed", "Not posted: the letter failed validation"
    VIRUS_SCAN_FAILED = "virus-scan-failed", "Not posted: the letter failed a virus scan"


# A receipt never moves a message out of these (a late "sending" after "delivered" is ignored).
FINAL_STATUSES = frozenset(
    {
        MessageStatus.DELIVERED,
        MessageStatus.PERMANENT_FAILURE,
        MessageStatus.TEMPORARY_FAILURE,
        MessageStatus.TECHNICAL_FAILURE,
        MessageStatus.RECEIVED,
        MessageStatus.CANCELLED,
        MessageStatus.VALIDATION_FAILED,
        MessageStatus.VIRUS_SCAN_FAILED,
        MessageStatus.NOT_SENT,
    }
)
FAILED_STATUSES = frozenset(
    {
        MessageStatus.NOT_SENT,
        MessageStatus.PERMANENT_FAILURE,
        MessageStatus.TEMPORARY_FAILURE,
        MessageStatus.TECHNICAL_FAILURE,
        MessageStatus.CANCELLED,
        MessageStatus.VALIDATION_FAILED,
        MessageStatus.VIRUS_SCAN_FAILED,
    }
)


class NotifyMessage(PublicIdModel):
    """A message to someone that went to GOV.UK Notify (or was refused by it).

    `uuid` is sent to Notify as the message's `reference`, so a receipt can be matched by either
    Notify's id or ours. `about` names what the message was about ("casework.followup:<uuid>")."""

    kind = models.CharField(max_length=50, db_index=True)
    channel = models.CharField(max_length=10)  # email, sms, letter
    recipient = models.CharField(max_length=500)  # the address, number or postal address
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notify_messages",
    )
    about = models.CharField(max_length=100, blank=True, db_index=True)
    template_id = models.CharField(max_length=64)
    notify_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    status = models.CharField(max_length=20, choices=MessageStatus.choices)
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    status_updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel} ({self.status})"

    @property
    def failed(self) -> bool:
        return self.status in FAILED_STATUSES
