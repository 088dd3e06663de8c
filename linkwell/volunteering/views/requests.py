"""Support requests and matches: the coordinator's queue, recording a referral, a request's page
with the ranked volunteers, a match's page with reviews and ending, and the link worker's referral
from a case. Thin: access helper -> selector/service -> render.

Access: coordinators through `volunteering.access` (outsiders 404, read-only 403 on changes);
link workers through the case's own rule (`casework.access.get_case_for_user`). Every page that
shows the person logs the read.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Organisation
from linkwell.audit.access_log import log_access, log_list_access
from linkwell.casework.access import get_case_for_user
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import STALE, run_form
from linkwell.people.models import Person
from linkwell.people.services import PersonDetails, PossibleDuplicates
from linkwell.volunteering import selectors, services
from linkwell.volunteering.access import (
    coordinating_organisations,
    coordinator_org_ids,
    get_match_for_user,
    get_member_for_user,
    get_request_for_user,
    is_coordinator,
)
from linkwell.volunteering.models import SupportRequest, SupportRole
from linkwell.volunteering.request_forms import (
    CloseForm,
    EndForm,
    ExcludeForm,
    IntroduceForm,
    ReferralForm,
    RequestFieldsForm,
    ReviewForm,
)


def _org_choices(organisations: Any) -> list[tuple[str, str]]:
    return [(str(o.uuid), o.name) for o in organisations]


def _org(organisations: list[Organisation], value: str) -> Organisation | None:
    return next((o for o in organisations if str(o.uuid) == value), None)


def _details(cleaned: dict[str, Any], organisations: list[Organisation]) -> services.RequestDetails:
    return services.RequestDetails(
        organisation=_org(organisations, cleaned.get("organisation") or ""),
        role=cleaned.get("role") or SupportRole.BEFRIENDER,
        contact=cleaned.get("contact") or "",
        volunteer_gender=cleaned.get("volunteer_gender") or "",
        about=cleaned.get("about") or "",
        safety_notes=cleaned.get("safety_notes") or "",
    )


# --- the coordinator's queue ---------------------------------------------------------------


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_coordinator(user):
        raise Http404("No such page")
    show = request.GET.get("show", "waiting")
    if show not in selectors.QUEUE_VIEWS:
        show = "waiting"
    role = request.GET.get("role", "")
    rows = selectors.request_queue(user, show=show, role=role)
    counts = selectors.queue_counts(user)
    log_list_access(
        request,
        [r.request for r in rows],
        list_name="volunteering requests",
        person_id=lambda r: str(r.person.uuid),
        object_repr=lambda r: f"{r.get_role_display()} request",
    )
    return render(
        request,
        "volunteering/request_list.html",
        {
            "rows": rows,
            "show": show,
            "role": role,
            "show_label": selectors.QUEUE_VIEWS[show],
            "tabs": [(key, label, counts[key]) for key, label in selectors.QUEUE_VIEWS.items()],
            "roles": SupportRole.choices,
            "can_write": bool(coordinator_org_ids(user, write=True)),
        },
    )


# --- recording a referral from a GP or agency ----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not is_coordinator(user):
        raise Http404("No such page")
    writable = coordinator_org_ids(user, write=True)
    if not writable:
        raise PermissionDenied("You have read-only access to volunteering.")
    organisations = list(Organisation.objects.filter(pk__in=writable).order_by("name"))
    form = ReferralForm(request.POST or None, organisations=_org_choices(organisations))
    candidates: list[Any] = []
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("existing_person", "")
        confirm_new = chosen == "new"

        def create(data: dict[str, Any]) -> SupportRequest:
            person = None
            if chosen and chosen != "new":
                try:
                    person = Person.objects.filter(uuid=uuid.UUID(chosen)).first()
                except ValueError:
                    person = None
                if person is None:
                    raise ValidationFailed({"existing_person": ["Choose a record from the list"]})
            new_person = PersonDetails(
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                postcode=data.get("postcode") or "",
                phone=data.get("phone") or "",
                sex=data.get("sex") or "unknown",
                language=data.get("language") or "English",
            )
            return services.request_create_by_referral(
                actor=user,
                details=_details(data, organisations),
                referrer_name=data["referrer_name"],
                referrer_organisation=data["referrer_organisation"],
                person=person,
                new_person=None if person else new_person,
                confirm_new_person=confirm_new,
            )

        try:
            submission = run_form(form, create)
        except PossibleDuplicates as exc:
            candidates = exc.candidates
            form.add_error(None, str(exc))
            status = 400
        else:
            if submission.ok and submission.result is not None:
                messages.success(
                    request, "Referral recorded: the person is waiting for a volunteer."
                )
                return redirect("volunteering:request_detail", request_id=submission.result.uuid)
            status = submission.status
    return render(
        request,
        "volunteering/request_form.html",
        {"form": form, "candidates": candidates},
        status=status,
    )


# --- a request's page ----------------------------------------------------------------------


def _detail(
    request: AuthenticatedHttpRequest,
    support: SupportRequest,
    *,
    status: int = 200,
    error: str = "",
    introduce_form: IntroduceForm | None = None,
    close_form: CloseForm | None = None,
) -> HttpResponse:
    user = request.user
    log_access(request, support, person_id=str(support.person.uuid))
    ranking = (
        selectors.ranked_for_request(user, support, http_request=request)
        if support.status != "closed"
        else None
    )
    can_write = support.organisation_id in coordinator_org_ids(user, write=True)
    return render(
        request,
        "volunteering/request_detail.html",
        {
            "support": support,
            "person": support.person,
            "age": selectors.person_age(support),
            "area": selectors.person_area(support),
            "ranking": ranking,
            "shown": ",".join(ranking.shown) if ranking else "",
            "matches": selectors.request_matches(support),
            "excluded": list(support.excluded_members.all()),
            "can_write": can_write,
            "error": error,
            "is_connector": support.role == SupportRole.CONNECTOR,
            "introduce_form": introduce_form or IntroduceForm(),
            "close_form": close_form or CloseForm(initial={"version": support.version}),
        },
        status=status,
    )


@login_required
def request_detail(request: AuthenticatedHttpRequest, request_id: uuid.UUID) -> HttpResponse:
    support = get_request_for_user(request.user, request_id)
    return _detail(request, support)


def _error_text(exc: ValidationFailed | ConcurrentEditError) -> str:
    if isinstance(exc, ConcurrentEditError):
        return f"{exc} Reload the page to see the latest."
    return " ".join(m for ms in exc.errors.values() for m in ms)


@login_required
@require_POST
def request_introduce(request: AuthenticatedHttpRequest, request_id: uuid.UUID) -> HttpResponse:
    support = get_request_for_user(request.user, request_id, write=True)
    form = IntroduceForm(request.POST)
    if not form.is_valid():
        return _detail(request, support, status=400, error="Choose a volunteer to introduce")
    member = get_member_for_user(request.user, form.cleaned_data["member"])
    try:
        match = services.match_introduce(
            actor=request.user,
            request=support,
            member=member,
            expected_version=form.cleaned_data["version"],
            shown=[s for s in (form.cleaned_data["shown"] or "").split(",") if s],
            review_on=form.cleaned_data.get("review_on"),
            goals=form.cleaned_data.get("goals") or "",
        )
    except (ValidationFailed, ConcurrentEditError) as exc:
        support.refresh_from_db()
        status = STALE if isinstance(exc, ConcurrentEditError) else 400
        return _detail(request, support, status=status, error=_error_text(exc))
    messages.success(
        request, f"{member.given_name} has been introduced and emailed a link to sign in."
    )
    return redirect("volunteering:match_detail", match_id=match.uuid)


@login_required
@require_POST
def request_close(request: AuthenticatedHttpRequest, request_id: uuid.UUID) -> HttpResponse:
    support = get_request_for_user(request.user, request_id, write=True)
    form = CloseForm(request.POST)
    submission = run_form(
        form,
        lambda d: services.request_close(
            actor=request.user, request=support, expected_version=d["version"], reason=d["reason"]
        ),
    )
    if not submission.ok:
        support.refresh_from_db()
        return _detail(request, support, status=submission.status, close_form=form)
    messages.success(request, "The request is closed.")
    return redirect("volunteering:request_detail", request_id=support.uuid)


@login_required
@require_POST
def request_exclude(request: AuthenticatedHttpRequest, request_id: uuid.UUID) -> HttpResponse:
    support = get_request_for_user(request.user, request_id, write=True)
    form = ExcludeForm(request.POST)
    if not form.is_valid():
        return _detail(request, support, status=400, error="Choose a volunteer to exclude")
    member = get_member_for_user(request.user, form.cleaned_data["member"])
    try:
        services.request_exclude_member(
            actor=request.user,
            request=support,
            member=member,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data.get("reason") or "",
        )
    except (ValidationFailed, ConcurrentEditError) as exc:
        support.refresh_from_db()
        status = STALE if isinstance(exc, ConcurrentEditError) else 400
        return _detail(request, support, status=status, error=_error_text(exc))
    messages.success(request, f"{member.given_name} will not be suggested for this person again.")
    return redirect("volunteering:request_detail", request_id=support.uuid)


# --- a match's page ------------------------------------------------------------------------


def _match_page(
    request: AuthenticatedHttpRequest,
    match: Any,
    *,
    status: int = 200,
    review_form: ReviewForm | None = None,
    end_form: EndForm | None = None,
) -> HttpResponse:
    support = match.request
    log_access(request, match, person_id=str(support.person.uuid))
    return render(
        request,
        "volunteering/match_detail.html",
        {
            "match": match,
            "support": support,
            "person": support.person,
            "reviews": list(match.reviews.select_related("recorded_by")),
            "can_write": support.organisation_id in coordinator_org_ids(request.user, write=True),
            "is_connector": support.role == SupportRole.CONNECTOR,
            "review_form": review_form or ReviewForm(initial={"version": match.version}),
            "end_form": end_form or EndForm(initial={"version": match.version}),
        },
        status=status,
    )


@login_required
def match_detail(request: AuthenticatedHttpRequest, match_id: uuid.UUID) -> HttpResponse:
    return _match_page(request, get_match_for_user(request.user, match_id))


@login_required
@require_POST
def match_review(request: AuthenticatedHttpRequest, match_id: uuid.UUID) -> HttpResponse:
    match = get_match_for_user(request.user, match_id, write=True)
    form = ReviewForm(request.POST)
    submission = run_form(
        form,
        lambda d: services.match_review_record(
            actor=request.user,
            match=match,
            expected_version=d["version"],
            how_it_is_going=d["how_it_is_going"],
            continues=bool(d["continues"]),
            held_on=d.get("held_on"),
            next_review_on=d.get("next_review_on"),
            closing=bool(d.get("closing")),
            now_does=d.get("now_does") or "",
        ),
    )
    if not submission.ok:
        match.refresh_from_db()
        return _match_page(request, match, status=submission.status, review_form=form)
    messages.success(request, "Review recorded.")
    return redirect("volunteering:match_detail", match_id=match.uuid)


@login_required
@require_POST
def match_end(request: AuthenticatedHttpRequest, match_id: uuid.UUID) -> HttpResponse:
    match = get_match_for_user(request.user, match_id, write=True)
    form = EndForm(request.POST)
    submission = run_form(
        form,
        lambda d: services.match_end(
            actor=request.user, match=match, expected_version=d["version"], reason=d["reason"]
        ),
    )
    if not submission.ok:
        match.refresh_from_db()
        return _match_page(request, match, status=submission.status, end_form=form)
    messages.success(request, "The match has ended.")
    return redirect("volunteering:request_detail", request_id=match.request.uuid)


# --- the link worker: refer from a case ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_refer(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Refer the case's person for volunteer support. A POST with `quick` is the one-click
    referral from the case page (one service, befriending, "what they enjoy" from the latest
    review); the form lets the link worker say more."""
    case = get_case_for_user(request.user, case_id, write=True)
    organisations = list(coordinating_organisations())
    choices = _org_choices(organisations)
    if request.method == "POST" and request.POST.get("quick"):
        data = {
            "organisation": request.POST.get("organisation", ""),
            "role": request.POST.get("role", ""),
        }
        try:
            services.request_create_from_case(
                actor=request.user, case_id=case.uuid, details=_details(data, organisations)
            )
        except ValidationFailed as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, "Referred for volunteer support.")
        return redirect(
            reverse("casework:case_detail", kwargs={"case_id": case.uuid}) + "#volunteer-support"
        )
    initial = {"about": services.prefill_about(case.pk)}
    form = RequestFieldsForm(request.POST or None, organisations=choices, initial=initial)
    status = 200
    if request.method == "POST":
        submission = run_form(
            form,
            lambda d: services.request_create_from_case(
                actor=request.user,
                case_id=case.uuid,
                details=_details(d, organisations),
                about=d.get("about") or "",
            ),
        )
        if submission.ok:
            messages.success(request, "Referred for volunteer support.")
            return redirect(
                reverse("casework:case_detail", kwargs={"case_id": case.uuid})
                + "#volunteer-support"
            )
        status = submission.status
    log_access(request, case, person_id=str(case.person.uuid))
    return render(
        request,
        "volunteering/case_refer.html",
        {"form": form, "case": case, "person": case.person, "no_services": not organisations},
        status=status,
    )


__all__ = [
    "case_refer",
    "match_detail",
    "match_end",
    "match_review",
    "request_close",
    "request_detail",
    "request_exclude",
    "request_introduce",
    "request_list",
    "request_new",
]
