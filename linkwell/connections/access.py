"""Access helpers for connections: two doors, one per kind of user.

- The case team (link workers, team managers, administrators of the case's link-worker service)
  reach a connection through its case: `get_connection_for_case` (outsiders 404, read-only 403).
- Provider staff reach a connection through the service it was sent to: members with the
  provider-staff role of the accounts.Organisation that owns the service's DirectoryOrganization
  (`organization.owner`). They see only referrals that have been sent (not drafts, not
  signposts) and only `Connection.shared`. Another provider's staff get 404; read-only members
  403 on actions.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from linkwell.accounts.models import Membership, Role, User
from linkwell.casework.access import get_case_for_user
from linkwell.casework.models import Case
from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.directory.models import Service


def _provider_memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True, role=Role.PROVIDER_STAFF
        )
    )


def provider_org_ids(user: User, *, write: bool = False) -> list[int]:
    return sorted(
        {m.organisation_id for m in _provider_memberships(user) if not (write and m.read_only)}
    )


def provider_connections(org_ids: list[int]) -> QuerySet[Connection]:
    """Referrals a provider may see: sent to a service its organisation owns, never drafts."""
    return Connection.objects.filter(
        kind=ConnectionKind.REFERRAL, service__organization__owner_id__in=org_ids
    ).exclude(status=ConnectionStatus.DRAFT)


def get_connection_for_provider(
    user: User, connection_id: uuid.UUID, *, write: bool = False
) -> Connection:
    memberships = _provider_memberships(user)
    try:
        connection = provider_connections([m.organisation_id for m in memberships]).get(
            uuid=connection_id
        )
    except Connection.DoesNotExist as exc:
        raise Http404("No such referral") from exc
    owner_id = (
        Connection.objects.filter(pk=connection.pk)
        .values_list("service__organization__owner_id", flat=True)
        .get()
    )
    if write and not any(m.organisation_id == owner_id and not m.read_only for m in memberships):
        raise PermissionDenied("You have read-only access to your organisation's referrals.")
    return _with_related(connection)


def _with_related(connection: Connection) -> Connection:
    return Connection.objects.select_related(
        "service", "service__organization", "case", "case__person", "case__link_worker_service"
    ).get(pk=connection.pk)


def get_service_for_provider(user: User, service_id: uuid.UUID, *, write: bool = False) -> Service:
    """A service whose attendance register the user keeps: one owned by an organisation where
    they are provider staff. Anyone else 404 (link workers included: the case team sees
    sessions on the case's connections page); read-only members 403 on `write`."""
    memberships = _provider_memberships(user)
    service = (
        Service.objects.select_related("organization")
        .filter(
            uuid=service_id, organization__owner_id__in=[m.organisation_id for m in memberships]
        )
        .first()
    )
    if service is None:
        raise Http404("No such service")
    owner_id = service.organization.owner_id
    if write and not any(m.organisation_id == owner_id and not m.read_only for m in memberships):
        raise PermissionDenied("You have read-only access to your organisation's referrals.")
    return service


def get_connection_for_case(
    user: User, case_id: uuid.UUID, connection_id: uuid.UUID, *, write: bool = False
) -> tuple[Case, Connection]:
    case = get_case_for_user(user, case_id, write=write)
    connection = (
        Connection.objects.select_related("service", "service__organization")
        .filter(case=case, uuid=connection_id)
        .first()
    )
    if connection is None:
        raise Http404("No such connection")
    connection.case = case
    return case, connection
