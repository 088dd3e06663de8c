"""Referrals in and ServiceRequest reads.

- `POST /fhir/r4/` a transaction Bundle (Patient + ServiceRequest [+ Consent]) -> a
  transaction-response Bundle; all or nothing.
- `POST /fhir/r4/ServiceRequest` (a referral for a Patient the client referred before), with
  `If-None-Exist: identifier=system|value` for retry safety.
- `GET /fhir/r4/ServiceRequest/{id}`, `GET /fhir/r4/ServiceRequest?identifier=&patient=&status=`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from linkwell.casework.models import MessageBack
from linkwell.fhir import scopes
from linkwell.fhir.audit import audit_api_read
from linkwell.fhir.auth import require_client
from linkwell.fhir.http import (
    FhirError,
    absolute,
    check_search_params,
    fhir_response,
    fhir_view,
    issue,
    operation_outcome,
    read_json_body,
    searchset,
)
from linkwell.fhir.intake import (
    Entry,
    parse_if_none_exist,
    read_referral,
    transaction_entries,
)
from linkwell.fhir.models import ApiClient, ApiReferral
from linkwell.fhir.resources.common import instant
from linkwell.fhir.resources.referral import service_request_resource
from linkwell.fhir.selectors import (
    api_referral_for_client,
    api_referrals_for_client,
    task_facts,
)
from linkwell.fhir.services import api_referral_receive, match_person
from linkwell.fhir.services.referrals import Received
from linkwell.fhir.views.params import id_list, reference_param, token_param
from linkwell.referrals.models import ReferralStatus


def service_request_json(row: ApiReferral) -> dict[str, Any]:
    return service_request_resource(row, task_facts(row))


def _check_retry_key(entry: Entry, if_none_exist: str) -> None:
    """ifNoneExist / If-None-Exist must name the ServiceRequest's own identifier: a retry key
    that differs from the identifier would make the retry rule ambiguous."""
    key = parse_if_none_exist(if_none_exist)
    if key is None:
        return
    own = [
        (str(i.get("system")), str(i.get("value")))
        for i in entry.resource.get("identifier") or []
        if isinstance(i, dict)
    ]
    if key not in own:
        raise FhirError(
            400,
            "invalid",
            "ifNoneExist names an identifier the ServiceRequest does not carry",
            expression=[entry.path("identifier") if entry.index is not None else "If-None-Exist"],
        )


def _receive(
    request: HttpRequest, client: ApiClient, entries: list[Entry], body: dict[str, Any]
) -> Received:
    def existing_person(details: Any, subject: Any) -> Any:
        return match_person(client, details, subject)

    incoming = read_referral(entries, client, existing_person=existing_person)
    return api_referral_receive(client=client, incoming=incoming, received=body)


def _entry_response(status: str, location: str = "", when: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"status": status}
    if location:
        out["location"] = location
    if when is not None:
        out["lastModified"] = instant(when)
    return out


@fhir_view(["POST"])
def transaction_post(request: HttpRequest) -> HttpResponse:
    client = require_client(request, scope=scopes.REFERRALS_WRITE)
    body = read_json_body(request)
    entries = transaction_entries(body)
    sr = next(e for e in entries if e.resource["resourceType"] == "ServiceRequest")
    _check_retry_key(sr, sr.if_none_exist)
    received = _receive(request, client, entries, body)
    row, created = received.row, received.created
    referral = row.referral
    responses: list[dict[str, Any]] = []
    for entry in entries:
        kind = entry.resource["resourceType"]
        if kind == "ServiceRequest":
            response = _entry_response(
                "201 Created" if created else "200 OK",
                f"ServiceRequest/{row.uuid}",
                row.updated_at,
            )
        elif kind == "Patient":
            response = _entry_response(
                "201 Created" if received.person_created else "200 OK",
                f"Patient/{referral.person.uuid}",
                referral.person.updated_at,
            )
        else:
            response = _entry_response("200 OK")
            response["outcome"] = operation_outcome(
                [
                    issue(
                        "informational",
                        f"The consent is recorded on the referral (ServiceRequest/{row.uuid})",
                        severity="information",
                    )
                ]
            )
        responses.append({"response": response})
    return fhir_response(
        {"resourceType": "Bundle", "type": "transaction-response", "entry": responses}
    )


@fhir_view(["GET", "POST"])
def service_request_collection(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _service_request_create(request)
    return _service_request_search(request)


def _service_request_create(request: HttpRequest) -> HttpResponse:
    client = require_client(request, scope=scopes.REFERRALS_WRITE)
    body = read_json_body(request, resource_type="ServiceRequest")
    entry = Entry(index=None, resource=body)
    _check_retry_key(entry, request.headers.get("If-None-Exist", ""))
    received = _receive(request, client, [entry], body)
    row, created = received.row, received.created
    resource = service_request_json(api_referrals_for_client(client).get(pk=row.pk))
    location = absolute(request, f"ServiceRequest/{row.uuid}")
    return fhir_response(resource, status=201 if created else 200, headers={"Location": location})


def status_filter(rows: QuerySet[ApiReferral], status: str) -> QuerySet[ApiReferral]:
    """ServiceRequest.status as resources/referral.py derives it, as a query."""
    revoked = Q(cancelled_at__isnull=False) | Q(
        referral__status__in=[ReferralStatus.RETURNED, ReferralStatus.DECLINED]
    )
    outcome = Exists(
        MessageBack.objects.filter(referral=OuterRef("referral"), stage=MessageBack.Stage.OUTCOME)
    )
    wanted = {s.strip() for s in status.split(",") if s.strip()}
    q = Q(pk__in=[])
    if "revoked" in wanted:
        q |= revoked
    if "completed" in wanted:
        q |= ~revoked & Q(outcome_sent=True)
    if "active" in wanted:
        q |= ~revoked & Q(outcome_sent=False)
    return rows.annotate(outcome_sent=outcome).filter(q)


def _service_request_search(request: HttpRequest) -> HttpResponse:
    client = require_client(request, scope=scopes.REFERRALS_READ)
    check_search_params(request, ["identifier", "patient", "subject", "status", "_id"])
    rows = api_referrals_for_client(client).order_by("-created_at", "-pk")
    if "identifier" in request.GET:
        system, value = token_param(request.GET["identifier"], "identifier")
        by_sender = Q(identifier_value=value)
        if system is not None:
            by_sender &= Q(identifier_system=system)
        rows = rows.filter(by_sender)
    for name in ("patient", "subject"):
        if name in request.GET:
            rows = rows.filter(
                referral__person__uuid__in=id_list(
                    reference_param(request.GET[name], "Patient", name)
                )
            )
    if "status" in request.GET:
        rows = status_filter(rows, request.GET["status"])
    if "_id" in request.GET:
        rows = rows.filter(uuid__in=id_list(request.GET["_id"]))
    bundle = searchset(
        request, rows, service_request_json, base_url=absolute(request, "ServiceRequest")
    )
    matched = [e["resource"] for e in bundle.get("entry", [])]
    with transaction.atomic():
        audit_api_read(
            client=client,
            resource_type="ServiceRequest",
            ids=[r["id"] for r in matched],
            person_ids=[r["subject"]["reference"].removeprefix("Patient/") for r in matched],
            query=request.GET.urlencode(),
        )
    return fhir_response(bundle)


@fhir_view(["GET"])
def service_request_read(request: HttpRequest, resource_id: str) -> HttpResponse:
    client = require_client(request, scope=scopes.REFERRALS_READ)
    row = api_referral_for_client(client, resource_id)
    resource = service_request_json(row)
    with transaction.atomic():
        audit_api_read(
            client=client,
            resource_type="ServiceRequest",
            ids=[resource["id"]],
            person_ids=[str(row.referral.person.uuid)],
        )
    return fhir_response(resource)
