"""Reads about users, their organisations and roles. Every helper takes the acting user."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from linkwell.accounts.models import Membership, Organisation, Role, User


def memberships_for_user(*, user: User | AnonymousUser | None) -> QuerySet[Membership]:
    """Active memberships in active organisations (inactive ones grant nothing)."""
    if user is None or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, is_active=True, organisation__is_active=True
    ).select_related("organisation")


def user_requires_two_factor(*, user: User | AnonymousUser | None) -> bool:
    """True when any of the user's organisations asks its staff to use two-factor sign-in."""
    return memberships_for_user(user=user).filter(organisation__require_two_factor=True).exists()


def user_has_role(*, user: User | AnonymousUser | None, roles: Iterable[str]) -> bool:
    return memberships_for_user(user=user).filter(role__in=list(roles)).exists()


def user_is_administrator(*, user: User | AnonymousUser | None) -> bool:
    """A platform administrator: a superuser, or anyone with an active, writable ADMINISTRATOR
    membership. The Django admin (linkwell/accounts/admin_site.py) also requires `is_staff`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return memberships_for_user(user=user).filter(role=Role.ADMINISTRATOR, read_only=False).exists()


def organisation_ids_for_user(
    *, user: User | AnonymousUser | None, roles: Iterable[str] | None = None
) -> list[int]:
    qs = memberships_for_user(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return sorted(set(qs.values_list("organisation_id", flat=True)))


def member_ids_of_organisations(*, organisation_ids: Iterable[int]) -> list[int]:
    """Users with an active membership of any of these organisations (e.g. a manager's team)."""
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id__in=list(organisation_ids), is_active=True
            ).values_list("user_id", flat=True)
        )
    )


def organisation_dependents(*, organisation: Organisation) -> list[str]:
    """What still points at `organisation`, e.g. ["2 memberships", "1 directory organization"].

    Found through every reverse relation (memberships, child organisations, directory
    listings, and whatever later apps add), so services.account_record_delete can refuse a
    delete that would cascade into, or quietly unlink, records nobody audited.
    """
    found: list[str] = []
    for rel in Organisation._meta.related_objects:
        if not (rel.one_to_many or rel.one_to_one):
            continue
        model = rel.related_model
        count = model._default_manager.filter(**{rel.field.name: organisation}).count()
        if count:
            opts = model._meta
            found.append(f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}")
    return found


def user_by_email_or_id(*, value: str) -> User | None:
    """Look a user up by email (case-insensitive), numeric id or public UUID."""
    value = value.strip()
    if "@" in value:
        return User.objects.filter(email__iexact=value).first()
    if value.isdigit():
        return User.objects.filter(pk=int(value)).first()
    try:
        import uuid

        return User.objects.filter(uuid=uuid.UUID(value)).first()
    except ValueError:
        return None
