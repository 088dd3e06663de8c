from __future__ import annotations

from django.db.models import QuerySet

from linkwell.accounts.models import Membership, Role, User


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user=user, is_active=True, organisation__is_active=True
    ).select_related("organisation")


def user_requires_two_factor(*, user: User) -> bool:
    return memberships_for_user(user=user).filter(organisation__require_two_factor=True).exists()


def user_has_role(*, user: User, roles: set[str] | set[Role]) -> bool:
    if not user.is_authenticated:
        return False
    return memberships_for_user(user=user).filter(role__in=list(roles)).exists()
