"""Outcome pages. Thin: access helper -> form -> service/selector -> render.

- Case outcomes page, recording a measure (with the PHQ-9 item 9 risk prompt shown at once),
  self-completion links: the case's team (casework.access.get_case_for_user: outsiders 404,
  read-only members 403 on writes).
- The public self-completion page: no login; the signed token is the credential.
- Measures list (any signed-in staff), local measure add (administrators), schedules and the
  staff satisfaction survey (team managers of the service).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.audit.access_log import log_access
from linkwell.casework.access import case_team_ids, get_case_for_user
from linkwell.casework.models import Case, Goal, WellbeingReview
from linkwell.casework.selectors import managed_team_ids
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import apply_errors, error_text
from linkwell.outcomes import selectors
from linkwell.outcomes.assessment import assessment_goal_add
from linkwell.outcomes.engine import Instrument
from linkwell.outcomes.forms import (
    LocalMeasureForm,
    MeasureForm,
    ScheduleForm,
    SelfCompletionForm,
    SelfLinkForm,
    StaffSurveyForm,
)
from linkwell.outcomes.models import (
    CompletedBy,
    MeasureAdministration,
    SelfCompletionLink,
    Timepoint,
)
from linkwell.outcomes.registry import UnknownInstrument, all_instruments, get_instrument
from linkwell.outcomes.selfcomplete import (
    LinkUnusable,
    self_link_complete,
    self_link_create,
    self_link_for_token,
    self_link_revoke,
    self_link_send,
    self_link_token,
)
from linkwell.outcomes.services import (
    MeasureInput,
    local_measure_add,
    measure_record,
    measure_schedule_set,
)


def _can_write(user: User, case: Case) -> bool:
    return case.link_worker_service_id in case_team_ids(user, write=True)


def _instrument_or_404(instrument_id: str) -> Instrument:
    try:
        return get_instrument(instrument_id)
    except UnknownInstrument as exc:
        raise Http404("No such measure") from exc


def _case_instruments() -> list[Instrument]:
    return [i for i in all_instruments() if i.category != "staff_satisfaction"]


@login_required
def case_outcomes(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id)
    log_access(request, case, person_id=str(case.person.uuid), detail={"page": "outcomes"})
    due = selectors.measures_due_for_cases([case])
    links = list(
        SelfCompletionLink.objects.filter(case=case, used_at__isnull=True, revoked_at__isnull=True)
    )
    instruments = _case_instruments()
    review = _review_or_none(case, request.GET.get("review"))
    return render(
        request,
        "outcomes/case_outcomes.html",
        {
            "review": review,
            "case": case,
            "person": case.person,
            "due": due[0][1] if due else [],
            "trends": selectors.trends_for_case(case),
            "instruments": instruments,
            "open_links": links,
            "can_write": _can_write(user, case),
            "link_form": SelfLinkForm(instruments=[i for i in instruments if _self_completable(i)]),
        },
    )


def _review_or_none(case: Case, review_id: str | None) -> WellbeingReview | None:
    try:
        return WellbeingReview.objects.filter(case=case, uuid=uuid.UUID(review_id or "")).first()
    except ValueError:
        return None


def _self_completable(instrument: Instrument) -> bool:
    return instrument.has_item_text and instrument.dynamic is None


def _goal_items(case: Case) -> list[Goal]:
    return list(Goal.objects.filter(plan__case=case).order_by("created_at"))


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, instrument_id: str
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    instrument = _instrument_or_404(instrument_id)
    if instrument.category == "staff_satisfaction":
        raise Http404("No such measure")
    log_access(request, case, person_id=str(case.person.uuid), detail={"page": "measure_new"})
    goals = _goal_items(case) if instrument.dynamic is not None else []
    items = instrument.items
    if instrument.dynamic is not None:
        items = tuple(
            instrument.dynamic.item(n, str(goal.uuid), goal.text) for n, goal in enumerate(goals, 1)
        )
    review = None
    review_id = request.GET.get("review") or request.POST.get("review")
    if review_id:
        try:
            review = WellbeingReview.objects.filter(case=case, uuid=uuid.UUID(review_id)).first()
        except ValueError:
            review = None
        if review is None:
            raise Http404("No such review")
    initial = {"timepoint": request.GET.get("timepoint") or (Timepoint.BASELINE if review else "")}
    if request.method == "POST":
        form = MeasureForm(request.POST, instrument=instrument, items=items)
        if form.is_valid():
            data = MeasureInput(
                instrument_id=instrument.id,
                version=instrument.version,
                timepoint=form.cleaned_data["timepoint"],
                administered_on=form.cleaned_data["administered_on"],
                completed_by=form.cleaned_data["completed_by"],
                answers=form.answers(),
                total=form.cleaned_data.get("total"),
                item_ids=[item.id for item in items] if instrument.dynamic else (),
                notes=form.notes(),
                review=review,
            )
            try:
                administration = measure_record(actor=user, case=case, data=data)
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                if administration.alerts:
                    # The risk prompt is shown at once, on this response, not after a redirect
                    # the worker might not read: it says what to do now.
                    raised_items = {alert["item"] for alert in administration.alerts}
                    raised = [a for a in instrument.alerts if a.item in raised_items]
                    return render(
                        request,
                        "outcomes/risk_prompt.html",
                        {
                            "case": case,
                            "person": case.person,
                            "administration": administration,
                            "alerts": raised,
                        },
                    )
                messages.success(request, f"{instrument.short_title} recorded: {administration}.")
                missing_alerts = [
                    a.on_missing
                    for a in instrument.alerts
                    if a.on_missing
                    and administration.answers.get(a.item) is None
                    and not administration.total_only
                ]
                for text in missing_alerts:
                    messages.warning(request, text)
                if review is not None:
                    return redirect(
                        "casework:review_detail", case_id=case.uuid, review_id=review.uuid
                    )
                # Offered from another page (a follow-up's "measures at this point"): back to it.
                back = request.GET.get("next", "")
                if back.startswith("/") and url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    return redirect(back)
                return redirect("outcomes:case_outcomes", case_id=case.uuid)
        status = 400
    else:
        form = MeasureForm(instrument=instrument, items=items, initial=initial)
        status = 200
    return render(
        request,
        "outcomes/measure_form.html",
        {
            "case": case,
            "person": case.person,
            "instrument": instrument,
            "form": form,
            "review": review,
            "no_goals": instrument.dynamic is not None and not goals,
        },
        status=status,
    )


@login_required
@require_POST
def self_link_new(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    form = SelfLinkForm(
        request.POST, instruments=[i for i in _case_instruments() if _self_completable(i)]
    )
    if form.is_valid():
        try:
            link, _token = self_link_create(
                actor=user,
                case=case,
                instrument_id=form.cleaned_data["instrument"],
                timepoint=form.cleaned_data["timepoint"],
            )
        except ValidationFailed as exc:
            apply_errors(exc, form)
        else:
            return redirect("outcomes:self_link_detail", case_id=case.uuid, link_id=link.uuid)
    return render(
        request,
        "outcomes/self_link_error.html",
        {"case": case, "person": case.person, "form": form},
        status=400,
    )


def _link_for_case(case: Case, link_id: uuid.UUID) -> SelfCompletionLink:
    link = SelfCompletionLink.objects.filter(case=case, uuid=link_id).first()
    if link is None:
        raise Http404("No such link")
    return link


def _link_url(request: HttpRequest, link: SelfCompletionLink) -> str:
    return request.build_absolute_uri(
        reverse("outcomes:self_complete", kwargs={"token": self_link_token(link)})
    )


@login_required
def self_link_detail(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, link_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    link = _link_for_case(case, link_id)
    log_access(request, link, person_id=str(case.person.uuid))
    return render(
        request,
        "outcomes/self_link.html",
        {
            "case": case,
            "person": case.person,
            "link": link,
            "instrument": get_instrument(link.instrument_id, link.instrument_version),
            "url": _link_url(request, link),
        },
    )


@login_required
@require_POST
def self_link_send_view(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, link_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    link = _link_for_case(case, link_id)
    try:
        outcome = self_link_send(actor=user, link=link, url=_link_url(request, link))
    except ValidationFailed as exc:
        for problems in exc.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        (messages.success if outcome.sent else messages.warning)(request, outcome.text)
    return redirect("outcomes:self_link_detail", case_id=case.uuid, link_id=link.uuid)


@login_required
@require_POST
def self_link_revoke_view(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, link_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    link = _link_for_case(case, link_id)
    self_link_revoke(actor=user, link=link)
    messages.success(request, "The link was cancelled; it no longer works.")
    return redirect("outcomes:case_outcomes", case_id=case.uuid)


@never_cache
@require_http_methods(["GET", "POST"])
def self_complete(request: HttpRequest, token: str) -> HttpResponse:
    """The person's page. Shows only the questions: no name or case details, since anyone
    holding the link (a shared phone) sees it."""
    try:
        link = self_link_for_token(token)
    except LinkUnusable as exc:
        return render(
            request, "outcomes/self_complete_unusable.html", {"message": str(exc)}, status=410
        )
    instrument = get_instrument(link.instrument_id, link.instrument_version)
    if request.method == "POST":
        form = SelfCompletionForm(request.POST, instrument=instrument)
        if form.is_valid():
            try:
                with transaction.atomic():
                    self_link_complete(link=link, answers=form.answers())
            except LinkUnusable as exc:
                return render(
                    request,
                    "outcomes/self_complete_unusable.html",
                    {"message": str(exc)},
                    status=410,
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                return render(
                    request, "outcomes/self_complete_done.html", {"instrument": instrument}
                )
        status = 400
    else:
        form = SelfCompletionForm(instrument=instrument)
        status = 200
    return render(
        request,
        "outcomes/self_complete.html",
        {"instrument": instrument, "form": form},
        status=status,
    )


@login_required
def measure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "outcomes/measure_list.html",
        {"instruments": all_instruments(), "can_add": _is_administrator(request.user)},
    )


def _is_administrator(user: User) -> bool:
    return bool(
        user.is_superuser
        or Membership.objects.filter(
            user=user, is_active=True, role=Role.ADMINISTRATOR, read_only=False
        ).exists()
    )


@login_required
@require_http_methods(["GET", "POST"])
def local_measure_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not _is_administrator(user):
        raise PermissionDenied("Only administrators can add measures.")
    if request.method == "POST":
        form = LocalMeasureForm(request.POST)
        if form.is_valid():
            try:
                measure = local_measure_add(actor=user, definition=form.cleaned_data["definition"])
            except ValidationFailed as exc:
                for problems in exc.errors.values():
                    for problem in problems:
                        form.add_error("definition", problem)
            else:
                messages.success(
                    request, f"Added {measure.instrument_id} version {measure.instrument_version}."
                )
                return redirect("outcomes:measure_list")
        status = 400
    else:
        form = LocalMeasureForm()
        status = 200
    return render(request, "outcomes/local_measure_form.html", {"form": form}, status=status)


def _managed_team(user: User, team_id: uuid.UUID) -> Organisation:
    team = Organisation.objects.filter(
        uuid=team_id, kind=OrganisationKind.LINK_WORKER_SERVICE
    ).first()
    if team is None or team.pk not in managed_team_ids(user):
        raise Http404("No such team")
    return team


@login_required
def schedules(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    ids = managed_team_ids(user)  # link-worker services only: a schedule belongs to one
    if not ids:
        raise PermissionDenied("Measure schedules are set by team managers.")
    teams = list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    specs = selectors.schedules_for(ids)
    rows = [(team, specs[team.pk]) for team in teams]
    return render(request, "outcomes/schedules.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    user = request.user
    team = _managed_team(user, team_id)
    instruments = all_instruments()
    spec = selectors.schedules_for([team.pk])[team.pk]
    if request.method == "POST":
        form = ScheduleForm(request.POST, instruments=instruments)
        if form.is_valid():
            try:
                measure_schedule_set(
                    actor=user,
                    organisation=team,
                    instruments=form.cleaned_data["instruments"],
                    timepoints=form.cleaned_data["timepoints"],
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            else:
                messages.success(request, f"The measure schedule of {team.name} was saved.")
                return redirect("outcomes:schedules")
        status = 400
    else:
        form = ScheduleForm(
            instruments=instruments,
            initial={"instruments": list(spec.instruments), "timepoints": list(spec.timepoints)},
        )
        status = 200
    return render(
        request, "outcomes/schedule_form.html", {"team": team, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_survey(request: AuthenticatedHttpRequest, team_id: uuid.UUID) -> HttpResponse:
    """Enter a practice's staff satisfaction ratings (Halton's 1-10 survey), one per answer."""
    user = request.user
    team = _managed_team(user, team_id)
    practices = list(
        Organisation.objects.filter(
            kind=OrganisationKind.GP_PRACTICE, is_active=True, area=team.area
        )
        .order_by("name")
        .values_list("uuid", "name")
    )
    choices = [(str(u), n) for u, n in practices]
    if request.method == "POST":
        form = StaffSurveyForm(request.POST, practices=choices)
        if form.is_valid():
            practice = Organisation.objects.get(uuid=uuid.UUID(form.cleaned_data["practice"]))
            raw = [p.strip() for p in form.cleaned_data["ratings"].split(",") if p.strip()]
            comments = form.comment_lines()
            try:
                ratings = [int(p) for p in raw]
            except ValueError:
                ratings = []
                form.add_error("ratings", "Enter whole numbers from 1 to 10, separated by commas")
            if len(comments) > len(raw):
                form.add_error(
                    "comments",
                    f"Enter at most one comment per rating ({len(raw)} rating(s), "
                    f"{len(comments)} comments)",
                )
            if not form.errors:
                try:
                    with transaction.atomic():
                        for i, rating in enumerate(ratings):
                            measure_record(
                                actor=user,
                                case=None,
                                organisation=team,
                                respondent_organisation=practice,
                                data=MeasureInput(
                                    instrument_id="staff-satisfaction",
                                    timepoint=Timepoint.OTHER,
                                    administered_on=form.cleaned_data["administered_on"],
                                    completed_by=CompletedBy.STAFF,
                                    answers={"satisfaction": rating},
                                    notes={"comment": comments[i]} if i < len(comments) else {},
                                ),
                            )
                except ValidationFailed as exc:
                    for key, problems in exc.errors.items():
                        for problem in problems:
                            where = "comments" if key.startswith("note-") else "ratings"
                            form.add_error(where, problem)
                else:
                    messages.success(
                        request, f"{len(ratings)} rating(s) from {practice.name} recorded."
                    )
                    return redirect("outcomes:schedules")
        status = 400
    else:
        form = StaffSurveyForm(practices=choices)
        status = 200
    return render(
        request, "outcomes/staff_survey.html", {"team": team, "form": form}, status=status
    )


@login_required
@require_POST
def assessment_goal_add_view(
    request: AuthenticatedHttpRequest,
    case_id: uuid.UUID,
    administration_id: uuid.UUID,
    item_id: str,
) -> HttpResponse:
    """One click on the plan page: add an area the assessment found as a goal of the plan."""
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    administration = MeasureAdministration.objects.filter(case=case, uuid=administration_id).first()
    if administration is None:
        raise Http404("No such assessment")
    try:
        assessment_goal_add(actor=user, case=case, administration=administration, item_id=item_id)
    except (ValidationFailed, ConcurrentEditError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Added to the plan as a goal. Reword it with the person.")
    return redirect("casework:plan_detail", case_id=case.uuid)
