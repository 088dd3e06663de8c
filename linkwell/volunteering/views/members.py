"""Coordinators' pages for volunteers: the list with flags, a member's page, adding and editing
a member, roles, checks, supervision and the link to a person supported.
Thin: parse -> access helper -> service/selector -> render."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Organisation
from linkwell.audit.services import audit_access
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.forms import run_form
from linkwell.volunteering.access import (
    coordinator_org_ids,
    get_member_for_user,
    volunteer_members,
)
from linkwell.volunteering.forms import (
    CheckForm,
    LinkPersonForm,
    MemberForm,
    RoleAddForm,
    RoleMoveForm,
    SupervisionForm,
    UnlinkPersonForm,
)
from linkwell.volunteering.languages import language_names
from linkwell.volunteering.models import (
    ROLE_TRANSITIONS,
    CommunityMember,
    RoleKind,
    RoleStatus,
    VolunteerRole,
)
from linkwell.volunteering.selectors import (
    FLAGS,
    member_detail,
    member_list_for_user,
    member_status_counts,
)
from linkwell.volunteering.services import (
    DAYS,
    check_record,
    member_create,
    member_find_person,
    member_link_person,
    member_unlink_person,
    member_update,
    role_add,
    role_move,
    supervision_record,
)


def _require_coordinator(request: AuthenticatedHttpRequest, *, write: bool = False) -> list[int]:
    orgs = coordinator_org_ids(request.user)
    if not orgs:
        raise Http404("No such page")
    if write:
        writable = coordinator_org_ids(request.user, write=True)
        if not writable:
            raise PermissionDenied("You have read-only access to these volunteers.")
        return writable
    return orgs


def _detail_url(member: CommunityMember) -> Any:
    return redirect("volunteering:member_detail", member_id=member.uuid)


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's home: their volunteers, filtered, with flags and counts by status.
    A volunteer who is not a coordinator is sent to their own pages instead."""
    if not coordinator_org_ids(request.user) and volunteer_members(request.user).exists():
        return redirect("volunteering:my_volunteering")
    _require_coordinator(request)
    status = request.GET.get("status", "")
    role = request.GET.get("role", "")
    flag = request.GET.get("flag", "")
    q = request.GET.get("q", "")[:100]
    status = status if status in RoleStatus.values else ""
    role = role if role in RoleKind.values else ""
    flag = flag if flag in FLAGS else ""
    rows = member_list_for_user(request.user, status=status, role=role, flag=flag, q=q)
    counts = member_status_counts(request.user)
    return render(
        request,
        "volunteering/home.html",
        {
            "rows": rows,
            "counts": [(s, label, counts[s]) for s, label in RoleStatus.choices],
            "statuses": RoleStatus.choices,
            "roles": RoleKind.choices,
            "flags": list(FLAGS.items()),
            "filters": {"status": status, "role": role, "flag": flag, "q": q},
            "can_write": bool(coordinator_org_ids(request.user, write=True)),
        },
    )


def _organisation_field(form: forms.Form, org_ids: list[int]) -> list[Organisation]:
    orgs = list(Organisation.objects.filter(pk__in=org_ids).order_by("name"))
    if len(orgs) > 1:
        form.fields["organisation"] = forms.ChoiceField(
            label="Organisation",
            choices=[("", "Choose the organisation"), *((str(o.uuid), o.name) for o in orgs)],
            widget=forms.Select(attrs={"class": "nhsuk-select"}),
            error_messages={"required": "Choose the organisation they volunteer with"},
        )
    return orgs


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    org_ids = _require_coordinator(request, write=True)
    form = MemberForm(request.POST or None, initial={"max_matches": 2})
    orgs = _organisation_field(form, org_ids)
    status = 200
    if request.method == "POST":

        def create(data: dict[str, Any]) -> CommunityMember:
            chosen = data.get("organisation")
            organisation = next((o for o in orgs if str(o.uuid) == chosen), orgs[0])
            return member_create(
                actor=request.user, organisation=organisation, data=form.member_data()
            )

        result = run_form(form, create)
        if result.ok and result.result is not None:
            messages.success(request, f"{result.result} added.")
            return _detail_url(result.result)
        status = result.status
    return render(
        request,
        "volunteering/member_form.html",
        {"form": form, "title": "Add a volunteer"},
        status=status,
    )


@login_required
def member_detail_view(request: AuthenticatedHttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = get_member_for_user(request.user, member_id)
    audit_access(actor=request.user, obj=member)
    detail = member_detail(member)
    writable = member.organisation_id in coordinator_org_ids(request.user, write=True)
    return render(
        request,
        "volunteering/member_detail.html",
        {
            "member": member,
            "detail": detail,
            "languages": language_names(member.languages),
            "availability": [
                {**s, "day": DAYS.get(s.get("day", ""), s.get("day"))} for s in member.availability
            ],
            "can_write": writable,
            "flag_labels": FLAGS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedHttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = get_member_for_user(request.user, member_id, write=True)
    form = MemberForm(request.POST or None, initial=MemberForm.initial_from(member))
    status = 200
    if request.method == "POST":
        result = run_form(
            form,
            lambda data: member_update(
                actor=request.user,
                member=member,
                data=form.member_data(),
                expected_version=data.get("version"),
            ),
        )
        if result.ok:
            messages.success(request, "Changes saved.")
            return _detail_url(member)
        status = result.status
    return render(
        request,
        "volunteering/member_form.html",
        {"form": form, "member": member, "title": f"Edit {member}"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_add_view(request: AuthenticatedHttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = get_member_for_user(request.user, member_id, write=True)
    form = RoleAddForm(request.POST or None)
    status = 200
    if request.method == "POST":
        result = run_form(
            form,
            lambda data: role_add(
                actor=request.user,
                member=member,
                kind=data["kind"],
                status=data["status"],
                reason=data.get("reason") or "",
            ),
        )
        if result.ok:
            messages.success(request, "Role added.")
            return _detail_url(member)
        status = result.status
    return render(
        request, "volunteering/role_add.html", {"form": form, "member": member}, status=status
    )


def _get_role(member: CommunityMember, role_id: uuid.UUID) -> VolunteerRole:
    role = member.roles.filter(uuid=role_id).first()
    if role is None:
        raise Http404("No such role")
    return role


@login_required
@require_http_methods(["GET", "POST"])
def role_move_view(
    request: AuthenticatedHttpRequest, member_id: uuid.UUID, role_id: uuid.UUID
) -> HttpResponse:
    member = get_member_for_user(request.user, member_id, write=True)
    role = _get_role(member, role_id)
    form = RoleMoveForm(request.POST or None, initial={"version": role.version})
    status = 200
    if request.method == "POST":
        result = run_form(
            form,
            lambda data: role_move(
                actor=request.user,
                role=role,
                to_status=data["to_status"],
                reason=data.get("reason") or "",
                expected_version=data["version"],
            ),
        )
        if result.ok:
            messages.success(request, "Role moved.")
            return _detail_url(member)
        status = result.status
        role.refresh_from_db()
    allowed = [
        (s, label) for s, label in RoleStatus.choices if s in ROLE_TRANSITIONS.get(role.status, ())
    ]
    return render(
        request,
        "volunteering/role_move.html",
        {"form": form, "member": member, "role": role, "allowed": allowed},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_add(request: AuthenticatedHttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = get_member_for_user(request.user, member_id, write=True)
    form = CheckForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    status = 200
    if request.method == "POST":
        result = run_form(
            form,
            lambda data: check_record(
                actor=request.user,
                member=member,
                kind=data["kind"],
                done_on=data["done_on"],
                dbs_level=data.get("dbs_level") or "",
                course=data.get("course") or "",
                note=data.get("note") or "",
            ),
        )
        if result.ok:
            messages.success(request, "Recorded.")
            return _detail_url(member)
        status = result.status
    return render(
        request, "volunteering/check_form.html", {"form": form, "member": member}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervision_add(request: AuthenticatedHttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = get_member_for_user(request.user, member_id, write=True)
    form = SupervisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        result = run_form(
            form,
            lambda data: supervision_record(
                actor=request.user,
                member=member,
                held_on=data["held_on"],
                notes=data.get("notes") or "",
            ),
        )
        if result.ok:
            messages.success(request, "Supervision recorded.")
            return _detail_url(member)
        status = result.status
    return render(
        request,
        "volunteering/supervision_form.html",
        {"form": form, "member": member},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_person(request: AuthenticatedHttpRequest, member_id: uuid.UUID) -> HttpResponse:
    member = get_member_for_user(request.user, member_id, write=True)
    initial = {"version": member.version}
    link_form = LinkPersonForm(
        request.POST if request.POST.get("action") == "link" else None, initial=initial
    )
    unlink_form = UnlinkPersonForm(
        request.POST if request.POST.get("action") == "unlink" else None, initial=initial
    )
    status = 200
    if request.method == "POST" and request.POST.get("action") == "unlink":
        result = run_form(
            unlink_form,
            lambda data: member_unlink_person(
                actor=request.user,
                member=member,
                reason=data.get("reason") or "",
                expected_version=data["version"],
            ),
        )
        if result.ok:
            messages.success(request, "The link was removed.")
            return _detail_url(member)
        status = result.status
    elif request.method == "POST":
        result = run_form(link_form, lambda data: _link(request, member, data))
        if result.ok:
            messages.success(request, "The records are linked.")
            return _detail_url(member)
        status = result.status
    return render(
        request,
        "volunteering/link_person.html",
        {"form": link_form, "unlink_form": unlink_form, "member": member},
        status=status,
    )


def _link(
    request: AuthenticatedHttpRequest, member: CommunityMember, data: dict[str, Any]
) -> CommunityMember:
    # Checked before looking anyone up, so a missing consent or reason is reported first.
    problems: dict[str, list[str]] = {}
    if not data.get("consent"):
        problems["consent"] = ["Confirm the volunteer agreed to linking their two records"]
    if not (data.get("reason") or "").strip():
        problems["reason"] = ["Enter why the records are being linked"]
    if problems:
        raise ValidationFailed(problems)
    person = member_find_person(
        organisation=member.organisation,
        nhs_number=data.get("nhs_number") or "",
        given_name=data.get("given_name") or "",
        family_name=data.get("family_name") or "",
        date_of_birth=data.get("date_of_birth"),
    )
    return member_link_person(
        actor=request.user,
        member=member,
        person=person,
        consent=bool(data.get("consent")),
        reason=data.get("reason") or "",
        expected_version=data["version"],
    )


__all__ = [
    "check_add",
    "home",
    "link_person",
    "member_detail_view",
    "member_edit",
    "member_new",
    "role_add_view",
    "role_move_view",
    "supervision_add",
]
