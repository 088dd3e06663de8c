"""`/health/`: JSON for load balancers and monitors; no sign-in, no personal data."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from linkwell.ops.health import run_checks


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when every check passes; 503 naming the failing checks otherwise."""
    checks = run_checks()
    failing = [check.name for check in checks if not check.ok]
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return JsonResponse(body, status=503 if failing else 200)
