"""Public pages, no sign-in: open rounds, the application form, its confirmation, and the
grantee's report through the signed link emailed with the offer.

Abuse controls (`abuse.py`): hourly limits per client, a honeypot, a signed form-shown-at
token, length limits in the forms and the services. Everything wrong is reported at once;
nothing is saved.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import apply_errors
from linkwell.grants import abuse
from linkwell.grants.forms import MonitoringForm, NewActivityForm, PublicApplicationForm
from linkwell.grants.models import MonitoringReport, WhoMayApply
from linkwell.grants.selectors.gaps import gap_choices
from linkwell.grants.selectors.rounds import open_rounds
from linkwell.grants.services import application_submit, monitoring_report_submit
from linkwell.grants.services.applications import application_errors
from linkwell.grants.services.monitoring import application_for_token

APPLY = "grant-apply"
REPORT = "grant-report"


@never_cache
def rounds(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/public_rounds.html", {"rounds": list(open_rounds())})


def _spam_checks(request: HttpRequest, form: Any, scope: str) -> HttpResponse | None:
    if abuse.posts_over_limit(request, scope) or abuse.limit_reached(request, scope):
        return render(request, "grants/public_busy.html", status=429)
    form.is_valid()
    if str(form.data.get("website_url", "")).strip():
        # Only a script fills the hidden field. Tell it nothing useful.
        return render(request, "grants/public_rejected.html", status=400)
    problem = abuse.token_problem(str(form.data.get("form_token", "")))
    if problem:
        form.add_error(None, problem)
    return None


def _fresh_token(request: HttpRequest, form: Any) -> None:
    # Dated when the form was first shown: a quick correction is not taken for a script.
    token = str(form.data.get("form_token", "")) if form.is_bound else ""
    fresh = abuse.make_form_token(issued_at=abuse.token_issued_at(token))
    if form.is_bound:
        data = request.POST.copy()
        data["form_token"] = fresh
        form.data = data
    else:
        form.initial["form_token"] = fresh


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_ = next((r for r in open_rounds() if r.uuid == round_id), None)
    if round_ is None:
        raise Http404("No such open round")
    tiers = round_.programme.tiers.filter(who_may_apply=WhoMayApply.ANYONE)
    choices = gap_choices(round_.programme)
    form = PublicApplicationForm(
        request.POST if request.method == "POST" else None, tiers=tiers, gap_choices=choices
    )
    status = 200
    if request.method == "POST":
        refused = _spam_checks(request, form, APPLY)
        if refused is not None:
            return refused
        tier = form.cleaned_data.get("tier") if hasattr(form, "cleaned_data") else None
        gap_keys = request.POST.getlist("gaps")
        if form.errors:
            errors, _clean, _ids = application_errors(
                actor=None, round_=round_, tier=tier, data=form.data, gap_keys=gap_keys
            )
            for key, messages in errors.items():
                if key in form.fields and key not in form.errors:
                    for message in messages:
                        form.add_error(key, message)
        else:
            try:
                application = application_submit(
                    actor=None,
                    round_=round_,
                    tier=tier,
                    data=form.application_data(),
                    gap_keys=form.cleaned_data.get("gaps") or [],
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                abuse.count_accepted(request, APPLY)
                request.session[APPLY] = {
                    "reference": application.reference,
                    "programme": round_.programme.name,
                    "round": round_.name,
                    "email": application.applicant_email,
                }
                return redirect("grants:apply_done")
        status = 400
    _fresh_token(request, form)
    return render(
        request, "grants/apply.html", {"form": form, "round": round_, "public": True}, status=status
    )


@never_cache
def apply_done(request: HttpRequest) -> HttpResponse:
    info = request.session.get(APPLY)
    if not info:
        return redirect("grants:rounds")
    return render(request, "grants/apply_done.html", {"info": info})


def report_page(
    request: HttpRequest, *, application: Any, actor: Any, template_extra: dict[str, Any]
) -> HttpResponse | tuple[MonitoringForm, NewActivityForm, int]:
    """The monitoring form, shared by the grantee's link and staff on their behalf: returns a
    redirect response when saved, else the forms and status to render."""
    post = request.POST if request.method == "POST" else None
    form = MonitoringForm(post)
    activity = NewActivityForm(post, initial={"asset_kind": "group"})
    status = 200
    if post is not None:
        form.is_valid()
        wants_activity = bool(form.cleaned_data.get("new_activity"))
        if wants_activity:
            activity.is_valid()
        status = 400
        if not form.errors and not (wants_activity and activity.errors):
            new_activity = None
            if wants_activity:
                new_activity = {
                    k: v
                    for k, v in activity.suggestion_data().items()
                    if k not in ("suggester_name", "suggester_email")
                }
            try:
                monitoring_report_submit(
                    actor=actor,
                    application=application,
                    what_happened=form.cleaned_data.get("what_happened") or "",
                    people_reached=form.cleaned_data.get("people_reached"),
                    new_activity=new_activity,
                )
            except ValidationFailed as exc:
                apply_errors(exc, form, activity)
            else:
                return redirect(template_extra["done_url"])
    return form, activity, status


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    application = application_for_token(token)
    if application is None:
        return render(request, "grants/report_link_problem.html", status=404)
    if MonitoringReport.objects.filter(application=application).exists():
        return render(request, "grants/report_done.html", {"application": application})
    if request.method == "POST" and abuse.posts_over_limit(request, REPORT):
        return render(request, "grants/public_busy.html", status=429)
    result = report_page(
        request,
        application=application,
        actor=None,
        template_extra={"done_url": request.path},
    )
    if isinstance(result, HttpResponse):
        return result
    form, activity, status = result
    return render(
        request,
        "grants/report.html",
        {"form": form, "activity": activity, "application": application},
        status=status,
    )
