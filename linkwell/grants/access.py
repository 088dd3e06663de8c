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

Setting up (programmes, tiers, rounds, criteria, the panel) is for programme managers only:
404 for everyone else (a panel member included, except on their round's own pages, where
changing is 403), 403 for a read-only manager.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import Organisation, Role, User
from linkwell.accounts.selectors import memberships_for_user
from linkwell.grants.models import Application, Criterion, PanelMember, Programme, Round, Tier

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


def _check_manager(user: User, organisation_id: int, *, manage: bool, what: str) -> None:
    if organisation_id not in manager_org_ids(user):
        raise Http404(f"No such {what}")
    if manage and organisation_id not in manager_org_ids(user, write=True):
        raise PermissionDenied(f"You have read-only access to this {what}.")


def organisations_for_new_programme(user: User) -> list[Organisation]:
    """The organisations `user` may start a programme for: 404 when they manage none, 403 when
    every one of their managing memberships is read-only."""
    if not manager_org_ids(user):
        raise Http404("No such page")
    writable = manager_org_ids(user, write=True)
    if not writable:
        raise PermissionDenied("You have read-only access to your organisation's grants.")
    return list(Organisation.objects.filter(pk__in=writable).order_by("name"))


def get_programme_for_user(
    user: User, programme_id: uuid.UUID, *, manage: bool = False
) -> Programme:
    programme = Programme.objects.select_related("organisation").filter(uuid=programme_id).first()
    if programme is None:
        raise Http404("No such programme")
    _check_manager(user, programme.organisation_id, manage=manage, what="programme")
    return programme


def get_tier_for_user(user: User, tier_id: uuid.UUID) -> Tier:
    """Tiers are changed only (their programme's page lists them): writable managers."""
    tier = (
        Tier.objects.select_related("programme", "programme__organisation")
        .filter(uuid=tier_id)
        .first()
    )
    if tier is None:
        raise Http404("No such tier")
    _check_manager(user, tier.programme.organisation_id, manage=True, what="tier")
    return tier


def get_criterion_for_user(user: User, criterion_id: uuid.UUID) -> Criterion:
    """Changing a criterion is managing its round (`_check`: panel members see it, 403)."""
    criterion = (
        Criterion.objects.select_related("round", "round__programme__organisation")
        .filter(uuid=criterion_id)
        .first()
    )
    if criterion is None:
        raise Http404("No such criterion")
    _check(round_access(user, criterion.round), manage=True, score=False, what="round")
    return criterion


def get_panel_member_for_user(user: User, member_id: uuid.UUID) -> PanelMember:
    """Removing a panel member is managing their round."""
    member = (
        PanelMember.objects.select_related("user", "round", "round__programme__organisation")
        .filter(uuid=member_id)
        .first()
    )
    if member is None:
        raise Http404("No such panel member")
    _check(round_access(user, member.round), manage=True, score=False, what="round")
    return member
