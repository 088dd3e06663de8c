"""Memberships: a user's role in an organisation."""

from __future__ import annotations

from django.db import transaction

from linkwell.accounts.models import Membership, Organisation, Role, User
from linkwell.accounts.services.records import account_record_save
from linkwell.core.exceptions import ValidationFailed


def membership_grant(
    *,
    actor: User | None,
    user: User,
    organisation: Organisation,
    role: str,
    read_only: bool = False,
) -> Membership:
    """Give `user` a role in `organisation` (a user may hold several). Idempotent: an existing
    membership with that role is re-activated and its read-only flag set."""
    if role not in Role.values:
        raise ValidationFailed({"role": [f"{role!r} is not a role ({', '.join(Role.values)})."]})
    with transaction.atomic():
        membership = Membership.objects.filter(
            user=user, organisation=organisation, role=role
        ).first() or Membership(user=user, organisation=organisation, role=role)
        membership.read_only = read_only
        membership.is_active = True
        account_record_save(actor=actor, obj=membership)
    return membership
