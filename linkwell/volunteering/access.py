"""Who may see and change volunteers, requests and matches: one helper per entity.

- **Coordinators** (an active `coordinator` or `administrator` membership of the organisation)
  see and manage that organisation's community members, support requests and matches.
  Read-only coordinators look (403 on changes); everyone else gets 404, so a record's existence
  is not revealed.
- **Volunteers** sign in with no staff membership at all: they reach only their own member
  record (`CommunityMember.user`) and their own matches, never another volunteer's (404).
- **Link workers** never open a member record; the case page shows whether their person has a
  volunteer through the case's own access rule (casework).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.volunteering.models import Activity, CommunityMember, Match, SupportRequest

COORDINATOR_ROLES = {Role.COORDINATOR, Role.ADMINISTRATOR}


def _coordinator_memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True, role__in=COORDINATOR_ROLES
        )
    )


def coordinator_org_ids(user: User, *, write: bool = False) -> list[int]:
    """Organisations whose volunteers this user coordinates (writable ones when `write`)."""
    return sorted(
        {m.organisation_id for m in _coordinator_memberships(user) if not (write and m.read_only)}
    )


def is_coordinator(user: User) -> bool:
    return bool(coordinator_org_ids(user))


def _check_org(user: User, organisation_id: int, *, write: bool, what: str) -> None:
    memberships = [
        m for m in _coordinator_memberships(user) if m.organisation_id == organisation_id
    ]
    if not memberships:
        raise Http404(f"No such {what}")
    if write and all(m.read_only for m in memberships):
        raise PermissionDenied(f"You have read-only access to this {what}.")


def get_member_for_user(
    user: User, member_id: uuid.UUID, *, write: bool = False
) -> CommunityMember:
    member = (
        CommunityMember.objects.select_related("organisation", "user")
        .filter(uuid=member_id)
        .first()
    )
    if member is None:
        raise Http404("No such volunteer")
    _check_org(user, member.organisation_id, write=write, what="volunteer")
    return member


def get_request_for_user(
    user: User, request_id: uuid.UUID, *, write: bool = False
) -> SupportRequest:
    request = (
        SupportRequest.objects.select_related("person", "case", "organisation")
        .filter(uuid=request_id)
        .first()
    )
    if request is None:
        raise Http404("No such request")
    _check_org(user, request.organisation_id, write=write, what="request")
    return request


def get_match_for_user(user: User, match_id: uuid.UUID, *, write: bool = False) -> Match:
    """A match, for a coordinator of its organisation."""
    match = (
        Match.objects.select_related("request__person", "request__organisation", "member")
        .filter(uuid=match_id)
        .first()
    )
    if match is None:
        raise Http404("No such match")
    _check_org(user, match.request.organisation_id, write=write, what="match")
    return match


def volunteer_members(user: User) -> QuerySet[CommunityMember]:
    """The signed-in user's own member records (one per organisation they volunteer with)."""
    if not user.is_authenticated:
        return CommunityMember.objects.none()
    return CommunityMember.objects.filter(user=user).select_related("organisation")


def get_match_for_volunteer(user: User, match_id: uuid.UUID) -> Match:
    """A match, for the volunteer who holds it; anyone else (another volunteer too) gets 404."""
    match = (
        Match.objects.select_related("request__person", "request__organisation", "member")
        .filter(uuid=match_id, member__user=user)
        .first()
        if user.is_authenticated
        else None
    )
    if match is None:
        raise Http404("No such match")
    return match


def coordinating_organisations() -> QuerySet[Organisation]:
    """Organisations a person can be referred to for befriending or a connector: active ones
    with at least one active, writable coordinator."""
    return (
        Organisation.objects.filter(
            is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
            memberships__read_only=False,
            memberships__user__is_active=True,
        )
        .distinct()
        .order_by("name")
    )


def get_volunteer_concern_for_user(
    user: User, activity_id: uuid.UUID, *, write: bool = False
) -> Activity:
    """A visit or call carrying a volunteer's concern, for a coordinator of the volunteer's
    organisation (read-only coordinators look; 403 on resolving); anyone else 404."""
    activity = (
        Activity.objects.select_related(
            "member__organisation", "match__request__person", "concern_lead"
        )
        .filter(uuid=activity_id)
        .exclude(concern="")
        .first()
    )
    if activity is None:
        raise Http404("No such concern")
    _check_org(user, activity.member.organisation_id, write=write, what="concern")
    return activity
