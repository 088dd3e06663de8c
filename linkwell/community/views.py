"""Community suggestions (public form, moderation, venue requests, contact confirmation) and
timetable feeds. Thin: parse -> access helper -> service/selector -> render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import User
from linkwell.community import abuse
from linkwell.community.access import (
    DECIDE,
    PREPARE,
    get_suggestion_for_user,
    get_venue_request_for_user,
    partner_organisation_ids,
    require_moderator,
)
from linkwell.community.forms import (
    MergeForm,
    ModeratorEditForm,
    PublicSuggestionForm,
    RejectForm,
    TimetableForm,
    VenueDecisionForm,
    VersionForm,
)
from linkwell.community.models import FeedStatus, Suggestion, SuggestionStatus
from linkwell.community.selectors import feed_for_service, moderation_queue, venue_requests
from linkwell.community.services import (
    ContactLinkError,
    contact_confirm_by_link,
    suggestion_approve,
    suggestion_from_contact_token,
    suggestion_merge,
    suggestion_partner_decide,
    suggestion_reject,
    suggestion_submit,
    suggestion_update,
)
from linkwell.community.timetables import feed_attach, feed_remove
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import apply_errors, run_form
from linkwell.core.formtoken import ALREADY_SENT
from linkwell.directory.access import (
    can_edit_organization,
    can_see_quality_detail,
    get_service_for_user,
)
from linkwell.directory.models import Service

# --- The public suggestion form ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def suggest(request: HttpRequest) -> HttpResponse:
    form = PublicSuggestionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if abuse.over_rate_limit(request):
            return render(request, "community/suggest_busy.html", status=429)
        if form.is_valid():
            if form.cleaned_data.get("website_url"):
                # Only a script fills the hidden field. Tell it nothing useful.
                return render(request, "community/suggest_rejected.html", status=400)
            token = form.cleaned_data.get("form_token", "")
            problem = abuse.FORM_TOKEN.problem(token)
            if problem:
                form.add_error(None, problem)
            elif not abuse.FORM_TOKEN.claim(token):
                form.add_error(None, ALREADY_SENT)
            else:
                try:
                    suggestion = suggestion_submit(actor=request.user, data=form.suggestion_data())
                except ValidationFailed as exc:
                    abuse.FORM_TOKEN.release(token)
                    apply_errors(exc, form)
                else:
                    request.session["community_suggestion"] = {
                        "name": suggestion.name,
                        "partner": str(suggestion.partner_organisation or ""),
                        "has_contact": suggestion.has_contact,
                        "can_reply": bool(suggestion.suggester_email),
                    }
                    return redirect("community:suggest_done")
        status = 400
    # A fresh token (a new nonce), dated when the form was first shown.
    fresh = abuse.FORM_TOKEN.fresh(str(request.POST.get("form_token", "")))
    if form.is_bound:
        data = request.POST.copy()
        data["form_token"] = fresh
        form.data = data
    else:
        form.initial["form_token"] = fresh
    return render(request, "community/suggest.html", {"form": form}, status=status)


@never_cache
def suggest_done(request: HttpRequest) -> HttpResponse:
    info = request.session.get("community_suggestion")
    if not info:
        return redirect("community:suggest")
    return render(request, "community/suggest_done.html", {"info": info})


# --- Contact confirmation (emailed link; no sign-in) ----------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def contact_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows what would be published: email link scanners must not confirm anything.
    try:
        if request.method == "POST":
            suggestion = contact_confirm_by_link(token=token)
            return render(request, "community/contact_confirmed.html", {"suggestion": suggestion})
        suggestion = suggestion_from_contact_token(token)
    except ContactLinkError as exc:
        return render(
            request,
            "community/contact_link_problem.html",
            {"message": str(exc), "reason": exc.reason},
            status=410 if exc.reason in ("expired", "used") else 404,
        )
    return render(request, "community/contact_confirm.html", {"suggestion": suggestion})


# --- Moderation --------------------------------------------------------------------------------


@login_required
def moderation(request: AuthenticatedHttpRequest) -> HttpResponse:
    level = require_moderator(request.user)
    wanted = request.GET.get("status", SuggestionStatus.PENDING)
    if wanted not in SuggestionStatus.values:
        wanted = SuggestionStatus.PENDING
    rows = list(moderation_queue(user=request.user, status=wanted))
    return render(
        request,
        "community/moderation.html",
        {
            "rows": rows,
            "status": wanted,
            "statuses": SuggestionStatus.choices,
            "can_decide": level == DECIDE,
        },
    )


def _detail(
    request: AuthenticatedHttpRequest, suggestion: Suggestion, status: int = 200, **forms: Any
) -> HttpResponse:
    level = require_moderator(request.user)
    version = {"version": suggestion.version}
    return render(
        request,
        "community/moderation_detail.html",
        {
            "suggestion": suggestion,
            "can_decide": level == DECIDE,
            "can_prepare": level in (DECIDE, PREPARE),
            "approve_form": forms.get("approve_form") or VersionForm(initial=version),
            "reject_form": forms.get("reject_form") or RejectForm(initial=version),
            "merge_form": forms.get("merge_form") or MergeForm(initial=version),
            "has_errors": any(f.errors for f in forms.values()),
        },
        status=status,
    )


@login_required
def moderation_detail(request: AuthenticatedHttpRequest, suggestion_id: uuid.UUID) -> HttpResponse:
    suggestion = get_suggestion_for_user(request.user, suggestion_id)
    return _detail(request, suggestion)


@login_required
@require_http_methods(["GET", "POST"])
def moderation_edit(request: AuthenticatedHttpRequest, suggestion_id: uuid.UUID) -> HttpResponse:
    suggestion = get_suggestion_for_user(request.user, suggestion_id, need=PREPARE)
    if suggestion.status != SuggestionStatus.PENDING:
        messages.info(request, "This suggestion has been decided and can no longer be edited.")
        return redirect("community:moderation_detail", suggestion_id=suggestion.uuid)
    status = 200
    if request.method == "POST":
        form = ModeratorEditForm(request.POST)
        done = run_form(
            form,
            lambda data: suggestion_update(
                actor=request.user,
                suggestion=suggestion,
                data=form.suggestion_data(),
                expected_version=data["version"],
            ),
        )
        if done.ok:
            messages.success(request, "The suggestion has been updated.")
            return redirect("community:moderation_detail", suggestion_id=suggestion.uuid)
        status = done.status
    else:
        form = ModeratorEditForm(initial=ModeratorEditForm.initial_from(suggestion))
    return render(
        request,
        "community/moderation_edit.html",
        {"suggestion": suggestion, "form": form},
        status=status,
    )


@login_required
@require_POST
def moderation_approve(request: AuthenticatedHttpRequest, suggestion_id: uuid.UUID) -> HttpResponse:
    suggestion = get_suggestion_for_user(request.user, suggestion_id, need=DECIDE)
    form = VersionForm(request.POST)
    done = run_form(
        form,
        lambda data: suggestion_approve(
            actor=request.user, suggestion=suggestion, expected_version=data["version"]
        ),
    )
    if done.result is not None:
        service = done.result
        messages.success(request, f"“{service.name}” is now in the directory.")
        return redirect("directory:service_detail", service_id=service.uuid)
    return _detail(request, suggestion, status=done.status, approve_form=form)


@login_required
@require_POST
def moderation_reject(request: AuthenticatedHttpRequest, suggestion_id: uuid.UUID) -> HttpResponse:
    suggestion = get_suggestion_for_user(request.user, suggestion_id, need=DECIDE)
    form = RejectForm(request.POST)
    done = run_form(
        form,
        lambda data: suggestion_reject(
            actor=request.user,
            suggestion=suggestion,
            reason=data["reason"],
            tell_suggester=data["tell_suggester"],
            expected_version=data["version"],
        ),
    )
    if done.ok:
        messages.success(request, f"“{suggestion.name}” has been rejected.")
        return redirect("community:moderation")
    return _detail(request, suggestion, status=done.status, reject_form=form)


@login_required
@require_POST
def moderation_merge(request: AuthenticatedHttpRequest, suggestion_id: uuid.UUID) -> HttpResponse:
    suggestion = get_suggestion_for_user(request.user, suggestion_id, need=DECIDE)
    form = MergeForm(request.POST)
    service = None
    if form.is_valid():
        service = Service.objects.filter(uuid=form.cleaned_data["service"]).first()
        if service is None:
            form.add_error("service", "There is no listing with that id")

    def merge(data: dict[str, Any]) -> Suggestion:
        assert service is not None  # a missing listing is a form error: run_form stops there
        return suggestion_merge(
            actor=request.user,
            suggestion=suggestion,
            service=service,
            expected_version=data["version"],
        )

    done = run_form(form, merge)
    if done.ok and service is not None:
        messages.success(request, f"The suggestion was merged into “{service.name}”.")
        return redirect("directory:service_detail", service_id=service.uuid)
    return _detail(request, suggestion, status=done.status, merge_form=form)


# --- Venue requests (the partner who owns a venue) -------------------------------------------------


@login_required
def venue_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not partner_organisation_ids(request.user):
        raise Http404("No such page")
    rows = list(venue_requests(user=request.user))
    return render(request, "community/venue_requests.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def venue_request_detail(
    request: AuthenticatedHttpRequest, suggestion_id: uuid.UUID
) -> HttpResponse:
    write = request.method == "POST"
    suggestion = get_venue_request_for_user(request.user, suggestion_id, write=write)
    form = VenueDecisionForm(request.POST if write else None)
    status = 200
    if write:
        if form.is_valid():
            try:
                suggestion_partner_decide(
                    actor=request.user,
                    suggestion=suggestion,
                    agree=form.cleaned_data["decision"] == "agree",
                    note=form.cleaned_data["note"],
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, "Thank you: the link workers can see your answer.")
                return redirect("community:venue_requests")
        status = 400
    return render(
        request,
        "community/venue_request_detail.html",
        {
            "suggestion": suggestion,
            "form": form,
            "can_decide": suggestion.partner_organisation_id
            in partner_organisation_ids(request.user, write=True),
        },
        status=status,
    )


# --- Timetable feeds -------------------------------------------------------------------------------


def _service_for_timetable(user: User, service_id: uuid.UUID, *, write: bool) -> Service:
    """Provider staff of the owner and directory editors; the owner's read-only members may look
    (403 on changes); others 404."""
    if write:
        return get_service_for_user(user, service_id, write=True)
    service = get_service_for_user(user, service_id)
    if not (
        can_edit_organization(user, service.organization)
        or (
            service.organization.owner_id is not None
            and can_see_quality_detail(user, service.organization)
        )
    ):
        raise Http404("No such service")
    return service


@login_required
@require_http_methods(["GET", "POST"])
def timetable(request: AuthenticatedHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    user = request.user
    write = request.method == "POST"
    service = _service_for_timetable(user, service_id, write=write)
    form = TimetableForm(request.POST or None, request.FILES or None)
    status = 200
    if write:
        if form.is_valid():
            try:
                uploaded = form.uploaded_text()
                upload = form.cleaned_data.get("upload")
                attached = feed_attach(
                    actor=user,
                    service=service,
                    url=form.cleaned_data.get("url") or "",
                    uploaded=uploaded,
                    filename=upload.name if upload is not None else "",
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                from linkwell.community.tasks import import_timetable_feed

                import_timetable_feed.enqueue(str(attached.uuid))
                messages.success(
                    request,
                    "Your timetable will be imported shortly. Check this page for the result.",
                )
                return redirect("community:timetable", service_id=service.uuid)
        status = 400
    feed = feed_for_service(service=service)
    return render(
        request,
        "community/timetable.html",
        {
            "service": service,
            "feed": feed,
            "form": form,
            "failed": feed is not None and feed.status == FeedStatus.FAILED,
            "can_edit": can_edit_organization(user, service.organization),
        },
        status=status,
    )


@login_required
@require_POST
def timetable_remove(request: AuthenticatedHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = _service_for_timetable(request.user, service_id, write=True)
    feed = feed_for_service(service=service)
    if feed is None:
        raise Http404("No timetable feed")
    feed_remove(actor=request.user, feed=feed)
    messages.success(request, "The timetable feed and the sessions it brought in were removed.")
    return redirect("community:timetable", service_id=service.uuid)
