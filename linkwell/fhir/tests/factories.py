"""Test data for the FHIR API: organisations with ODS codes, API clients and their tokens.

Shared with the tests of `reads/` and `mesh`: `make_api_client(...)` then `bearer(client, ...)`
gives the `HTTP_AUTHORIZATION` header for Django's test client. Requests go over HTTPS
(`secure=True`): OAuth 2.0 refuses tokens over plain HTTP."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.test import Client

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.fhir.scopes import ALL_SCOPES
from linkwell.fhir.services import ApiClientCreated, api_client_create

FHIR_JSON = "application/fhir+json"


def make_practice(
    name: str = "Caxton Surgery", ods_code: str = "M82015", **extra: Any
) -> Organisation:
    org = Organisation.objects.filter(ods_code=ods_code).first()
    if org is not None:
        return org
    return Organisation.objects.create(
        name=name, kind=OrganisationKind.GP_PRACTICE, ods_code=ods_code, **extra
    )


def make_api_client(
    organisation: Organisation, *, scopes: str = " ".join(ALL_SCOPES), name: str = ""
) -> ApiClientCreated:
    assert organisation.ods_code, "an API client's organisation needs an ODS code"
    return api_client_create(
        actor=None,
        name=name or f"EMIS Web at {organisation.name}",
        ods_code=organisation.ods_code,
        scopes=scopes,
    )


def token_response(http: Client, created: ApiClientCreated, **data: str) -> Any:
    basic = base64.b64encode(f"{created.client_id}:{created.client_secret}".encode()).decode()
    return http.post(
        "/oauth/token",
        {"grant_type": "client_credentials", **data},
        HTTP_AUTHORIZATION=f"Basic {basic}",
        secure=True,
    )


def access_token(http: Client, created: ApiClientCreated, **data: str) -> str:
    response = token_response(http, created, **data)
    assert response.status_code == 200, response.content
    token: str = response.json()["access_token"]
    return token


def bearer(http: Client, created: ApiClientCreated, **data: str) -> dict[str, Any]:
    """Keyword arguments for the test client: the bearer token header and `secure=True`."""
    return {"HTTP_AUTHORIZATION": f"Bearer {access_token(http, created, **data)}", "secure": True}


VALID_NHS = "9434765919"
OTHER_VALID_NHS = "4010232137"


def patient_json(nhs_number: str = VALID_NHS, **overrides: Any) -> dict[str, Any]:
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number}],
        "name": [{"use": "official", "family": "Evans", "given": ["Margaret"]}],
        "gender": "female",
        "birthDate": "1948-03-15",
        "address": [{"use": "home", "line": ["1 Church Street"], "postalCode": "SY11 1AA"}],
        "telecom": [{"system": "phone", "value": "01691 000000"}],
        "generalPractitioner": [
            {
                "identifier": {
                    "system": "https://fhir.nhs.uk/Id/ods-organization-code",
                    "value": "M82015",
                }
            }
        ],
    }
    patient.update(overrides)
    return patient


def service_request_json(
    *,
    identifier: str = "REF-0001",
    subject: str = "urn:uuid:0f3c9a52-1d2b-4c1e-9a55-3f0d2c6b7a10",
    performer: Organisation | None = None,
    requester_ods: str = "M82015",
    **overrides: Any,
) -> dict[str, Any]:
    sr: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "identifier": [{"system": "https://emis.example/referrals", "value": identifier}],
        "status": "active",
        "intent": "order",
        "priority": "routine",
        "code": {
            "coding": [
                {
                    "system": "http://snomed.info/sct",
                    "code": "871731000000106",
                    "display": "Referral to social prescribing service",
                }
            ]
        },
        "subject": {"reference": subject},
        "requester": {
            "identifier": {
                "system": "https://fhir.nhs.uk/Id/ods-organization-code",
                "value": requester_ods,
            },
            "display": "Dr A Patel",
        },
        "reasonCode": [
            {
                "coding": [
                    {"system": "https://linkwell.org.uk/CodeSystem/needs", "code": "loneliness"}
                ]
            },
            {"text": "Recently widowed, struggling with shopping"},
        ],
        "note": [{"text": "Prefers morning calls."}],
    }
    if performer is not None:
        sr["performer"] = [{"reference": f"Organization/{performer.uuid}"}]
    sr.update(overrides)
    return sr


PATIENT_URL = "urn:uuid:0f3c9a52-1d2b-4c1e-9a55-3f0d2c6b7a10"


def referral_bundle(
    *,
    patient: dict[str, Any] | None = None,
    service_request: dict[str, Any] | None = None,
    consent: dict[str, Any] | None = None,
    if_none_exist: bool = True,
) -> dict[str, Any]:
    sr = service_request or service_request_json()
    sr_request: dict[str, Any] = {"method": "POST", "url": "ServiceRequest"}
    if if_none_exist:
        ident = sr["identifier"][0]
        sr_request["ifNoneExist"] = f"identifier={ident['system']}|{ident['value']}"
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": PATIENT_URL,
            "resource": patient or patient_json(),
            "request": {"method": "POST", "url": "Patient"},
        },
        {
            "fullUrl": "urn:uuid:5b1f0c4e-7a61-4d8e-8f0a-2c9e4b7d1a22",
            "resource": sr,
            "request": sr_request,
        },
    ]
    if consent is not None:
        entries.append(
            {
                "fullUrl": "urn:uuid:9a7e2d10-3c4b-4f5e-8a6b-1d2c3e4f5a60",
                "resource": consent,
                "request": {"method": "POST", "url": "Consent"},
            }
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def consent_json() -> dict[str, Any]:
    return {
        "resourceType": "Consent",
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": PATIENT_URL},
        "provision": {
            "type": "permit",
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "IRCP",
                            }
                        ]
                    },
                    "reference": {"display": "Caxton Surgery"},
                }
            ],
        },
    }


def post_fhir(http: Client, url: str, body: Any, headers: dict[str, Any], **extra: Any) -> Any:
    return http.post(url, data=json.dumps(body), content_type=FHIR_JSON, **headers, **extra)
