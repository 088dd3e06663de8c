"""Building time banks for tests: an organisation, members with accounts, an issuing account."""

from __future__ import annotations

from decimal import Decimal

from linkwell.accounts.models import Organisation, OrganisationKind, User
from linkwell.timebank.models import Account, AccountKind, MemberKind
from linkwell.timebank.services.members import account_create, member_create


def make_org(name: str = "Holy Cross Centre") -> Organisation:
    return Organisation.objects.create(name=name, kind=OrganisationKind.VCSE_PROVIDER)


def make_account(
    org: Organisation,
    name: str,
    *,
    kind: str = AccountKind.MEMBER,
    user: User | None = None,
    overdraft: Decimal | None = None,
) -> Account:
    member = member_create(
        actor=None,
        organisation=org,
        name=name,
        user=user,
        kind=MemberKind.INDIVIDUAL if kind == AccountKind.MEMBER else MemberKind.ORGANISATION,
    )
    return account_create(actor=None, member=member, kind=kind, overdraft_limit_hours=overdraft)
