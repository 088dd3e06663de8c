"""The ORUK 3.0 read API: thin views over `queries`, A's `search_services` and C's serialisers.

Public and keyless: no authentication classes (so no session, no CSRF), `AllowAny`, JSON only,
a per-client throttle (scope `oruk`). CORS `*` comes from `corsheaders` (`CORS_URLS_REGEX`).
Every object is built by `linkwell.directory.exchange.hsds`, the same code as the file export, so
the API and the export cannot disagree and private fields have one place to stay out of; then
`profile.to_oruk` removes the HSDS fields the UK profile deletes.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from linkwell.api.oruk import openapi, params, queries
from linkwell.api.oruk.pagination import JSON, envelope, paginate_queryset
from linkwell.api.oruk.throttling import OrukRateThrottle
from linkwell.directory.exchange.hsds import (
    attach_attributes,
    attach_entity_attributes,
    organization_to_hsds,
    service_at_location_to_hsds,
    service_to_hsds,
    service_to_hsds_minimal,
    service_to_hsds_summary,
    services_prefetch,
    taxonomy_term_to_hsds,
    taxonomy_to_hsds,
)
from linkwell.directory.exchange.profile import to_oruk
from linkwell.directory.models import AttributeLinkEntity, Service, ServiceAtLocation
from linkwell.directory.selectors import ServiceFilters, search_services

HSDS_VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
TAG = "Open Referral UK"


class JsonOnlyNegotiation(BaseContentNegotiation):
    """Always JSON. DRF's default would treat ORUK's own `format` parameter as its renderer
    override (404 for `format=ndjson`) and answer 406 to an unusual Accept header; ORUK clients
    get JSON whatever they send, and `params.parse_format` reports an unsupported format."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return None

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


class OrukView(APIView):
    content_negotiation_class = JsonOnlyNegotiation
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [OrukRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes: list[Any] = []
    http_method_names = ["get", "head", "options"]
    schema = openapi.OrukAutoSchema()

    @property
    def query(self) -> params.Query:
        return self.request.query_params


# --- OpenAPI parameter descriptions (ORUK 3.0 `components/parameters`, with our semantics) ---


def _q(name: str, type_: Any, description: str, **extra: Any) -> OpenApiParameter:
    return OpenApiParameter(
        name, type_, OpenApiParameter.QUERY, required=False, description=description, **extra
    )


def _text(**constraints: Any) -> dict[str, Any]:
    """A string query parameter: any text but a NUL character, which is a 400 (params._raw)."""
    return {"type": "string", "pattern": params.TEXT_PATTERN, **constraints}


def _uuid() -> dict[str, Any]:
    # The canonical 8-4-4-4-12 form only (params.parse_uuid), which is what `format: uuid` means.
    return {"type": "string", "format": "uuid", "pattern": params.UUID_PATTERN}


def _whole(minimum: int, maximum: int) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


PAGE_PARAMETERS = [
    _q("page", _whole(1, params.MAX_PAGE), "Page number, from 1. A page past the end is empty."),
    _q(
        "per_page",
        _whole(1, params.MAX_PER_PAGE),
        f"Results per page, 1 to {params.MAX_PER_PAGE} (default {params.DEFAULT_PER_PAGE}).",
    ),
    _q("format", OpenApiTypes.STR, "Only `json` is supported.", enum=["json"]),
]
SEARCH_PARAMETER = _q(
    "search",
    _text(maxLength=params.MAX_SEARCH_LENGTH),
    f"Full-text search: every word must match (at most {params.MAX_SEARCH_LENGTH} characters).",
)
AGE = {"type": "number", "minimum": 0, "maximum": params.MAX_AGE, "multipleOf": 1}
SERVICE_FILTER_PARAMETERS = [
    SEARCH_PARAMETER,
    _q(
        "taxonomy_term_id",
        {"type": "string", "pattern": params.UUID_LIST_PATTERN},
        "Services linked to this taxonomy term (an id; a comma-separated list matches any).",
    ),
    _q("taxonomy_id", _uuid(), "Services linked to any term of this taxonomy."),
    _q(
        "minimum_age",
        AGE,
        "Services whose own minimum age is at least this (whole years, `18` or `18.0`). A "
        "service with no minimum counts as minimum 0.",
    ),
    _q(
        "maximum_age",
        AGE,
        "Services whose own maximum age is at most this (whole years). A service with no "
        "maximum never matches.",
    ),
    _q(
        "person_age",
        AGE,
        "Linkwell extension: services open to a person of this age (their minimum_age is at "
        "most this, or unset, and their maximum_age at least this, or unset).",
    ),
    _q(
        "postcode",
        {"type": "string", "pattern": params.POSTCODE_PATTERN},
        "A UK postcode (any letter case and spacing). Results are ordered nearest its centroid "
        "first; with `proximity`, limited to that distance. A postcode this directory has no "
        "place for is a 400.",
    ),
    _q(
        "proximity",
        _whole(1, params.MAX_PROXIMITY_METRES),
        f"Metres from the postcode centroid (1 to {params.MAX_PROXIMITY_METRES}); needs "
        "`postcode` (a 400 without it).",
    ),
    _q(
        "day",
        {"type": "string", "pattern": params.DAY_PATTERN},
        "Runs on this day: an RFC 5545 day code (`MO`, `TU`, `WE`, `TH`, `FR`, `SA`, `SU`) or "
        "an English day name, in any letter case.",
    ),
    _q(
        "start_time",
        {"type": "string", "pattern": params.TIME_PATTERN},
        "Services with a session that opens at or after this time (HH:MM or HH:MM:SS, 24-hour), "
        "on `day` when given. With `end_time`, the same session must also close by then.",
    ),
    _q(
        "end_time",
        {"type": "string", "pattern": params.TIME_PATTERN},
        "Services with a session that closes at or before this time (HH:MM or HH:MM:SS, "
        "24-hour; later than `start_time`), on `day` when given.",
    ),
    _q("organization_id", _uuid(), "Only this organization's services."),
    _q(
        "modified_after",
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ]
        },
        "Only records changed at or after this ISO 8601 datetime (UTC when no offset; a date alone "
        "means its start). Lists then include inactive and defunct services, so a copy can be "
        "kept in step.",
    ),
]
ERRORS = {
    400: OpenApiResponse(openapi.OrukError, description="A parameter is invalid (named)."),
    429: OpenApiResponse(openapi.OrukError, description="Too many requests from this client."),
}
NOT_FOUND = {404: OpenApiResponse(openapi.OrukError, description="No such id.")}


def _id_parameter(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "id", OpenApiTypes.UUID, OpenApiParameter.PATH, description=f"The {what}'s id."
    )


def _not_found(what: str, value: str) -> NotFound:
    return NotFound(f"No {what} with id {value!r}.")


# --- service filters ---------------------------------------------------------------------


def service_filters(query: params.Query) -> tuple[ServiceFilters, params.Proximity | None]:
    """ORUK query -> ServiceFilters (A's selector contract). Parses every parameter first so a
    bad one is reported even when another would have emptied the result."""
    search = params.parse_search(query)
    term_ids = params.parse_uuid_list(query, "taxonomy_term_id")
    taxonomy_id = params.parse_uuid(query, "taxonomy_id")
    minimum_age = params.parse_age(query, "minimum_age")
    maximum_age = params.parse_age(query, "maximum_age")
    person_age = params.parse_age(query, "person_age")
    day = params.parse_day(query)
    start_time = params.parse_time(query, "start_time")
    end_time = params.parse_time(query, "end_time")
    modified_after = params.parse_modified_after(query)
    if start_time and end_time and start_time >= end_time:
        raise params.InvalidParameter("start_time must be earlier than end_time")
    organization_id = params.parse_uuid(query, "organization_id")
    proximity = params.parse_proximity(query)
    filters = ServiceFilters(
        text=search or "",
        organization_id=organization_id,
        taxonomy_term_ids=tuple(term_ids),
        taxonomy_id=taxonomy_id,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        age=person_age,
        point=(proximity.latitude, proximity.longitude) if proximity else None,
        within_km=proximity.within_km if proximity else None,
        day=day,
        opens_from=start_time,
        closes_by=end_time,
        modified_after=modified_after,
        statuses=queries.listed_statuses(syncing=modified_after is not None),
    )
    return filters, proximity


# --- views -------------------------------------------------------------------------------


class ApiDetailsView(OrukView):
    @extend_schema(
        operation_id="oruk_api_details",
        summary="About this API (HSDS version, profile, OpenAPI document)",
        tags=[TAG],
        responses={200: openapi.OrukApiDetails, 429: ERRORS[429]},
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": PROFILE_URL,
                "openapi_url": request.build_absolute_uri(reverse("api:oruk:openapi")),
            }
        )


class ServiceListView(OrukView):
    @extend_schema(
        operation_id="oruk_services_list",
        summary="Services, paginated",
        description=(
            "A page of services (`service_list` summaries; `full=true` for fully nested "
            "services; `minimal=true` for just each service's `id` and `last_modified`). Lists "
            "show `active` and `temporarily closed` services; with `modified_after` every "
            "status is listed."
        ),
        tags=[TAG],
        parameters=[
            *SERVICE_FILTER_PARAMETERS,
            *PAGE_PARAMETERS,
            _q("full", OpenApiTypes.BOOL, "Return fully nested services."),
            _q(
                "minimal",
                OpenApiTypes.BOOL,
                "Return just each service's `id` and `last_modified` (its modification date). "
                f"`per_page` may then be up to {params.MAX_MINIMAL_PER_PAGE} and defaults to "
                "that, so one call returns every service. Cannot be combined with `full`.",
            ),
        ],
        responses={200: openapi.OrukServiceListResponse, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params.parse_format(self.query)
        full = params.parse_bool(self.query, "full") or False
        minimal = params.parse_bool(self.query, "minimal") or False
        if full and minimal:
            raise params.InvalidParameter("minimal and full cannot both be true")
        if minimal:
            page_request = params.parse_page(
                self.query,
                default=params.MAX_MINIMAL_PER_PAGE,
                maximum=params.MAX_MINIMAL_PER_PAGE,
            )
        else:
            page_request = params.parse_page(self.query)
        filters, _ = service_filters(self.query)
        if minimal and filters.point is None:
            rows, total = queries.minimal_service_page(
                filters=filters, offset=page_request.offset, limit=page_request.per_page
            )
            contents = [service_to_hsds_minimal(*row) for row in rows]
            return Response(envelope(contents=contents, total_items=total, request=page_request))
        result = search_services(
            filters=filters, page=page_request.page, per_page=page_request.per_page
        )
        # search_services clamps a page past the end to the last page; ORUK wants it empty.
        items = result.items if result.page == page_request.page else []
        if minimal:
            contents = [
                service_to_hsds_minimal(s.uuid, s.source_last_modified, s.updated_at) for s in items
            ]
        elif full:
            contents = [to_oruk(service_to_hsds(s), "service") for s in _reload_full(items)]
        else:
            attach_attributes(items)
            contents = [to_oruk(service_to_hsds_summary(s), "service") for s in items]
        return Response(
            envelope(contents=contents, total_items=result.total_items, request=page_request)
        )


def _reload_full(items: list[Service]) -> list[Service]:
    """The page's services again, with everything `service_to_hsds` reads (constant queries)."""
    by_pk = {
        s.pk: s for s in services_prefetch(Service.objects.filter(pk__in=[s.pk for s in items]))
    }
    return [by_pk[s.pk] for s in items]


class ServiceDetailView(OrukView):
    @extend_schema(
        operation_id="oruk_services_retrieve",
        summary="One service, fully nested",
        tags=[TAG],
        parameters=[_id_parameter("service")],
        responses={200: openapi.OrukService, **NOT_FOUND, 429: ERRORS[429]},
    )
    def get(self, request: Request, id: str) -> Response:
        service_id = queries.as_uuid(id)
        service = (
            services_prefetch(Service.objects.filter(uuid=service_id)).first()
            if service_id
            else None
        )
        if service is None:
            raise _not_found("service", id)
        return Response(to_oruk(service_to_hsds(service), "service"))


class ServiceAtLocationListView(OrukView):
    @extend_schema(
        operation_id="oruk_service_at_locations_list",
        summary="Services at locations, paginated",
        description=(
            "One entry per place a service runs, with its location and a service summary. "
            "`postcode`/`proximity` measure from each entry's own location."
        ),
        tags=[TAG],
        parameters=[
            *SERVICE_FILTER_PARAMETERS,
            *PAGE_PARAMETERS,
            _q("full", OpenApiTypes.BOOL, "Each entry with its fully nested service."),
        ],
        responses={200: openapi.OrukServiceAtLocationPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params.parse_format(self.query)
        page_request = params.parse_page(self.query)
        full = params.parse_bool(self.query, "full") or False
        filters, proximity = service_filters(self.query)
        page_ids, total = queries.service_at_location_page(
            filters=filters,
            proximity=proximity,
            offset=page_request.offset,
            limit=page_request.per_page,
        )
        sals = _load_service_at_locations(page_ids)
        contents = [_service_at_location_item(sal, full=full) for sal in sals]
        return Response(envelope(contents=contents, total_items=total, request=page_request))


def _load_service_at_locations(ids: list[int]) -> list[ServiceAtLocation]:
    """SALs by pk, in the order given, loaded through their services' HSDS prefetch (the same
    shape `service_to_hsds` uses) so a page costs a constant number of queries."""
    if not ids:
        return []
    services = services_prefetch(
        Service.objects.filter(service_at_locations__pk__in=ids).distinct()
    )
    by_pk: dict[int, ServiceAtLocation] = {}
    for service in services:
        for sal in service.service_at_locations.all():
            sal.service = service  # the prefetch sets it; say so for readers and type checkers
            by_pk[sal.pk] = sal
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _service_at_location_item(sal: ServiceAtLocation, *, full: bool = False) -> JSON:
    """ORUK `service_at_location_list` item: the entry with its location, plus the service
    summary (`service_to_hsds_summary`; the full service with `full`) and the two ids the list
    schema names."""
    item = service_at_location_to_hsds(sal)
    item["service_id"] = str(sal.service.uuid)
    item["location_id"] = str(sal.location.uuid)
    item["service"] = service_to_hsds(sal.service) if full else service_to_hsds_summary(sal.service)
    return to_oruk(item, "service_at_location")


class ServiceAtLocationDetailView(OrukView):
    @extend_schema(
        operation_id="oruk_service_at_locations_retrieve",
        summary="One service at a location, with its full service",
        tags=[TAG],
        parameters=[_id_parameter("service at location")],
        responses={200: openapi.OrukServiceAtLocationFull, **NOT_FOUND, 429: ERRORS[429]},
    )
    def get(self, request: Request, id: str) -> Response:
        sal_id = queries.as_uuid(id)
        pk = (
            ServiceAtLocation.objects.filter(uuid=sal_id).values_list("pk", flat=True).first()
            if sal_id
            else None
        )
        sals = _load_service_at_locations([pk]) if pk else []
        if not sals:
            raise _not_found("service_at_location", id)
        return Response(
            to_oruk(service_at_location_to_hsds(sals[0], full=True), "service_at_location")
        )


class OrganizationListView(OrukView):
    @extend_schema(
        operation_id="oruk_organizations_list",
        summary="Organizations, paginated",
        tags=[TAG],
        parameters=[SEARCH_PARAMETER, *PAGE_PARAMETERS],
        responses={200: openapi.OrukOrganizationPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params.parse_format(self.query)
        page_request = params.parse_page(self.query)
        organizations = queries.organizations(search=params.parse_search(self.query))
        return Response(
            paginate_queryset(
                organizations,
                page_request,
                lambda org: to_oruk(organization_to_hsds(org), "organization"),
                prepare=lambda orgs: attach_entity_attributes(
                    orgs, AttributeLinkEntity.ORGANIZATION
                ),
            )
        )


class OrganizationDetailView(OrukView):
    @extend_schema(
        operation_id="oruk_organizations_retrieve",
        summary="One organization with its services",
        tags=[TAG],
        parameters=[
            _id_parameter("organization"),
            _q(
                "full_service",
                OpenApiTypes.BOOL,
                "Its listed services fully nested (default: each as its service_list summary).",
            ),
        ],
        responses={200: openapi.OrukOrganization, **ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, id: str) -> Response:
        full_service = params.parse_bool(self.query, "full_service") or False
        organization_id = queries.as_uuid(id)
        organization = queries.organization(organization_id) if organization_id else None
        if organization is None:
            raise _not_found("organization", id)
        body = organization_to_hsds(organization, full=True)
        if full_service:
            services = services_prefetch(
                Service.objects.filter(
                    organization=organization, status__in=queries.LISTED_STATUSES
                ).order_by("pk")
            )
            body["services"] = [service_to_hsds(s) for s in services]
            if not body["services"]:
                del body["services"]
        return Response(to_oruk(body, "organization"))


class TaxonomyListView(OrukView):
    @extend_schema(
        operation_id="oruk_taxonomies_list",
        summary="Taxonomies, paginated",
        tags=[TAG],
        parameters=[SEARCH_PARAMETER, *PAGE_PARAMETERS],
        responses={200: openapi.OrukTaxonomyPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params.parse_format(self.query)
        page_request = params.parse_page(self.query)
        taxonomies = queries.taxonomies(search=params.parse_search(self.query))
        return Response(
            paginate_queryset(
                taxonomies, page_request, lambda t: to_oruk(taxonomy_to_hsds(t), "taxonomy")
            )
        )


class TaxonomyDetailView(OrukView):
    @extend_schema(
        operation_id="oruk_taxonomies_retrieve",
        summary="One taxonomy with its terms",
        tags=[TAG],
        parameters=[_id_parameter("taxonomy")],
        responses={200: openapi.OrukTaxonomy, **NOT_FOUND, 429: ERRORS[429]},
    )
    def get(self, request: Request, id: str) -> Response:
        taxonomy_id = queries.as_uuid(id)
        taxonomy = queries.taxonomy_with_terms(taxonomy_id) if taxonomy_id else None
        if taxonomy is None:
            raise _not_found("taxonomy", id)
        body = taxonomy_to_hsds(taxonomy)
        body["taxonomy_terms"] = [taxonomy_term_to_hsds(t) for t in taxonomy.terms.all()]
        return Response(to_oruk(body, "taxonomy"))


class TaxonomyTermListView(OrukView):
    @extend_schema(
        operation_id="oruk_taxonomy_terms_list",
        summary="Taxonomy terms, paginated",
        tags=[TAG],
        parameters=[
            SEARCH_PARAMETER,
            _q("taxonomy_id", _uuid(), "Only terms of this taxonomy."),
            _q("parent_id", _uuid(), "Only children of this term."),
            _q("top_only", OpenApiTypes.BOOL, "Only terms without a parent."),
            *PAGE_PARAMETERS,
        ],
        responses={200: openapi.OrukTaxonomyTermPage, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        params.parse_format(self.query)
        page_request = params.parse_page(self.query)
        terms = queries.taxonomy_terms(
            search=params.parse_search(self.query),
            taxonomy_id=params.parse_uuid(self.query, "taxonomy_id"),
            parent_id=params.parse_uuid(self.query, "parent_id"),
            top_only=params.parse_bool(self.query, "top_only") or False,
        )
        return Response(
            paginate_queryset(
                terms, page_request, lambda t: to_oruk(taxonomy_term_to_hsds(t), "taxonomy_term")
            )
        )


class TaxonomyTermDetailView(OrukView):
    @extend_schema(
        operation_id="oruk_taxonomy_terms_retrieve",
        summary="One taxonomy term",
        tags=[TAG],
        parameters=[_id_parameter("taxonomy term")],
        responses={200: openapi.OrukTaxonomyTerm, **NOT_FOUND, 429: ERRORS[429]},
    )
    def get(self, request: Request, id: str) -> Response:
        term_id = queries.as_uuid(id)
        term = queries.taxonomy_term(term_id) if term_id else None
        if term is None:
            raise _not_found("taxonomy_term", id)
        return Response(to_oruk(taxonomy_term_to_hsds(term), "taxonomy_term"))


class OpenApiDocumentView(SpectacularJSONAPIView):
    """`/api/oruk/openapi.json` with relative paths (`/services`) and `servers` naming this
    API's absolute base URL, taken from the request (the host the client reached)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        base = request.build_absolute_uri(reverse("api:oruk:api_details")).rstrip("/")
        self.custom_settings = {**(self.custom_settings or {}), "SERVERS": [{"url": base}]}
        response: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        return response


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown paths under /api/oruk/ answer in JSON like every other error here."""
    return JsonResponse({"detail": f"No ORUK endpoint at {request.path!r}."}, status=404)
