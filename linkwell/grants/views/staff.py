"""Staff pages: the grants home, a round (ranked applications), an application (scores,
conflicts, decision, payments, monitoring), the offer letter, and applying signed in.
Each view: access helper -> service or selector -> response (`access.py` says who)."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import User
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import apply_errors, run_form
from linkwell.grants.access import get_application_for_user, get_round_for_user, manager_org_ids
from linkwell.grants.forms import (
    ApplicationForm,
    ConflictForm,
    DecisionForm,
    PaymentForm,
    ScoreForm,
)
from linkwell.grants.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    MonitoringReport,
    Score,
)
from linkwell.grants.pdf import offer_pdf
from linkwell.grants.selectors.figures import can_see_figures
from linkwell.grants.selectors.gaps import gap_choices, gap_labels
from linkwell.grants.selectors.letters import offer_context
from linkwell.grants.selectors.money import budget_figures, paid_total
from linkwell.grants.selectors.ranking import application_scores, ranked_applications
from linkwell.grants.selectors.rounds import open_rounds, programmes_for_user, rounds_for_user
from linkwell.grants.services import (
    application_award,
    application_decline,
    application_score,
    application_submit,
    conflict_declare,
    payment_record,
    round_state,
)
from linkwell.grants.services.applications import is_practice_staff
from linkwell.grants.services.assessment import CONFLICTED
from linkwell.grants.views.public import report_page


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Everyone signed in may open it: with no programme and no panel it says so (the menu
    # shows it to managers' roles, who may have no programme yet).
    rounds = list(rounds_for_user(request.user))
    for r in rounds:
        r.state = round_state(r)  # type: ignore[attr-defined]
    return render(
        request,
        "grants/home.html",
        {
            "rounds": rounds,
            "programmes": list(programmes_for_user(request.user)),
            "can_set_up": bool(manager_org_ids(request.user, write=True)),
            "can_see_figures": can_see_figures(user=request.user),
        },
    )


def _applies_as_staff(user: User) -> bool:
    """Staff (an active membership) apply from Linkwell; anyone else on the public form."""
    return user.memberships.filter(is_active=True).exists()


@login_required
def round_detail(request: AuthenticatedHttpRequest, round_id: uuid.UUID) -> HttpResponse:
    round_, access = get_round_for_user(request.user, round_id)
    rows = ranked_applications(round_, panel_member=access.panel_member)
    return render(
        request,
        "grants/round.html",
        {
            "round": round_,
            "access": access,
            "rows": rows,
            "state": round_state(round_),
            # Staff apply from here; a panel member from the community, on the public form.
            "applies_as_staff": _applies_as_staff(request.user),
            "money": budget_figures(round_) if access.manager else None,
            "criteria": list(round_.criteria.all()),
            "has_applications": round_.applications.exists() if access.writable else False,
            "panel": list(round_.panel.select_related("user", "community_member"))
            if access.manager
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_apply(request: AuthenticatedHttpRequest, round_id: uuid.UUID) -> HttpResponse:
    """Any signed-in staff member may apply to an open round (practice-staff tiers need a GP
    practice or PCN membership: the service checks)."""
    round_ = next((r for r in open_rounds() if r.uuid == round_id), None)
    if round_ is None or not _applies_as_staff(request.user):
        raise Http404("No such open round")
    tiers = round_.programme.tiers.all()
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        tiers=tiers,
        gap_choices=gap_choices(round_.programme),
        initial={"applicant_name": request.user.full_name, "applicant_email": request.user.email},
    )
    if request.method == "POST":
        result = run_form(
            form,
            lambda data: application_submit(
                actor=request.user,
                round_=round_,
                tier=data.get("tier"),
                data=form.application_data(),
                gap_keys=data.get("gaps") or [],
            ),
        )
        if result.ok and result.result is not None:
            request.session["grant-apply"] = {
                "reference": result.result.reference,
                "programme": round_.programme.name,
                "round": round_.name,
                "email": result.result.applicant_email,
            }
            return redirect("grants:apply_done")
        status = result.status
    else:
        status = 200
    return render(
        request,
        "grants/apply.html",
        {
            "form": form,
            "round": round_,
            "public": False,
            "practice_staff": is_practice_staff(request.user),
        },
        status=status,
    )


def _application_page(
    request: AuthenticatedHttpRequest,
    application_id: uuid.UUID,
    *,
    status: int = 200,
    **forms: object,
) -> HttpResponse:
    application, access = get_application_for_user(request.user, application_id)
    panel = access.panel_member
    conflicted = (
        panel is not None
        and ConflictOfInterest.objects.filter(panel_member=panel, application=application).exists()
    )
    my_scores = (
        {
            s.criterion_id: s
            for s in Score.objects.filter(application=application, panel_member=panel)
        }
        if panel is not None
        else {}
    )
    criteria = list(application.round.criteria.all())
    can_score = (
        panel is not None and not conflicted and application.status == ApplicationStatus.SUBMITTED
    )
    report = (
        MonitoringReport.objects.select_related("suggestion", "suggestion__service")
        .filter(application=application)
        .first()
    )
    context = {
        "application": application,
        "access": access,
        "gaps": gap_labels(application.gaps.select_related("need")),
        "conflicted": conflicted,
        "can_score": can_score,
        "score_form": forms.get("score_form")
        or (ScoreForm(criteria=criteria, initial_scores=my_scores) if can_score else None),
        "conflict_form": forms.get("conflict_form")
        or (ConflictForm() if panel is not None and not conflicted else None),
        "my_scores": my_scores,
        "scores": application_scores(application) if access.manager else [],
        "conflicts": list(application.conflicts.select_related("panel_member__user"))
        if access.manager
        else [],
        "ranked": next(
            (
                r
                for r in ranked_applications(application.round)
                if r.application.pk == application.pk
            ),
            None,
        )
        if access.manager
        else None,
        "decision_form": forms.get("decision_form")
        or (
            DecisionForm(
                initial={"version": application.version, "amount": application.amount_requested}
            )
            if access.writable and application.status == ApplicationStatus.SUBMITTED
            else None
        ),
        "payment_form": forms.get("payment_form")
        or (
            PaymentForm()
            if access.writable and application.status == ApplicationStatus.AWARDED
            else None
        ),
        "payments": list(application.payments.all()) if access.manager else [],
        "paid": paid_total(application=application),
        "money": budget_figures(application.round) if access.manager else None,
        "report": report,
        "criteria": criteria,
    }
    return render(request, "grants/application.html", context, status=status)


@login_required
def application_detail(
    request: AuthenticatedHttpRequest, application_id: uuid.UUID
) -> HttpResponse:
    return _application_page(request, application_id)


@login_required
@require_POST
def application_score_view(
    request: AuthenticatedHttpRequest, application_id: uuid.UUID
) -> HttpResponse:
    application, access = get_application_for_user(request.user, application_id, score=True)
    assert access.panel_member is not None
    criteria = list(application.round.criteria.all())
    form = ScoreForm(request.POST, criteria=criteria)
    if not form.is_valid():
        return _application_page(request, application_id, status=400, score_form=form)
    try:
        application_score(
            actor=request.user,
            panel_member=access.panel_member,
            application=application,
            scores=form.scores(),
        )
    except ValidationFailed as exc:
        if exc.errors.get("__all__") == [CONFLICTED]:
            raise PermissionDenied(CONFLICTED) from exc
        apply_errors(exc, form)
        return _application_page(request, application_id, status=400, score_form=form)
    return redirect(reverse("grants:application", args=[application.uuid]) + "#scores")


@login_required
@require_POST
def conflict_view(request: AuthenticatedHttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application, access = get_application_for_user(request.user, application_id, score=True)
    assert access.panel_member is not None
    panel_member = access.panel_member
    form = ConflictForm(request.POST)
    result = run_form(
        form,
        lambda data: conflict_declare(
            actor=request.user,
            panel_member=panel_member,
            application=application,
            reason=data.get("reason") or "",
        ),
    )
    if not result.ok:
        return _application_page(request, application_id, status=result.status, conflict_form=form)
    return redirect("grants:application", application_id=application.uuid)


@login_required
@require_POST
def decide_view(request: AuthenticatedHttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application, _access = get_application_for_user(request.user, application_id, manage=True)
    form = DecisionForm(request.POST)

    def decide(data: dict[str, object]) -> object:
        version = data.get("version")
        expected = version if isinstance(version, int) else None
        if data.get("decision") == "award":
            return application_award(
                actor=request.user,
                application=application,
                amount=data.get("amount"),
                reason=str(data.get("reason") or ""),
                expected_version=expected,
            )
        return application_decline(
            actor=request.user,
            application=application,
            reason=str(data.get("reason") or ""),
            expected_version=expected,
        )

    result = run_form(form, decide)
    if not result.ok:
        return _application_page(request, application_id, status=result.status, decision_form=form)
    return redirect("grants:application", application_id=application.uuid)


@login_required
@require_POST
def pay_view(request: AuthenticatedHttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application, _access = get_application_for_user(request.user, application_id, manage=True)
    form = PaymentForm(request.POST)
    result = run_form(
        form,
        lambda data: payment_record(
            actor=request.user,
            application=application,
            amount=data.get("amount"),
            paid_on=data.get("paid_on"),
            reference=data.get("reference") or "",
        ),
    )
    if not result.ok:
        return _application_page(request, application_id, status=result.status, payment_form=form)
    return redirect(reverse("grants:application", args=[application.uuid]) + "#payments")


def _awarded(request: AuthenticatedHttpRequest, application_id: uuid.UUID) -> Application:
    application, access = get_application_for_user(request.user, application_id)
    if not access.manager:
        raise PermissionDenied("Offer letters are for the programme's managers.")
    if application.status != ApplicationStatus.AWARDED:
        raise Http404("No offer for this application")
    return application


@login_required
def offer_letter(request: AuthenticatedHttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _awarded(request, application_id)
    return render(request, "grants/offer.html", {"letter": offer_context(application)})


@login_required
def offer_letter_pdf(request: AuthenticatedHttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _awarded(request, application_id)
    letter = offer_context(application)
    response = HttpResponse(offer_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="offer-{letter["reference"]}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def monitoring_view(request: AuthenticatedHttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Staff record the grantee's report on their behalf (writable managers)."""
    application, _access = get_application_for_user(request.user, application_id, manage=True)
    if MonitoringReport.objects.filter(application=application).exists():
        return redirect("grants:application", application_id=application.uuid)
    if application.status != ApplicationStatus.AWARDED:
        raise Http404("Only an awarded grant reports")
    result = report_page(
        request,
        application=application,
        actor=request.user,
        template_extra={"done_url": reverse("grants:application", args=[application.uuid])},
    )
    if isinstance(result, HttpResponse):
        return result
    form, activity, status = result
    return render(
        request,
        "grants/report.html",
        {"form": form, "activity": activity, "application": application, "staff": True},
        status=status,
    )
