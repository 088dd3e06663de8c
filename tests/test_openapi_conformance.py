"""Linkwell's OpenAPI document (`/api/schema/`) tells the truth about the API.

schemathesis reads the document the site serves and, for every operation in it, sends requests
it generates from the document, both valid ones and deliberately invalid ones, to the WSGI
application over a small demo directory. Each answer is checked against the document: its status
code is one the operation lists, its content type and headers are the documented ones, its body
matches the documented schema, it is never a server error, a request the document calls valid is
accepted (bar the refusals listed in tests/openapi_probe_hooks.py, which no schema can
express), and one it calls invalid is refused. Generation is derandomized with a fixed seed and a
small number of examples per operation, so the run is the same every time.

`linkwell/api/README.md` says how to run a bigger probe against a running server.
"""

from __future__ import annotations

from collections.abc import Iterator
from random import Random
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linkwell.demo.directory import DemoIds, build_directory, write_directory
from linkwell.demo.loader import demo_places, term_pks
from linkwell.directory.models import (
    DirectoryOrganization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.taxonomies import taxonomy_seed
from tests import openapi_probe_hooks  # noqa: F401  (registers the refusal filter)

SCHEMA_PATH = "/api/schema/?format=json"
MAX_EXAMPLES = 20
SEED = 20240501
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
schema.config.generation.update(
    max_examples=MAX_EXAMPLES, deterministic=True, database="none", no_shrink=False
)
schema.config.seed = SEED


@pytest.fixture
def demo_directory(db: None, settings: Any) -> Iterator[None]:
    """A demo directory for two towns (providers, services at real postcodes, schedules, phones,
    the shipped taxonomies), and a throttle generous enough for the whole run."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"oruk": "100000/minute"},
    }
    # schemathesis calls the real WSGI handler, whose request signals close the database
    # connection after each response; on PostgreSQL that is the test's own connection (its
    # transaction holds the demo directory). Django's test client unhooks them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()
    taxonomy_seed()
    now = timezone.now()
    places = [p for p in demo_places() if p.town in {"Oswestry", "Ellesmere"}]
    rows = build_directory(
        rng=Random(SEED),
        today=timezone.localdate(now),
        now=now,
        places=places,
        term_pks=term_pks(),
        verify_after_days=settings.DIRECTORY_VERIFY_AFTER_DAYS,
        qa_expiring_days=settings.DIRECTORY_QA_EXPIRING_DAYS,
        ids=DemoIds("conformance-"),
        county=False,
    )
    write_directory(rows)
    try:
        yield
    finally:
        cache.clear()
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
def test_every_answer_matches_the_openapi_document(case: Any, demo_directory: None) -> None:
    case.call_and_validate(checks=CHECKS)


# Generated ids are almost never real ones: these read a real record of each kind, so the full
# objects (not only 404s) are checked against their documented schemas.
DETAIL_OPERATIONS = {
    "/api/oruk/services/{id}": Service,
    "/api/oruk/service_at_locations/{id}": ServiceAtLocation,
    "/api/oruk/organizations/{id}": DirectoryOrganization,
    "/api/oruk/taxonomies/{id}": Taxonomy,
    "/api/oruk/taxonomy_terms/{id}": TaxonomyTerm,
}


@pytest.mark.parametrize("path", sorted(DETAIL_OPERATIONS))
def test_a_real_record_matches_its_documented_schema(path: str, demo_directory: None) -> None:
    model = DETAIL_OPERATIONS[path]
    record = model._default_manager.order_by("pk").first()
    assert record is not None
    case = schema[path]["GET"].Case(path_parameters={"id": str(record.uuid)})
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 200
