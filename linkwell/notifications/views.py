"""GOV.UK Notify's delivery-receipt callback. Not a page: JSON in, JSON out, bearer token."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.notifications.receipts import ReceiptError, UnknownMessage, receipt_record


def _authorised(request: HttpRequest) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


@csrf_exempt
@require_POST
def delivery_receipt(request: HttpRequest) -> JsonResponse:
    """200 when recorded (or already recorded), 400 malformed, 401 bad token, 404 not ours."""
    if not _authorised(request):
        response = JsonResponse({"error": "A valid bearer token is required."}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "The receipt is not JSON."}, status=400)
    try:
        with audit_context(channel=Channel.API):
            outcome = receipt_record(payload)
    except ReceiptError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except UnknownMessage as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    return JsonResponse(
        {
            "id": outcome.message.notify_id,
            "status": outcome.message.status,
            "changed": outcome.changed,
        }
    )
