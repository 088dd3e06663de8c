"""The OpenAPI documents describe the ORUK API and are valid OpenAPI 3."""

from __future__ import annotations

import pytest
from drf_spectacular.validation import validate_schema

from linkwell.api.tests.conftest import BASE

pytestmark = pytest.mark.django_db

# Relative to the ORUK document's `servers` URL, as in the official ORUK OpenAPI document.
ORUK_PATHS = {
    "/",
    "/services",
    "/services/{id}",
    "/service_at_locations",
    "/service_at_locations/{id}",
    "/organizations",
    "/organizations/{id}",
    "/taxonomies",
    "/taxonomies/{id}",
    "/taxonomy_terms",
    "/taxonomy_terms/{id}",
}
# The site-wide document (/api/schema/) keeps full paths.
SITE_ORUK_PATHS = {"/api/oruk" + path for path in ORUK_PATHS}


def test_the_oruk_openapi_document_is_valid_and_lists_only_the_oruk_endpoints(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # type: ignore[no-untyped-call]
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == ORUK_PATHS
    assert document["info"]["title"] == "Linkwell Open Referral UK API"


def test_the_oruk_document_names_its_server_so_base_plus_path_is_a_real_endpoint(client):
    document = client.get(f"{BASE}/openapi.json").json()
    [server] = document["servers"]
    assert server["url"] == "http://testserver/api/oruk"
    for path in ("/services", "/taxonomies"):
        url = server["url"] + path
        assert path in document["paths"]
        assert client.get(url).status_code == 200, url


def test_the_site_openapi_document_is_valid_and_includes_the_oruk_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # type: ignore[no-untyped-call]
    assert set(document["paths"]) >= SITE_ORUK_PATHS


def test_the_service_list_documents_the_oruk_parameters_and_page(client):
    document = client.get(f"{BASE}/openapi.json").json()
    operation = document["paths"]["/services"]["get"]
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
        "organization_id",
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
