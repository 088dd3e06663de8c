"""Response headers that keep pages to Linkwell's own origin (and the configured map tiles)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
