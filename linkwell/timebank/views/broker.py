"""The broker's page (/timebank/broker/) and the hours report (/timebank/report/).
Brokers: coordinators and administrators of the organisation running the time bank
(access.py). Thin: access helper -> service or selector -> render."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django import forms
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
from linkwell.core.forms import run_form
from linkwell.timebank.access import (
    broker_org_ids,
    check_broker,
    get_exchange_for_user,
    get_listing_for_broker,
    get_match_for_broker,
)
from linkwell.timebank.forms import (
    MatchForm,
    MatchHoursForm,
    MemberAddForm,
    PackageForm,
    ReasonForm,
)
from linkwell.timebank.models import Account, Listing, ListingKind, TimebankMember
from linkwell.timebank.selectors.ledger import account_by_reference
from linkwell.timebank.selectors.pages import broker_page
from linkwell.timebank.selectors.report import (
    hours_report,
    report_organisations,
    reports_on_every_time_bank,
)
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


def _render(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    *,
    failed: forms.Form | None = None,
    row: uuid.UUID | None = None,
    status: int = 200,
) -> HttpResponse:
    """The broker's page; after a refused action, again with that action's form (`failed`, for
    the error summary and the field, on the page's row `row` when it belongs to one) and 400."""
    page = broker_page(organisation)
    log_list_access(
        request,
        page.packages,
        list_name="timebank_packages",
        person_id=lambda p: str(p.person.uuid),
        object_repr=lambda p: f"Support package {p.uuid}",
    )
    context: dict[str, object] = {
        "page": page,
        "can_write": bool(broker_org_ids(request.user, write=True)),
        "package_form": PackageForm(),
        "member_form": MemberAddForm(),
        "failed": failed,
        "failed_row": row,
    }
    if isinstance(failed, PackageForm):
        context["package_form"] = failed
    elif isinstance(failed, MemberAddForm):
        context["member_form"] = failed
    return render(request, "timebank/broker.html", context, status=status)


@login_required
def broker(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _render(request, _organisation(request))


@login_required
@require_POST
def reverse(request: AuthenticatedHttpRequest, exchange_id: uuid.UUID) -> HttpResponse:
    exchange = get_exchange_for_user(request.user, exchange_id, write=True)
    if exchange.organisation_id not in broker_org_ids(request.user):
        raise Http404("No such exchange")
    form = ReasonForm(request.POST, auto_id=f"r-{exchange.uuid}-%s")
    done = run_form(
        form,
        lambda d: exchange_reverse(actor=request.user, exchange=exchange, reason=d["reason"]),
    )
    if not done.ok:
        return _failed(request, form, done.status, row=exchange.uuid)
    messages.success(request, "Exchange reversed.")
    return redirect("timebank:broker")


def _failed(
    request: AuthenticatedHttpRequest, form: forms.Form, status: int, *, row: uuid.UUID | None
) -> HttpResponse:
    return _render(request, _organisation(request), failed=form, row=row, status=status)


@login_required
@require_POST
def match(request: AuthenticatedHttpRequest, listing_id: uuid.UUID) -> HttpResponse:
    wanted = get_listing_for_broker(request.user, listing_id, write=True)
    form = MatchForm(request.POST, auto_id=f"match-{wanted.uuid}-%s")

    def service(data: dict[str, Any]) -> Listing:
        offer = (
            Listing.objects.select_related("member")
            .filter(uuid=data["offer"], kind=ListingKind.OFFER)
            .first()
        )
        if offer is None:
            raise ValidationFailed({"offer": ["Choose an offer"]})
        listing_match(actor=request.user, request=wanted, offer=offer)
        return offer

    done = run_form(form, service)
    if not done.ok or done.result is None:
        return _failed(request, form, done.status, row=wanted.uuid)
    messages.success(request, f"{done.result.member.name} introduced to {wanted.member.name}.")
    return redirect("timebank:broker")


@login_required
@require_POST
def match_exchange(request: AuthenticatedHttpRequest, match_id: uuid.UUID) -> HttpResponse:
    found = get_match_for_broker(request.user, match_id, write=True)
    form = MatchHoursForm(request.POST, auto_id=f"h-{found.uuid}-%s")

    def service(data: dict[str, Any]) -> Decimal:
        hours = parse_hours(data["hours"])
        match_record_exchange(actor=request.user, match=found, hours=hours)
        return hours

    done = run_form(form, service)
    if not done.ok:
        return _failed(request, form, done.status, row=found.uuid)
    messages.success(request, f"{done.result} hours recorded for the match.")
    return redirect("timebank:broker")


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request, write=True)
    form = MemberAddForm(request.POST)

    def service(data: dict[str, Any]) -> tuple[TimebankMember, Account]:
        member = member_create(actor=request.user, organisation=organisation, name=data["name"])
        return member, account_create(actor=request.user, member=member)

    done = run_form(form, service)
    if not done.ok or done.result is None:
        return _render(request, organisation, failed=form, status=done.status)
    member, account = done.result
    messages.success(request, f"{member.name} joined with account {account.reference}.")
    return redirect("timebank:broker")


@login_required
@require_POST
def package_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _organisation(request, write=True)
    form = PackageForm(request.POST)

    def service(data: dict[str, Any]) -> None:
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

    done = run_form(form, service)
    if not done.ok:
        return _render(request, organisation, failed=form, status=done.status)
    messages.success(request, "Support package recorded.")
    return redirect("timebank:broker")


@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = report_organisations(request.user)
    if not organisations and not reports_on_every_time_bank(request.user):
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
