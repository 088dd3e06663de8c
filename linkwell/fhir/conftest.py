"""Every FHIR resource the API serves or accepts in these tests is valid FHIR R4.

Django's test client is watched for the whole of linkwell/fhir's tests: each answer sent as
`application/fhir+json` (resources, searchsets, documents, OperationOutcomes) and each body the
API accepted (a 2xx answer to a POST or PUT of FHIR JSON; a PATCH body is a JSON Patch list, not a
resource) goes through
`validation.assert_valid_fhir` (fhir.resources R4B and the official R4 JSON Schema), so a test
that checks something else still fails on an invalid resource.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test.client import Client

from linkwell.fhir.http import FHIR_JSON
from linkwell.fhir.validation import assert_valid_fhir

_WRITES = {"POST", "PUT"}


def check_exchange(method: str, content_type: str, body: str | bytes, response: Any) -> None:
    """Validate a FHIR answer, and a FHIR body the API accepted, from one test-client call."""
    if response.get("Content-Type", "").startswith(FHIR_JSON) and response.content:
        assert_valid_fhir(json.loads(response.content))
    if (
        method.upper() in _WRITES
        and content_type.startswith(FHIR_JSON)
        and 200 <= response.status_code < 300
        and body
    ):
        assert_valid_fhir(json.loads(body))


@pytest.fixture(autouse=True)
def _every_fhir_exchange_is_valid(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = Client.generic

    def generic(
        self: Client,
        method: str,
        path: str,
        data: Any = "",
        content_type: str | None = "application/octet-stream",
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        response = original(self, method, path, data, content_type, *args, **kwargs)
        check_exchange(method, content_type or "", data, response)
        return response

    monkeypatch.setattr(Client, "generic", generic)
    yield
