"""`GET /fhir/r4/metadata` (the CapabilityStatement) and `GET /fhir/r4/openapi.json`: open to
anyone (no token), as they describe the API and hold no personal data."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

from linkwell.fhir.capability import capability_statement
from linkwell.fhir.http import fhir_base, fhir_response, fhir_view
from linkwell.fhir.openapi import openapi_document


@fhir_view(["GET"])
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability_statement(fhir_base(request)))


def openapi(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    return HttpResponse(json.dumps(openapi_document()), content_type="application/json")
