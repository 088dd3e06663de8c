"""ORUK 3.0 paths, mounted at /api/oruk/. ORUK paths have no trailing slash (`/services`,
`/services/{id}`); the same path with a trailing slash is served too (left out of the OpenAPI
document), without a redirect, because redirects break CORS preflights."""

from typing import Any

from django.urls import URLPattern, path, re_path

from linkwell.api.oruk import views

app_name = "oruk"


def _route(route: str, view: Any, name: str) -> list[URLPattern]:
    return [
        path(route, view.as_view(), name=name),
        path(f"{route}/", view.as_view(schema=None)),
    ]


urlpatterns = [
    path("", views.ApiDetailsView.as_view(), name="api_details"),
    path(
        "openapi.json",
        views.OpenApiDocumentView.as_view(
            urlconf="linkwell.api.oruk.schema_urls",
            custom_settings={
                "TITLE": "Linkwell Open Referral UK API",
                "DESCRIPTION": (
                    "The public, keyless Open Referral UK 3.0 (HSDS 3.0) read API of this "
                    "Linkwell directory. Staff notes and quality-assurance evidence are never "
                    "published."
                ),
                "VERSION": "3.0",
                # ORUK validators join `servers[0].url` and a path (`/services`), as the
                # official ORUK OpenAPI document is written: trim our mount point from paths.
                "SCHEMA_PATH_PREFIX": "/api/oruk",
                "SCHEMA_PATH_PREFIX_TRIM": True,
            },
        ),
        name="openapi",
    ),
    *_route("services", views.ServiceListView, "services"),
    *_route("services/<str:id>", views.ServiceDetailView, "service"),
    *_route("service_at_locations", views.ServiceAtLocationListView, "service_at_locations"),
    *_route(
        "service_at_locations/<str:id>", views.ServiceAtLocationDetailView, "service_at_location"
    ),
    *_route("organizations", views.OrganizationListView, "organizations"),
    *_route("organizations/<str:id>", views.OrganizationDetailView, "organization"),
    *_route("taxonomies", views.TaxonomyListView, "taxonomies"),
    *_route("taxonomies/<str:id>", views.TaxonomyDetailView, "taxonomy"),
    *_route("taxonomy_terms", views.TaxonomyTermListView, "taxonomy_terms"),
    *_route("taxonomy_terms/<str:id>", views.TaxonomyTermDetailView, "taxonomy_term"),
    # Anything else under /api/oruk/ gets a JSON 404 like the rest of the API.
    re_path(r"^(?P<path>.*)$", views.not_found),
]
