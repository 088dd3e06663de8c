"""What the member's and the broker's pages show (a fixed number of queries each)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from linkwell.accounts.models import Organisation
from linkwell.timebank.models import (
    Account,
    AccountKind,
    Exchange,
    ExchangeStatus,
    Listing,
    ListingKind,
    ListingMatch,
    PartnerOffer,
    SupportPackage,
    TimebankMember,
)
from linkwell.timebank.selectors.matching import Suggestion, candidate_offers, rank_offers


@dataclass
class MemberPage:
    member: TimebankMember
    accounts: list[Account]
    exchanges: list[Exchange]
    listings: list[Listing]
    partner_offers: list[PartnerOffer]
    account_ids: set[int] = field(default_factory=set)


def member_page(member: TimebankMember) -> MemberPage:
    accounts = list(member.accounts.order_by("number"))
    ids = {a.pk for a in accounts}
    exchanges = list(
        Exchange.objects.filter(Q(from_account_id__in=ids) | Q(to_account_id__in=ids))
        .select_related("from_account__member", "to_account__member", "recorded_by_account__member")
        .order_by("-happened_on", "-id")[:100]
    )
    return MemberPage(
        member=member,
        accounts=accounts,
        exchanges=exchanges,
        listings=list(member.listings.filter(is_open=True)),
        partner_offers=list(
            PartnerOffer.objects.filter(
                account__organisation_id=member.organisation_id, is_active=True
            ).select_related("account__member")
        ),
        account_ids=ids,
    )


@dataclass
class RequestRow:
    request: Listing
    suggestions: list[Suggestion]
    matches: list[ListingMatch]


@dataclass
class BrokerPage:
    organisation: Organisation
    pending: list[Exchange]
    recent: list[Exchange]
    accounts: list[Account]
    requests: list[RequestRow]
    open_matches: list[ListingMatch]
    packages: list[SupportPackage]


def broker_page(organisation: Organisation) -> BrokerPage:
    exchanges = Exchange.objects.filter(organisation=organisation).select_related(
        "from_account__member", "to_account__member", "reverses"
    )
    requests = list(
        Listing.objects.filter(
            member__organisation=organisation, kind=ListingKind.REQUEST, is_open=True
        ).select_related("member")[:30]
    )
    matches = list(
        ListingMatch.objects.filter(request__member__organisation=organisation)
        .select_related("offer__member", "request__member")
        .order_by("-created_at")
    )
    # Every open offer read once, then each request's suggestions ranked in Python.
    candidates = candidate_offers(organisation.pk) if requests else []
    by_request: dict[int, list[ListingMatch]] = {}
    for m in matches:
        by_request.setdefault(m.request_id, []).append(m)
    return BrokerPage(
        organisation=organisation,
        pending=list(exchanges.filter(status=ExchangeStatus.PENDING).order_by("happened_on", "id")),
        recent=list(
            exchanges.filter(status=ExchangeStatus.CONFIRMED)
            .exclude(from_account__kind=AccountKind.ISSUING, note__startswith="Volunteering")
            .order_by("-happened_on", "-id")[:25]
        ),
        accounts=list(
            Account.objects.filter(organisation=organisation)
            .select_related("member")
            .order_by("number")
        ),
        requests=[
            RequestRow(
                request=r,
                suggestions=rank_offers(r, candidates),
                matches=by_request.get(r.pk, []),
            )
            for r in requests
        ],
        open_matches=[m for m in matches if m.exchange_id is None],
        packages=list(
            SupportPackage.objects.filter(organisation=organisation)
            .select_related("person", "credit_exchange")
            .order_by("-starts_on")[:30]
        ),
    )
