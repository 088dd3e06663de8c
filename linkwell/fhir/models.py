"""FHIR API clients, and how referrals that arrived through the API map to FHIR ids.

An `ApiClient` is a system (a GP clinical system, a hospital discharge system...) acting for one
organisation. It wraps django-oauth-toolkit's `Application` (client id and hashed secret) with
the Linkwell organisation it acts for, the scopes it holds and whether it was revoked.
"""

from __future__ import annotations

from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel


class ApiClient(PublicIdModel, TimestampedModel):
    application = models.OneToOneField(
        "oauth2_provider.Application",
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="api_clients"
    )
    # Space-separated scope names from linkwell/fhir/scopes.py.
    scopes = models.CharField(max_length=200)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def client_id(self) -> str:
        return str(self.application.client_id)

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiReferral(PublicIdModel, TimestampedModel):
    """A referral received through the FHIR API: the ServiceRequest (id = `uuid`) and its Task
    (id = `task_id`) that the sending system knows it by, and the identifier it gave it.

    Retry safety rests on the unique (client, identifier system, identifier value): a second
    transaction with the same ServiceRequest identifier finds this row instead of creating a
    second referral."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="referrals")
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="api_referral"
    )
    identifier_system = models.CharField(max_length=255)
    identifier_value = models.CharField(max_length=255)
    task_id = models.UUIDField(unique=True)
    # The Patient resource as received (demographics the sender knew), for the record; the
    # Patient served back is built from the person record.
    received_bundle = models.JSONField(default=dict, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "identifier_system", "identifier_value"],
                name="fhir_api_referral_unique_identifier",
            )
        ]

    def __str__(self) -> str:
        return f"ServiceRequest {self.uuid} ({self.identifier_system}|{self.identifier_value})"
