"""Which MESH mailbox receives an organisation's messages back (linkwell/mesh/README.md)."""

from __future__ import annotations

from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel


class PracticeMailbox(PublicIdModel, TimestampedModel):
    """An organisation's MESH mailbox (a GP practice's, usually): its messages back go there
    over MESH. Organisations without one get the printable letter."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="mesh_mailbox"
    )
    mailbox_id = models.CharField(max_length=20)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} → MESH {self.mailbox_id}"
