"""The volunteer's own pages (phone first) and the coordinators' page of volunteers' concerns.
Thin: access helper -> service or selector -> render.

Who sees what:
- /volunteering/me/ and /volunteering/me/log/: a signed-in user with a community member record
  (`CommunityMember.user`); anyone else 404 (staff included: the page is not theirs).
- /volunteering/me/matches/<uuid>/: only the volunteer who holds the match
  (`access.get_match_for_volunteer`); another volunteer, a coordinator or any staff user 404.
- /volunteering/concerns/ and /volunteering/concerns/<uuid>/: coordinators of the volunteer's
  organisation; read-only coordinators look (403 on resolving); anyone else 404.
Every page showing a person's details logs the read for that person, as the case page does.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.access_log import log_access, log_list_access
from linkwell.core.forms import INVALID, run_form
from linkwell.volunteering import services
from linkwell.volunteering.access import (
    get_match_for_volunteer,
    get_volunteer_concern_for_user,
    volunteer_members,
)
from linkwell.volunteering.models import Activity, Match, MatchStatus
from linkwell.volunteering.selectors import (
    my_volunteering,
    person_card,
    recent_activity,
    volunteer_concerns_for_coordinator,
)
from linkwell.volunteering.volunteer_forms import (
    AcceptForm,
    ConcernResolveForm,
    DeclineForm,
    OtherActivityForm,
    VisitForm,
)


def _person_id(match: Match) -> str:
    return str(match.request.person.uuid)


@login_required
def my_volunteering_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = my_volunteering(user=request.user)
    if page is None:
        raise Http404("You are not registered as a volunteer")
    log_list_access(
        request,
        page.matches,
        list_name="my_volunteering",
        person_id=_person_id,
        object_repr=lambda m: f"Introduction {m.uuid}",
    )
    return render(request, "volunteering/me.html", {"page": page})


def _closed_message(match: Match) -> str:
    if match.status == MatchStatus.DECLINED:
        return "You declined this introduction."
    if match.responded_at is None:
        return "This introduction was withdrawn by your coordinator."
    return "This match has ended. Thank you for the time you gave."


@login_required
@require_http_methods(["GET", "POST"])
def match_page(request: AuthenticatedHttpRequest, match_id: uuid.UUID) -> HttpResponse:
    user = request.user
    match = get_match_for_volunteer(user, match_id)
    log_access(request, match, person_id=_person_id(match))
    accept_form = AcceptForm(initial={"version": match.version})
    decline_form = DeclineForm(initial={"version": match.version})
    visit_form = VisitForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "accept":
            accept_form = AcceptForm(request.POST)
            accepted = run_form(
                accept_form,
                lambda d: services.match_accept(
                    actor=user, match=match, expected_version=d.get("version")
                ),
            )
            if accepted.ok:
                messages.success(
                    request,
                    "Thank you. You have accepted. Your coordinator has been told and will be in "
                    "touch about your first visit or call.",
                )
                return redirect("volunteering:volunteer_match", match_id=match.uuid)
            status = accepted.status
        elif action == "decline":
            decline_form = DeclineForm(request.POST)
            declined = run_form(
                decline_form,
                lambda d: services.match_decline(
                    actor=user, match=match, reason=d["reason"], expected_version=d.get("version")
                ),
            )
            if declined.ok:
                messages.success(
                    request,
                    "You have said no to this introduction. Your coordinator has been told.",
                )
                return redirect("volunteering:my_volunteering")
            status = declined.status
        elif action == "log":
            visit_form = VisitForm(request.POST)
            logged = run_form(
                visit_form,
                lambda d: services.activity_log(
                    actor=user,
                    member=match.member,
                    match=match,
                    kind=d["kind"],
                    happened_on=d["happened_on"],
                    minutes=d["minutes"],
                    how_it_went=d["how_it_went"],
                    concern=d["concern"],
                    submission_key=d["submission_key"],
                ),
            )
            if logged.ok and logged.result is not None:
                messages.success(request, _logged_message(logged.result))
                return redirect("volunteering:volunteer_match", match_id=match.uuid)
            status = logged.status
        else:
            status = INVALID
        match.refresh_from_db()
    context: dict[str, Any] = {
        "match": match,
        "card": person_card(match),
        "live": match.status in (MatchStatus.INTRODUCED, MatchStatus.ACTIVE),
        "closed_message": _closed_message(match),
        "accept_form": accept_form,
        "decline_form": decline_form,
        "visit_form": visit_form,
        "recent": recent_activity(match=match) if match.status == MatchStatus.ACTIVE else [],
    }
    return render(request, "volunteering/match.html", context, status=status)


def _logged_message(activity: Activity) -> str:
    text = f"Thank you. {activity.get_kind_display()} of {activity.minutes} minutes logged."
    if activity.safeguarding_concern_id is not None:
        text += " Your concern has gone to the safeguarding lead of the person's link worker."
    elif activity.concern:
        text += " Your concern has gone to your coordinator."
    return text


@login_required
@require_http_methods(["GET", "POST"])
def other_log_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    members = list(volunteer_members(user))
    if not members:
        raise Http404("You are not registered as a volunteer")
    form = OtherActivityForm(members=members)
    status = 200
    if request.method == "POST":
        form = OtherActivityForm(request.POST, members=members)
        done = run_form(
            form,
            lambda d: services.activity_log(
                actor=user,
                member=form.member(),
                kind=d["kind"],
                happened_on=d["happened_on"],
                minutes=d["minutes"],
                how_it_went=d["how_it_went"],
                submission_key=d["submission_key"],
            ),
        )
        if done.ok and done.result is not None:
            messages.success(request, _logged_message(done.result))
            return redirect("volunteering:my_volunteering")
        status = done.status
    return render(request, "volunteering/log_other.html", {"form": form}, status=status)


@login_required
def concerns_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    concerns = volunteer_concerns_for_coordinator(user=request.user)
    if concerns is None:
        raise Http404("No such page")
    rows = list(concerns)
    log_list_access(
        request,
        [a for a in rows if a.match is not None],
        list_name="volunteer_concerns",
        person_id=lambda a: _person_id(a.match) if a.match else "",
        object_repr=lambda a: f"Volunteer's concern {a.uuid}",
    )
    context = {
        "open": [a for a in rows if not a.safeguarding_concern_id and not a.concern_resolved_at],
        "to_cases": [a for a in rows if a.safeguarding_concern_id],
        "resolved": [a for a in rows if not a.safeguarding_concern_id and a.concern_resolved_at],
    }
    return render(request, "volunteering/concerns.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_page(request: AuthenticatedHttpRequest, activity_id: uuid.UUID) -> HttpResponse:
    user = request.user
    activity = get_volunteer_concern_for_user(user, activity_id, write=request.method == "POST")
    if activity.match is not None:
        log_access(request, activity, person_id=_person_id(activity.match))
    form = ConcernResolveForm()
    status = 200
    if request.method == "POST":
        form = ConcernResolveForm(request.POST)
        done = run_form(
            form,
            lambda d: services.activity_concern_resolve(
                actor=user, activity=activity, outcome=d["outcome"]
            ),
        )
        if done.ok:
            messages.success(request, "The concern has been resolved and the outcome saved.")
            return redirect("volunteering:concerns")
        status = done.status
        activity.refresh_from_db()
    context = {
        "activity": activity,
        "person": activity.match.request.person if activity.match else None,
        "form": form,
    }
    return render(request, "volunteering/concern.html", context, status=status)
