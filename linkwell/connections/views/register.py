"""Attendance in bulk, for provider staff: a session register per service and day, and an
attendance file (CSV) with a preview.

Like the rest of the provider side these pages show only `Connection.shared` (the first name
and age band) and the referral's reference, never the case or the person record. Access:
`get_service_for_provider` (other providers and link workers 404, read-only members see the
register and get 403 on saving); the file upload needs a writing membership (403 otherwise).
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.services import audit_access
from linkwell.connections.access import get_service_for_provider, provider_org_ids
from linkwell.connections.forms import (
    AttendanceFileConfirmForm,
    AttendanceFileForm,
    RegisterDayForm,
    RegisterSaveForm,
)
from linkwell.connections.models import Attendance, Connection
from linkwell.connections.selectors import (
    RECORDABLE,
    awaiting_answer,
    provider_services,
    register_connections,
)
from linkwell.connections.services import (
    ABSENT,
    ATTENDED,
    NOT_RECORDED,
    RegisterMark,
    attendance_file_check,
    attendance_file_import,
    reference_of,
    register_save,
)
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import apply_errors
from linkwell.directory.exchange.timetable_ical import session_days
from linkwell.directory.models import Service


def _audit_read(request: AuthenticatedHttpRequest, people: list[Connection], what: str) -> None:
    """A register lists people: log the read of each one's shared details."""
    for connection in people:
        audit_access(
            actor=request.user,
            obj=connection,
            person_id=str(connection.case.person.uuid),
            detail={"path": request.path, "method": request.method, "page": what},
        )


@login_required
def register_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    org_ids = provider_org_ids(request.user)
    if not org_ids:
        raise PermissionDenied("This page is for staff of community providers.")
    return render(
        request,
        "connections/register_start.html",
        {
            "services": list(provider_services(org_ids)),
            "can_upload": bool(provider_org_ids(request.user, write=True)),
        },
    )


def _rows(
    people: list[Connection], saved: dict[int, Attendance], posted: dict[str, str] | None
) -> list[dict[str, Any]]:
    rows = []
    for c in people:
        prior = saved.get(c.pk)
        mark = NOT_RECORDED if prior is None else ATTENDED if prior.attended else ABSENT
        if posted is not None:
            mark = posted.get(f"mark-{c.uuid}", mark)
        rows.append(
            {
                "connection": c,
                "reference": reference_of(c),
                "mark": mark,
                "saved": prior,
                "open": c.status in RECORDABLE,
            }
        )
    return rows


def _day(request: AuthenticatedHttpRequest) -> tuple[RegisterDayForm, dt.date | None]:
    data = request.GET if request.method == "GET" else request.POST
    form = RegisterDayForm(
        {"on": data.get("on") or timezone.localdate().isoformat()}, auto_id="day-%s"
    )
    return form, form.cleaned_data["on"] if form.is_valid() else None


@login_required
@require_http_methods(["GET", "POST"])
def register(request: AuthenticatedHttpRequest, service_id: uuid.UUID) -> HttpResponse:
    user = request.user
    service = get_service_for_provider(user, service_id, write=request.method == "POST")
    day_form, session_on = _day(request)
    can_save = _can_save(user, service)
    errors: list[str] = []
    status = 200
    save_form = RegisterSaveForm()
    posted: dict[str, str] | None = None
    if request.method == "POST" and session_on is not None:
        save_form = RegisterSaveForm(request.POST)
        people = register_connections(service, session_on)
        posted = {k: str(request.POST.get(k, "")) for k in request.POST if k.startswith("mark-")}
        marks = [
            RegisterMark(
                connection_id=c.uuid,
                mark=request.POST.get(f"mark-{c.uuid}", NOT_RECORDED),
                version=_int(request.POST.get(f"version-{c.uuid}")),
            )
            for c in people
            if f"mark-{c.uuid}" in request.POST
        ]
        try:
            if not save_form.is_valid():
                raise ValidationFailed("Open the register again and save it once more.")
            batch, _ = register_save(
                actor=user,
                service=service,
                session_on=session_on,
                marks=marks,
                key=save_form.cleaned_data["submission_key"],
            )
        except ValidationFailed as exc:
            apply_errors(exc, save_form)
            errors = [m for ms in exc.errors.values() for m in ms]
            status = 400
        except ConcurrentEditError as exc:
            errors, status = [str(exc)], 409
        else:
            messages.success(
                request,
                f"Register saved for {session_on:%-d %B %Y}: {batch.recorded} recorded, "
                f"{batch.corrected} changed.",
            )
            return redirect(
                reverse("connections:provider_register", kwargs={"service_id": service.uuid})
                + f"?on={session_on.isoformat()}"
            )
    elif request.method == "POST":
        errors, status = [str(e) for es in day_form.errors.values() for e in es], 400
    people = register_connections(service, session_on) if session_on else []
    people = list(
        Connection.objects.filter(pk__in=[c.pk for c in people])
        .select_related("case__person")
        .order_by("requested_at", "pk")
    )
    saved = (
        {
            a.connection_id: a
            for a in Attendance.objects.filter(connection__in=people, session_on=session_on)
        }
        if session_on
        else {}
    )
    _audit_read(request, people, "register")
    if request.method == "GET" and request.GET.get("format") == "csv" and session_on:
        return _register_csv(service, session_on, _rows(people, saved, None))
    return render(
        request,
        "connections/register.html",
        {
            "service": service,
            "day_form": day_form,
            "session_on": session_on,
            "scheduled": session_days(_with_schedules(service), until=timezone.localdate()),
            "rows": _rows(people, saved, posted),
            "can_save": can_save,
            "awaiting": awaiting_answer(service),
            "save_form": save_form,
            "errors": errors,
            "marks": ((ATTENDED, "Came"), (ABSENT, "Did not come"), (NOT_RECORDED, "Not recorded")),
        },
        status=status,
    )


def _register_csv(
    service: Service, session_on: dt.date, rows: list[dict[str, Any]]
) -> HttpResponse:
    """The register as an attendance file to fill in offline and upload: the columns the
    upload reads, plus the first name shared with the provider (ignored on upload)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="register-{service.uuid.hex[:8]}-{session_on.isoformat()}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["reference", "session_date", "attended", "first_name"])
    for row in rows:
        if not row["open"]:
            continue
        mark = {ATTENDED: "yes", ABSENT: "no"}.get(row["mark"], "")
        name = str(row["connection"].shared.get("first_name", ""))
        writer.writerow([row["reference"], session_on.isoformat(), mark, _safe_cell(name)])
    return response


def _safe_cell(text: str) -> str:
    """A spreadsheet must not run a name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _with_schedules(service: Service) -> Service:
    return Service.objects.prefetch_related("schedules", "service_at_locations__schedules").get(
        pk=service.pk
    )


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _can_save(user: Any, service: Service) -> bool:
    try:
        get_service_for_provider(user, service.uuid, write=True)
    except PermissionDenied:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def attendance_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the upload form. POST with a file: the preview. POST with `data`: the import."""
    user = request.user
    if not provider_org_ids(user):
        raise PermissionDenied("This page is for staff of community providers.")
    org_ids = provider_org_ids(user, write=True)
    if not org_ids:
        raise PermissionDenied("You have read-only access to your organisation's referrals.")
    form = AttendanceFileForm()
    context: dict[str, Any] = {"form": form, "status": 200}
    if request.method == "POST" and "file_data" in request.POST:
        context = _import(request, org_ids)
        if "done" in context:
            batch = context["done"]
            messages.success(
                request,
                f"Attendance imported: {batch.recorded} recorded, {batch.corrected} changed, "
                f"{batch.unchanged} already recorded, {batch.rejected} left out.",
            )
            return redirect("connections:provider_register_start")
    elif request.method == "POST":
        form = AttendanceFileForm(request.POST, request.FILES)
        context = {"form": form, "status": 400}
        if form.is_valid():
            data = form.cleaned_data["file"].read()
            context = _preview(request, org_ids, data, form)
    return render(
        request, "connections/attendance_upload.html", context, status=context.pop("status")
    )


def _preview(
    request: AuthenticatedHttpRequest,
    org_ids: list[int],
    data: bytes,
    form: AttendanceFileForm,
    confirm: AttendanceFileConfirmForm | None = None,
    status: int = 200,
) -> dict[str, Any]:
    try:
        check = attendance_file_check(org_ids=org_ids, data=data)
    except ValidationFailed as exc:
        apply_errors(exc, form)
        return {"form": form, "status": 400}
    _audit_read(request, list({r.connection.pk: r.connection for r in check.rows}.values()), "file")
    return {
        "form": AttendanceFileForm(),
        "check": check,
        "rows": [{**r.__dict__, "reference": reference_of(r.connection)} for r in check.rows],
        "confirm": confirm
        or AttendanceFileConfirmForm(initial={"file_data": base64.b64encode(data).decode()}),
        "status": status,
    }


def _import(request: AuthenticatedHttpRequest, org_ids: list[int]) -> dict[str, Any]:
    confirm = AttendanceFileConfirmForm(request.POST)
    if not confirm.is_valid():
        return {"form": AttendanceFileForm(), "status": 400, "errors": ["Upload the file again."]}
    try:
        data = base64.b64decode(confirm.cleaned_data["file_data"], validate=True)
    except (binascii.Error, ValueError):
        return {"form": AttendanceFileForm(), "status": 400, "errors": ["Upload the file again."]}
    try:
        batch, _ = attendance_file_import(
            actor=request.user,
            organisation_id=org_ids[0],
            org_ids=org_ids,
            data=data,
            good_rows_only=confirm.cleaned_data["good_rows_only"],
            key=confirm.cleaned_data["submission_key"],
        )
    except (ValidationFailed, ConcurrentEditError) as exc:
        context = _preview(request, org_ids, data, AttendanceFileForm(), confirm, status=400)
        if isinstance(exc, ValidationFailed):
            context["errors"] = [m for ms in exc.errors.values() for m in ms]
        else:
            context["errors"], context["status"] = [str(exc)], 409
        return context
    return {"done": batch}
