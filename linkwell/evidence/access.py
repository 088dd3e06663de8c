"""Who may see evidence, and over which link-worker services (one helper per question).

Commissioners and administrators see every service's aggregates; team managers see their own
services'. Everyone else signed in is refused (403). Read-only members may look (nothing here
writes) but may not edit unit costs.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from linkwell.accounts.models import Area, Organisation, OrganisationKind, Role, User
from linkwell.accounts.selectors import (
    memberships_for_user,
    organisation_ids_for_user,
    user_has_role,
    user_is_administrator,
)

EVIDENCE_ROLES = (Role.COMMISSIONER, Role.TEAM_MANAGER, Role.ADMINISTRATOR)


def user_can_see_evidence(*, user: User | AnonymousUser | None) -> bool:
    return user_is_administrator(user=user) or user_has_role(user=user, roles=EVIDENCE_ROLES)


def user_can_edit_unit_costs(*, user: User | AnonymousUser | None) -> bool:
    """Commissioners and administrators with a writable membership (or a superuser)."""
    if user_is_administrator(user=user):
        return True
    return (
        memberships_for_user(user=user)
        .filter(role__in=[Role.COMMISSIONER, Role.ADMINISTRATOR], read_only=False)
        .exists()
    )


def service_ids_for_evidence(*, user: User | AnonymousUser | None) -> list[int] | None:
    """Link-worker services whose records `user` may see aggregated; None means all.

    `user=None` is the command line (the deployer): all services.
    """
    if user is None or user_is_administrator(user=user):
        return None
    if user_has_role(user=user, roles=[Role.COMMISSIONER, Role.ADMINISTRATOR]):
        return None
    if not user_has_role(user=user, roles=[Role.TEAM_MANAGER]):
        return []
    return organisation_ids_for_user(user=user, roles=[Role.TEAM_MANAGER])


def require_evidence_access(*, user: User | AnonymousUser | None) -> None:
    if not user_can_see_evidence(user=user):
        raise PermissionDenied("Evidence is for commissioners, team managers and administrators.")


def get_service_for_user(*, user: User | AnonymousUser | None, service_id: Any) -> Organisation:
    """A link-worker service named in a filter: 404 unless the user may see its figures."""
    try:
        org = Organisation.objects.get(uuid=service_id, kind=OrganisationKind.LINK_WORKER_SERVICE)
    except (Organisation.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such link-worker service") from None
    allowed = service_ids_for_evidence(user=user)
    if allowed is not None and org.pk not in allowed:
        raise Http404("No such link-worker service")
    return org


def get_practice_for_user(*, user: User | AnonymousUser | None, practice_id: Any) -> Organisation:
    """A GP practice named in a filter (practices are not secret; the figures are scoped)."""
    try:
        return Organisation.objects.get(uuid=practice_id, kind=OrganisationKind.GP_PRACTICE)
    except (Organisation.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such practice") from None


def get_area_for_user(*, user: User | AnonymousUser | None, area_id: Any) -> Area:
    try:
        return Area.objects.get(uuid=area_id)
    except (Area.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such area") from None


def user_can_see_payments(*, user: User | AnonymousUser | None) -> bool:
    """Outcome payment schedules: commissioners and administrators (not team managers)."""
    return user_is_administrator(user=user) or user_has_role(
        user=user, roles=[Role.COMMISSIONER, Role.ADMINISTRATOR]
    )


def require_payments_access(*, user: User | AnonymousUser | None) -> None:
    if not user_can_see_payments(user=user):
        raise PermissionDenied("Outcome payments are for commissioners and administrators.")
