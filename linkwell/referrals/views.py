"""Referral forms (staff, agency, public self-referral), the referrer's "sent" list and triage.

Thin: parse -> access helper -> service/selector -> render.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import OrganisationKind, User
from linkwell.audit.services import audit_access
from linkwell.casework.access import case_team_ids
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import apply_errors, run_form
from linkwell.core.formtoken import ALREADY_SENT, FormToken
from linkwell.core.idempotency import create_once
from linkwell.core.ratelimit import over_rate_limit, rate_limit_count, rate_limit_reached
from linkwell.directory.eligibility import rule_summary
from linkwell.people.access import people_for_team, people_known_to
from linkwell.people.models import Person
from linkwell.people.selectors import person_duplicate_candidates
from linkwell.people.services import PersonDetails, PossibleDuplicates
from linkwell.referrals.access import get_referral_for_triage
from linkwell.referrals.forms import (
    ERROR_FIELDS,
    AcceptForm,
    AgencyReferralForm,
    DeclineForm,
    ReturnForm,
    SelfReferralForm,
    StaffReferralForm,
)
from linkwell.referrals.models import Referral, ReferralSource
from linkwell.referrals.routing import active_link_worker_services, link_worker_services_for
from linkwell.referrals.selectors import (
    allocation_options,
    referrals_sent_by,
    referrer_memberships,
    service_contact,
    target_flag,
    triage_queue,
    triage_teams,
    waiting_days,
)
from linkwell.referrals.services import (
    ReferralDetails,
    needs_terms,
    referral_accept,
    referral_create,
    referral_decline,
    referral_errors,
    referral_return,
)
from linkwell.referrals.services.receiving import eligibility_rule_listing

TRIAGE_PAGE_SIZE = 25
# The signed form-shown-at token, used once (linkwell/core/formtoken.py). A person needs more
# than a few seconds to fill the form in; a script does not.
SELF_REFERRAL_TOKEN = FormToken(salt="linkwell.referrals.self-referral", min_seconds=3)
# Accepted self-referrals per client an hour (a care home or library PC may send several), and,
# much higher, every POST: a flood guard against scripts, which mistakes never reach.
SELF_REFERRALS_PER_HOUR = 5
SELF_REFERRAL_POSTS_PER_HOUR = 60


def _also_check_with_services(
    form: StaffReferralForm | SelfReferralForm,
    details: ReferralDetails,
    new_person: PersonDetails | None,
) -> None:
    """A form with errors of its own also gets the services' (a wrong NHS number, a malformed
    postcode, no reason given), on the fields it has not flagged yet: one round of corrections,
    not one for the form and another for the service."""
    if not form.errors:
        return
    flagged = set(form.errors)
    problems = referral_errors(referral=details, new_person=new_person)
    remaining = {
        key: messages
        for key, messages in problems.items()
        if ERROR_FIELDS.get(key, key) not in flagged
    }
    if remaining:
        apply_errors(ValidationFailed(remaining), form, field_names=ERROR_FIELDS)


# --- staff and agency referrals ----------------------------------------------------------------


def _resolve_choice(user: User, choice: str) -> Person | None:
    try:
        person_id = uuid.UUID(choice)
    except ValueError:
        return None
    return people_known_to(user).filter(uuid=person_id).first()


@login_required
@require_http_methods(["GET", "POST"])
def refer(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    memberships = referrer_memberships(user)
    if not memberships:
        raise PermissionDenied("Only staff of a GP practice or a referring agency can refer here.")
    # A user referring for several organisations refers for the first one they can write for.
    writable = [m for m in memberships if not m.read_only]
    membership = (writable or memberships)[0]
    if request.method == "POST" and membership.read_only:
        raise PermissionDenied("You have read-only access and cannot make referrals.")
    org = membership.organisation
    is_gp = org.kind == OrganisationKind.GP_PRACTICE
    form_class = StaffReferralForm if is_gp else AgencyReferralForm
    services = link_worker_services_for(org)
    form = form_class(request.POST if request.method == "POST" else None)
    form.setup(reasons=needs_terms(), services=services)
    candidates: list[Any] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            choice = form.cleaned_data.get("person_choice", "")
            person = None
            if choice and choice != "new":
                person = _resolve_choice(user, choice)
                if person is None:
                    form.add_error(
                        None, "Choose one of the records shown, or say it is someone new"
                    )
            if not form.errors:
                source = ReferralSource.GP_PRACTICE if is_gp else form.cleaned_data["source"]
                try:
                    referral, _created = create_once(
                        form.cleaned_data.get("submission_key"),
                        Referral,
                        user_id=user.pk,
                        work=lambda: referral_create(
                            actor=user,
                            referral=form.referral_details(
                                source=source, referrer_organisation=org
                            ),
                            person=person,
                            new_person=form.person_details() if person is None else None,
                            confirm_new_person=choice == "new",
                        ),
                    )
                except PossibleDuplicates as exc:
                    candidates = exc.candidates
                except ValidationFailed as exc:
                    apply_errors(exc, form, field_names=ERROR_FIELDS)
                else:
                    messages.success(
                        request,
                        f"Referral sent to {referral.link_worker_service.name}. "
                        f"Reference {referral.reference}.",
                    )
                    return redirect("referrals:sent")
        else:
            entered = form.values_as_entered()
            choice = entered.get("person_choice", "")
            _also_check_with_services(
                form,
                form.referral_details(
                    source=ReferralSource.GP_PRACTICE
                    if is_gp
                    else entered.get("source") or ReferralSource.OTHER,
                    referrer_organisation=org,
                    data=entered,
                ),
                form.person_details(entered) if choice in ("", "new") else None,
            )
        if form.errors:
            status = 400
    return render(
        request,
        "referrals/refer.html",
        {
            "form": form,
            "organisation": org,
            "is_gp": is_gp,
            "candidates": candidates,
            "nhs_match": any(c.same_nhs_number for c in candidates),
            "eligibility_rules": [
                (service.name, rule_summary(listing))
                for service in services
                if (listing := eligibility_rule_listing(service)) is not None
            ],
        },
        status=status,
    )


@login_required
def sent(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    memberships = referrer_memberships(user)
    if not memberships:
        raise PermissionDenied("Only staff of a GP practice or a referring agency make referrals.")
    return render(
        request,
        "referrals/sent.html",
        {
            "referrals": referrals_sent_by(user=user),
            "can_edit_people": any(not m.read_only for m in memberships),
        },
    )


# --- public self-referral ----------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def self_referral(request: HttpRequest) -> HttpResponse:
    """The public form. Everything wrong with a submission is reported at once (the form's own
    checks, the form token, the services' rules); only accepted referrals count toward the
    client's hourly allowance, so corrections never lock a person out."""
    services = list(active_link_worker_services())
    form = SelfReferralForm(request.POST if request.method == "POST" else None)
    form.setup(reasons=needs_terms(), services=services)
    status = 200
    token = ""
    if request.method == "POST":
        if over_rate_limit(
            request,
            "self-referral-post",
            setting="LINKWELL_SELF_REFERRAL_POSTS_PER_HOUR",
            default=SELF_REFERRAL_POSTS_PER_HOUR,
        ) or rate_limit_reached(
            request,
            "self-referral",
            setting="LINKWELL_SELF_REFERRALS_PER_HOUR",
            default=SELF_REFERRALS_PER_HOUR,
        ):
            return render(request, "referrals/self_referral_busy.html", status=429)
        form.is_valid()
        if str(form.data.get("website", "")).strip():
            # Only a script fills the hidden field. Tell it nothing useful.
            return render(request, "referrals/self_referral_rejected.html", status=400)
        token = str(form.data.get("form_token", ""))
        problem = SELF_REFERRAL_TOKEN.problem(token)
        if problem:
            form.add_error(None, problem)
        if form.errors:
            entered = form.values_as_entered()
            _also_check_with_services(
                form, form.referral_details(entered), form.person_details(entered)
            )
        elif not SELF_REFERRAL_TOKEN.claim(token):
            # Two clicks of "Send" at once: the other one was accepted.
            form.add_error(None, ALREADY_SENT)
        else:
            try:
                referral = referral_create(
                    actor=request.user,
                    referral=form.referral_details(),
                    new_person=form.person_details(),
                    # The public never sees other people's records: a possible duplicate
                    # is offered to the link worker at triage instead.
                    confirm_new_person=True,
                )
            except ValidationFailed as exc:
                SELF_REFERRAL_TOKEN.release(token)
                apply_errors(exc, form, field_names=ERROR_FIELDS)
            else:
                rate_limit_count(request, "self-referral")
                request.session["self_referral"] = {
                    "reference": referral.reference,
                    "service": referral.link_worker_service.name,
                    "service_id": str(referral.link_worker_service.uuid),
                }
                return redirect("referrals:self_referral_done")
        status = 400
    # A fresh token for the form shown, dated when the person first opened it.
    fresh = SELF_REFERRAL_TOKEN.fresh(token)
    if form.is_bound:
        data = request.POST.copy()
        data["form_token"] = fresh
        form.data = data
    else:
        form.initial["form_token"] = fresh
    return render(request, "referrals/self_referral.html", {"form": form}, status=status)


@never_cache
def self_referral_done(request: HttpRequest) -> HttpResponse:
    info = request.session.get("self_referral")
    if not info:
        return redirect("referrals:self_referral")
    return render(
        request,
        "referrals/self_referral_done.html",
        {"info": info, "contact": service_contact(service_id=info.get("service_id"))},
    )


# --- triage ------------------------------------------------------------------------------------


@login_required
def triage(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    teams = triage_teams(user)
    if not teams:
        raise PermissionDenied("Triage is for link-worker teams.")
    team = teams[0]
    wanted = request.GET.get("team")
    if wanted:
        team = next((t for t in teams if str(t.uuid) == wanted), None)  # type: ignore[assignment]
        if team is None:
            raise Http404("No such team")
    page = Paginator(triage_queue(user=user, team=team), TRIAGE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for r in page.object_list:
        waited = waiting_days(r.received_at)
        rows.append(
            {
                "referral": r,
                "waiting_days": waited,
                "target": target_flag(waiting=waited, target_days=team.first_contact_target_days),
            }
        )
    return render(
        request,
        "referrals/triage.html",
        {
            "teams": teams,
            "team": team,
            "rows": rows,
            "page": page,
            "extra": f"&team={team.uuid}" if wanted else "",
        },
    )


def _detail_context(
    request: AuthenticatedHttpRequest, referral: Referral, **forms: Any
) -> dict[str, Any]:
    user = request.user
    person = referral.person
    options = allocation_options(team=referral.link_worker_service, person=person)
    initial: dict[str, Any] = {"version": referral.version}
    if options:
        initial["assign_to"] = str(options[0].user.uuid)
    duplicates = person_duplicate_candidates(
        people=people_for_team(user),
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        postcode=person.postcode,
        nhs_number=person.nhs_number,
        exclude=person,
    )
    return {
        "referral": referral,
        "person": person,
        "reasons": list(referral.reasons.all()),
        "waiting_days": waiting_days(referral.received_at),
        "can_write": referral.link_worker_service_id in case_team_ids(user, write=True),
        "options": options,
        "duplicates": duplicates,
        "accept_form": forms.get("accept_form") or AcceptForm(initial=initial, options=options),
        "return_form": forms.get("return_form")
        or ReturnForm(initial={"version": referral.version}),
        "decline_form": forms.get("decline_form")
        or DeclineForm(initial={"version": referral.version}),
    }


@login_required
def triage_referral(request: AuthenticatedHttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = request.user
    referral = get_referral_for_triage(user, referral_id)
    audit_access(actor=user, obj=referral, person_id=str(referral.person.uuid))
    return render(request, "referrals/triage_referral.html", _detail_context(request, referral))


def _render_errors(
    request: AuthenticatedHttpRequest, referral: Referral, status: int, **forms: Any
) -> HttpResponse:
    return render(
        request,
        "referrals/triage_referral.html",
        _detail_context(request, referral, **forms),
        status=status,
    )


@login_required
@require_POST
def triage_accept(request: AuthenticatedHttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    user = request.user
    referral = get_referral_for_triage(user, referral_id, write=True)
    options = allocation_options(team=referral.link_worker_service, person=referral.person)
    form = AcceptForm(request.POST, options=options)

    def accept(data: dict[str, Any]) -> Any:
        chosen = next((o.user for o in options if str(o.user.uuid) == data["assign_to"]), None)
        return referral_accept(
            actor=user,
            referral=referral,
            assign_to=chosen,
            complexity=data["complexity"],
            expected_version=data["version"],
        )

    done = run_form(form, accept, field_names=ERROR_FIELDS)
    case = done.result
    if case is not None:
        messages.success(
            request, f"Accepted. {referral.person} is allocated to {case.assigned_to}."
        )
        return redirect("casework:case_detail", case_id=case.uuid)
    return _render_errors(request, referral, done.status, accept_form=form)


def _triage_with_reason(
    request: AuthenticatedHttpRequest,
    referral_id: uuid.UUID,
    *,
    form_class: type[ReturnForm] | type[DeclineForm],
    service: Callable[..., Referral],
    form_name: str,
    success: str,
) -> HttpResponse:
    """A triage decision that takes only a reason (return, decline): run `service` with it,
    then back to the triage list, or the referral's page again with the form's errors."""
    user = request.user
    referral = get_referral_for_triage(user, referral_id, write=True)
    form = form_class(request.POST)
    done = run_form(
        form,
        lambda data: service(
            actor=user,
            referral=referral,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        field_names=ERROR_FIELDS,
    )
    if done.ok:
        messages.success(request, success)
        return redirect("referrals:triage")
    return _render_errors(request, referral, done.status, **{form_name: form})


@login_required
@require_POST
def triage_return(request: AuthenticatedHttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _triage_with_reason(
        request,
        referral_id,
        form_class=ReturnForm,
        service=referral_return,
        form_name="return_form",
        success="Referral returned to the referrer with your reason.",
    )


@login_required
@require_POST
def triage_decline(request: AuthenticatedHttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    return _triage_with_reason(
        request,
        referral_id,
        form_class=DeclineForm,
        service=referral_decline,
        form_name="decline_form",
        success="Recorded that the person declined social prescribing.",
    )
