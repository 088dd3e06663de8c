"""Fixtures for the ORUK API tests: a fresh throttle per test, the official schemas, a small
directory (built with the directory app's factories)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from linkwell.api.oruk import openapi
from linkwell.directory.models import (
    Contact,
    Phone,
    QualityCheck,
    Schedule,
    Service,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.tests.factories import make_organization, make_service, make_term

STAFF_NOTE = "PRIVATE-STAFF-NOTE-do-not-publish"
ORG_STAFF_NOTE = "PRIVATE-ORG-NOTE-do-not-publish"
QA_REFERENCE = "PRIVATE-QA-DOCUMENT-insurance-policy-7731"
BASE = "/api/oruk"

# ORUK OpenAPI `components/schemas/Page`, with every key required (the validator's page
# envelopes put it under a non-standard `allOf: [{"Page": ...}]`, which checks nothing).
PAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [*openapi.PAGE_PROPERTIES, "contents"],
    "properties": {**openapi.PAGE_PROPERTIES, "contents": {"type": "array"}},
}


def _with_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "definitions": openapi.service_document()["definitions"]}


SCHEMAS: dict[str, dict[str, Any]] = {
    "api_details": openapi.load(openapi.API_SCHEMAS / "api_details.json"),
    "service": openapi.service_document(),
    "service_list_page": openapi.load(openapi.DIRECTORY_SCHEMAS / "service_list_page.json"),
    "service_at_location": _with_definitions(
        openapi.service_document()["definitions"]["service_at_location"]
    ),
    "service_at_location_list_page": openapi.load(
        openapi.API_SCHEMAS / "service_at_location_list_page.json"
    ),
    "organization": _with_definitions(openapi.service_document()["definitions"]["organization"]),
    "organization_list_item": openapi.load(openapi.API_SCHEMAS / "organization_list_item.json"),
    "taxonomy": openapi.load(openapi.API_SCHEMAS / "taxonomy.json"),
    "taxonomy_list_page": openapi.load(openapi.API_SCHEMAS / "taxonomy_list_page.json"),
    "taxonomy_term": openapi.load(openapi.API_SCHEMAS / "taxonomy_term.json"),
    "taxonomy_term_list_page": openapi.load(openapi.API_SCHEMAS / "taxonomy_term_list_page.json"),
    "page": PAGE_SCHEMA,
}


def assert_valid(instance: Any, schema_name: str) -> None:
    schema = SCHEMAS[schema_name]
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, "\n".join(
        f"{schema_name}: {'/'.join(map(str, e.path))}: {e.message}" for e in errors[:10]
    )


@pytest.fixture(autouse=True)
def fresh_throttle(settings: Any) -> None:
    """A generous rate and an empty counter, so tests never throttle each other."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"oruk": "10000/minute"},
    }
    cache.clear()


@pytest.fixture(scope="session")
def _shared_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client(_shared_client: APIClient) -> APIClient:
    """An anonymous client: the API is keyless. One for the whole run, because each new test
    client builds the middleware again and WhiteNoise (finders on, in tests) then rescans
    node_modules: ~0.4 s a test. Safe to share: the API sets no cookies and keeps no state."""
    _shared_client.cookies.clear()
    return _shared_client


@dataclass
class Directory:
    shed: Service
    choir: Service
    walk: Service
    online: Service
    closed: Service
    defunct: Service
    crafts: TaxonomyTerm
    music: TaxonomyTerm
    walking: TaxonomyTerm
    needs: Taxonomy
    categories: Taxonomy


@pytest.fixture
def directory(db: None) -> Directory:
    """Six services around Oswestry and Shrewsbury, with private data that must never leak."""
    provider = make_organization(
        "Oswestry Community Action", assured=True, staff_notes=ORG_STAFF_NOTE
    )
    QualityCheck.objects.filter(organization=provider).update(reference=QA_REFERENCE)
    crafts = make_term("Crafts")
    music = make_term("Music")
    walking = make_term("Walking", taxonomy="Linkwell needs")
    shed = make_service(
        "Oswestry Men's Shed",
        organization=provider,
        postcode="SY11 1AA",
        terms=[crafts],
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        minimum_age=18,
        staff_notes=STAFF_NOTE,
        description="Woodwork and company for men.",
    )
    choir = make_service(
        "Oswestry Community Choir",
        organization=provider,
        postcode="SY11 2AA",
        terms=[music],
        byday="TH",
        opens="19:00",
        closes="21:00",
        minimum_age=8,
        maximum_age=16,
        staff_notes=STAFF_NOTE,
    )
    walk = make_service(
        "Shrewsbury Health Walk",
        postcode="SY1 1AA",
        terms=[walking],
        byday="SA",
        opens="09:00",
        closes="10:30",
        staff_notes=STAFF_NOTE,
    )
    online = make_service("Online Befriending", description="Phone and video calls.")
    closed = make_service(
        "Oswestry Knit and Natter",
        organization=provider,
        postcode="SY11 1AA",
        status=ServiceStatus.TEMPORARILY_CLOSED,
    )
    defunct = make_service(
        "Oswestry Old Lunch Club", organization=provider, status=ServiceStatus.DEFUNCT
    )
    # Nested objects that also carry data, so the full views have something to serialise.
    contact = Contact.objects.create(
        service=shed, name="Shed coordinator", email="shed@example.org"
    )
    Phone.objects.create(contact=contact, number="01691 000000")
    Phone.objects.create(service=shed, number="01691 111111")
    Schedule.objects.filter(service=shed).update(valid_from=dt.date(2024, 1, 1))
    return Directory(
        shed=shed,
        choir=choir,
        walk=walk,
        online=online,
        closed=closed,
        defunct=defunct,
        crafts=crafts,
        music=music,
        walking=walking,
        needs=walking.taxonomy,  # type: ignore[arg-type]
        categories=crafts.taxonomy,  # type: ignore[arg-type]
    )


def names(response: Any) -> list[str]:
    return [item["name"] for item in response.json()["contents"]]
