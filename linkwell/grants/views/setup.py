"""Setting up grants, for programme managers: programmes, their tiers, rounds (dates, budget),
a round's criteria and its panel. Each view: access helper -> form -> service -> redirect
(`access.py`: 404 for anyone not managing the programme, 403 for a read-only manager)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import error_text, run_form
from linkwell.grants.access import (
    get_criterion_for_user,
    get_panel_member_for_user,
    get_programme_for_user,
    get_round_for_user,
    get_tier_for_user,
    manager_org_ids,
    organisations_for_new_programme,
)
from linkwell.grants.forms import (
    CriterionForm,
    PanelMemberForm,
    ProgrammeForm,
    RoundForm,
    TierForm,
)
from linkwell.grants.models import Round
from linkwell.grants.selectors.money import awarded_total
from linkwell.grants.services import (
    criterion_add,
    criterion_update,
    panel_member_add_by_email,
    panel_member_remove,
    programme_create,
    programme_update,
    round_create,
    round_state,
    round_update,
    tier_add,
    tier_update,
)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    service: Callable[[dict[str, Any]], Any],
    *,
    done: Callable[[Any], str],
    context: dict[str, Any],
    field_names: dict[str, str] | None = None,
) -> HttpResponse:
    """GET shows `form`; POST runs `service` and goes to `done(result)`, or shows the form
    again with its errors (400, or 409 for a stale round)."""
    status = 200
    if request.method == "POST":
        result = run_form(form, service, field_names=field_names)
        if result.ok:
            return redirect(done(result.result))
        status = result.status
    return render(request, "grants/setup_form.html", {"form": form, **context}, status=status)


def _amount(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal("0")


# --- Programmes ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = organisations_for_new_programme(request.user)
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        initial={"organisation": organisations[0].uuid} if len(organisations) == 1 else {},
    )
    return _form_page(
        request,
        form,
        lambda data: programme_create(
            actor=request.user,
            organisation=data["organisation"],
            name=data.get("name") or "",
            summary=data.get("summary") or "",
            eligibility=data.get("eligibility") or "",
        ),
        done=lambda p: reverse("grants:programme", args=[p.uuid]),
        context={
            "title": "Set up a grant programme",
            "button": "Set up the programme",
            "back": reverse("grants:home"),
        },
    )


@login_required
def programme_detail(request: AuthenticatedHttpRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_id)
    rounds = list(programme.rounds.all())
    for r in rounds:
        r.state = round_state(r)  # type: ignore[attr-defined]
    return render(
        request,
        "grants/programme.html",
        {
            "programme": programme,
            "tiers": list(programme.tiers.order_by("position", "pk")),
            "rounds": rounds,
            "writable": programme.organisation_id in manager_org_ids(request.user, write=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: AuthenticatedHttpRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_id, manage=True)
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": programme.name,
            "summary": programme.summary,
            "eligibility": programme.eligibility,
        },
    )
    back = reverse("grants:programme", args=[programme.uuid])
    return _form_page(
        request,
        form,
        lambda data: programme_update(
            actor=request.user,
            programme=programme,
            name=data.get("name") or "",
            summary=data.get("summary") or "",
            eligibility=data.get("eligibility") or "",
        ),
        done=lambda _p: back,
        context={"title": "Change the programme", "caption": programme.name, "back": back},
    )


# --- Tiers -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tier_new(request: AuthenticatedHttpRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_id, manage=True)
    form = TierForm(request.POST if request.method == "POST" else None)
    back = reverse("grants:programme", args=[programme.uuid])
    return _form_page(
        request,
        form,
        lambda data: tier_add(
            actor=request.user,
            programme=programme,
            name=data.get("name") or "",
            description=data.get("description") or "",
            minimum_amount=_amount(data.get("minimum_amount")),
            maximum_amount=_amount(data.get("maximum_amount")),
            who_may_apply=data.get("who_may_apply") or "",
        ),
        done=lambda _t: back + "#tiers",
        context={"title": "Add a tier", "caption": programme.name, "back": back},
    )


@login_required
@require_http_methods(["GET", "POST"])
def tier_edit(request: AuthenticatedHttpRequest, tier_id: uuid.UUID) -> HttpResponse:
    tier = get_tier_for_user(request.user, tier_id)
    form = TierForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": tier.name,
            "description": tier.description,
            "minimum_amount": tier.minimum_amount,
            "maximum_amount": tier.maximum_amount,
            "who_may_apply": tier.who_may_apply,
        },
    )
    back = reverse("grants:programme", args=[tier.programme.uuid])
    return _form_page(
        request,
        form,
        lambda data: tier_update(
            actor=request.user,
            tier=tier,
            name=data.get("name") or "",
            description=data.get("description") or "",
            minimum_amount=_amount(data.get("minimum_amount")),
            maximum_amount=_amount(data.get("maximum_amount")),
            who_may_apply=data.get("who_may_apply") or "",
        ),
        done=lambda _t: back + "#tiers",
        context={
            "title": f"Change the {tier.name} tier",
            "caption": tier.programme.name,
            "back": back,
        },
    )


# --- Rounds ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: AuthenticatedHttpRequest, programme_id: uuid.UUID) -> HttpResponse:
    programme = get_programme_for_user(request.user, programme_id, manage=True)
    form = RoundForm(request.POST if request.method == "POST" else None)
    del form.fields["version"]
    return _form_page(
        request,
        form,
        lambda data: round_create(
            actor=request.user,
            programme=programme,
            name=data.get("name") or "",
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            budget=_amount(data.get("budget")),
        ),
        done=lambda r: reverse("grants:round", args=[r.uuid]),
        context={
            "title": "Open a new round",
            "caption": programme.name,
            "button": "Open the round",
            "back": reverse("grants:programme", args=[programme.uuid]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: AuthenticatedHttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_, _access = get_round_for_user(request.user, round_id, manage=True)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": round_.name,
            "opens_on": round_.opens_on,
            "closes_on": round_.closes_on,
            "budget": round_.budget,
            "version": round_.version,
        },
    )
    back = reverse("grants:round", args=[round_.uuid])
    awarded = awarded_total(round_)
    return _form_page(
        request,
        form,
        lambda data: round_update(
            actor=request.user,
            round_=round_,
            name=data.get("name") or "",
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            budget=_amount(data.get("budget")),
            expected_version=data.get("version"),
        ),
        done=lambda _r: back,
        context={
            "title": "Change the round",
            "caption": f"{round_.programme.name}: {round_.name}",
            "hint": f"Awarded so far: £{awarded:,.2f}. The budget cannot go below it; the "
            "dates are fixed once an application has been decided."
            if awarded
            else "The dates are fixed once an application has been decided.",
            "back": back,
        },
    )


# --- Criteria --------------------------------------------------------------------------------


def _criterion_context(round_: Round, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "caption": f"{round_.programme.name}: {round_.name}",
        "hint": "Criteria are published with the round and fixed once it has applications.",
        "back": reverse("grants:round", args=[round_.uuid]) + "#criteria",
    }


@login_required
@require_http_methods(["GET", "POST"])
def criterion_new(request: AuthenticatedHttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_, _access = get_round_for_user(request.user, round_id, manage=True)
    form = CriterionForm(request.POST if request.method == "POST" else None)
    context = _criterion_context(round_, "Add a criterion")
    return _form_page(
        request,
        form,
        lambda data: criterion_add(
            actor=request.user,
            round_=round_,
            name=data.get("name") or "",
            description=data.get("description") or "",
            max_score=data["max_score"],
            weight=data["weight"],
        ),
        done=lambda _c: context["back"],
        context=context,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: AuthenticatedHttpRequest, criterion_id: uuid.UUID) -> HttpResponse:
    criterion = get_criterion_for_user(request.user, criterion_id)
    form = CriterionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": criterion.name,
            "description": criterion.description,
            "max_score": criterion.max_score,
            "weight": criterion.weight,
        },
    )
    context = _criterion_context(criterion.round, f"Change the criterion {criterion.name}")
    return _form_page(
        request,
        form,
        lambda data: criterion_update(
            actor=request.user,
            criterion=criterion,
            name=data.get("name") or "",
            description=data.get("description") or "",
            max_score=data["max_score"],
            weight=data["weight"],
        ),
        done=lambda _c: context["back"],
        context=context,
    )


# --- The panel -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def panel_add(request: AuthenticatedHttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_, _access = get_round_for_user(request.user, round_id, manage=True)
    form = PanelMemberForm(request.POST if request.method == "POST" else None)
    back = reverse("grants:round", args=[round_.uuid]) + "#panel"
    return _form_page(
        request,
        form,
        lambda data: panel_member_add_by_email(
            actor=request.user, round_=round_, email=data.get("email") or ""
        ),
        done=lambda _m: back,
        context={
            "title": "Add a panel member",
            "caption": f"{round_.programme.name}: {round_.name}",
            "button": "Add to the panel",
            "back": back,
        },
        field_names={"user": "email", "community_member": "email"},
    )


@login_required
@require_POST
def panel_remove(request: AuthenticatedHttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = get_panel_member_for_user(request.user, member_id)
    try:
        panel_member_remove(actor=request.user, member=member)
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, f"{member.user.full_name or member.user.email} is no longer on the panel."
        )
    return redirect(reverse("grants:round", args=[member.round.uuid]) + "#panel")
