"""Who may see and change a team's co-production self-assessments: one helper per entity.

- **A team** is an `Organisation`. Everyone with an active membership of it sees its
  assessments, progress and actions (the result belongs to the whole team, link workers and
  provider staff included).
- **Editors** hold a `team_manager`, `coordinator` or `administrator` membership of the team that
  is not read-only: they start, fill in, complete and discard assessments and follow up actions.
  Every other member of the team (a link worker, a read-only manager) looks: 403 on changes.
- **Managers of a parent organisation** (`team_manager` or `administrator` of
  `Organisation.parent`) see each child team's assessments read-only (403 on changes) and compare
  the child teams side by side. They are outside the team: Linkwell's own figures are shown to
  them through disclosure control.
- Anyone else gets 404, so a team's assessments are not revealed to exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.coproduction.models import Action, Assessment

EDIT_ROLES = frozenset({Role.TEAM_MANAGER, Role.COORDINATOR, Role.ADMINISTRATOR})
PARENT_MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class TeamAccess:
    """What a user may do with one team's assessments."""

    organisation: Organisation
    can_edit: bool
    # A member of the team itself (False for a parent organisation's manager): inside the team
    # Linkwell's figures are shown as they are, outside through disclosure control.
    inside: bool


def _memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).only(
            "organisation_id", "role", "read_only"
        )
    )


def _access(memberships: list[Membership], organisation: Organisation) -> TeamAccess | None:
    own = [m for m in memberships if m.organisation_id == organisation.pk]
    if own:
        can_edit = any(m.role in EDIT_ROLES and not m.read_only for m in own)
        return TeamAccess(organisation=organisation, can_edit=can_edit, inside=True)
    if organisation.parent_id is not None and any(
        m.organisation_id == organisation.parent_id and m.role in PARENT_MANAGER_ROLES
        for m in memberships
    ):
        return TeamAccess(organisation=organisation, can_edit=False, inside=False)
    return None


def team_access(user: User, organisation: Organisation, *, write: bool = False) -> TeamAccess:
    """The user's access to `organisation`'s assessments: 404 for outsiders, 403 when `write`
    and the user may only look."""
    access = _access(_memberships(user), organisation)
    if access is None or not organisation.is_active:
        raise Http404("No such team")
    if write and not access.can_edit:
        raise PermissionDenied("You can look at this team's self-assessments but not change them.")
    return access


def get_team_for_user(user: User, team_id: uuid.UUID, *, write: bool = False) -> TeamAccess:
    organisation = Organisation.objects.filter(uuid=team_id).first()
    if organisation is None:
        raise Http404("No such team")
    return team_access(user, organisation, write=write)


def get_assessment_for_user(
    user: User, assessment_id: uuid.UUID, *, write: bool = False
) -> tuple[Assessment, TeamAccess]:
    assessment = (
        Assessment.objects.select_related("organisation", "copied_from", "completed_by")
        .filter(uuid=assessment_id)
        .first()
    )
    if assessment is None:
        raise Http404("No such self-assessment")
    return assessment, team_access(user, assessment.organisation, write=write)


def get_action_for_user(
    user: User, action_id: uuid.UUID, *, write: bool = False
) -> tuple[Action, TeamAccess]:
    action = (
        Action.objects.select_related("assessment__organisation").filter(uuid=action_id).first()
    )
    if action is None:
        raise Http404("No such action")
    return action, team_access(user, action.assessment.organisation, write=write)


def teams_for_user(user: User) -> list[TeamAccess]:
    """Every team whose assessments the user may see: their own, then the child teams of the
    organisations they manage; by name."""
    memberships = _memberships(user)
    if not memberships:
        return []
    own_ids = {m.organisation_id for m in memberships}
    managed = {m.organisation_id for m in memberships if m.role in PARENT_MANAGER_ROLES}
    teams = Organisation.objects.filter(is_active=True).filter(
        pk__in=sorted(own_ids)
    ) | Organisation.objects.filter(is_active=True, parent_id__in=sorted(managed))
    out = [
        _access(memberships, org)
        for org in teams.distinct().select_related("parent").order_by("name")
    ]
    return [a for a in out if a is not None]


def parents_for_user(user: User) -> list[Organisation]:
    """Organisations whose child teams the user may compare: those they manage that have
    active child organisations."""
    managed = sorted(
        {m.organisation_id for m in _memberships(user) if m.role in PARENT_MANAGER_ROLES}
    )
    return list(
        Organisation.objects.filter(
            pk__in=managed, is_active=True, children__is_active=True
        ).distinct()
    )


def get_parent_for_user(user: User, organisation_id: uuid.UUID) -> Organisation:
    """An organisation whose child teams the user compares; 404 for anyone else."""
    parent = next((o for o in parents_for_user(user) if o.uuid == organisation_id), None)
    if parent is None:
        raise Http404("No such organisation")
    return parent
