"""The practice work index (/practice/): the practices whose MDT lists and action plans the user
may open, and the roll-out checklists they manage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.accounts.models import Role
from linkwell.accounts.selectors import user_has_role
from linkwell.practice.access import manager_org_ids, practices_for_user
from linkwell.practice.selectors.rollouts import rollouts_for_organisations


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "practice/home.html",
        {
            "practices": practices_for_user(request.user),
            "rollouts": rollouts_for_organisations(organisation_ids=manager_org_ids(request.user)),
            "can_start": request.user.is_superuser
            or user_has_role(user=request.user, roles=[Role.ADMINISTRATOR]),
        },
    )
