"""Who may moderate community suggestions, and the one access helper per entity.

Moderators are the directory's editors (link workers, team managers, administrators:
`directory.access.DIRECTORY_EDITOR_ROLES`), because approving publishes a listing and they are
the people who may already edit any listing. Volunteers of a link-worker service act as community
champions: they see the queue and may tidy a draft, but the decision to publish, reject or merge
stays with staff (a volunteer cannot edit directory listings either). Read-only members see the
queue and get 403 on every change; everyone else gets 404.

Venue requests: provider staff of the partner organisation that owns a suggested venue decide
whether the event may be listed there (read-only members 403, everyone else 404).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import Membership, OrganisationKind, Role, User
from linkwell.community.models import Suggestion
from linkwell.directory.access import DIRECTORY_EDITOR_ROLES

# The three levels a user may hold over the queue.
DECIDE = "decide"
PREPARE = "prepare"
READ = "read"


def _memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True
        ).select_related("organisation")
    )


def moderation_level(user: User) -> str | None:
    """DECIDE, PREPARE, READ or None (not a moderator at all)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return DECIDE
    level: str | None = None
    for m in _memberships(user):
        if m.role in DIRECTORY_EDITOR_ROLES:
            this = READ if m.read_only else DECIDE
        elif (
            m.role == Role.VOLUNTEER and m.organisation.kind == OrganisationKind.LINK_WORKER_SERVICE
        ):
            this = READ if m.read_only else PREPARE
        else:
            continue
        if this == DECIDE:
            return DECIDE
        if level is None or this == PREPARE:
            level = this
    return level


def require_moderator(user: User, *, need: str = READ) -> str:
    """The user's level; Http404 for non-moderators, PermissionDenied when too low."""
    level = moderation_level(user)
    if level is None:
        raise Http404("No such page")
    order = [READ, PREPARE, DECIDE]
    if order.index(level) < order.index(need):
        if level == READ:
            raise PermissionDenied("You have read-only access to community suggestions.")
        raise PermissionDenied("Approving, rejecting and merging suggestions is for staff.")
    return level


def get_suggestion_for_user(
    user: User, suggestion_id: uuid.UUID, *, need: str = READ
) -> Suggestion:
    require_moderator(user, need=need)
    suggestion = (
        Suggestion.objects.select_related(
            "partner_organisation", "partner_location", "service", "decided_by"
        )
        .filter(uuid=suggestion_id)
        .first()
    )
    if suggestion is None:
        raise Http404("No such suggestion")
    return suggestion


def partner_organisation_ids(user: User, *, write: bool = False) -> list[int]:
    """Organisations whose venue requests this user sees (provider staff; `write` excludes
    read-only memberships)."""
    return sorted(
        {
            m.organisation_id
            for m in _memberships(user)
            if m.role == Role.PROVIDER_STAFF and not (write and m.read_only)
        }
    )


def get_venue_request_for_user(
    user: User, suggestion_id: uuid.UUID, *, write: bool = False
) -> Suggestion:
    suggestion = (
        Suggestion.objects.select_related("partner_organisation", "partner_location")
        .filter(uuid=suggestion_id, partner_organisation_id__in=partner_organisation_ids(user))
        .exclude(partner_decision="")
        .first()
    )
    if suggestion is None:
        raise Http404("No such request")
    if write and suggestion.partner_organisation_id not in partner_organisation_ids(
        user, write=True
    ):
        raise PermissionDenied("You have read-only access to your organisation's venues.")
    return suggestion
