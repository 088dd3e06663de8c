"""The member's own page (/timebank/): balance, exchanges (confirm or decline the ones the other
side recorded), record an exchange, offers and requests, partner offers to redeem.
Thin: access helper -> service or selector -> render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import error_text, run_form
from linkwell.core.idempotency import create_once
from linkwell.timebank.access import broker_org_ids, get_exchange_for_user, my_members
from linkwell.timebank.forms import ListingForm, RecordForm
from linkwell.timebank.models import AccountKind, Exchange, PartnerOffer, TimebankMember
from linkwell.timebank.selectors.ledger import account_by_reference
from linkwell.timebank.selectors.pages import member_page
from linkwell.timebank.services.ledger import (
    exchange_confirm,
    exchange_decline,
    exchange_record,
    parse_hours,
    transfer,
)
from linkwell.timebank.services.listings import listing_add


def _me(request: AuthenticatedHttpRequest) -> TimebankMember:
    member = my_members(request.user).first()
    if member is None:
        raise Http404("You are not a member of a time bank")
    return member


def _render(
    request: AuthenticatedHttpRequest,
    member: TimebankMember,
    *,
    record_form: RecordForm | None = None,
    listing_form: ListingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "timebank/me.html",
        {
            "page": member_page(member),
            "record_form": record_form or RecordForm(),
            "listing_form": listing_form or ListingForm(),
        },
        status=status,
    )


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    member = my_members(request.user).first()
    if member is None:
        if broker_org_ids(request.user):
            return redirect("timebank:broker")
        raise Http404("You are not a member of a time bank")
    return _render(request, member)


@login_required
@require_POST
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    member = _me(request)
    mine = member.accounts.filter(kind=AccountKind.MEMBER).order_by("number").first()
    form = RecordForm(request.POST)
    if mine is None:
        raise Http404("You have no account")

    def service(data: dict[str, object]) -> Exchange:
        other = account_by_reference(str(data["other"]))
        if other is None or other.organisation_id != member.organisation_id:
            raise ValidationFailed({"other": [f"No account {data['other']} in this time bank"]})
        hours = parse_hours(data["hours"])
        # Whoever gave the time earns the credits; the one helped pays them.
        gave = data["direction"] == "gave"
        # A retried POST (after a timeout) records the exchange once (core/idempotency.py).
        exchange, _created = create_once(
            data.get("submission_key"),  # type: ignore[arg-type]
            Exchange,
            user_id=request.user.pk,
            work=lambda: exchange_record(
                actor=request.user,
                from_account=other if gave else mine,
                to_account=mine if gave else other,
                hours=hours,
                category=str(data["category"]),
                happened_on=data["happened_on"],  # type: ignore[arg-type]
                note=str(data["note"]),
                recorded_by_account=mine,
            ),
        )
        return exchange

    done = run_form(form, service, field_names={"to_account": "other", "from_account": "other"})
    if not done.ok:
        return _render(request, member, record_form=form, status=done.status)
    messages.success(request, "Exchange recorded: it counts once the other member confirms it.")
    return redirect("timebank:home")


@login_required
@require_POST
def listing_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    member = _me(request)
    form = ListingForm(request.POST)
    done = run_form(
        form,
        lambda d: listing_add(
            actor=request.user,
            member=member,
            kind=d["kind"],
            text=d["text"],
            category=d["category"],
        ),
    )
    if not done.ok:
        return _render(request, member, listing_form=form, status=done.status)
    messages.success(request, "Added to your offers and requests.")
    return redirect("timebank:home")


@login_required
@require_POST
def redeem(request: AuthenticatedHttpRequest, offer_id: uuid.UUID) -> HttpResponse:
    member = _me(request)
    offer = (
        PartnerOffer.objects.select_related("account")
        .filter(uuid=offer_id, is_active=True, account__organisation_id=member.organisation_id)
        .first()
    )
    mine = member.accounts.filter(kind=AccountKind.MEMBER).order_by("number").first()
    if offer is None or mine is None:
        raise Http404("No such offer")
    try:
        transfer(
            actor=request.user,
            from_account=mine,
            to_account=offer.account,
            hours=offer.hours,
            category=offer.category,
            note=f"Redeemed: {offer.title}"[:300],
        )
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
    else:
        hours = offer.hours.normalize()
        unit = "hour" if hours == 1 else "hours"
        messages.success(request, f"You redeemed {hours:f} {unit} for {offer.title}.")
    return redirect("timebank:home")


def _back(request: AuthenticatedHttpRequest, exchange: Exchange) -> HttpResponse:
    if exchange.organisation_id in broker_org_ids(request.user):
        return redirect("timebank:broker")
    return redirect("timebank:home")


@login_required
@require_POST
def confirm(request: AuthenticatedHttpRequest, exchange_id: uuid.UUID) -> HttpResponse:
    exchange = get_exchange_for_user(request.user, exchange_id, write=True)
    try:
        exchange_confirm(actor=request.user, exchange=exchange)
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Exchange confirmed.")
    return _back(request, exchange)


@login_required
@require_POST
def decline(request: AuthenticatedHttpRequest, exchange_id: uuid.UUID) -> HttpResponse:
    exchange = get_exchange_for_user(request.user, exchange_id, write=True)
    reason = request.POST.get("reason", "")
    try:
        exchange_decline(actor=request.user, exchange=exchange, reason=reason)
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Exchange declined.")
    return _back(request, exchange)
