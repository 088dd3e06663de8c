"""The broker's page (/timebank/broker/) and the hours report (/timebank/report/).
Brokers: coordinators and administrators of the organisation running the time bank
(access.py). Thin: access helper -> service or selector -> render."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Organisation
from linkwell.audit.access_log import log_list_access
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import Kind
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import error_text
from linkwell.timebank.access import (
    broker_org_ids,
    check_broker,
    get_exchange_for_user,
    get_listing_for_broker,
    get_match_for_broker,
)
from linkwell.timebank.forms import MemberAddForm, PackageForm
from linkwell.timebank.models import Listing, ListingKind
from linkwell.timebank.selectors.ledger import account_by_reference
from linkwell.timebank.selectors.pages import broker_page
from linkwell.timebank.selectors.report import hours_report, report_organisations
from linkwell.timebank.services.ledger import exchange_reverse, parse_hours
from linkwell.timebank.services.listings import listing_match, match_record_exchange
from linkwell.timebank.services.members import account_create, member_create
from linkwell.timebank.services.packages import package_record
from linkwell.volunteering.services.members import member_find_person


def _organisation(request: AuthenticatedHttpRequest, *, write: bool = False) -> Organisation:
    ids = broker_org_ids(request.user)
    if not ids:
        raise Http404("You do not broker a time bank")
    organisation = Organisation.objects.get(pk=ids[0])
    check_broker(request.user, organisation.pk, write=write, what="time bank")
    return organisation


def _said(request: AuthenticatedHttpRequest, exc: ValidationFailed) -> HttpResponse:
    messages.error(request, error_text(exc))
    return redirect("timebank:broker")


@login_required
def broker(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    page = broker_page(organisation)
    log_list_access(
        request,
        page.packages,
        list_name="timebank_packages",
        person_id=lambda p: str(p.person.uuid),
        object_repr=lambda p: f"Support package {p.uuid}",
    )
    can_write = bool(broker_org_ids(request.user, write=True))
    return render(
        request,
        "timebank/broker.html",
        {
            "page": page,
            "can_write": can_write,
            "package_form": PackageForm(),
            "member_form": MemberAddForm(),
        },
    )


@login_required
@require_POST
def reverse(request: AuthenticatedHttpRequest, exchange_id: uuid.UUID) -> HttpResponse:
    exchange = get_exchange_for_user(request.user, exchange_id, write=True)
    if exchange.organisation_id not in broker_org_ids(request.user):
        raise Http404("No such exchange")
    try:
        exchange_reverse(
            actor=request.user, exchange=exchange, reason=request.POST.get("reason", "")
        )
    except ValidationFailed as exc:
        return _said(request, exc)
    messages.success(request, "Exchange reversed.")
    return redirect("timebank:broker")


@login_required
@require_POST
def match(request: AuthenticatedHttpRequest, listing_id: uuid.UUID) -> HttpResponse:
    wanted = get_listing_for_broker(request.user, listing_id, write=True)
    raw = request.POST.get("offer", "")
    offer = (
        Listing.objects.select_related("member").filter(uuid=raw, kind=ListingKind.OFFER).first()
        if _is_uuid(raw)
        else None
    )
    if offer is None:
        return _said(request, ValidationFailed("Choose an offer"))
    try:
        listing_match(actor=request.user, request=wanted, offer=offer)
    except ValidationFailed as exc:
        return _said(request, exc)
    messages.success(request, f"{offer.member.name} introduced to {wanted.member.name}.")
    return redirect("timebank:broker")


def _is_uuid(raw: str) -> bool:
    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True


@login_required
@require_POST
def match_exchange(request: AuthenticatedHttpRequest, match_id: uuid.UUID) -> HttpResponse:
    found = get_match_for_broker(request.user, match_id, write=True)
    try:
        hours = parse_hours(request.POST.get("hours", ""))
        match_record_exchange(actor=request.user, match=found, hours=hours)
    except ValidationFailed as exc:
        return _said(request, exc)
    messages.success(request, f"{hours} hours recorded for the match.")
    return redirect("timebank:broker")


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request, write=True)
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        return _said(request, ValidationFailed("Enter the member's name"))
    try:
        member = member_create(
            actor=request.user, organisation=organisation, name=form.cleaned_data["name"]
        )
        account = account_create(actor=request.user, member=member)
    except ValidationFailed as exc:
        return _said(request, exc)
    messages.success(request, f"{member.name} joined with account {account.reference}.")
    return redirect("timebank:broker")


@login_required
@require_POST
def package_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request, write=True)
    form = PackageForm(request.POST)
    if not form.is_valid():
        return _said(
            request, ValidationFailed(" ".join(str(m) for ms in form.errors.values() for m in ms))
        )
    data = form.cleaned_data
    try:
        person = member_find_person(organisation=organisation, nhs_number=data["nhs_number"])
        accounts = {}
        for name in ("payer", "provider"):
            if data[name]:
                account = account_by_reference(data[name])
                if account is None or account.organisation_id != organisation.pk:
                    raise ValidationFailed({name: [f"No account {data[name]} in this time bank"]})
                accounts[name] = account
        package_record(
            actor=request.user,
            organisation=organisation,
            person=person,
            description=data["description"],
            budget_hours=data["budget_hours"] or Decimal(0),
            budget_amount=data["budget_amount"] or Decimal(0),
            credit_hours=data["credit_hours"] or Decimal(0),
            payer=accounts.get("payer"),
            provider=accounts.get("provider"),
            own_funds_amount=data["own_funds_amount"] or Decimal(0),
        )
    except ValidationFailed as exc:
        return _said(request, exc)
    messages.success(request, "Support package recorded.")
    return redirect("timebank:broker")


@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = report_organisations(request.user)
    if not organisations:
        raise Http404("No time bank to report on")
    end = timezone.localdate()
    start = (end.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    data = hours_report(organisations=organisations, start=start, end=end)
    audit_record(
        actor=request.user,
        action=AuditAction.TIMEBANK_REPORT_VIEWED,
        object_type="timebank.report",
        kind=Kind.ACCESS,
        detail={"from": start.isoformat(), "to": end.isoformat()},
    )
    return render(request, "timebank/report.html", {"report": data, "start": start, "end": end})
