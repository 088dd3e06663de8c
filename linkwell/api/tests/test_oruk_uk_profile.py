"""The ORUK API serves the UK profile: no field the profile deletes, at any depth, on any
endpoint; `organization_id` on every service.

The deleted fields below are written out from the profile's own override files
(`profile/*.json` in OpenReferralUK/uk-profile, where a property set to `null` is removed),
independently of `linkwell.directory.exchange.profile`, which derives them from the schemas.
"""

from __future__ import annotations

from typing import Any

import pytest

from linkwell.api.tests.conftest import BASE, assert_valid
from linkwell.directory.exchange import export
from linkwell.directory.models import (
    Address,
    Contact,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
)
from linkwell.directory.taxonomies import taxonomy_seed

pytestmark = pytest.mark.django_db

DELETED: dict[str, set[str]] = {
    "service": {
        "program_id",
        "alternate_name",
        "fees_description",
        "interpretation_services",
        "application_process",
        "wait_time",
        "eligibility_description",
        "licenses",
        "phones",
    },
    "address": {"address_2"},
    "attribute": {"link_entity", "value"},
    "contact": {
        "organization_id",
        "service_at_location_id",
        "location_id",
        "department",
        "email",
        "phones",
    },
    "cost_option": {"currency", "attributes"},
    "funding": {"organization_id", "attributes"},
    "language": {"location_id", "name", "code", "note", "attributes"},
    "location": {
        "url",
        "organization_id",
        "alternate_name",
        "transportation",
        "phones",
        "contacts",
        "schedules",
        "languages",
    },
    "organization": {
        "alternate_name",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "locations",
        "phones",
        "contacts",
        "funding",
    },
    "phone": {
        "location_id",
        "service_id",
        "organization_id",
        "service_at_location_id",
        "extension",
        "type",
        "attributes",
    },
    "schedule": {
        "location_id",
        "timezone",
        "until",
        "count",
        "wkst",
        "byweekno",
        "byyearday",
        "attributes",
    },
    "service_area": {"description", "attributes"},
    "service_at_location": {"description", "contacts", "phones", "schedules", "attributes"},
    "taxonomy_term": {"code", "language", "taxonomy_detail"},
}
# Where each kind of object is nested (HSDS property name -> kind).
NESTED = {
    "organization": "organization",
    "services": "service",
    "service": "service",
    "service_at_locations": "service_at_location",
    "location": "location",
    "locations": "location",
    "addresses": "address",
    "attributes": "attribute",
    "contacts": "contact",
    "cost_options": "cost_option",
    "funding": "funding",
    "languages": "language",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_terms": "taxonomy_term",
}


def deleted_fields_in(obj: Any, kind: str, path: str = "") -> list[str]:
    """Paths of every deleted field found in `obj` (an object of `kind`), at any depth."""
    found: list[str] = []
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            found += deleted_fields_in(item, kind, f"{path}[{i}]")
        return found
    if not isinstance(obj, dict):
        return found
    for key, value in obj.items():
        here = f"{path}.{key}"
        if key in DELETED.get(kind, set()):
            found.append(f"{here} ({kind})")
        elif key in NESTED:
            found += deleted_fields_in(value, NESTED[key], here)
    return found


@pytest.fixture
def rich(directory):
    """Fill every HSDS field the profile deletes that Linkwell models, so leaving them out is
    tested, not assumed."""
    taxonomy_seed()
    Service.objects.filter(pk=directory.shed.pk).update(
        alternate_name="The Shed",
        application_process="Just turn up.",
        fees_description="Free",
        eligibility_description="Men over 18.",
        interpretation_services="Welsh",
        accreditations="Men's Sheds Association",
        # As an imported feed's funding is kept (in `extra`) and served.
        extra={
            "funding": [
                {
                    "id": "0b9c3a8e-7d51-4a55-9a3c-6f2f5e0c1d01",
                    "organization_id": str(directory.shed.organization.uuid),
                    "source": "Made-up lottery grant",
                    "attributes": [],
                }
            ]
        },
    )
    shed = directory.shed
    Language.objects.create(service=shed, name="Welsh", code="cy", note="Spoken")
    Schedule.objects.filter(service=shed).update(timezone="0", wkst="MO", count=10)
    location = shed.service_at_locations.get().location
    Location.objects.filter(pk=location.pk).update(
        url="https://example.org/venue", transportation="Bus 2", alternate_name="Hall"
    )
    Address.objects.filter(location=location).update(address_2="Back door")
    Phone.objects.create(location=location, number="01691 222222", extension="12", type="voice")
    Contact.objects.filter(service=shed).update(department="Sheds", email="x@example.org")
    directory.shed.organization.__class__.objects.filter(pk=shed.organization.pk).update(
        alternate_name="OCA", legal_status="Charity", year_incorporated=1990
    )
    TaxonomyTerm.objects.filter(pk=directory.crafts.pk).update(code="crafts", language="en")
    return directory


def test_the_rich_service_really_holds_the_deleted_fields(rich):
    """Guard for the tests below: the HSDS-native export of the shed has them."""
    dump = export.directory_dump()
    shed = next(s for s in dump["services"] if s["name"] == "Oswestry Men's Shed")
    assert len(deleted_fields_in(shed, "service")) >= 14
    assert ".funding[0].organization_id (funding)" in deleted_fields_in(shed, "service")


def _walk_every_endpoint(client: Any, rich: Any) -> dict[str, tuple[Any, str]]:
    shed, org = rich.shed, rich.shed.organization
    sal = shed.service_at_locations.get()
    responses: dict[str, tuple[Any, str]] = {}
    for path, kind, key in [
        ("/services", "service", "contents"),
        ("/services?full=true", "service", "contents"),
        (f"/services/{shed.uuid}", "service", None),
        ("/service_at_locations", "service_at_location", "contents"),
        (f"/service_at_locations/{sal.uuid}", "service_at_location", None),
        ("/organizations", "organization", "contents"),
        (f"/organizations/{org.uuid}", "organization", None),
        ("/taxonomy_terms", "taxonomy_term", "contents"),
        (f"/taxonomy_terms/{rich.crafts.uuid}", "taxonomy_term", None),
        (f"/taxonomies/{rich.crafts.taxonomy.uuid}", "taxonomy", None),
    ]:
        response = client.get(f"{BASE}{path}")
        assert response.status_code == 200, path
        body = response.json()
        responses[path] = (body[key] if key else body, kind)
    return responses


def test_no_endpoint_serves_a_field_the_uk_profile_deletes(client, rich):
    for path, (body, kind) in _walk_every_endpoint(client, rich).items():
        assert deleted_fields_in(body, kind) == [], path


def test_every_service_carries_its_organization_id(client, rich):
    org_id = str(rich.shed.organization.uuid)
    detail = client.get(f"{BASE}/services/{rich.shed.uuid}").json()
    assert detail["organization_id"] == org_id == detail["organization"]["id"]
    for query in ({}, {"full": "true"}):
        for service in client.get(f"{BASE}/services", query).json()["contents"]:
            assert service["organization_id"] == service["organization"]["id"]
    nested = client.get(f"{BASE}/organizations/{org_id}").json()["services"]
    assert nested and all(s["organization_id"] == org_id for s in nested)
    sal = client.get(f"{BASE}/service_at_locations").json()["contents"][0]
    assert sal["service"]["organization_id"] == sal["service"]["organization"]["id"]


def test_profiled_responses_still_validate_against_the_official_schemas(client, rich):
    detail = client.get(f"{BASE}/services/{rich.shed.uuid}").json()
    assert_valid(detail, "service")
    assert detail["fees"] == "Free"  # ORUK's own fee field stays
    page = client.get(f"{BASE}/services").json()
    assert_valid(page, "service_list_page")
    assert_valid(client.get(f"{BASE}/taxonomy_terms/{rich.crafts.uuid}").json(), "taxonomy_term")


def test_services_at_locations_can_carry_their_full_service(client, rich):
    body = client.get(f"{BASE}/service_at_locations", {"full": "true"}).json()
    shed = next(i for i in body["contents"] if i["service"]["name"] == "Oswestry Men's Shed")
    assert shed["service"]["schedules"][0]["byday"] == "TU"
    assert shed["service"]["organization_id"] == str(rich.shed.organization.uuid)
    assert deleted_fields_in(body["contents"], "service_at_location") == []
    summary = client.get(f"{BASE}/service_at_locations").json()["contents"][0]
    assert "schedules" not in summary["service"]


def test_an_organization_can_carry_its_services_in_full(client, rich):
    org_id = rich.shed.organization.uuid
    body = client.get(f"{BASE}/organizations/{org_id}", {"full_service": "true"}).json()
    assert_valid(body, "organization")
    shed = next(s for s in body["services"] if s["name"] == "Oswestry Men's Shed")
    assert shed["schedules"][0]["byday"] == "TU"
    assert deleted_fields_in(body, "organization") == []
    summary = client.get(f"{BASE}/organizations/{org_id}").json()
    assert all("schedules" not in s for s in summary["services"])
    bad = client.get(f"{BASE}/organizations/{org_id}", {"full_service": "yes"})
    assert bad.status_code == 400 and "full_service" in bad.json()["detail"]
