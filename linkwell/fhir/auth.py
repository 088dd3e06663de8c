"""Who is calling the FHIR API: `require_client(request, scope=...)`, the one check every FHIR
view (this app's and `reads/`) makes before anything else.

- no bearer token, or one that is unknown, expired or belongs to a revoked client: 401 with
  `WWW-Authenticate: Bearer` (RFC 6750 section 3) and an OperationOutcome (`login`);
- a valid token without the scope the endpoint needs: 403 OperationOutcome (`forbidden`), with
  `WWW-Authenticate: Bearer error="insufficient_scope"`.

What the client may then see is its organisation's business: selectors scope every query to
`client.organisation`, and anything outside it is 404 (`http.not_found`), never 403.
"""

from __future__ import annotations

from django.http import HttpRequest
from oauth2_provider.oauth2_backends import get_oauthlib_core

from linkwell.fhir.http import FhirError
from linkwell.fhir.models import ApiClient

_REALM = 'Bearer realm="linkwell-fhir"'


def require_client(request: HttpRequest, *, scope: str) -> ApiClient:
    """The active `ApiClient` whose bearer token came with `request`, holding `scope`; else
    FhirError 401/403 (see the module docstring). The client is also kept on the request as
    `request.api_client` for the views' audit rows."""
    if not request.headers.get("Authorization", "").lower().startswith("bearer "):
        raise FhirError(
            401,
            "login",
            "Send a bearer token (Authorization: Bearer ...) from POST /oauth/token",
            headers={"WWW-Authenticate": _REALM},
        )
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None) if valid else None
    client = None
    if token is not None and token.application_id is not None:
        client = (
            ApiClient.objects.select_related("organisation", "application")
            .filter(application_id=token.application_id, revoked_at__isnull=True)
            .first()
        )
    if token is None or client is None or not client.organisation.is_active:
        raise FhirError(
            401,
            "login",
            "The bearer token is not valid: it is unknown, expired or its client was revoked",
            headers={"WWW-Authenticate": f'{_REALM}, error="invalid_token"'},
        )
    if scope not in token.scope.split() or scope not in client.scope_list:
        raise FhirError(
            403,
            "forbidden",
            f"This client's token does not carry the {scope} scope this request needs",
            headers={"WWW-Authenticate": f'{_REALM}, error="insufficient_scope", scope="{scope}"'},
        )
    request.api_client = client  # type: ignore[attr-defined]
    return client
