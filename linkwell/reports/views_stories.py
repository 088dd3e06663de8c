"""Patient stories for the quarterly report, written from a case page. Thin: case/story access
helper (casework's rule: the case's team; read-only members 403 on writes; others 404) ->
form -> service (linkwell/reports/stories.py) -> render. Every page logs the read of the case.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.access_log import log_access
from linkwell.casework.access import case_team_ids, get_case_for_user
from linkwell.casework.models import Case
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.core.forms import apply_errors, run_form
from linkwell.reports.access import get_story_for_user
from linkwell.reports.forms import StoryForm
from linkwell.reports.models import PatientStory
from linkwell.reports.selectors import story_list_for_case
from linkwell.reports.stories import story_record, story_update, story_withdraw_consent


def _log(request: HttpRequest, case: Case, story: PatientStory | None = None) -> None:
    log_access(
        request,
        story if story is not None else case,
        person_id=str(case.person.uuid),
        detail={"what": "patient stories"},
    )


def _list_url(case: Case) -> str:
    return reverse("reports:story_list", kwargs={"case_id": case.uuid})


def _render_form(
    request: HttpRequest,
    case: Case,
    form: StoryForm,
    *,
    story: PatientStory | None,
    status: int = 200,
) -> HttpResponse:
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "reports/stories/form.html",
        {
            "case": case,
            "person": case.person,
            "story": story,
            "form": form,
            "list_url": _list_url(case),
        },
        status=status,
    )


@login_required
@require_GET
def story_list(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id)
    _log(request, case)
    return render(
        request,
        "reports/stories/list.html",
        {
            "case": case,
            "person": case.person,
            "stories": list(story_list_for_case(case=case)),
            "can_write": case.link_worker_service_id in case_team_ids(user, write=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def story_new(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id, write=True)
    _log(request, case)
    status = 200
    if request.method == "POST":
        form = StoryForm(request.POST)
        done = run_form(
            form,
            lambda data: story_record(
                actor=user,
                case=case,
                title=data["title"],
                text=data["text"],
                consent_to_publish=data["consent_to_publish"],
            ),
        )
        if done.ok:
            messages.success(
                request,
                "The story has been saved."
                + (
                    " It will appear in the quarterly report."
                    if form.cleaned_data["consent_to_publish"]
                    else " It will not appear in any report until the person's consent is recorded."
                ),
            )
            return redirect(_list_url(case))
        status = done.status
    else:
        form = StoryForm()
    return _render_form(request, case, form, story=None, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def story_edit(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, story_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    story = get_story_for_user(user, case_id, story_id, write=True)
    case = story.case
    _log(request, case, story)
    status = 200
    if request.method == "POST":
        form = StoryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                story_update(
                    actor=user,
                    story=story,
                    title=data["title"],
                    text=data["text"],
                    # A form without a version is treated as stale rather than trusted.
                    expected_version=data["version"] if data["version"] is not None else -1,
                    give_consent=data["consent_to_publish"],
                )
            except ValidationFailed as exc:
                apply_errors(exc, form)
            except ConcurrentEditError:
                form.add_error(
                    None,
                    "Someone else changed this story (or withdrew consent) after you opened "
                    "it. Your changes have not been saved: open the story again to see theirs, "
                    "then make yours.",
                )
                status = 409
            else:
                messages.success(request, "Your changes to the story have been saved.")
                return redirect(_list_url(case))
    else:
        form = StoryForm(
            initial={"title": story.title, "text": story.text, "version": story.version}
        )
    return _render_form(request, case, form, story=story, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def story_withdraw(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, story_id: uuid.UUID
) -> HttpResponse:
    user = request.user
    story = get_story_for_user(user, case_id, story_id, write=True)
    case = story.case
    _log(request, case, story)
    if not story.consent_to_publish:
        messages.info(
            request, "This story is not used in reports: there is no consent to withdraw."
        )
        return redirect(_list_url(case))
    if request.method == "POST":
        try:
            story_withdraw_consent(actor=user, story=story)
        except ValidationFailed as exc:  # withdrawn by someone else a moment ago
            messages.info(request, str(exc.errors["__all__"][0]))
        else:
            messages.success(
                request,
                f"Consent withdrawn: “{story.title}” will not appear in any report from now on.",
            )
        return redirect(_list_url(case))
    return render(
        request,
        "reports/stories/withdraw.html",
        {"case": case, "person": case.person, "story": story, "list_url": _list_url(case)},
    )
