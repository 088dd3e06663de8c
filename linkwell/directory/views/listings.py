"""Editing, verifying and quality-assuring listings. Thin: access helper -> service -> render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.directory.access import (
    can_edit_organization,
    can_manage_quality,
    can_see_quality_detail,
    get_organization_for_quality,
    get_organization_for_user,
    get_service_for_user,
)
from linkwell.directory.forms import (
    QualityCheckForm,
    ServiceEditForm,
    SessionFormSet,
    add_rule_errors,
    apply_service_errors,
    sessions_data,
)
from linkwell.directory.models import QualityCheck, QualityCheckKind, Service
from linkwell.directory.quality import quality_summary
from linkwell.directory.selectors import listing_rows_for_provider_staff
from linkwell.directory.services import (
    VerifyLinkError,
    accessibility_location,
    may_edit_venue,
    quality_check_record,
    service_edit_state,
    service_from_verification_token,
    service_update,
    service_verify,
    service_verify_by_link,
)


@login_required
def my_listings(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = listing_rows_for_provider_staff(user=request.user)
    return render(
        request,
        "directory/my_listings.html",
        {"rows": rows, "stale_count": sum(1 for r in rows if r.is_stale)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: AuthenticatedHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_service_for_user(request.user, service_id, write=True)
    venue = {
        "has_location": accessibility_location(service) is not None,
        "may_edit_venue": may_edit_venue(request.user, service),
    }
    status = 200
    if request.method == "POST":
        # A disabled field takes its value from `initial`: the stored text, unchanged.
        initial = (
            {}
            if venue["may_edit_venue"]
            else {"accessibility": service_edit_state(service)["accessibility"]}
        )
        form = ServiceEditForm(request.POST, initial=initial, **venue)
        formset = SessionFormSet(request.POST, prefix="session")
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if not (form_ok and formset_ok):
            # Report the business-rule problems too (age order, opening times...), not just the
            # fields that failed to parse, so the user sees every problem at once.
            add_rule_errors(service, form, formset, actor=request.user)
        else:
            rows = sessions_data(formset)
            try:
                service_update(
                    actor=request.user,
                    service=service,
                    data={**form.service_data(), "schedule": rows},
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationFailed as exc:
                apply_service_errors(exc, form, formset, rows)
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, f"Your changes to “{service.name}” have been saved.")
                return redirect("directory:service_detail", service_id=service.uuid)
    else:
        state = service_edit_state(service)
        form = ServiceEditForm(
            initial=ServiceEditForm.initial_from_state(state, service.version),
            **venue,
        )
        formset = SessionFormSet(initial=state["schedule"], prefix="session")
    return render(
        request,
        "directory/service_edit.html",
        {
            "service": service,
            "form": form,
            "formset": formset,
            "has_errors": bool(form.errors or any(f.errors for f in formset.forms)),
            "is_stale": service.is_stale(),
        },
        status=status,
    )


@login_required
@require_POST
def service_verify_view(request: AuthenticatedHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_service_for_user(request.user, service_id, write=True)
    raw_version = request.POST.get("version", "")
    try:
        service_verify(
            actor=request.user,
            service=service,
            expected_version=int(raw_version) if raw_version.isdigit() else None,
        )
    except ConcurrentEditError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Thank you. “{service.name}” is marked as still correct.")
    next_url = request.POST.get("next", "")
    if next_url == "mine":
        return redirect("directory:my_listings")
    return redirect("directory:service_detail", service_id=service.uuid)


def _organization_context(organization: Any) -> dict[str, Any]:
    checks = list(
        QualityCheck.objects.filter(organization=organization)
        .select_related("checked_by")
        .order_by("kind", "-expires_on")
    )
    quality = quality_summary(checks)

    def label(kind: str) -> str:
        return str(QualityCheckKind(kind).label)

    problems = [
        *(f"{label(k)}: not yet checked" for k in quality.missing),
        *(f"{label(k)}: expired" for k in quality.expired),
        *(f"{label(k)}: expires soon" for k in quality.expiring),
    ]
    return {
        "organization": organization,
        "quality": quality,
        "problem_labels": problems,
        "checks": checks,
        "today": timezone.localdate(),
    }


@login_required
def organization_detail(
    request: AuthenticatedHttpRequest, organization_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    organization = get_organization_for_user(user, organization_id)
    context = _organization_context(organization)
    services = list(Service.objects.filter(organization=organization).order_by("name"))
    now = timezone.now()
    context.update(
        {
            "service_rows": [(s, s.is_stale(now)) for s in services],
            "show_checks": can_see_quality_detail(user, organization),
            "can_manage_quality": can_manage_quality(user),
            "can_edit": can_edit_organization(user, organization),
        }
    )
    return render(request, "directory/organization_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_quality(
    request: AuthenticatedHttpRequest, organization_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    write = request.method == "POST"
    organization = get_organization_for_quality(user, organization_id, write=write)
    form = QualityCheckForm(request.POST if write else None)
    if write and form.is_valid():
        try:
            quality_check_record(actor=user, organization=organization, **form.cleaned_data)
        except ValidationFailed as exc:
            for key, errors in exc.errors.items():
                for error in errors:
                    form.add_error(key if key in form.fields else None, error)
        else:
            messages.success(request, "The quality check has been recorded.")
            return redirect("directory:organization_quality", organization_id=organization.uuid)
    context = _organization_context(organization)
    context.update({"form": form, "can_manage_quality": can_manage_quality(user)})
    return render(request, "directory/organization_quality.html", context)


# --- The one-click link in reminder emails: no sign-in, GET shows, POST confirms ----------------


def _invalid_link(request: HttpRequest, exc: VerifyLinkError) -> HttpResponse:
    status = 410 if exc.reason in ("expired", "changed", "used") else 400
    return render(
        request,
        "directory/verify_invalid.html",
        {"reason": exc.reason, "message": str(exc), "login_url": reverse("accounts:login")},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET never changes anything: mail scanners follow links, and must not verify listings."""
    try:
        if request.method == "POST":
            service = service_verify_by_link(token=token)
            return render(request, "directory/verify_done.html", {"service": service})
        service = service_from_verification_token(token)
    except VerifyLinkError as exc:
        return _invalid_link(request, exc)
    state = service_edit_state(service)
    return render(request, "directory/verify_confirm.html", {"service": service, "state": state})
