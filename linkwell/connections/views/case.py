"""The link worker's side: a case's connections, connecting to a service, gaps in provision.

Thin: access helper (casework.access: other teams 404, read-only 403 on writes) -> form ->
service -> render. Every page showing the person logs the read with `log_access`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.access_log import log_access
from linkwell.casework.access import case_team_ids, get_case_for_user
from linkwell.casework.models import Case
from linkwell.casework.views.review import case_url
from linkwell.connections.access import get_connection_for_case
from linkwell.connections.forms import ConnectForm, GapForm
from linkwell.connections.models import Connection, ConnectionKind
from linkwell.connections.selectors import connections_for_case, gaps_for_user
from linkwell.connections.services import (
    OPEN_STATES,
    connection_acknowledge,
    connection_cancel,
    connection_refer,
    connection_signpost,
    is_full,
    provision_gap_record,
)
from linkwell.connections.sharing import SHARED_FIELDS, SharingRefused, build_shared
from linkwell.connections.signals import connection_made
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import apply_errors
from linkwell.core.idempotency import create_once, fresh_key
from linkwell.directory.access import get_service_for_user
from linkwell.directory.eligibility import rule_summary
from linkwell.directory.presentation import capacity_text
from linkwell.directory.search_forms import ServiceSearchForm
from linkwell.directory.selectors import search_services

PER_PAGE = 20
SHARED_LABELS = {
    "first_name": "First name",
    "age_band": "Age",
    "contact_method": "Contact by",
    "contact": "Contact details",
    "message": "Message from the link worker",
    "access_needs": "Access needs",
    "language": "Language",
    "link_worker": "Link worker",
    "link_worker_service": "Team",
    "link_worker_email": "Link worker's email",
}


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def shared_rows(shared: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) for the non-empty shared fields, in the documented order."""
    return [(SHARED_LABELS[k], shared[k]) for k in SHARED_FIELDS if shared.get(k)]


def _log(request: HttpRequest, case: Case) -> None:
    log_access(request, case, person_id=str(case.person.uuid))


@login_required
def case_connections(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id)
    _log(request, case)
    return render(
        request,
        "connections/case_connections.html",
        {
            "case": case,
            "person": case.person,
            "connections": list(connections_for_case(case)),
            "open_states": OPEN_STATES,
            "can_write": case.link_worker_service_id in case_team_ids(user, write=True),
            "case_url": case_url(case),
            "today": timezone.localdate(),
        },
    )


@login_required
def connect_search(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Search the directory for this person; each result leads to the connect page."""
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    _log(request, case)
    params = request.GET.copy()
    page_number = params.pop("page", ["1"])[-1]
    form = ServiceSearchForm(params or None)
    context: dict[str, Any] = {"case": case, "person": case.person, "form": form, "rows": []}
    if params and form.is_valid():
        page = search_services(
            filters=form.filters(),
            page=int(page_number) if page_number.isdigit() else 1,
            per_page=PER_PAGE,
        )
        context.update(
            page=page,
            searched=True,
            rows=[{"service": s, "capacity": capacity_text(s)} for s in page.items],
        )
    context["case_url"] = case_url(case)
    status = 400 if params and form.errors else 200
    return render(request, "connections/connect_search.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def connect_service(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, service_id: uuid.UUID
) -> HttpResponse:
    """Preview exactly what the provider would see, then signpost or refer."""
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    service = get_service_for_user(user, service_id)
    _log(request, case)
    status = 200
    # Opened from a suggestion ("refer with a message"): the choice is recorded against that run.
    run_id = request.POST.get("run") or request.GET.get("run", "")
    if request.method == "POST":
        form = ConnectForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                # The connection and what the apps above record about it (the matching decision:
                # `signals.connection_made`) commit together, once per form shown: a retried
                # POST finds the first connection (core/idempotency.py).
                def connect() -> Connection:
                    with transaction.atomic():
                        if data["kind"] == ConnectionKind.SIGNPOST:
                            made = connection_signpost(actor=user, case=case, service=service)
                        else:
                            made = connection_refer(
                                actor=user,
                                case=case,
                                service=service,
                                message=data["message"],
                                share_access_needs=data["share_access_needs"],
                                confirm_full=request.POST.get("confirm_full") == "1",
                                conditions=data["conditions"],
                                override_eligibility=data["override_eligibility"],
                                override_reason=data["override_reason"],
                            )
                        connection_made.send(
                            sender=Case, actor=user, connection=made, run_id=run_id
                        )
                    return made

                create_once(data["submission_key"], Connection, user_id=user.pk, work=connect)
                if data["kind"] == ConnectionKind.SIGNPOST:
                    messages.success(request, f"Recorded: you gave details of {service.name}.")
                else:
                    messages.success(
                        request, f"Referral sent to {service.name}. They have been emailed."
                    )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                return redirect("connections:case_connections", case_id=case.uuid)
        status = 400
    else:
        initial_kind = ConnectionKind.REFERRAL if service.accepts_referrals else "signpost"
        form = ConnectForm(initial={"kind": initial_kind, "submission_key": fresh_key()})
    try:
        preview = shared_rows(build_shared(case=case, actor=user))
        consent_problem = ""
    except SharingRefused as exc:
        preview, consent_problem = [], str(exc)
    return render(
        request,
        "connections/connect_service.html",
        {
            "case": case,
            "person": case.person,
            "service": service,
            "capacity": capacity_text(service),
            "full": service.accepts_referrals and is_full(service),
            "eligibility_rule": rule_summary(service),
            "run_id": run_id,
            "form": form,
            "preview": preview,
            "consent_problem": consent_problem,
            "case_url": case_url(case),
        },
        status=status,
    )


@login_required
@require_POST
def connection_cancel_view(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, connection_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case, connection = get_connection_for_case(user, case_id, connection_id, write=True)
    try:
        connection_cancel(
            actor=user,
            connection=connection,
            expected_version=_version(request),
            detail=request.POST.get("detail", ""),
        )
        messages.success(request, f"The referral to {connection.service.name} is cancelled.")
    except (ValidationFailed, ConcurrentEditError) as exc:
        messages.error(request, str(exc))
    return redirect("connections:case_connections", case_id=case.uuid)


@login_required
@require_POST
def connection_acknowledge_view(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, connection_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case, connection = get_connection_for_case(user, case_id, connection_id, write=True)
    try:
        connection_acknowledge(
            actor=user, connection=connection, expected_version=_version(request)
        )
    except (ValidationFailed, ConcurrentEditError) as exc:
        messages.error(request, str(exc))
    return redirect("connections:case_connections", case_id=case.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def gap_new(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    _log(request, case)
    status = 200
    if request.method == "POST":
        form = GapForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                provision_gap_record(
                    actor=user,
                    case=case,
                    need=form.terms.get(data["need"]),
                    description=data["description"],
                    place=data["place"],
                    who=data["who"],
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, "The gap in provision has been recorded.")
                return redirect("connections:case_connections", case_id=case.uuid)
        status = 400
    else:
        form = GapForm(initial={"place": case.person.postcode.split(" ")[0]})
    return render(
        request,
        "connections/gap_form.html",
        {"case": case, "person": case.person, "form": form, "case_url": case_url(case)},
        status=status,
    )


@login_required
def gap_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not case_team_ids(user):
        raise PermissionDenied("Gaps in provision are recorded by link-worker teams.")
    gaps = list(gaps_for_user(user)[:500])
    return render(request, "connections/gap_list.html", {"gaps": gaps})
