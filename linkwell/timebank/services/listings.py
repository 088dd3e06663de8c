"""Members' offers and requests, and the broker's matches between them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import (
    AccountKind,
    Category,
    Exchange,
    Listing,
    ListingKind,
    ListingMatch,
    TimebankMember,
)
from linkwell.timebank.selectors.matching import suggest_offers
from linkwell.timebank.services.ledger import exchange_record

TEXT_LIMIT = 300


def listing_add(
    *,
    actor: User | None,
    member: TimebankMember,
    kind: str,
    text: str,
    category: str = Category.OTHER,
) -> Listing:
    """ "I can offer: lifts to hospital, gardening" or "I'd like: help with forms"."""
    text = " ".join((text or "").split())
    errors: dict[str, list[str]] = {}
    if kind not in ListingKind.values:
        errors["kind"] = ["Choose whether you offer this or would like it"]
    if not text:
        errors["text"] = ["Say what you can offer or would like"]
    elif len(text) > TEXT_LIMIT:
        errors["text"] = [f"Keep it to {TEXT_LIMIT} characters or fewer"]
    if category not in Category.values:
        errors["category"] = ["Choose a kind of help"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        listing = Listing.objects.create(member=member, kind=kind, text=text, category=category)
        audit_record(
            actor=actor,
            action=AuditAction.TIMEBANK_LISTING_ADDED,
            obj=listing,
            organisation=member.organisation,
            detail={"kind": kind, "category": category},
        )
    return listing


def listing_match(*, actor: User | None, request: Listing, offer: Listing) -> ListingMatch:
    """Introduce `offer` to `request`, keeping the reasons the broker was shown."""
    if request.kind != ListingKind.REQUEST or offer.kind != ListingKind.OFFER:
        raise ValidationFailed("Match an offer to a request")
    if not (request.is_open and offer.is_open):
        raise ValidationFailed("That offer or request is no longer open")
    if offer.member_id == request.member_id:
        raise ValidationFailed("A member cannot be matched with their own offer")
    if offer.member.organisation_id != request.member.organisation_id:
        raise ValidationFailed("The offer is in another time bank")
    suggestion = next(
        (s for s in suggest_offers(request, limit=50) if s.offer.pk == offer.pk), None
    )
    with transaction.atomic():
        match = ListingMatch.objects.create(
            offer=offer,
            request=request,
            reasons=suggestion.reasons if suggestion else ["Chosen by the broker"],
            score=suggestion.score if suggestion else 0.0,
            made_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TIMEBANK_LISTING_MATCHED,
            obj=match,
            organisation=request.member.organisation,
            detail={"offer": str(offer.uuid), "request": str(request.uuid)},
        )
    return match


def match_record_exchange(
    *,
    actor: User | None,
    match: ListingMatch,
    hours: Decimal,
    happened_on: dt.date | None = None,
    note: str = "",
) -> Exchange:
    """The help was given: a confirmed exchange (recorded by the broker) in which the requesting
    member pays the offering member for their time, linked to the match; the request is then
    closed."""
    if match.exchange_id is not None:
        raise ValidationFailed("An exchange has already been recorded for this match")
    helper = match.offer.member.accounts.filter(kind=AccountKind.MEMBER).order_by("number").first()
    helped = (
        match.request.member.accounts.filter(kind=AccountKind.MEMBER).order_by("number").first()
    )
    if helper is None or helped is None:
        raise ValidationFailed("Both members need an account first")
    with transaction.atomic():
        locked = ListingMatch.objects.select_for_update().get(pk=match.pk)
        if locked.exchange_id is not None:
            raise ValidationFailed("An exchange has already been recorded for this match")
        exchange = exchange_record(
            actor=actor,
            from_account=helped,
            to_account=helper,
            hours=hours,
            category=match.request.category
            if match.request.category != Category.OTHER
            else match.offer.category,
            happened_on=happened_on,
            note=note or f"Match: {match.offer.text}"[:300],
            confirmed=True,
        )
        ListingMatch.objects.filter(pk=match.pk).update(exchange=exchange)
        Listing.objects.filter(pk=match.request_id).update(is_open=False)
    return exchange
