"""Who may see a person's record.

A person is visible to the link-worker teams that hold a case or a referral for them (link
workers, team managers and administrators of that service, as in casework/access.py; read-only
members may look but not change). People is a lower layer than casework, so the team rule is
restated here from accounts rather than imported. Referrers do not open person pages; they see
only the people their practice or agency referred or has registered (for duplicate checks).
Anyone else gets 404, so a person's presence in Linkwell is not revealed.

Editing (`get_person_for_editing`): the writable members of those teams, and referrers, for the
people their practice or agency referred or has registered (they entered the details; a typo
or a new phone number is theirs to fix too).
"""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from linkwell.accounts.models import Membership, Role, User
from linkwell.people.models import Person

TEAM_ROLES: set[str] = {Role.LINK_WORKER, Role.TEAM_MANAGER, Role.ADMINISTRATOR}


def _memberships(user: User | AnonymousUser, roles: set[str]) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True, role__in=roles
        )
    )


def team_ids(user: User | AnonymousUser, *, write: bool = False) -> list[int]:
    """Link-worker services this user works in (writable ones when `write`)."""
    return sorted(
        {m.organisation_id for m in _memberships(user, TEAM_ROLES) if not (write and m.read_only)}
    )


def referrer_organisation_ids(user: User | AnonymousUser, *, write: bool = False) -> list[int]:
    return sorted(
        {
            m.organisation_id
            for m in _memberships(user, {str(Role.REFERRER)})
            if not (write and m.read_only)
        }
    )


def _team_filter(teams: list[int]) -> Q:
    return Q(cases__link_worker_service_id__in=teams) | Q(
        referrals__link_worker_service_id__in=teams
    )


def people_for_team(user: User, *, write: bool = False) -> QuerySet[Person]:
    """People the user's link-worker teams hold a case or referral for (merged records too)."""
    teams = team_ids(user, write=write)
    if not teams:
        return Person.objects.none()
    return Person.objects.filter(pk__in=Person.objects.filter(_team_filter(teams)).values("pk"))


def _teams_and_referrer_organisations(user: User | AnonymousUser) -> tuple[list[int], list[int]]:
    """`team_ids(user)` and `referrer_organisation_ids(user)` from one query."""
    memberships = _memberships(user, TEAM_ROLES | {str(Role.REFERRER)})
    teams = sorted({m.organisation_id for m in memberships if m.role in TEAM_ROLES})
    orgs = sorted({m.organisation_id for m in memberships if m.role == Role.REFERRER})
    return teams, orgs


def people_known_to(user: User | AnonymousUser) -> QuerySet[Person]:
    """Everyone the user may be shown as a possible duplicate: their team's people, plus people
    registered at or referred by their practice/agency. Merged records are left out."""
    teams, orgs = _teams_and_referrer_organisations(user)
    if not teams and not orgs:
        return Person.objects.none()
    q = Q(pk__in=[])
    if teams:
        q |= _team_filter(teams)
    if orgs:
        q |= _referred_or_registered(orgs)
    return Person.objects.filter(
        merged_into__isnull=True, pk__in=Person.objects.filter(q).values("pk")
    )


def get_person_for_user(user: User, person_id: uuid.UUID, *, write: bool = False) -> Person:
    teams = team_ids(user)
    person = (
        Person.objects.filter(uuid=person_id)
        .select_related("registered_practice", "merged_into")
        .first()
    )
    if person is None or not teams:
        raise Http404("No such person")
    if not Person.objects.filter(pk=person.pk).filter(_team_filter(teams)).exists():
        raise Http404("No such person")
    if write:
        writable = team_ids(user, write=True)
        if not writable or not (
            Person.objects.filter(pk=person.pk).filter(_team_filter(writable)).exists()
        ):
            raise PermissionDenied("You have read-only access to this person's record.")
    return person


def _referred_or_registered(orgs: list[int]) -> Q:
    return Q(registered_practice_id__in=orgs) | Q(referrals__referrer_organisation_id__in=orgs)


def get_person_for_editing(user: User, person_id: uuid.UUID) -> tuple[Person, bool]:
    """The person `user` may correct, and whether they are on one of the person's link-worker
    teams (else a referrer). Outsiders 404; those who may only look (read-only members) 403."""
    person = (
        Person.objects.filter(uuid=person_id)
        .select_related("registered_practice", "merged_into")
        .first()
    )
    if person is None:
        raise Http404("No such person")
    this = Person.objects.filter(pk=person.pk)
    teams, writable_teams = team_ids(user), team_ids(user, write=True)
    if writable_teams and this.filter(_team_filter(writable_teams)).exists():
        return person, True
    orgs, writable_orgs = (
        referrer_organisation_ids(user),
        referrer_organisation_ids(user, write=True),
    )
    if writable_orgs and this.filter(_referred_or_registered(writable_orgs)).exists():
        return person, False
    visible = (teams and this.filter(_team_filter(teams)).exists()) or (
        orgs and this.filter(_referred_or_registered(orgs)).exists()
    )
    if visible:
        raise PermissionDenied("You have read-only access to this person's record.")
    raise Http404("No such person")
