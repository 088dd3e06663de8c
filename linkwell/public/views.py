"""The public, no-login pages: the directory search, a service page and "What could help me?".

Nobody signs in here and nothing is written: no audit rows (there is no actor and no personal
record), no sessions for the search or the service page. The questionnaire is POST only, so
answers never appear in URLs or access logs, and is rate-limited per IP like the self-referral.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from linkwell.core.ratelimit import over_rate_limit
from linkwell.directory.exchange.timetable_ical import service_calendar
from linkwell.directory.selectors import ServiceFilters
from linkwell.public import help as help_matching
from linkwell.public.forms import HelpForm, PublicSearchForm
from linkwell.public.presentation import result_row, service_page
from linkwell.public.selectors import public_search, public_service_detail

PER_PAGE = 20


def _links() -> dict[str, str]:
    return {
        "suggest_url": reverse("community:suggest"),
        "help_url": reverse("public:help"),
    }


def _page_url(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = PublicSearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, **_links()}
    if request.GET and not form.is_valid():
        return render(request, "public/search.html", context)
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    filters = form.filters() if request.GET else ServiceFilters()
    page = public_search(filters=filters, page=page_number, per_page=PER_PAGE)
    links: list[dict[str, Any]] = []
    for number in range(1, page.total_pages + 1):
        if number not in (1, page.total_pages) and abs(number - page.page) > 2:
            if links and not links[-1].get("ellipsis"):
                links.append({"ellipsis": True})
            continue
        links.append(
            {"number": number, "href": _page_url(request, number), "current": number == page.page}
        )
    context.update(
        searched=bool(request.GET) and form.has_query,
        page=page,
        rows=[result_row(s) for s in page.items],
        page_links=links,
        previous_url=_page_url(request, page.page - 1) if page.has_previous else "",
        next_url=_page_url(request, page.page + 1) if page.has_next else "",
    )
    return render(request, "public/search.html", context)


@require_GET
def service_detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = public_service_detail(service_id=service_id)
    return render(request, "public/service_detail.html", {**service_page(service), **_links()})


@require_GET
def service_timetable(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """The service's sessions as an iCalendar feed people can subscribe to; 404 exactly when
    the service page is (unknown or not running)."""
    service = public_service_detail(service_id=service_id)
    page_url = request.build_absolute_uri(reverse("public:service_detail", args=[service.uuid]))
    response = HttpResponse(
        service_calendar(service, page_url=page_url), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="timetable.ics"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def help_questions(request: HttpRequest) -> HttpResponse:
    """GET: the questions. POST: suggestions, computed and shown, never stored."""
    if request.method == "GET":
        return render(request, "public/help.html", {"form": HelpForm(), **_links()})
    if over_rate_limit(
        request, "find-help", setting="LINKWELL_HELP_QUESTIONS_PER_HOUR", default=30
    ):
        return render(request, "public/help_busy.html", status=429)
    form = HelpForm(request.POST)
    if not form.is_valid():
        return render(request, "public/help.html", {"form": form, **_links()}, status=400)
    found = help_matching.suggest(form)
    return render(
        request,
        "public/help_results.html",
        {
            "form": form,
            "suggestions": found.shown,
            "words_only": found.words_only,
            **_links(),
        },
    )
