"""Messages back: the referring practice's inbox, the printable letter, and a case's list.

Referrers see only letters addressed to their organisation (message_back.py), and nothing else
of the case: the letter renders the summaries frozen when they were written, not live case data.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.audit.access_log import log_access
from linkwell.casework.access import get_case_for_user
from linkwell.casework.message_back import (
    get_message_back_for_user,
    letter_view,
    messages_back_for_case,
    messages_back_for_user,
    referrer_organisation_ids,
    sharing_note_for_case,
)
from linkwell.casework.views.review import can_write_case, case_url

PAGE_SIZE = 25


@login_required
def message_back_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not referrer_organisation_ids(user):
        raise PermissionDenied("Messages back are for staff of the referring organisation.")
    page = Paginator(messages_back_for_user(user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # Each row names a person: log a read of each record shown (a page holds at most 25).
    for letter in rows:
        log_access(
            request,
            letter,
            person_id=str(letter.case.person.uuid),
            detail={"list": True},
        )
    return render(request, "casework/message_back_list.html", {"page": page, "rows": rows})


@login_required
def message_back_detail(request: AuthenticatedHttpRequest, message_id: uuid.UUID) -> HttpResponse:
    letter = get_message_back_for_user(request.user, message_id)
    log_access(request, letter, person_id=str(letter.case.person.uuid))
    view = letter_view(letter)
    return render(
        request,
        "casework/message_back_letter.html",
        {"letter": letter, "view": view, "summary": view.summary},
    )


@login_required
def case_messages_back(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    user = request.user
    case = get_case_for_user(user, case_id)
    log_access(request, case, person_id=str(case.person.uuid), detail={"messages_back": True})
    return render(
        request,
        "casework/message_back_case_list.html",
        {
            "case": case,
            "person": case.person,
            "rows": list(messages_back_for_case(case)),
            "sharing": sharing_note_for_case(case),
            "can_write": can_write_case(user, case),
            "case_url": case_url(case),
        },
    )
