"""The hook in linkwell/fhir/conftest.py that validates every FHIR exchange of these tests can
fail: an invalid answer or an accepted invalid body stops the test, a valid one passes."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse

from linkwell.fhir.conftest import check_exchange
from linkwell.fhir.http import FHIR_JSON

INVALID_TASK = {"resourceType": "Task", "status": "not-a-status", "intent": "order"}
VALID_TASK = {"resourceType": "Task", "status": "requested", "intent": "order"}


def test_an_invalid_answer_fails_the_test() -> None:
    answer = HttpResponse(json.dumps(INVALID_TASK), content_type=FHIR_JSON)
    with pytest.raises(AssertionError, match="Task is not valid FHIR R4"):
        check_exchange("GET", "", b"", answer)


def test_an_invalid_body_the_api_accepted_fails_the_test() -> None:
    accepted = HttpResponse(status=201)
    with pytest.raises(AssertionError, match="Task is not valid FHIR R4"):
        check_exchange("POST", FHIR_JSON, json.dumps(INVALID_TASK), accepted)


def test_a_refused_body_and_a_valid_exchange_pass() -> None:
    refused = HttpResponse(status=422)
    check_exchange("POST", FHIR_JSON, json.dumps(INVALID_TASK), refused)
    answer = HttpResponse(json.dumps(VALID_TASK), content_type=FHIR_JSON)
    check_exchange("PUT", FHIR_JSON, json.dumps(VALID_TASK), answer)
    # An answer with no Content-Type at all (a 304) is not read as FHIR.
    not_modified = HttpResponse(status=304)
    del not_modified["Content-Type"]
    check_exchange("GET", "", b"", not_modified)
