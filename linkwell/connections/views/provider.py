"""The provider's side: the referrals inbox, one referral, and the emailed link.

Provider pages show `Connection.shared` and the service, never the case or the person record
(see sharing.py). Access: connections.access (another provider's staff 404, read-only 403 on
actions). The emailed link needs no sign-in: GET shows, POST acts (mail scanners follow links).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import User
from linkwell.audit.access_log import log_access
from linkwell.audit.services import audit_access
from linkwell.connections.access import get_connection_for_provider, provider_org_ids
from linkwell.connections.forms import AttendanceForm, NoteForm, ReasonForm
from linkwell.connections.mail import (
    ReferralLinkError,
    connection_accept_by_link,
    connection_from_link,
    connection_reject_by_link,
)
from linkwell.connections.models import Connection, ConnectionReason, ConnectionStatus
from linkwell.connections.selectors import INBOX_TABS, provider_inbox, provider_inbox_counts
from linkwell.connections.services import (
    attendance_record,
    connection_accept,
    connection_add_note,
    connection_complete,
    connection_fail,
    connection_hold,
    connection_reject,
    connection_resume,
)
from linkwell.connections.views.case import shared_rows
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import apply_errors

S = ConnectionStatus
TAB_LABELS = {"new": "New", "open": "Accepted and attending", "closed": "Closed"}


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _person_id(connection: Connection) -> str:
    return str(connection.case.person.uuid)


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not provider_org_ids(user):
        raise PermissionDenied("This page is for staff of community providers.")
    tab = request.GET.get("tab", "new")
    if tab not in INBOX_TABS:
        tab = "new"
    rows = list(provider_inbox(user, tab=tab)[:200])
    counts = provider_inbox_counts(user)
    return render(
        request,
        "connections/provider_inbox.html",
        {
            "rows": rows,
            "tab": tab,
            "tabs": [(key, TAB_LABELS[key], counts[key]) for key in INBOX_TABS],
        },
    )


def _detail_context(connection: Connection, *, can_act: bool) -> dict[str, Any]:
    version = connection.version
    return {
        "connection": connection,
        "service": connection.service,
        "shared": shared_rows(connection.shared),
        "reference": connection.uuid.hex[:8].upper(),
        "attendances": list(connection.attendances.order_by("-session_on")),
        "can_act": can_act,
        "can_answer": connection.status == S.REQUESTED,
        "can_attend": connection.status in (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD),
        "can_hold": connection.status in (S.ACCEPTED, S.IN_PROGRESS),
        "can_resume": connection.status == S.ON_HOLD,
        "can_close": connection.status in (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD),
        "decline_form": ReasonForm(initial={"version": version}, prefix="decline"),
        "stop_form": ReasonForm(initial={"version": version}, prefix="stop"),
        "attendance_form": AttendanceForm(initial={"version": version}),
        "note_form": NoteForm(initial={"version": version, "note": connection.provider_note}),
    }


def _can_act(user: User, connection: Connection) -> bool:
    try:
        get_connection_for_provider(user, connection.uuid, write=True)
    except (Http404, PermissionDenied):
        return False
    return True


@login_required
def referral_detail(request: AuthenticatedHttpRequest, connection_id: uuid.UUID) -> HttpResponse:
    user = request.user
    connection = get_connection_for_provider(user, connection_id)
    log_access(request, connection, person_id=_person_id(connection))
    return render(
        request,
        "connections/provider_detail.html",
        _detail_context(connection, can_act=_can_act(user, connection)),
    )


def _simple(
    action: Callable[..., Any], done: str
) -> Callable[[User, Connection, HttpRequest], tuple[str, Any]]:
    def run(user: User, connection: Connection, request: HttpRequest) -> tuple[str, Any]:
        action(actor=user, connection=connection, expected_version=_version(request))
        return done, None

    return run


def _with_reason(
    action: Callable[..., Any], prefix: str, done: str
) -> Callable[[User, Connection, HttpRequest], tuple[str, Any]]:
    def run(user: User, connection: Connection, request: HttpRequest) -> tuple[str, Any]:
        form = ReasonForm(request.POST, prefix=prefix)
        if not form.is_valid():
            return "", form
        action(
            actor=user,
            connection=connection,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            detail=form.cleaned_data["reason_detail"],
        )
        return done, None

    return run


def _attendance(user: User, connection: Connection, request: HttpRequest) -> tuple[str, Any]:
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return "", form
    attendance_record(
        actor=user,
        connection=connection,
        expected_version=form.cleaned_data["version"],
        session_on=form.cleaned_data["session_on"],
        attended=form.cleaned_data["attended"] != "no",
    )
    return "The session has been recorded.", None


def _note(user: User, connection: Connection, request: HttpRequest) -> tuple[str, Any]:
    form = NoteForm(request.POST)
    if not form.is_valid():
        return "", form
    connection_add_note(
        actor=user,
        connection=connection,
        expected_version=form.cleaned_data["version"],
        note=form.cleaned_data["note"],
    )
    return "Your note has been sent to the link worker.", None


ACTIONS: dict[str, Callable[[User, Connection, HttpRequest], tuple[str, Any]]] = {
    "accept": _simple(connection_accept, "You have accepted the referral."),
    "decline": _with_reason(connection_reject, "decline", "You have declined the referral."),
    "attendance": _attendance,
    "hold": _simple(connection_hold, "The referral is on hold."),
    "resume": _simple(connection_resume, "The referral is active again."),
    "complete": _simple(connection_complete, "Marked as completed. Thank you."),
    "stop": _with_reason(connection_fail, "stop", "Marked as stopped. The link worker is told."),
    "note": _note,
}
_FORMS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "decline": ("decline_form", lambda data: ReasonForm(data, prefix="decline")),
    "stop": ("stop_form", lambda data: ReasonForm(data, prefix="stop")),
    "attendance": ("attendance_form", AttendanceForm),
    "note": ("note_form", NoteForm),
}


@login_required
@require_POST
def referral_action(
    request: AuthenticatedHttpRequest, connection_id: uuid.UUID, action: str
) -> HttpResponse:
    run = ACTIONS.get(action)
    if run is None:
        raise Http404("No such action")
    user = request.user
    connection = get_connection_for_provider(user, connection_id, write=True)
    status = 400
    errors: list[str] = []
    try:
        done, bad_form = run(user, connection, request)
    except ValidationFailed as exc:
        done, bad_form = "", None
        if action in _FORMS:
            bad_form = _FORMS[action][1](request.POST)
            bad_form.is_valid()
            apply_errors(exc, bad_form)
        else:
            errors = [message for messages_ in exc.errors.values() for message in messages_]
    except ConcurrentEditError as exc:
        done, bad_form, errors, status = "", None, [str(exc)], 409
    if done:
        messages.success(request, done)
        return redirect("connections:provider_referral", connection_id=connection.uuid)
    # Show the referral as it is now (someone else may have changed it), with the problem.
    connection = get_connection_for_provider(user, connection_id)
    log_access(request, connection, person_id=_person_id(connection))
    context = _detail_context(connection, can_act=True)
    if bad_form is not None:
        context[_FORMS[action][0]] = bad_form
        errors += [e for errs in bad_form.errors.values() for e in errs]
    context["errors"] = errors
    return render(request, "connections/provider_detail.html", context, status=status)


# --- The emailed link ------------------------------------------------------------------------


def _link_invalid(request: HttpRequest, exc: ReferralLinkError) -> HttpResponse:
    return render(
        request,
        "connections/link_invalid.html",
        {
            "reason": exc.reason,
            "message": str(exc),
            "inbox_url": reverse("connections:provider_inbox"),
        },
        status=410 if exc.reason in ("expired", "used") else 404,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def referral_link(request: HttpRequest, token: str) -> HttpResponse:
    """Accept or decline from the email. GET never acts; POST acts once."""
    decline_form = ReasonForm(prefix="decline")
    try:
        if request.method == "POST":
            if request.POST.get("answer") == "accept":
                connection = connection_accept_by_link(token=token)
                return _link_done(request, connection, "accepted")
            decline_form = ReasonForm(request.POST, prefix="decline")
            if decline_form.is_valid():
                try:
                    connection = connection_reject_by_link(
                        token=token,
                        reason=decline_form.cleaned_data["reason"],
                        detail=decline_form.cleaned_data["reason_detail"],
                    )
                except ValidationFailed as exc:
                    apply_errors(exc, decline_form)
                else:
                    return _link_done(request, connection, "declined")
        connection = connection_from_link(token)
    except ReferralLinkError as exc:
        return _link_invalid(request, exc)
    audit_access(
        actor=None,
        obj=connection,
        person_id=_person_id(connection),
        detail={"path": "referral link", "method": request.method},
    )
    return render(
        request,
        "connections/link.html",
        {
            "connection": connection,
            "service": connection.service,
            "shared": shared_rows(connection.shared),
            "reference": connection.uuid.hex[:8].upper(),
            "decline_form": decline_form,
            "reasons": ConnectionReason.choices,
        },
        status=400 if decline_form.errors else 200,
    )


def _link_done(request: HttpRequest, connection: Connection, answer: str) -> HttpResponse:
    return render(
        request,
        "connections/link_done.html",
        {
            "connection": connection,
            "service": connection.service,
            "answer": answer,
            "first_name": connection.shared.get("first_name", ""),
            "inbox_url": reverse("connections:provider_inbox"),
        },
    )
