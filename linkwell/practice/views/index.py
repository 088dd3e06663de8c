"""The practice work index (/practice/): the practices whose MDT lists and action plans the user
may open, and the roll-out checklists they manage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.practice.access import practices_for_user


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "practice/home.html",
        {"practices": practices_for_user(request.user)},
    )
