from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from linkwell.directory.access import get_service_for_user


@login_required
def search(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/search.html", {})


@login_required
def service_detail(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_service_for_user(request.user, service_id)  # type: ignore[arg-type]
    return render(request, "directory/service_detail.html", {"service": service})
