"""`GET /fhir/r4/metadata`: the CapabilityStatement, open to anyone (no token)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from linkwell.fhir.capability import capability_statement
from linkwell.fhir.http import fhir_base, fhir_response, fhir_view


@fhir_view(["GET"])
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_response(capability_statement(fhir_base(request)))
