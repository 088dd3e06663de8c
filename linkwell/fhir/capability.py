"""What the FHIR API supports, in one place: the CapabilityStatement (`GET /fhir/r4/metadata`)
and the OpenAPI document are both built from `RESOURCES`. A new endpoint is added here as well
as in urls.py (tests/test_capability.py checks every route is listed and every listing routed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from linkwell.fhir import scopes
from linkwell.fhir.resources.common import (
    PROFILE_PATIENT,
    PROFILE_SERVICE_REQUEST,
)


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # token, reference, date, string...
    documentation: str


@dataclass(frozen=True)
class ResourceSupport:
    type: str
    scope: str
    interactions: tuple[str, ...]  # read, search-type, create, update, patch
    profile: str = ""
    search: tuple[SearchParam, ...] = ()
    operations: tuple[tuple[str, str], ...] = ()  # (name, definition canonical)
    documentation: str = ""
    conditional_create: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


RESOURCES: list[ResourceSupport] = [
    ResourceSupport(
        type="Patient",
        scope=scopes.REFERRALS_READ,
        interactions=("read", "search-type"),
        profile=PROFILE_PATIENT,
        search=(
            SearchParam(
                "identifier",
                "token",
                "NHS number: identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919",
            ),
            SearchParam("_id", "token", "Patient id(s), comma-separated"),
        ),
        documentation="People the client's organisation referred through this API.",
    ),
    ResourceSupport(
        type="ServiceRequest",
        scope=scopes.REFERRALS_READ,
        interactions=("read", "search-type", "create"),
        profile=PROFILE_SERVICE_REQUEST,
        search=(
            SearchParam("identifier", "token", "The sender's identifier: system|value"),
            SearchParam("patient", "reference", "Patient/{id}"),
            SearchParam("subject", "reference", "Patient/{id} (the same as patient)"),
            SearchParam("status", "token", "active, revoked or completed (comma-separated)"),
            SearchParam("_id", "token", "ServiceRequest id(s), comma-separated"),
        ),
        documentation=(
            "Referrals to social prescribing (SNOMED CT 871731000000106) the client's "
            "organisation sent. Create (scope referrals.write) for a Patient referred before, "
            "with If-None-Exist: identifier=system|value; otherwise send a transaction Bundle."
        ),
        conditional_create=True,
    ),
    ResourceSupport(
        type="Task",
        scope=scopes.REFERRALS_READ,
        interactions=("read", "search-type", "update", "patch"),
        search=(
            SearchParam("focus", "reference", "ServiceRequest/{id}"),
            SearchParam("based-on", "reference", "ServiceRequest/{id} (the same as focus)"),
            SearchParam("patient", "reference", "Patient/{id}"),
            SearchParam(
                "_lastUpdated",
                "date",
                "Changed since: gt2026-01-02T10:00:00Z (also ge, lt, le, eq); poll with it",
            ),
            SearchParam("_id", "token", "Task id(s), comma-separated"),
        ),
        documentation=(
            "The referral's progress (SDOH Clinical Care IG closed loop): status follows "
            "Linkwell's referral and case, businessStatus the finer state, output the "
            "messages back (Composition). Update or patch (scope referrals.write) only to "
            "set status cancelled while the referral waits for triage."
        ),
    ),
]


# The reads of the person's record beyond referrals and the messages back (reads/, documents.py).
READ_RESOURCES: list[ResourceSupport] = [
    ResourceSupport(
        type="Composition",
        scope=scopes.DOCUMENTS_READ,
        interactions=("read", "search-type"),
        search=(
            SearchParam("subject", "reference", "The person: subject=Patient/{id}"),
            SearchParam("patient", "reference", "The person: patient=Patient/{id}"),
            SearchParam("_id", "token", "Composition id(s), comma-separated"),
        ),
        operations=(("document", "http://hl7.org/fhir/OperationDefinition/Composition-document"),),
        documentation=(
            "Messages back addressed to the client's organisation (one letter per person, "
            "recipient and day), newest first; Composition/{id}/$document returns the document "
            "Bundle. Without the person's consent to share, only what happened."
        ),
    ),
    ResourceSupport(
        type="Goal",
        scope=scopes.OUTCOMES_READ,
        interactions=("read", "search-type"),
        search=(
            SearchParam("subject", "reference", "Required (or patient): subject=Patient/{id}"),
            SearchParam("patient", "reference", "The person: patient=Patient/{id}"),
            SearchParam("_id", "token", "Goal id(s), comma-separated"),
        ),
        documentation=(
            "The goals of the person's plan with their progress, when the person agreed to "
            "share with the client's organisation."
        ),
    ),
    ResourceSupport(
        type="QuestionnaireResponse",
        scope=scopes.OUTCOMES_READ,
        interactions=("read", "search-type"),
        search=(
            SearchParam("subject", "reference", "Required (or patient): subject=Patient/{id}"),
            SearchParam("patient", "reference", "The person: patient=Patient/{id}"),
            SearchParam("_id", "token", "QuestionnaireResponse id(s), comma-separated"),
        ),
        documentation=(
            "Recorded outcome measures (item answers and total score), when the person agreed "
            "to share with the client's organisation."
        ),
    ),
    ResourceSupport(
        type="Questionnaire",
        scope=scopes.OUTCOMES_READ,
        interactions=("read", "search-type"),
        search=(
            SearchParam("url", "uri", "Canonical URL, optionally with |version"),
            SearchParam("_id", "token", "Instrument id(s), comma-separated"),
        ),
        documentation=(
            "The shipped outcome measures; licensed item wording only where the deployer "
            "supplied it."
        ),
    ),
    ResourceSupport(
        type="Consent",
        scope=scopes.DOCUMENTS_READ,
        interactions=("read", "search-type"),
        search=(SearchParam("patient", "reference", "Required: patient=Patient/{id}"),),
        documentation=(
            "The consents recorded with referrals (to share information back, to be "
            "contacted): the organisation's own referrals, and for the registered practice "
            "those whose person agreed to share."
        ),
    ),
]
RESOURCES.extend(READ_RESOURCES)


def capability_statement(base_url: str) -> dict[str, Any]:
    resources = []
    for support in RESOURCES:
        entry: dict[str, Any] = {
            "type": support.type,
            "interaction": [{"code": code} for code in support.interactions],
            "documentation": f"{support.documentation} Scope: {support.scope}.".strip(),
        }
        if support.profile:
            entry["profile"] = support.profile
        if support.search:
            entry["searchParam"] = [
                {"name": p.name, "type": p.type, "documentation": p.documentation}
                for p in support.search
            ]
        if support.operations:
            entry["operation"] = [
                {"name": name, "definition": definition} for name, definition in support.operations
            ]
        if support.conditional_create:
            entry["conditionalCreate"] = True
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.now().date().isoformat(),
        "publisher": "Linkwell",
        "kind": "instance",
        "software": {"name": "Linkwell", "version": getattr(settings, "LINKWELL_VERSION", "0.1.0")},
        "implementation": {
            "description": "Linkwell social prescribing FHIR R4 API",
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "OAuth 2.0 client credentials: POST /oauth/token, then "
                    "Authorization: Bearer <token>. Scopes: "
                    + "; ".join(f"{k} ({v})" for k, v in scopes.SCOPE_DESCRIPTIONS.items())
                ),
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ],
                    "description": "Bearer tokens from POST /oauth/token (client credentials).",
                },
                "resource": resources,
                "interaction": [
                    {
                        "code": "transaction",
                        "documentation": (
                            "POST [base] a transaction Bundle: a Patient and a ServiceRequest "
                            "(SNOMED CT 871731000000106), optionally a Consent. All or nothing; "
                            "a ServiceRequest identifier sent before returns the first "
                            "referral (ifNoneExist). Scope referrals.write."
                        ),
                    }
                ],
            }
        ],
    }
