from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from linkwell.accounts.selectors import memberships_for_user
from linkwell.audit.selectors import audit_events_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = memberships_for_user(user=request.user)  # type: ignore[arg-type]
    return render(request, "web/home.html", {"memberships": memberships})


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    events = audit_events_for_user(user=request.user)[:200]  # type: ignore[arg-type]
    return render(request, "web/audit.html", {"events": events})
