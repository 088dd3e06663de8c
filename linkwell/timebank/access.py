"""Who may see and do what in a time bank: one helper per entity.

- **Brokers** are the coordinators and administrators (`Role.COORDINATOR`,
  `Role.ADMINISTRATOR`, active membership) of the organisation running the time bank. They see
  its members, accounts, pending exchanges, offers and requests and support packages, confirm or
  decline exchanges, match offers to requests, reverse exchanges and record packages.
  A read-only membership looks (403 on every change).
- **Members** sign in with a `User` linked to their `TimebankMember`: they see their own
  accounts and exchanges and record exchanges they gave or received, which the other side (or a
  broker) confirms; the side that recorded one cannot confirm it (403).
- Anyone else gets 404, so an exchange's existence is not revealed.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from linkwell.accounts.models import Membership, Role, User
from linkwell.timebank.models import (
    Exchange,
    Listing,
    ListingMatch,
    TimebankMember,
)

BROKER_ROLES = {Role.COORDINATOR, Role.ADMINISTRATOR}


def _broker_memberships(user: User) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(
            user=user, is_active=True, organisation__is_active=True, role__in=BROKER_ROLES
        )
    )


def broker_org_ids(user: User, *, write: bool = False) -> list[int]:
    return sorted(
        {m.organisation_id for m in _broker_memberships(user) if not (write and m.read_only)}
    )


def check_broker(user: User, organisation_id: int, *, write: bool, what: str) -> None:
    held = [m for m in _broker_memberships(user) if m.organisation_id == organisation_id]
    if not held:
        raise Http404(f"No such {what}")
    if write and all(m.read_only for m in held):
        raise PermissionDenied(f"You have read-only access to this {what}.")


def my_members(user: User) -> QuerySet[TimebankMember]:
    """The signed-in user's own time bank memberships."""
    if not user.is_authenticated:
        return TimebankMember.objects.none()
    return TimebankMember.objects.filter(user=user).select_related("organisation")


def get_exchange_for_user(user: User, exchange_id: uuid.UUID, *, write: bool = False) -> Exchange:
    """An exchange for a broker of its time bank, or for a member on either side of it. For a
    change (`write`), a member must be the side that did not record it."""
    exchange = (
        Exchange.objects.select_related(
            "from_account__member", "to_account__member", "organisation", "recorded_by_account"
        )
        .filter(uuid=exchange_id)
        .first()
    )
    if exchange is None:
        raise Http404("No such exchange")
    if any(m.organisation_id == exchange.organisation_id for m in _broker_memberships(user)):
        check_broker(user, exchange.organisation_id, write=write, what="exchange")
        return exchange
    mine = {
        exchange.from_account.member.user_id: exchange.from_account,
        exchange.to_account.member.user_id: exchange.to_account,
    }
    if not user.is_authenticated or user.pk not in mine:
        raise Http404("No such exchange")
    if write and exchange.recorded_by_account_id == mine[user.pk].pk:
        raise PermissionDenied("The other side or a broker confirms an exchange you recorded.")
    return exchange


def get_listing_for_broker(user: User, listing_id: uuid.UUID, *, write: bool = False) -> Listing:
    listing = Listing.objects.select_related("member").filter(uuid=listing_id).first()
    if listing is None:
        raise Http404("No such offer or request")
    check_broker(user, listing.member.organisation_id, write=write, what="offer or request")
    return listing


def get_match_for_broker(user: User, match_id: uuid.UUID, *, write: bool = False) -> ListingMatch:
    match = (
        ListingMatch.objects.select_related("offer__member", "request__member")
        .filter(uuid=match_id)
        .first()
    )
    if match is None:
        raise Http404("No such match")
    check_broker(user, match.request.member.organisation_id, write=write, what="match")
    return match
