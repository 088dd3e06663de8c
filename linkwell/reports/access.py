"""Who may see the quarterly report, and over what (one helper per question).

- Commissioners / analysts (role `commissioner`) of a commissioner organisation: the report for
  their organisation's area (all areas when the organisation has none, e.g. a national body).
- Team managers: their own link-worker services (the evidence selectors scope to them).
- Administrators: everything.
- Anyone else signed in: 403. A filter naming an area, practice or service outside the user's
  scope: 404 (its existence is not confirmed).

Patient stories are part of a case, so `get_story_for_user` goes through casework's case
helper: the case's team may read them, writers change them, read-only members get 403 on
writes, anyone else 404.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from linkwell.accounts.models import Area, Organisation, OrganisationKind, Role, User
from linkwell.accounts.selectors import memberships_for_user, user_is_administrator
from linkwell.casework.access import get_case_for_user
from linkwell.evidence.access import service_ids_for_evidence
from linkwell.reports.models import PatientStory


@dataclass(frozen=True)
class ReportScope:
    """`area_ids`: None = every area. `service_ids`: None = every service."""

    area_ids: list[int] | None
    service_ids: list[int] | None

    def allows_area(self, area_id: int | None) -> bool:
        return self.area_ids is None or area_id in self.area_ids

    def allows_service(self, org: Organisation) -> bool:
        if self.service_ids is not None and org.pk not in self.service_ids:
            return False
        return self.allows_area(org.area_id)


def report_scope_for_user(*, user: User | AnonymousUser | None) -> ReportScope:
    """Raises PermissionDenied for users who may not see the report at all."""
    if user_is_administrator(user=user):
        return ReportScope(None, None)
    memberships = list(
        memberships_for_user(user=user)
        .filter(role__in=[Role.COMMISSIONER, Role.TEAM_MANAGER])
        .values_list("role", "organisation__kind", "organisation__area_id")
    )
    commissioner_areas = [
        area
        for role, kind, area in memberships
        if role == Role.COMMISSIONER and kind == OrganisationKind.COMMISSIONER
    ]
    if commissioner_areas:
        if any(a is None for a in commissioner_areas):
            return ReportScope(None, None)
        return ReportScope(sorted(set(commissioner_areas)), None)
    if any(role == Role.TEAM_MANAGER for role, _kind, _area in memberships):
        return ReportScope(None, service_ids_for_evidence(user=user))
    raise PermissionDenied(
        "The quarterly report is for commissioners, analysts, team managers and administrators."
    )


def get_area_for_report(*, scope: ReportScope, area_id: Any) -> Area:
    try:
        area = Area.objects.get(uuid=area_id)
    except (Area.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such area") from None
    if not scope.allows_area(area.pk):
        raise Http404("No such area")
    return area


def get_service_for_report(*, scope: ReportScope, service_id: Any) -> Organisation:
    try:
        org = Organisation.objects.get(uuid=service_id, kind=OrganisationKind.LINK_WORKER_SERVICE)
    except (Organisation.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such link-worker service") from None
    if not scope.allows_service(org):
        raise Http404("No such link-worker service")
    return org


def get_practice_for_report(*, scope: ReportScope, practice_id: Any) -> Organisation:
    try:
        org = Organisation.objects.get(uuid=practice_id, kind=OrganisationKind.GP_PRACTICE)
    except (Organisation.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such practice") from None
    if not scope.allows_area(org.area_id):
        raise Http404("No such practice")
    return org


def get_story_for_user(
    user: User, case_id: uuid.UUID, story_id: uuid.UUID, *, write: bool = False
) -> PatientStory:
    """A story of the case `case_id`, with `story.case` the access-checked case (person and
    service loaded). 404 for a story of another case, so ids cannot be mixed and matched."""
    case = get_case_for_user(user, case_id, write=write)
    story = PatientStory.objects.filter(case=case, uuid=story_id).first()
    if story is None:
        raise Http404("No such story")
    story.case = case
    return story
