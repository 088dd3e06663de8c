"""Remote feeds (register, change, harvest now, runs) and likely duplicates (merge, not a
duplicate). Thin: access helper -> service -> render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.directory.access import (
    check_duplicate_access,
    check_feed_access,
    get_duplicate_for_user,
    get_feed_source_for_user,
    get_harvest_run_for_user,
)
from linkwell.directory.harvest import duplicates
from linkwell.directory.harvest.feeds import feed_source_create, feed_source_update
from linkwell.directory.harvest.forms import FeedSourceForm
from linkwell.directory.harvest.tasks import harvest_source
from linkwell.directory.models import FeedSource

_INITIAL = {"format": "oruk3", "harvest_at": "03:00", "page_size": 100, "full_every_days": 7}


def _form_errors(form: FeedSourceForm, exc: ValidationError) -> None:
    for key, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(key if key in form.fields else None, error)


@login_required
@require_http_methods(["GET", "POST"])
def feeds(request: AuthenticatedHttpRequest) -> HttpResponse:
    write = request.method == "POST"
    check_feed_access(request.user, write=write)
    form = FeedSourceForm(request.POST if write else None, initial={**_INITIAL, "enabled": True})
    status = 200
    if write:
        if form.is_valid():
            try:
                source = feed_source_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"{source.name} has been registered.")
                return redirect("directory:feed_detail", source_id=source.uuid)
        status = 400
    sources = FeedSource.objects.order_by("name")
    return render(
        request, "directory/feeds.html", {"sources": sources, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def feed_detail(request: AuthenticatedHttpRequest, source_id: uuid.UUID) -> HttpResponse:
    write = request.method == "POST"
    source = get_feed_source_for_user(request.user, source_id, write=write)
    initial = {k: getattr(source, k) for k in FeedSourceForm.base_fields}
    form = FeedSourceForm(request.POST if write else None, initial=initial)
    status = 200
    if write:
        if form.is_valid():
            try:
                feed_source_update(actor=request.user, source=source, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "The feed has been saved.")
                return redirect("directory:feed_detail", source_id=source.uuid)
        status = 400
    runs = source.runs.order_by("-started_at")[:20]
    return render(
        request,
        "directory/feed_detail.html",
        {"source": source, "form": form, "runs": runs},
        status=status,
    )


@login_required
@require_POST
def feed_harvest(request: AuthenticatedHttpRequest, source_id: uuid.UUID) -> HttpResponse:
    source = get_feed_source_for_user(request.user, source_id, write=True)
    full = True if request.POST.get("full") == "1" else None
    harvest_source.enqueue(str(source.uuid), full=full, actor_pk=request.user.pk)
    messages.success(request, f"A harvest of {source.name} has been queued.")
    return redirect("directory:feed_detail", source_id=source.uuid)


@login_required
def harvest_run(request: AuthenticatedHttpRequest, run_id: uuid.UUID) -> HttpResponse:
    run = get_harvest_run_for_user(request.user, run_id)
    return render(request, "directory/harvest_run.html", {"run": run})


@login_required
def duplicate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    check_duplicate_access(request.user)
    rows = [
        {"pair": pair, "sides": [(pair.first, "keep_first"), (pair.second, "keep_second")]}
        for pair in duplicates.open_candidates()
    ]
    return render(request, "directory/duplicates.html", {"rows": rows})


@login_required
@require_POST
def duplicate_decide(request: AuthenticatedHttpRequest, pair_id: uuid.UUID) -> HttpResponse:
    pair = get_duplicate_for_user(request.user, pair_id, write=True)
    action = request.POST.get("action", "")
    try:
        if action == "not_duplicate":
            duplicates.not_duplicate(actor=request.user, candidate=pair)
            messages.success(
                request, "Marked as different services; they will not be raised again."
            )
        elif action in ("keep_first", "keep_second"):
            keep = pair.first if action == "keep_first" else pair.second
            duplicates.merge(actor=request.user, candidate=pair, keep=keep)
            messages.success(
                request, f"Merged into “{keep.name}”; the other listing is now inactive."
            )
        else:
            messages.error(request, "Choose which listing to keep, or that they are different.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("directory:duplicates")
