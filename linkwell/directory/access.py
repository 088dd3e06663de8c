"""The one access helper per directory entity. Views and API handlers fetch through these.

Reads: any signed-in user with an active membership sees the staff directory (it is shared
across organisations; private fields are shown only to staff). Writes: provider staff of the
owning organisation, link workers, team managers and administrators. Outsiders get 404 (we do not
reveal what they may not touch); read-only members of the owning organisation get 403.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import Membership, Role, User
from linkwell.directory.models import (
    DirectoryOrganization,
    DuplicateCandidate,
    FeedSource,
    HarvestRun,
    Location,
    Service,
)

# Roles that may edit and verify any listing, not only their own organisation's: link workers and
# their managers keep up to date the directory they refer people to.
DIRECTORY_EDITOR_ROLES = {Role.LINK_WORKER, Role.TEAM_MANAGER, Role.ADMINISTRATOR}


def _memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user, is_active=True, organisation__is_active=True))


def can_view_directory(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or _memberships(user)))


def _check_write(user: User, organization: DirectoryOrganization) -> None:
    """Raise Http404 for outsiders and PermissionDenied for read-only members."""
    if user.is_superuser:
        return
    memberships = _memberships(user)
    editors = [m for m in memberships if m.role in DIRECTORY_EDITOR_ROLES]
    if any(not m.read_only for m in editors):
        return
    owners = [
        m
        for m in memberships
        if organization.owner_id is not None and m.organisation_id == organization.owner_id
    ]
    if any(m.role == Role.PROVIDER_STAFF and not m.read_only for m in owners):
        return
    if owners or editors:
        raise PermissionDenied("You have read-only access to this listing.")
    raise Http404("No such listing")


def can_edit_organization(user: User, organization: DirectoryOrganization) -> bool:
    try:
        _check_write(user, organization)
    except (Http404, PermissionDenied):
        return False
    return True


def get_service_for_user(user: User, service_id: uuid.UUID, *, write: bool = False) -> Service:
    if not can_view_directory(user):
        raise Http404("No such service")
    try:
        service = Service.objects.select_related("organization", "organization__owner").get(
            uuid=service_id
        )
    except Service.DoesNotExist as exc:
        raise Http404("No such service") from exc
    if write:
        _check_write(user, service.organization)
    return service


def get_organization_for_user(
    user: User, organization_id: uuid.UUID, *, write: bool = False
) -> DirectoryOrganization:
    if not can_view_directory(user):
        raise Http404("No such organisation")
    try:
        organization = DirectoryOrganization.objects.select_related("owner").get(
            uuid=organization_id
        )
    except DirectoryOrganization.DoesNotExist as exc:
        raise Http404("No such organisation") from exc
    if write:
        _check_write(user, organization)
    return organization


def provider_organisation_ids(user: User) -> list[int]:
    """Organisations (accounts) whose listings this user keeps as provider staff ("Your
    listings"); read-only members included, since they may look but not change."""
    return sorted({m.organisation_id for m in _memberships(user) if m.role == Role.PROVIDER_STAFF})


def can_manage_quality(user: User) -> bool:
    """Quality checks are recorded by the programme (link workers, team managers,
    administrators), never by the provider being assured."""
    if user.is_authenticated and user.is_superuser:
        return True
    return any(m.role in DIRECTORY_EDITOR_ROLES and not m.read_only for m in _memberships(user))


def can_see_quality_detail(user: User, organization: DirectoryOrganization) -> bool:
    """Dates and references of QA documents: the provider's own members and directory editors.
    Everyone who can see the directory sees the computed status."""
    if user.is_authenticated and user.is_superuser:
        return True
    memberships = _memberships(user)
    return any(
        m.role in DIRECTORY_EDITOR_ROLES
        or (organization.owner_id is not None and m.organisation_id == organization.owner_id)
        for m in memberships
    )


def can_see_staff_notes(user: User, organization: DirectoryOrganization) -> bool:
    """Staff notes ("ask for Dave at the door") are for the programme (directory editors, read-only
    ones included) and the provider's own members, not for other providers' staff."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        m.role in DIRECTORY_EDITOR_ROLES
        or (
            m.role == Role.PROVIDER_STAFF
            and organization.owner_id is not None
            and m.organisation_id == organization.owner_id
        )
        for m in _memberships(user)
    )


def can_edit_location(user: User, location: Location) -> bool:
    """Venue details (accessibility) describe a place several providers' services may share.
    Directory editors may change any venue; provider staff only a venue their own organisation
    owns. A venue owned by nobody is the programme's to describe (services.service_update)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    memberships = [m for m in _memberships(user) if not m.read_only]
    if any(m.role in DIRECTORY_EDITOR_ROLES for m in memberships):
        return True
    owner_id = (
        DirectoryOrganization.objects.filter(pk=location.organization_id)
        .values_list("owner_id", flat=True)
        .first()
        if location.organization_id is not None
        else None
    )
    return owner_id is not None and any(
        m.role == Role.PROVIDER_STAFF and m.organisation_id == owner_id for m in memberships
    )


def get_organization_for_quality(
    user: User, organization_id: uuid.UUID, *, write: bool = False
) -> DirectoryOrganization:
    """QA evidence: outsiders 404; the provider's own staff may look (403 on write)."""
    organization = get_organization_for_user(user, organization_id)
    if not can_see_quality_detail(user, organization):
        raise Http404("No such organisation")
    if write and not can_manage_quality(user):
        raise PermissionDenied("Quality checks are recorded by the social prescribing team.")
    return organization


# --- Remote feeds (harvest) and likely duplicates ------------------------------------------------

# Who registers and runs remote feeds: the people responsible for the programme's directory.
FEED_MANAGER_ROLES = {Role.TEAM_MANAGER, Role.ADMINISTRATOR}


def _check_roles(user: User, roles: set[Role], *, write: bool, what: str) -> None:
    """Members holding one of `roles` may look; those not read-only may act (else 403).
    Everyone else gets 404."""
    if not user.is_authenticated:
        raise Http404(what)
    if user.is_superuser:
        return
    held = [m for m in _memberships(user) if m.role in roles]
    if not held:
        raise Http404(what)
    if write and all(m.read_only for m in held):
        raise PermissionDenied("You have read-only access.")


def check_feed_access(user: User, *, write: bool = False) -> None:
    _check_roles(user, FEED_MANAGER_ROLES, write=write, what="No such page")


def get_feed_source_for_user(
    user: User, source_id: uuid.UUID, *, write: bool = False
) -> FeedSource:
    check_feed_access(user, write=write)
    source = FeedSource.objects.filter(uuid=source_id).first()
    if source is None:
        raise Http404("No such feed")
    return source


def get_harvest_run_for_user(user: User, run_id: uuid.UUID) -> HarvestRun:
    check_feed_access(user)
    run = HarvestRun.objects.select_related("source").filter(uuid=run_id).first()
    if run is None:
        raise Http404("No such harvest")
    return run


def check_duplicate_access(user: User, *, write: bool = False) -> None:
    """Likely duplicates are reviewed by directory editors (read-only ones may look)."""
    _check_roles(user, DIRECTORY_EDITOR_ROLES, write=write, what="No such page")


def get_duplicate_for_user(
    user: User, pair_id: uuid.UUID, *, write: bool = False
) -> DuplicateCandidate:
    check_duplicate_access(user, write=write)
    pair = DuplicateCandidate.objects.select_related("first", "second").filter(uuid=pair_id).first()
    if pair is None:
        raise Http404("No such pair")
    return pair
