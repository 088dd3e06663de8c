"""The OpenAPI documents describe the ORUK API and are valid OpenAPI 3."""

from __future__ import annotations

import pytest
from drf_spectacular.validation import validate_schema

from linkwell.api.tests.conftest import BASE

pytestmark = pytest.mark.django_db

ORUK_PATHS = {
    "/api/oruk/",
    "/api/oruk/services",
    "/api/oruk/services/{id}",
    "/api/oruk/service_at_locations",
    "/api/oruk/service_at_locations/{id}",
    "/api/oruk/organizations",
    "/api/oruk/organizations/{id}",
    "/api/oruk/taxonomies",
    "/api/oruk/taxonomies/{id}",
    "/api/oruk/taxonomy_terms",
    "/api/oruk/taxonomy_terms/{id}",
}


def test_the_oruk_openapi_document_is_valid_and_lists_only_the_oruk_endpoints(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # type: ignore[no-untyped-call]
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == ORUK_PATHS
    assert document["info"]["title"] == "Linkwell Open Referral UK API"


def test_the_site_openapi_document_is_valid_and_includes_the_oruk_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # type: ignore[no-untyped-call]
    assert set(document["paths"]) >= ORUK_PATHS


def test_the_service_list_documents_the_oruk_parameters_and_page(client):
    document = client.get(f"{BASE}/openapi.json").json()
    operation = document["paths"]["/api/oruk/services"]["get"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert parameters >= {
        "search",
        "taxonomy_term_id",
        "taxonomy_id",
        "minimum_age",
        "maximum_age",
        "postcode",
        "proximity",
        "day",
        "start_time",
        "end_time",
        "modified_after",
        "page",
        "per_page",
    }
    assert set(operation["responses"]) >= {"200", "400", "429"}
    page = document["components"]["schemas"]["OrukServicePage"]
    assert {"total_items", "total_pages", "page_number", "size", "contents"} <= set(
        page["required"]
    )
    assert page["properties"]["contents"]["items"] == {
        "$ref": "#/components/schemas/OrukServiceSummary"
    }


def test_the_service_object_is_described_by_the_official_oruk_schema(client):
    schemas = client.get(f"{BASE}/openapi.json").json()["components"]["schemas"]
    service = schemas["OrukService"]
    assert set(service["required"]) >= {"id", "name", "status"}
    assert service["properties"]["organization"] == {
        "$ref": "#/components/schemas/OrukOrganization"
    }
    assert "constraints" not in str(service)  # table-schema keywords are not OpenAPI
    assert schemas["OrukTaxonomyTerm"]["properties"]["id"]["format"] == "uuid"
