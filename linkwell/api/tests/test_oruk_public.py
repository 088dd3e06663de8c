"""The ORUK API is public, keyless, cross-origin, rate limited, cheap per page, and never
publishes staff-only data."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from linkwell.api.tests.conftest import (
    BASE,
    ORG_STAFF_NOTE,
    QA_REFERENCE,
    STAFF_NOTE,
    Directory,
)
from linkwell.directory.models import QualityCheck
from linkwell.directory.tests.factories import make_organization, make_service, make_term

pytestmark = pytest.mark.django_db

ORIGIN = "https://find.example.org"


def every_url(directory: Directory) -> list[str]:
    sal = directory.shed.service_at_locations.get()
    return [
        f"{BASE}/",
        f"{BASE}/services",
        f"{BASE}/services?full=true",
        f"{BASE}/services/{directory.shed.uuid}",
        f"{BASE}/service_at_locations",
        f"{BASE}/service_at_locations/{sal.uuid}",
        f"{BASE}/organizations",
        f"{BASE}/organizations/{directory.shed.organization.uuid}",
        f"{BASE}/taxonomies",
        f"{BASE}/taxonomies/{directory.categories.uuid}",
        f"{BASE}/taxonomy_terms",
        f"{BASE}/taxonomy_terms/{directory.crafts.uuid}",
    ]


def test_staff_notes_and_qa_evidence_never_appear_anywhere(client, directory):
    checker = QualityCheck.objects.filter(organization=directory.shed.organization).first()
    assert checker is not None and checker.reference == QA_REFERENCE
    for url in every_url(directory):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for secret in (STAFF_NOTE, ORG_STAFF_NOTE, QA_REFERENCE, "staff_notes", "quality_check"):
            assert secret not in text, f"{secret} leaked from {url}"
        for field in ("referral_mode", "last_verified", "owner", "capacity_unit"):
            assert f'"{field}"' not in text, f"{field} leaked from {url}"


@pytest.mark.parametrize(
    "persona", ["owner", "teammate", "read_only", "outsider", "link_worker", "admin"]
)
def test_signed_in_people_get_exactly_the_public_answer(client, directory, personas, persona):
    """Staff sessions change nothing here: the API ignores them (no authentication classes)."""
    directory.shed.organization.owner = personas.provider_org
    directory.shed.organization.save()
    url = f"{BASE}/services/{directory.shed.uuid}"
    anonymous = client.get(url)
    client.force_login(getattr(personas, persona))
    response = client.get(url)
    client.logout()
    assert response.status_code == 200
    assert response.json() == anonymous.json()
    assert STAFF_NOTE not in response.content.decode()


def test_a_cross_origin_get_is_allowed_from_anywhere(client, directory):
    response = client.get(f"{BASE}/services", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_cors_preflight_is_allowed_from_anywhere(client, db):
    response = client.options(
        f"{BASE}/services",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_errors_carry_cors_headers_too(client, db):
    """A browser client must be able to read a 400 or 404 to show its message."""
    bad = client.get(f"{BASE}/services", {"per_page": "0"}, HTTP_ORIGIN=ORIGIN)
    missing = client.get(f"{BASE}/nothing-here", HTTP_ORIGIN=ORIGIN)
    assert bad["Access-Control-Allow-Origin"] == "*"
    assert missing["Access-Control-Allow-Origin"] == "*"


def test_the_rest_of_the_site_does_not_get_cors_headers(client, db):
    response = client.get("/api/schema/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_a_post_without_a_csrf_token_is_refused_as_a_method_not_a_csrf_failure(db):
    csrf_client = APIClient(enforce_csrf_checks=True)
    response = csrf_client.post(f"{BASE}/services", {}, format="json")
    assert response.status_code == 405


def test_a_client_is_throttled_after_the_limit_and_told_when_to_retry(client, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"oruk": "3/minute"},
    }
    cache.clear()
    for _ in range(3):
        assert client.get(f"{BASE}/taxonomies").status_code == 200
    response = client.get(f"{BASE}/services")
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0


def test_the_limit_is_per_client_address(client, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"oruk": "1/minute"},
    }
    cache.clear()
    assert client.get(f"{BASE}/taxonomies", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(f"{BASE}/taxonomies", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(f"{BASE}/taxonomies", REMOTE_ADDR="192.0.2.2").status_code == 200


def _services(count: int) -> None:
    crafts = make_term("Crafts")
    for i in range(count):
        org = make_organization(f"Provider {i:02d}", assured=i % 2 == 0)
        make_service(
            f"Service {i:02d}",
            organization=org,
            lat=52.85 + i / 1000,
            lon=-3.05,
            terms=[crafts, make_term(f"Interest {i:02d}", taxonomy=f"Taxonomy {i:02d}")],
            byday="MO",
            opens="10:00",
            closes="11:00",
            free=True,
            accessible="Step-free access",
        )


PAGED_URLS = [
    "/services?per_page={n}",
    "/services?per_page={n}&full=true",
    "/services?per_page={n}&postcode=SY11+1AA&proximity=50000",
    "/service_at_locations?per_page={n}",
    "/service_at_locations?per_page={n}&postcode=SY11+1AA",
    "/organizations?per_page={n}",
    "/taxonomy_terms?per_page={n}",
    "/taxonomies?per_page={n}",
]


def test_a_page_costs_the_same_number_of_queries_for_5_or_25_items(
    client, db, django_assert_max_num_queries
):
    _services(25)  # built once for every list: building it is the slow part
    for url in PAGED_URLS:
        client.get(BASE + url.format(n=5))  # warm caches (postcode area file)
        with django_assert_max_num_queries(40) as small:
            assert len(client.get(BASE + url.format(n=5)).json()["contents"]) == 5, url
        with django_assert_max_num_queries(len(small.captured_queries)) as large:
            assert len(client.get(BASE + url.format(n=25)).json()["contents"]) == 25, url
        assert len(large.captured_queries) == len(small.captured_queries), url
