"""Audit rows for FHIR API calls: channel `api`, the client's organisation, and the client's
id and name in `detail` (an API client is not a user, so the actor is empty)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent, Channel, Kind
from linkwell.audit.services import audit_record
from linkwell.fhir.models import ApiClient


def client_detail(client: ApiClient, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"api_client": client.client_id, "api_client_name": client.name, **(extra or {})}


def audit_api_read(
    *,
    client: ApiClient,
    resource_type: str,
    ids: Sequence[str],
    person_ids: Sequence[str] = (),
    query: str = "",
) -> AuditEvent:
    """One access row per FHIR read or search: what was returned (resource ids) and whose
    records they were (`person_id` when there was one person; all of them in `detail`)."""
    people = sorted(set(person_ids))
    return audit_record(
        actor=None,
        action=AuditAction.ACCESS,
        kind=Kind.ACCESS,
        channel=Channel.API,
        object_type=f"fhir.{resource_type}",
        object_id=ids[0] if len(ids) == 1 else "",
        person_id=people[0] if len(people) == 1 else "",
        organisation=client.organisation,
        detail=client_detail(
            client,
            {"resource_type": resource_type, "ids": list(ids), "people": people, "query": query},
        ),
    )


def audit_token_issued(sender: Any, request: Any, token: Any, **kwargs: Any) -> None:
    """django-oauth-toolkit's `app_authorized` signal (connected in apps.py): a security row
    for each bearer token issued, naming the client and the scopes granted."""
    client = (
        ApiClient.objects.select_related("organisation", "application")
        .filter(application_id=token.application_id)
        .first()
    )
    if client is None:
        return
    audit_record(
        actor=None,
        action=AuditAction.FHIR_API_TOKEN_ISSUED,
        kind=Kind.SECURITY,
        channel=Channel.API,
        obj=client,
        organisation=client.organisation,
        detail=client_detail(client, {"scopes": token.scope.split(), "expires": token.expires}),
    )
