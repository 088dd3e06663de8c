"""Evidence pages at /evidence/ (thin: parse -> access helper -> selector -> present -> render).

Access (access.py): commissioners, team managers and administrators; other signed-in users get
403; anonymous visitors the sign-in page; a filter naming a link-worker service the user may
not see is 404 (its existence is not confirmed). Every figure is disclosure-controlled unless
the user holds `reports.view_unsuppressed`, and showing raw figures is audited.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from linkwell.analysis.disclosure import can_see_unsuppressed, record_unsuppressed_access
from linkwell.analysis.filters import ReportFilter
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import apply_errors
from linkwell.evidence import present
from linkwell.evidence.access import (
    get_area_for_user,
    get_practice_for_user,
    get_service_for_user,
    require_evidence_access,
    require_payments_access,
    service_ids_for_evidence,
    user_can_edit_unit_costs,
    user_can_see_payments,
)
from linkwell.evidence.costs import defaults_note, unit_costs
from linkwell.evidence.forms import (
    EquityForm,
    FilterForm,
    GapRecipientForm,
    OutcomesForm,
    ProvidersForm,
    ServiceUseForm,
    UnitCostForm,
)
from linkwell.evidence.funnel import render_svg
from linkwell.evidence.gaps import gap_recipient_add
from linkwell.evidence.models import ActivityKind, GapDigest, GapRecipient
from linkwell.evidence.payments import (
    CSV_COLUMNS,
    PaymentRuleError,
    outcome_payments,
    payment_rule,
    publish_payments,
)
from linkwell.evidence.selectors import (
    COHORT_DIMENSIONS,
    FUNNEL_METRICS,
    equity_reach,
    outcome_cohorts,
    provider_funnel,
    provider_performance,
    service_use_comparison,
)
from linkwell.evidence.services import unit_cost_set
from linkwell.outcomes.registry import UnknownInstrument


def _filters(request: HttpRequest) -> tuple[FilterForm, ReportFilter | None]:
    """The shared filter: 404 for a service the user may not see, form errors for bad dates."""
    user = request.user
    service_ids = service_ids_for_evidence(user=user)
    service = practice = area = None
    if request.GET.get("service"):
        service = get_service_for_user(user=user, service_id=request.GET["service"])
    if request.GET.get("practice"):
        practice = get_practice_for_user(user=user, practice_id=request.GET["practice"])
    if request.GET.get("area"):
        area = get_area_for_user(user=user, area_id=request.GET["area"])
    form = FilterForm(request.GET, service_ids=service_ids)
    if not form.is_valid():
        return form, None
    return form, ReportFilter(
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
        area=area,
        practice=practice,
        service=service,
    )


def _unsuppressed(request: HttpRequest, what: str, filters: ReportFilter | None) -> bool:
    if not can_see_unsuppressed(request.user):
        return False
    record_unsuppressed_access(
        user=request.user,
        what=what,
        detail={"filter": filters.describe() if filters else "", "path": request.get_full_path()},
    )
    return True


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], *, bad: bool = False
) -> HttpResponse:
    context.setdefault("query", request.GET.urlencode())
    return render(request, template, context, status=400 if bad else 200)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require_evidence_access(user=request.user)
    return render(
        request,
        "evidence/index.html",
        {
            "can_edit_costs": user_can_edit_unit_costs(user=request.user),
            "can_see_payments": user_can_see_payments(user=request.user),
        },
    )


@login_required
def outcomes(request: HttpRequest) -> HttpResponse:
    require_evidence_access(user=request.user)
    filter_form, filters = _filters(request)
    form = OutcomesForm(request.GET or None)
    context: dict[str, Any] = {"filter_form": filter_form, "form": form, "rows": None}
    if request.GET and filters is not None and form.is_valid():
        data = form.cleaned_data
        try:
            rows = outcome_cohorts(
                user=request.user,
                filters=filters,
                instrument_id=data["instrument"],
                by=data["by"] or None,
                item=data["item"] or None,
                followup_timepoint=data["followup"] or None,
            )
        except (ValueError, UnknownInstrument) as exc:
            form.add_error(None, str(exc))
        else:
            unsuppressed = _unsuppressed(
                request, f"evidence outcomes {data['instrument']}", filters
            )
            context.update(
                rows=present.outcome_rows(rows, unsuppressed=unsuppressed),
                unsuppressed=unsuppressed,
                by_label=COHORT_DIMENSIONS.get(data["by"], ""),
                filters=filters,
            )
    bad = bool(request.GET) and (filter_form.errors or form.errors)
    return _page(request, "evidence/outcomes.html", context, bad=bool(bad))


@login_required
def service_use(request: HttpRequest) -> HttpResponse:
    require_evidence_access(user=request.user)
    filter_form, filters = _filters(request)
    form = ServiceUseForm(request.GET)
    context: dict[str, Any] = {"filter_form": filter_form, "form": form, "result": None}
    if filters is not None and form.is_valid():
        result = service_use_comparison(
            user=request.user,
            filters=filters,
            months_before=form.cleaned_data["months_before"] or 6,
            months_after=form.cleaned_data["months_after"] or 6,
        )
        unsuppressed = _unsuppressed(request, "evidence service use", filters)
        context.update(
            result=present.service_use(result, unsuppressed=unsuppressed),
            unsuppressed=unsuppressed,
            filters=filters,
            note=defaults_note(),
        )
    return _page(
        request,
        "evidence/service_use.html",
        context,
        bad=bool(filter_form.errors or form.errors),
    )


@login_required
def equity(request: HttpRequest) -> HttpResponse:
    require_evidence_access(user=request.user)
    filter_form, filters = _filters(request)
    form = EquityForm(request.GET if "by" in request.GET else {"by": "imd_quintile"})
    context: dict[str, Any] = {"filter_form": filter_form, "form": form, "rows": None}
    if filters is not None and form.is_valid():
        result = equity_reach(user=request.user, filters=filters, by=form.cleaned_data["by"])
        unsuppressed = _unsuppressed(request, f"evidence equity {result.dimension}", filters)
        context.update(
            rows=present.equity(result, unsuppressed=unsuppressed),
            result=result,
            unsuppressed=unsuppressed,
            filters=filters,
        )
    return _page(
        request, "evidence/equity.html", context, bad=bool(filter_form.errors or form.errors)
    )


def _provider_figures(request: HttpRequest) -> dict[str, Any]:
    filter_form, filters = _filters(request)
    form = ProvidersForm(request.GET)
    context: dict[str, Any] = {"filter_form": filter_form, "form": form, "rows": None}
    if filters is not None and form.is_valid():
        metric = form.cleaned_data["metric"] or "acceptance"
        rows = provider_performance(
            user=request.user,
            filters=filters,
            outcome_instrument=form.cleaned_data["instrument"] or None,
        )
        data = provider_funnel(rows, metric=metric)
        unsuppressed = _unsuppressed(request, "evidence provider performance", filters)
        context.update(
            rows=present.providers(rows, data, unsuppressed=unsuppressed),
            funnel=present.funnel_for_display(data, unsuppressed=unsuppressed),
            metric=metric,
            metric_label=FUNNEL_METRICS[metric][0],
            unsuppressed=unsuppressed,
            filters=filters,
        )
    return context


@login_required
def providers(request: HttpRequest) -> HttpResponse:
    require_evidence_access(user=request.user)
    context = _provider_figures(request)
    return _page(
        request,
        "evidence/providers.html",
        context,
        bad=bool(context["filter_form"].errors or context["form"].errors),
    )


@login_required
def funnel_svg(request: HttpRequest) -> HttpResponse:
    """The funnel plot as an SVG image (an <img> on the providers page: no inline script)."""
    require_evidence_access(user=request.user)
    context = _provider_figures(request)
    if context["rows"] is None:
        return HttpResponse("Correct the filters.", status=400, content_type="text/plain")
    svg = render_svg(context["funnel"], title=context["metric_label"])
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def unit_cost_list(request: HttpRequest) -> HttpResponse:
    require_evidence_access(user=request.user)
    return render(
        request,
        "evidence/unit_costs.html",
        {
            "costs": list(unit_costs().values()),
            "note": defaults_note(),
            "can_edit": user_can_edit_unit_costs(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_cost_edit(request: HttpRequest, kind: str) -> HttpResponse:
    require_evidence_access(user=request.user)
    if kind not in ActivityKind.values:
        raise Http404("No such kind of contact")
    if not user_can_edit_unit_costs(user=request.user):
        raise PermissionDenied("Only commissioners and administrators can change unit costs.")
    current = unit_costs()[kind]
    if request.method == "POST":
        form = UnitCostForm(request.POST)
        if form.is_valid():
            try:
                unit_cost_set(
                    actor=request.user,
                    kind=kind,
                    cost=form.cleaned_data["cost"],
                    source=form.cleaned_data["source"],
                )
            except ValueError as exc:
                form.add_error("cost", str(exc))
            else:
                return redirect("evidence:unit_costs")
        status = 400
    else:
        form = UnitCostForm(initial={"cost": current.cost, "source": current.source})
        status = 200
    return render(
        request, "evidence/unit_cost_edit.html", {"form": form, "cost": current}, status=status
    )


def _payment_figures(request: HttpRequest, what: str) -> dict[str, Any]:
    filter_form, filters = _filters(request)
    context: dict[str, Any] = {"filter_form": filter_form, "form": None, "rows": None}
    try:
        rule = payment_rule()
    except PaymentRuleError as exc:
        context["rule_error"] = str(exc)
        return context
    context["rule"] = rule
    if filters is not None:
        rows = outcome_payments(user=request.user, filters=filters, rule=rule)
        unsuppressed = _unsuppressed(request, what, filters)
        context.update(
            rows=publish_payments(rows, unsuppressed=unsuppressed),
            unsuppressed=unsuppressed,
            filters=filters,
        )
    return context


@login_required
def payments(request: HttpRequest) -> HttpResponse:
    """The outcome payment schedule per provider for a period (commissioners, administrators)."""
    require_payments_access(user=request.user)
    context = _payment_figures(request, "evidence outcome payments")
    bad = bool(context["filter_form"].errors) or "rule_error" in context
    return _page(request, "evidence/payments.html", context, bad=bad)


@login_required
def payments_csv(request: HttpRequest) -> HttpResponse:
    """The same schedule as CSV, with the same disclosure control."""
    require_payments_access(user=request.user)
    context = _payment_figures(request, "evidence outcome payments CSV")
    if context["rows"] is None:
        message = context.get("rule_error") or "Correct the filters."
        return HttpResponse(message, status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="outcome-payments.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for row in context["rows"]:
        writer.writerow([row[key] for key, _ in CSV_COLUMNS])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def gaps(request: HttpRequest) -> HttpResponse:
    """Who is sent the gaps in provision (services, community champions) and what was sent."""
    require_payments_access(user=request.user)
    status = 200
    form = GapRecipientForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                gap_recipient_add(
                    actor=request.user,
                    name=data["name"],
                    email=data["email"],
                    kind=data["kind"],
                    need=form.terms.get(data["need"] or ""),
                    area=form.areas.get(data["area"] or ""),
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, f"{data['name']} will be sent the gaps digest.")
                return redirect("evidence:gaps")
        status = 400
    return render(
        request,
        "evidence/gaps.html",
        {
            "form": form,
            "recipients": list(GapRecipient.objects.select_related("need", "area")),
            "digests": list(GapDigest.objects.select_related("recipient")[:100]),
        },
        status=status,
    )
