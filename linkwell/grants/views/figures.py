"""The commissioner's grant figures (`selectors/figures.py` says who and how)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from linkwell.accounts.http import AuthenticatedHttpRequest
from linkwell.grants.selectors.figures import grant_figures, programmes_for_figures


@login_required
def figures(request: AuthenticatedHttpRequest) -> HttpResponse:
    programmes = programmes_for_figures(user=request.user)
    rows = grant_figures(programmes)
    return render(request, "grants/figures.html", {"rows": rows[:-1], "total": rows[-1]})
