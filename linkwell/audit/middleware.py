from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel


class RequestContextMiddleware:
    """Tags every audit row written during a request with channel (web/api), request id and IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = Channel.API if request.path.startswith("/api/") else Channel.WEB
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        with audit_context(
            channel=channel, request_id=request_id, ip_address=request.META.get("REMOTE_ADDR")
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
