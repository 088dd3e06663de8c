"""Response headers that keep pages to Linkwell's own origin (and the configured map tiles), and
the request size limit."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _tile_origin() -> str:
    parts = urlsplit(settings.MAP_TILE_URL.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return ""
    # Leaflet's {s} subdomains: allow any subdomain of the tile host.
    host = parts.netloc
    if "{s}" in settings.MAP_TILE_URL.split("//", 1)[-1].split("/", 1)[0]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def content_security_policy() -> str:
    images = " ".join(filter(None, ["'self'", "data:", _tile_origin()]))
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {images}",
            # Leaflet and the NHS.UK frontend set element styles from script.
            "style-src 'self' 'unsafe-inline'",
            "script-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every HTML page: nothing loads from the internet except the
    map tiles a deployer configured (settings.MAP_TILE_URL)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", self.policy)
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request body larger than Linkwell accepts with a clear page (413 Content Too
    Large), before anything reads it: forms and API requests up to DATA_UPLOAD_MAX_MEMORY_SIZE
    (LINKWELL_MAX_FORM_BYTES), file uploads up to LINKWELL_MAX_UPLOAD_BYTES. The upload forms
    check each file's own limit too (community timetables 1 MB, population cohorts 25 MB).

    A body sent without a Content-Length (chunked) is still stopped by Django's own limit when
    it is read, answered with the 400 page (templates/400.html)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        upload = request.content_type == "multipart/form-data"
        limit = (
            settings.LINKWELL_MAX_UPLOAD_BYTES if upload else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        if limit is not None and size > limit:
            return self._too_large(request, limit=limit, upload=upload)
        return self.get_response(request)

    def _too_large(self, request: HttpRequest, *, limit: int, upload: bool) -> HttpResponse:
        megabytes = f"{limit / 2**20:.1f}".removesuffix(".0")
        what = "file" if upload else "form"
        message = f"What you sent is too large: a {what} can be at most {megabytes} MB. " + (
            "Send a smaller file." if upload else "Shorten your answers, then send it again."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        # This runs before the session and authentication middleware; the page shows no one
        # as signed in (base.html reads request.user).
        request.user = AnonymousUser()
        return render(request, "413.html", {"message": message}, status=413)
