"""Every ORUK endpoint answers with objects that validate against the official ORUK schemas."""

from __future__ import annotations

import pytest

from linkwell.api.tests.conftest import BASE, assert_valid, names

pytestmark = pytest.mark.django_db


def test_the_root_describes_the_api_and_points_to_its_openapi_document(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 200
    body = response.json()
    assert_valid(body, "api_details")
    assert body["version"] == "HSDS-UK-3.0"
    assert body["openapi_url"] == "http://testserver/api/oruk/openapi.json"
    assert client.get(body["openapi_url"]).status_code == 200


def test_it_lists_services_as_a_valid_oruk_page(client, directory):
    response = client.get(f"{BASE}/services")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert_valid(body, "page")
    assert_valid(body, "service_list_page")
    assert body["contents"][0]["organization"]["name"]
    assert {"total_items", "page_number", "contents"} <= set(body)


def test_it_lists_fully_nested_services_when_asked_for_full(client, directory):
    body = client.get(f"{BASE}/services", {"full": "true"}).json()
    assert_valid(body, "page")
    for service in body["contents"]:
        assert_valid(service, "service")
    shed = next(s for s in body["contents"] if s["name"] == "Oswestry Men's Shed")
    assert shed["service_at_locations"][0]["location"]["addresses"]
    assert shed["contacts"][0]["name"] == "Shed coordinator"
    # The UK profile deletes contact `phones` (and every other nesting of phones).
    assert "phones" not in shed["contacts"][0]


def test_it_serves_one_service_fully_nested(client, directory):
    response = client.get(f"{BASE}/services/{directory.shed.uuid}")
    assert response.status_code == 200
    body = response.json()
    assert_valid(body, "service")
    assert body["id"] == str(directory.shed.uuid)
    assert body["schedules"][0]["byday"] == "TU"
    assert body["attributes"][0]["taxonomy_term"]["name"] == "Crafts"
    assert body["organization"]["name"] == "Oswestry Community Action"


def test_the_service_detail_accepts_a_trailing_slash(client, directory):
    response = client.get(f"{BASE}/services/{directory.shed.uuid}/")
    assert response.status_code == 200


def test_it_serves_a_defunct_service_by_id_with_its_status(client, directory):
    body = client.get(f"{BASE}/services/{directory.defunct.uuid}").json()
    assert body["status"] == "defunct"


def test_it_lists_services_at_locations_as_a_valid_oruk_page(client, directory):
    body = client.get(f"{BASE}/service_at_locations").json()
    assert_valid(body, "page")
    assert_valid(body, "service_at_location_list_page")
    shed = next(i for i in body["contents"] if i["service"]["name"] == "Oswestry Men's Shed")
    assert shed["service_id"] == str(directory.shed.uuid)
    assert shed["location"]["addresses"][0]["postal_code"] == "SY11 1AA"


def test_it_serves_one_service_at_location_with_its_full_service(client, directory):
    sal = directory.shed.service_at_locations.get()
    body = client.get(f"{BASE}/service_at_locations/{sal.uuid}").json()
    assert_valid(body, "service_at_location")
    assert_valid(body["service"], "service")
    assert body["id"] == str(sal.uuid)
    assert body["service"]["id"] == str(directory.shed.uuid)


def test_it_lists_organizations_as_a_valid_oruk_page(client, directory):
    body = client.get(f"{BASE}/organizations").json()
    assert_valid(body, "page")
    for item in body["contents"]:
        assert_valid(item, "organization_list_item")
    assert "Oswestry Community Action" in names(client.get(f"{BASE}/organizations"))


def test_it_serves_one_organization_with_its_listed_services(client, directory):
    org = directory.shed.organization
    body = client.get(f"{BASE}/organizations/{org.uuid}").json()
    assert_valid(body, "organization")
    listed = {s["name"] for s in body["services"]}
    assert "Oswestry Men's Shed" in listed
    assert "Oswestry Old Lunch Club" not in listed  # defunct


def test_it_lists_taxonomies_and_serves_one_with_its_terms(client, directory):
    body = client.get(f"{BASE}/taxonomies").json()
    assert_valid(body, "page")
    assert_valid(body, "taxonomy_list_page")
    assert set(names(client.get(f"{BASE}/taxonomies"))) >= {"Linkwell categories", "Linkwell needs"}
    detail = client.get(f"{BASE}/taxonomies/{directory.categories.uuid}").json()
    assert_valid(detail, "taxonomy")
    assert {t["name"] for t in detail["taxonomy_terms"]} == {"Crafts", "Music"}


def test_it_lists_taxonomy_terms_and_serves_one(client, directory):
    body = client.get(f"{BASE}/taxonomy_terms").json()
    assert_valid(body, "page")
    assert_valid(body, "taxonomy_term_list_page")
    detail = client.get(f"{BASE}/taxonomy_terms/{directory.crafts.uuid}").json()
    assert_valid(detail, "taxonomy_term")
    assert detail["taxonomy_id"] == str(directory.categories.uuid)


@pytest.mark.parametrize(
    "collection",
    ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"],
)
@pytest.mark.parametrize("missing", ["6f1c2a4e-9b7d-4c3e-8a15-2d0f7e9b4c61", "not-a-uuid"])
def test_an_unknown_id_is_a_json_404(client, directory, collection, missing):
    response = client.get(f"{BASE}/{collection}/{missing}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert missing in response.json()["detail"]


def test_an_unknown_path_under_the_api_is_a_json_404(client):
    response = client.get(f"{BASE}/programs")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_an_empty_directory_gives_an_empty_first_page(client, db):
    body = client.get(f"{BASE}/services").json()
    assert_valid(body, "page")
    assert body == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_it_refuses_to_write(client, directory):
    response = client.post(f"{BASE}/services", {"name": "Spam"}, format="json")
    assert response.status_code == 405


def test_head_answers_like_get_without_a_body(client, directory):
    response = client.head(f"{BASE}/services")
    assert response.status_code == 200
    assert response.content == b""


def test_an_odd_accept_header_still_gets_json(client, directory):
    response = client.get(f"{BASE}/services", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response.json()["total_items"] == 5
