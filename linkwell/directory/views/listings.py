from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from linkwell.directory.access import get_service_for_user


@login_required
def service_edit(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    service = get_service_for_user(request.user, service_id, write=True)  # type: ignore[arg-type]
    return render(request, "directory/service_edit.html", {"service": service})
