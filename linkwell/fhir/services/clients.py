"""Creating and revoking FHIR API clients (the `linkwell api-clients` command)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.fhir.models import ApiClient
from linkwell.fhir.scopes import parse_scopes


@dataclass(frozen=True)
class ApiClientCreated:
    client: ApiClient
    client_id: str
    # Shown once: only its hash is stored (django-oauth-toolkit hashes it on save).
    client_secret: str


def organisation_by_ods_code(ods_code: str) -> Organisation:
    """The one active organisation with this ODS code (case-insensitive), or ValidationFailed."""
    code = ods_code.strip().upper()
    if not code:
        raise ValidationFailed({"organisation": ["Give the organisation's ODS code"]})
    matches = list(Organisation.objects.filter(ods_code__iexact=code, is_active=True)[:2])
    if not matches:
        raise ValidationFailed(
            {"organisation": [f"No active organisation has the ODS code {code}"]}
        )
    if len(matches) > 1:
        raise ValidationFailed(
            {
                "organisation": [
                    f"More than one organisation has the ODS code {code}: fix that first"
                ]
            }
        )
    return matches[0]


def api_client_create(
    *, actor: User | AnonymousUser | None, name: str, ods_code: str, scopes: str
) -> ApiClientCreated:
    """A confidential client-credentials client acting for the organisation with `ods_code`."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = ["Give the client a name (e.g. the GP system and practice)"]
    elif len(name) > 200:
        errors["name"] = ["The name must be 200 characters or fewer"]
    try:
        scope_list = parse_scopes(scopes)
    except ValueError as exc:
        errors["scopes"] = [str(exc)]
    organisation = None
    try:
        organisation = organisation_by_ods_code(ods_code)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    assert organisation is not None
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application.objects.create(
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
            hash_client_secret=True,
            redirect_uris="",
        )
        client = ApiClient.objects.create(
            application=application,
            name=name,
            organisation=organisation,
            scopes=" ".join(scope_list),
        )
        audit_record(
            actor=actor,
            action=AuditAction.FHIR_API_CLIENT_CREATED,
            obj=client,
            organisation=organisation,
            detail={"client_id": application.client_id, "scopes": scope_list},
        )
    return ApiClientCreated(client=client, client_id=application.client_id, client_secret=secret)


def api_client_revoke(*, actor: User | AnonymousUser | None, client_id: str) -> ApiClient:
    """Revoke a client: its tokens stop working now and it cannot get new ones. Revoking a
    revoked client changes nothing and says so."""
    client = (
        ApiClient.objects.select_related("application", "organisation")
        .filter(application__client_id=client_id.strip())
        .first()
    )
    if client is None:
        raise ValidationFailed({"client_id": [f"No API client has the id {client_id.strip()}"]})
    if client.revoked_at is not None:
        raise ValidationFailed(
            {"client_id": [f"{client.name} was already revoked on {client.revoked_at:%Y-%m-%d}"]}
        )
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at", "updated_at"])
        removed, _ = AccessToken.objects.filter(application=client.application).delete()
        audit_record(
            actor=actor,
            action=AuditAction.FHIR_API_CLIENT_REVOKED,
            obj=client,
            organisation=client.organisation,
            detail={"client_id": client.client_id, "tokens_removed": removed},
        )
    return client
