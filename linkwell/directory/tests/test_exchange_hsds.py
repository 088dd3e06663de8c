"""The ORUK/HSDS serialisers: valid against both official schemas, nothing private leaks."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwell.directory.exchange import hsds, schemas
from linkwell.directory.models import (
    Contact,
    Language,
    Phone,
    Service,
    ServiceArea,
)
from linkwell.directory.tests.factories import make_organization, make_service

pytestmark = pytest.mark.django_db


def _rich_service(name: str = "Oswestry Men's Shed", **kw) -> Service:
    org = make_organization(
        f"{name} provider",
        assured=kw.pop("assured", None),
        staff_notes="PRIVATE org note",
        assurer_email="qa@council.example",
        description="Woodwork and company",
    )
    service = make_service(
        name,
        organization=org,
        lat=52.86,
        lon=-3.05,
        terms=["Crafts", "Loneliness"],
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        accessible="Step-free access",
        referrals=True,
        staff_notes="PRIVATE service note",
        description="A shed.",
        capacity_available=3,
        capacity_maximum=12,
        capacity_updated_at=timezone.now(),
        extra={"funding": [{"id": "1f2df32c-bf08-4b8e-bd6f-e834014b19bc", "source": "Lottery"}]},
        **kw,
    )
    phone = Phone.objects.create(service=service, number="01691 000000", extension="12")
    Language.objects.create(phone=phone, name="Welsh", code="cy")
    contact = Contact.objects.create(service=service, name="Sam", email="sam@shed.example")
    Phone.objects.create(contact=contact, number="07700 900000")
    ServiceArea.objects.create(service=service, name="Oswestry")
    Language.objects.create(service=service, name="English", code="en")
    return service


def _errors(data: dict[str, object], name: str) -> list[str]:
    return [e.message for e in schemas.validator(name).iter_errors(data)]


def test_it_exports_a_full_service_that_validates_against_oruk_and_hsds():
    data = hsds.service_to_hsds(_rich_service())
    assert _errors(data, schemas.ORUK_SERVICE) == []
    assert _errors(data, schemas.HSDS_SERVICE) == []
    assert data["organization"]["name"] == "Oswestry Men's Shed provider"
    sal = data["service_at_locations"][0]
    assert sal["location"]["addresses"][0]["address_1"] == "1 High Street"
    assert sal["location"]["accessibility"][0]["description"] == "Step-free access"
    assert data["schedules"][0]["opens_at"] == "10:00:00"
    assert data["cost_options"][0]["amount"] == 0
    assert data["phones"][0]["extension"] == 12
    assert data["phones"][0]["languages"][0]["code"] == "cy"
    assert data["contacts"][0]["phones"][0]["number"] == "07700 900000"
    assert {a["taxonomy_term"]["name"] for a in data["attributes"]} == {
        "Crafts",
        "Loneliness",
        "Accepts referrals",  # Linkwell's referral mode, as an attribute
    }
    assert data["funding"][0]["source"] == "Lottery"
    assert data["capacities"][0]["available"] == 3
    assert data["capacities"][0]["maximum"] == 12


def test_it_never_exports_private_fields():
    text = json.dumps(hsds.service_to_hsds(_rich_service(assured=True)))
    assert "PRIVATE" not in text
    for key in ("staff_notes", "last_verified", "quality_check", "owner"):
        assert key not in text
    assert '"referral_mode"' not in text  # exported as an HSDS attribute, not as a key


def test_it_exports_assurance_from_the_providers_quality_checks_when_in_date():
    data = hsds.service_to_hsds(
        _rich_service(assured=True, assured_date=dt.date(2001, 1, 1), assurer_email="x@y.example")
    )
    assert data["assured_date"] == (timezone.localdate() - dt.timedelta(days=400)).isoformat()
    assert data["assurer_email"] == "qa@council.example"


def test_it_falls_back_to_the_imported_assurance_when_quality_checks_lapsed():
    data = hsds.service_to_hsds(
        _rich_service(assured=False, assured_date=dt.date(2001, 1, 1), assurer_email="x@y.example")
    )
    assert data["assured_date"] == "2001-01-01"
    assert data["assurer_email"] == "x@y.example"


def test_it_omits_empty_optional_fields_but_keeps_required_ones():
    service = make_service("Bare", organization=make_organization("Bare org"))
    data = hsds.service_to_hsds(service)
    assert "url" not in data and "email" not in data and "minimum_age" not in data
    assert data["organization"]["description"] == ""
    assert None not in data.values()
    assert _errors(data, schemas.ORUK_SERVICE) == []


def test_a_summary_is_a_valid_service_list_item():
    service = _rich_service()
    item = hsds.service_to_hsds_summary(service)
    page = {"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "contents": [item]}
    assert _errors(page, schemas.ORUK_SERVICE_LIST_PAGE) == []
    assert "service_at_locations" not in item and "funding" not in item
    assert item["organization"]["id"] == str(service.organization.uuid)


def test_a_page_of_services_costs_a_constant_number_of_queries():
    for i in range(2):
        _rich_service(f"Shed {i}")
    with CaptureQueriesContext(connection) as two:
        [hsds.service_to_hsds(s) for s in hsds.services_prefetch(Service.objects.all())]
    for i in range(2, 6):
        _rich_service(f"Shed {i}")
    with CaptureQueriesContext(connection) as six:
        out = [hsds.service_to_hsds(s) for s in hsds.services_prefetch(Service.objects.all())]
    assert len(out) == 6
    assert len(six) == len(two)
    assert all(len(s["attributes"]) == 3 for s in out)  # two terms and the referral mode


def test_organization_and_taxonomy_objects_validate():
    service = _rich_service()
    org = hsds.organization_to_hsds(service.organization, full=True)
    assert [
        e.message for e in schemas.validator(schemas.HSDS_SERVICE, "organization").iter_errors(org)
    ] == []
    assert org["services"][0]["id"] == str(service.uuid)
    attr = hsds.service_to_hsds(service)["attributes"][0]
    v = schemas.validator(schemas.ORUK_SERVICE, "taxonomy_term")
    assert list(v.iter_errors(attr["taxonomy_term"])) == []
