"""Who may see and change grants: one helper per entity.

- **Programme managers**: an active membership of the programme's organisation with the role
  administrator, commissioner or team manager (`MANAGER_ROLES`). They see every round and
  application of the programme, add panel members, decide awards, record payments and
  monitoring. A read-only membership looks only (403 on every change).
- **Panel members** (`PanelMember` of a round: staff, or community members who sign in) see the
  round's applications and score them, except those where they declared a conflict of interest
  (the application page says so and offers no scoring). Deciding or paying is 403 for them.
- **Applicants** need no account: they apply through the public form and report through the
  signed link emailed to them (`services/monitoring.py`).
- Anyone else gets 404 for rounds and applications, so their existence is not revealed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import Role, User
from linkwell.accounts.selectors import memberships_for_user
from linkwell.grants.models import Application, PanelMember, Round

MANAGER_ROLES = (Role.ADMINISTRATOR, Role.COMMISSIONER, Role.TEAM_MANAGER)


def manager_org_ids(user: User | AnonymousUser | None, *, write: bool = False) -> list[int]:
    """Organisations whose grant programmes `user` manages (writable ones when `write`)."""
    rows = memberships_for_user(user=user).filter(role__in=MANAGER_ROLES)
    if write:
        rows = rows.filter(read_only=False)
    return sorted(set(rows.values_list("organisation_id", flat=True)))


@dataclass(frozen=True)
class RoundAccess:
    """What the user may do in one round."""

    manager: bool
    writable: bool
    panel_member: PanelMember | None


def round_access(user: User, round_: Round) -> RoundAccess:
    orgs = manager_org_ids(user)
    manager = round_.programme.organisation_id in orgs
    writable = manager and round_.programme.organisation_id in manager_org_ids(user, write=True)
    panel = (
        PanelMember.objects.filter(round=round_, user=user).first()
        if user.is_authenticated
        else None
    )
    return RoundAccess(manager=manager, writable=writable, panel_member=panel)


def _check(access: RoundAccess, *, manage: bool, score: bool, what: str) -> None:
    if not access.manager and access.panel_member is None:
        raise Http404(f"No such {what}")
    if manage and not access.writable:
        raise PermissionDenied(
            f"Only the programme's managers may change this {what}."
            if not access.manager
            else f"You have read-only access to this {what}."
        )
    if score and access.panel_member is None:
        raise PermissionDenied(f"Only the round's panel members score this {what}.")


def get_round_for_user(
    user: User, round_id: uuid.UUID, *, manage: bool = False
) -> tuple[Round, RoundAccess]:
    round_ = (
        Round.objects.select_related("programme", "programme__organisation")
        .filter(uuid=round_id)
        .first()
    )
    if round_ is None:
        raise Http404("No such round")
    access = round_access(user, round_)
    _check(access, manage=manage, score=False, what="round")
    return round_, access


def get_application_for_user(
    user: User, application_id: uuid.UUID, *, manage: bool = False, score: bool = False
) -> tuple[Application, RoundAccess]:
    """`manage`: deciding, paying, monitoring (writable managers); `score`: conflicts and
    scores (the round's panel members)."""
    application = (
        Application.objects.select_related(
            "round", "round__programme", "round__programme__organisation", "tier"
        )
        .filter(uuid=application_id)
        .first()
    )
    if application is None:
        raise Http404("No such application")
    access = round_access(user, application.round)
    _check(access, manage=manage, score=score, what="application")
    return application, access
