"""`GET /fhir/r4/Patient/{id}` and `GET /fhir/r4/Patient?identifier=...` (NHS number)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from linkwell.fhir import scopes
from linkwell.fhir.audit import audit_api_read
from linkwell.fhir.auth import require_client
from linkwell.fhir.http import absolute, check_search_params, fhir_response, fhir_view, searchset
from linkwell.fhir.resources import patient_resource
from linkwell.fhir.resources.common import NHS_NUMBER_SYSTEM
from linkwell.fhir.selectors import patient_for_client, patients_for_client
from linkwell.fhir.views.params import id_list, token_param
from linkwell.people.validation import normalise_nhs_number


@fhir_view(["GET"])
def patient_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    client = require_client(request, scope=scopes.REFERRALS_READ)
    person = patient_for_client(client, resource_id)
    with transaction.atomic():
        audit_api_read(
            client=client,
            resource_type="Patient",
            ids=[str(person.uuid)],
            person_ids=[str(person.uuid)],
        )
    return fhir_response(patient_resource(person))


@fhir_view(["GET"])
def patient_search(request: HttpRequest) -> HttpResponse:
    client = require_client(request, scope=scopes.REFERRALS_READ)
    check_search_params(request, ["identifier", "_id"])
    people = patients_for_client(client)
    if "identifier" in request.GET:
        system, value = token_param(request.GET["identifier"], "identifier")
        if system not in (None, NHS_NUMBER_SYSTEM):
            people = people.none()
        else:
            people = people.filter(nhs_number=normalise_nhs_number(value))
    if "_id" in request.GET:
        people = people.filter(uuid__in=id_list(request.GET["_id"]))
    bundle = searchset(request, people, patient_resource, base_url=absolute(request, "Patient"))
    ids = [e["resource"]["id"] for e in bundle.get("entry", [])]
    with transaction.atomic():
        audit_api_read(
            client=client,
            resource_type="Patient",
            ids=ids,
            person_ids=ids,
            query=request.GET.urlencode(),
        )
    return fhir_response(bundle)
