"""Members of a time bank and their accounts. Each account gets the next number ("TB-0042")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import Account, AccountKind, MemberKind, TimebankMember
from linkwell.volunteering.models import CommunityMember

NAME_LIMIT = 200


def member_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    kind: str = MemberKind.INDIVIDUAL,
    community_member: CommunityMember | None = None,
    user: User | None = None,
    joined_on: dt.date | None = None,
) -> TimebankMember:
    """Add a member (an individual, optionally linked to their volunteer record and sign-in, or
    an organisation such as the centre itself or a partner)."""
    name = " ".join((name or "").split())
    if not name and community_member is not None:
        name = str(community_member)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the member's name"]
    elif len(name) > NAME_LIMIT:
        errors["name"] = [f"The name must be {NAME_LIMIT} characters or fewer"]
    if kind not in MemberKind.values:
        errors["kind"] = ["Choose individual or organisation"]
    if community_member is not None and community_member.organisation_id != organisation.pk:
        errors["community_member"] = ["That volunteer belongs to another organisation"]
    rows = TimebankMember.objects.filter(organisation=organisation)
    if community_member is not None and rows.filter(community_member=community_member).exists():
        errors["community_member"] = ["That volunteer is already a member of this time bank"]
    if user is not None and rows.filter(user=user).exists():
        errors["user"] = ["That sign-in already belongs to a member of this time bank"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        member = TimebankMember.objects.create(
            organisation=organisation,
            kind=kind,
            name=name,
            community_member=community_member,
            user=user,
            joined_on=joined_on or timezone.localdate(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.TIMEBANK_MEMBER_CREATED,
            obj=member,
            organisation=organisation,
            detail={"kind": kind, "volunteer": bool(community_member), "sign_in": bool(user)},
        )
    return member


def account_create(
    *,
    actor: User | None,
    member: TimebankMember,
    kind: str = AccountKind.MEMBER,
    overdraft_limit_hours: Decimal | None = None,
) -> Account:
    """Open an account for `member`. Numbers are unique across the platform; two accounts
    opened at once cannot take the same number (the unique key refuses the second, retried)."""
    if kind not in AccountKind.values:
        raise ValidationFailed({"kind": ["Choose member, issuing or partner"]})
    if overdraft_limit_hours is not None and overdraft_limit_hours < 0:
        raise ValidationFailed({"overdraft_limit_hours": ["The limit cannot be below zero"]})
    for _ in range(5):
        try:
            with transaction.atomic():
                number = (Account.objects.aggregate(n=Max("number"))["n"] or 0) + 1
                account = Account.objects.create(
                    organisation_id=member.organisation_id,
                    member=member,
                    kind=kind,
                    number=number,
                    overdraft_limit_hours=overdraft_limit_hours,
                )
                audit_record(
                    actor=actor,
                    action=AuditAction.TIMEBANK_ACCOUNT_CREATED,
                    obj=account,
                    object_repr=account.reference,
                    organisation=member.organisation,
                    detail={"kind": kind, "reference": account.reference},
                )
                return account
        except IntegrityError:
            continue
    raise ValidationFailed("Could not open the account; try again")
