"""The access helper for cases (and everything hanging off a case).

A case belongs to a link-worker service. Its link workers, team managers and administrators
(`CASE_TEAM_ROLES`) see it; read-only members may look but not change (403 on writes); anyone
else — including link workers of another team — gets 404, so the case's existence is not revealed.
Provider staff never open a case: they see connections to their services (connections/access.py).
Every successful fetch of a case for a page or API read is logged with `audit_access` by the view.

Safeguarding concerns (`get_concern_for_user`) hang off a case and add their own rule: they are
read like sensitive notes, plus the named lead (`concern_is_readable`), and only the named lead or
a manager of the case's team may resolve one.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import Membership, Role, User
from linkwell.casework.models import Case, SafeguardingConcern
from linkwell.core.request_memo import remembered

CASE_TEAM_ROLES = {Role.LINK_WORKER, Role.TEAM_MANAGER, Role.ADMINISTRATOR}


def _team_memberships(user: User) -> list[Membership]:
    """Read once per request (a case page asks up to three times; core/request_memo.py)."""
    if not user.is_authenticated:
        return []
    return remembered(
        ("casework.team_memberships", user.pk),
        lambda: list(
            Membership.objects.filter(
                user=user, is_active=True, organisation__is_active=True, role__in=CASE_TEAM_ROLES
            )
        ),
    )


def case_team_ids(user: User, *, write: bool = False) -> list[int]:
    """Link-worker services whose cases this user works (writable ones when `write`)."""
    return sorted(
        {m.organisation_id for m in _team_memberships(user) if not (write and m.read_only)}
    )


def get_case_for_user(user: User, case_id: uuid.UUID, *, write: bool = False) -> Case:
    try:
        case = Case.objects.select_related("person", "link_worker_service", "assigned_to").get(
            uuid=case_id
        )
    except Case.DoesNotExist as exc:
        raise Http404("No such case") from exc
    teams = {m.organisation_id: m for m in _team_memberships(user)}
    membership = teams.get(case.link_worker_service_id)
    if membership is None:
        raise Http404("No such case")
    if write and membership.read_only:
        raise PermissionDenied("You have read-only access to this case.")
    return case


def is_team_manager(user: User, case: Case) -> bool:
    return any(
        m.organisation_id == case.link_worker_service_id
        and m.role in {Role.TEAM_MANAGER, Role.ADMINISTRATOR}
        for m in _team_memberships(user)
    )


def concern_is_readable(user: User, case: Case, concern: SafeguardingConcern) -> bool:
    """Safeguarding concerns are read like sensitive notes, plus the named lead."""
    return (
        concern.raised_by_id == user.pk
        or concern.lead_id == user.pk
        or case.assigned_to_id == user.pk
        or is_team_manager(user, case)
    )


def get_concern_for_user(
    user: User, concern_uuid: uuid.UUID, *, resolve: bool = False
) -> SafeguardingConcern:
    """The concern, for someone who may read it or, with `resolve`, resolve it: its named lead or
    a manager of the case's team, through a writable membership. Outsiders get 404 (as for the
    case, so its existence is not revealed); read-only members (when resolving) and link workers
    of the team who may not read or resolve it get 403. `concern.case` is the case as
    `get_case_for_user` returns it (person and team loaded). The outcome page
    (views/safeguarding.py) always asks with `resolve=True`: it is the resolving page."""
    concern = (
        SafeguardingConcern.objects.select_related("case", "raised_by", "lead", "resolved_by")
        .filter(uuid=concern_uuid)
        .first()
    )
    if concern is None:
        raise Http404("No such concern")
    case = get_case_for_user(user, concern.case.uuid, write=resolve)
    if resolve:
        if concern.lead_id != user.pk and not is_team_manager(user, case):
            raise PermissionDenied(
                "Only the named safeguarding lead or a team manager can resolve this concern."
            )
    elif not concern_is_readable(user, case, concern):
        raise PermissionDenied("You cannot read this safeguarding concern.")
    concern.case = case
    return concern
