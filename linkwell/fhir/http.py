"""HTTP for the FHIR API: JSON only (`application/fhir+json`), errors as OperationOutcome,
searchset Bundles with `_count` paging, and the `fhir_view` decorator every FHIR view wears.

`fhir_view` (used by the views in this app and in `reads/`):
- refuses `_format`/`Accept` asking for anything but JSON (406) and a body that is not JSON
  (415), as FHIR's RESTful API (http.html#mime-type) allows a JSON-only server to;
- runs the view with the audit channel `api`, so every audit row written during the call,
  including those of the referral and people services, says it came through the API;
- turns `FhirError` into an OperationOutcome with its status, and any other failure into a
  500 OperationOutcome that names no internals.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from linkwell.audit.context import audit_context, current
from linkwell.audit.models import Channel
from linkwell.core.exceptions import ValidationFailed

logger = logging.getLogger(__name__)

FHIR_JSON = "application/fhir+json"
# What `_format` and `Accept` may name: FHIR's JSON names, plain JSON, and wildcards.
_JSON_FORMATS = {"json", "application/json", FHIR_JSON, "application/json+fhir", "text/json"}
_ACCEPT_OK = _JSON_FORMATS | {"*/*", "application/*"}
JSON_PATCH = "application/json-patch+json"
_BODY_TYPES = {"application/json", FHIR_JSON, "application/json+fhir"}

DEFAULT_COUNT = 20
MAX_COUNT = 100
# Parameters every search takes; `_offset` is the paging cursor the `next` links carry.
COMMON_SEARCH_PARAMS = frozenset({"_count", "_offset", "_format"})


class FhirError(Exception):
    """An error the client can act on: becomes an OperationOutcome with `status`.

    `code` is an IssueType (http://hl7.org/fhir/R4/valueset-issue-type.html): `invalid`,
    `required`, `value`, `not-found`, `login`, `forbidden`, `not-supported`, `conflict`,
    `duplicate`, `processing`, `business-rule`..."""

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        *,
        expression: Sequence[str] = (),
        headers: dict[str, str] | None = None,
        issues: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = list(expression)
        self.headers = headers or {}
        self.extra_issues = issues or []

    def outcome(self) -> dict[str, Any]:
        first = issue(self.code, self.diagnostics, expression=self.expression)
        return operation_outcome([first, *self.extra_issues])


def validation_error(exc: ValidationFailed, *, prefix: str = "") -> FhirError:
    """A service's ValidationFailed as a 400 (`invalid`), one issue per problem; `prefix`
    (e.g. `Bundle.entry[1].resource`) names where the problem is in what was sent."""
    issues = [
        issue("invalid", message, expression=[prefix] if prefix else ())
        for messages in exc.errors.values()
        for message in messages
    ]
    first = issues[0]
    return FhirError(
        400,
        "invalid",
        first["diagnostics"],
        expression=first.get("expression", ()),
        issues=issues[1:],
    )


def not_found(resource_type: str, resource_id: str = "") -> FhirError:
    """The one answer for "missing" and "not yours": existence is never revealed."""
    what = f"{resource_type}/{resource_id}" if resource_id else resource_type
    return FhirError(404, "not-found", f"{what} is not known to this server")


def issue(
    code: str,
    diagnostics: str,
    *,
    severity: str = "error",
    expression: Sequence[str] = (),
) -> dict[str, Any]:
    out: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        out["expression"] = list(expression)
    return out


def operation_outcome(issues: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": issues}


def fhir_response(
    resource: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, ensure_ascii=False),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: FhirError) -> HttpResponse:
    return fhir_response(error.outcome(), status=error.status, headers=error.headers)


def _media_types(header: str) -> list[str]:
    return [part.split(";")[0].strip().lower() for part in header.split(",") if part.strip()]


def check_negotiation(request: HttpRequest) -> None:
    """406 when the client asks only for something other than JSON; 415 for a non-JSON body."""
    fmt = request.GET.get("_format")
    if fmt is not None and fmt.strip().lower() not in _JSON_FORMATS:
        raise FhirError(
            406, "not-supported", f"_format={fmt} is not supported: this server speaks JSON only"
        )
    accept = request.headers.get("Accept", "")
    if accept.strip() and fmt is None:
        kinds = _media_types(accept)
        if kinds and not any(k in _ACCEPT_OK for k in kinds):
            raise FhirError(
                406,
                "not-supported",
                f"Accept: {accept[:100]} cannot be met: this server answers {FHIR_JSON} only",
            )
    if request.method in {"POST", "PUT", "PATCH"}:
        kinds = _media_types(request.headers.get("Content-Type", ""))
        allowed = _BODY_TYPES | ({JSON_PATCH} if request.method == "PATCH" else set())
        if not kinds or kinds[0] not in allowed:
            raise FhirError(
                415,
                "not-supported",
                f"Send the body as {FHIR_JSON} (Content-Type), not "
                f"{request.headers.get('Content-Type') or 'nothing'}",
            )


def read_json_body(request: HttpRequest, *, resource_type: str | None = None) -> dict[str, Any]:
    """The request body as a JSON object, optionally of one resourceType; 400 otherwise."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise FhirError(400, "structure", f"The body is not valid JSON: {exc}"[:300]) from exc
    if "\\u0000" in request.body.decode("utf-8"):
        # A NUL character cannot be stored (PostgreSQL refuses it in text and JSON).
        raise FhirError(400, "structure", "The body contains a NUL character (\\u0000)")
    if not isinstance(body, dict):
        raise FhirError(400, "structure", "The body must be a JSON object (a FHIR resource)")
    if resource_type is not None and body.get("resourceType") != resource_type:
        raise FhirError(
            400,
            "invalid",
            f"Expected a {resource_type}, got {body.get('resourceType')!r}",
            expression=["resourceType"],
        )
    return body


V = TypeVar("V", bound=Callable[..., HttpResponse])


def fhir_view(methods: Iterable[str]) -> Callable[[V], V]:
    """Wrap a FHIR view: allowed methods (405 otherwise), content negotiation, channel `api`,
    and errors as OperationOutcome. Views raise `FhirError`; they never build error bodies."""
    allowed = sorted({m.upper() for m in methods})

    def decorate(view: V) -> V:
        @csrf_exempt  # bearer tokens, not cookies: there is no session to forge
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            ctx = current()
            with audit_context(
                channel=Channel.API, request_id=ctx.request_id, ip_address=ctx.ip_address
            ):
                try:
                    if request.method not in allowed:
                        raise FhirError(
                            405,
                            "not-supported",
                            f"{request.method} is not supported here; use {', '.join(allowed)}",
                            headers={"Allow": ", ".join(allowed)},
                        )
                    check_negotiation(request)
                    return view(request, *args, **kwargs)
                except FhirError as exc:
                    return error_response(exc)
                except ValidationFailed as exc:
                    return error_response(validation_error(exc))
                except Exception:
                    logger.exception("FHIR API: unexpected error on %s", request.path)
                    return error_response(
                        FhirError(500, "exception", "The server failed to handle this request")
                    )

        return wrapper  # type: ignore[return-value]

    return decorate


def check_search_params(request: HttpRequest, allowed: Iterable[str]) -> None:
    """400 for a search parameter this endpoint does not support: a misspelt filter must not
    silently return everything."""
    if any("\x00" in v for values in request.GET.lists() for v in values[1]) or any(
        "\x00" in k for k in request.GET
    ):
        raise FhirError(400, "value", "A search value contains a NUL character")
    known = COMMON_SEARCH_PARAMS | set(allowed)
    unknown = sorted(k for k in request.GET if k not in known)
    if unknown:
        raise FhirError(
            400,
            "not-supported",
            f"Unsupported search parameter {', '.join(unknown)}; supported: "
            f"{', '.join(sorted(known))}",
            expression=unknown,
        )


def _int_param(query: QueryDict, name: str, default: int, *, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise FhirError(400, "value", f"{name} must be a whole number, not {raw[:40]!r}") from exc
    if not low <= value <= high:
        raise FhirError(400, "value", f"{name} must be between {low} and {high}")
    return value


def searchset(
    request: HttpRequest,
    items: Sequence[Any] | QuerySet[Any],
    to_resource: Callable[[Any], dict[str, Any]],
    *,
    base_url: str,
    include: Callable[[list[Any]], list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """A searchset Bundle of one page of `items` (a sliceable sequence or queryset): `_count`
    (default 20, at most 100; 0 gives only the total) and `_offset`, with `self`, `next` and
    `previous` links that repeat the search."""
    count = _int_param(request.GET, "_count", DEFAULT_COUNT, low=0, high=MAX_COUNT)
    offset = _int_param(request.GET, "_offset", 0, low=0, high=10**9)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    page = list(items[offset : offset + count]) if count else []
    params = [(k, v) for k, values in request.GET.lists() for v in values if k != "_offset"]

    def link(relation: str, at: int) -> dict[str, str]:
        query = urlencode([*params, ("_offset", str(at))])
        return {"relation": relation, "url": f"{base_url}?{query}"}

    links = [link("self", offset)]
    if count and offset + count < total:
        links.append(link("next", offset + count))
    if count and offset > 0:
        links.append(link("previous", max(0, offset - count)))
    entries: list[dict[str, Any]] = []
    for item in page:
        resource = to_resource(item)
        entries.append(
            {
                "fullUrl": absolute(request, f"{resource['resourceType']}/{resource['id']}"),
                "resource": resource,
                "search": {"mode": "match"},
            }
        )
    if include is not None and page:
        for resource in include(page):
            entries.append(
                {
                    "fullUrl": absolute(request, f"{resource['resourceType']}/{resource['id']}"),
                    "resource": resource,
                    "search": {"mode": "include"},
                }
            )
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
    }
    if entries:
        bundle["entry"] = entries
    return bundle


def fhir_base(request: HttpRequest) -> str:
    """The service base URL, e.g. `https://linkwell.example/fhir/r4` (no trailing slash)."""
    return request.build_absolute_uri("/fhir/r4").rstrip("/")


def absolute(request: HttpRequest, relative: str) -> str:
    return f"{fhir_base(request)}/{relative.lstrip('/')}"
