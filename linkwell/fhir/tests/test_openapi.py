"""The FHIR API's OpenAPI document (`/fhir/r4/openapi.json`) tells the truth, and the API gives
no server error for anything schemathesis sends it.

schemathesis generates requests for every operation of the document (valid and invalid ones,
with a valid bearer token holding every scope) over a referral the client really sent, and
checks each answer: never a server error, a documented status code, the documented content
type and body schema. Generation is derandomized and bounded, so the run is the same each time.
The CapabilityStatement and the document are built from one list (capability.py): the routes,
the statement and the document are checked against each other too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.urls import get_resolver
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linkwell.fhir.capability import RESOURCES
from linkwell.fhir.tests.factories import (
    access_token,
    make_api_client,
    post_fhir,
    referral_bundle,
    service_request_json,
)
from linkwell.fhir.validation import assert_valid_fhir
from linkwell.referrals.tests.factories import needs
from tests.personas import Personas

MAX_EXAMPLES = 12
SEED = 20261206
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/fhir/r4/openapi.json", get_wsgi_application())
schema.config.generation.update(
    max_examples=MAX_EXAMPLES, deterministic=True, database="none", no_shrink=False
)
schema.config.seed = SEED


@pytest.fixture
def token(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A bearer token with every scope, for a practice that has sent one referral."""
    # schemathesis speaks plain HTTP to the WSGI app; OAuth 2.0 otherwise insists on HTTPS.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    needs()
    created = make_api_client(personas.practice)
    http = Client()
    bundle = referral_bundle(
        service_request=service_request_json(performer=personas.link_worker_service)
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {access_token(http, created)}", "secure": True}
    assert post_fhir(http, "/fhir/r4/", bundle, headers).status_code == 200
    token = access_token(http, created)
    # The real WSGI handler's request signals would close the test's own database connection
    # (on PostgreSQL, its transaction). Unhooked after the test client's requests above, which
    # hook them back when they finish.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield token
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_answer_is_a_server_error_or_off_the_document(case: Any, token: str) -> None:
    response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    # The token is good and holds every scope: the requests really reach the endpoints.
    assert response.status_code not in (401, 403), response.text


def test_the_capability_statement_needs_no_token_and_is_valid_fhir(client: Client) -> None:
    response = client.get("/fhir/r4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = response.json()
    assert_valid_fhir(statement)
    listed = {r["type"] for r in statement["rest"][0]["resource"]}
    assert {"Patient", "ServiceRequest", "Task"} <= listed
    assert statement["rest"][0]["interaction"][0]["code"] == "transaction"


def test_every_listed_resource_is_routed_and_every_route_is_listed() -> None:
    resolver = get_resolver()
    fhir = next(p for p in resolver.url_patterns if str(p.pattern) == "fhir/r4/")
    routes: set[str] = set()
    for pattern in getattr(fhir, "url_patterns", []):
        for inner in getattr(pattern, "url_patterns", [pattern]):
            first = str(inner.pattern).split("/")[0]
            if first and first[0].isupper():
                routes.add(first)
    assert routes == {r.type for r in RESOURCES}


def test_the_openapi_document_lists_every_resource(client: Client) -> None:
    document = client.get("/fhir/r4/openapi.json").json()
    for support in RESOURCES:
        assert f"/fhir/r4/{support.type}" in document["paths"] or any(
            p.startswith(f"/fhir/r4/{support.type}/") for p in document["paths"]
        )
    assert "/fhir/r4/" in document["paths"]
