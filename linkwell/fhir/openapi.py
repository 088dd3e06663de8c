"""The FHIR API's OpenAPI 3.0 document (`GET /fhir/r4/openapi.json`), built from what
capability.py lists, so the document, the CapabilityStatement and the routes agree.

The schemas describe the envelope a client can rely on (resourceType, id, Bundle paging,
OperationOutcome issues); each resource's full structure is FHIR R4's, named in the document.
tests/test_fhir_openapi_conformance.py runs schemathesis against it.
"""

from __future__ import annotations

from typing import Any

from linkwell.fhir import scopes
from linkwell.fhir.capability import RESOURCES, ResourceSupport

FHIR_JSON = "application/fhir+json"
BASE = "/fhir/r4"

_ERRORS = {
    "400": "The request is malformed (bad JSON, a bad search value, an unsupported parameter)",
    "401": "No bearer token, or one that is unknown, expired or revoked",
    "403": "The token lacks the scope this operation needs",
    "404": "Not found, or not the client organisation's to see",
    "406": "A format other than JSON was asked for (_format or Accept)",
}
_WRITE_ERRORS = {
    "409": "The change conflicts with the record's state (e.g. cancelling an accepted referral)",
    "415": "The body is not application/fhir+json",
    "422": "The content breaks a rule; each issue names the element (expression)",
}


def _outcome_response(text: str) -> dict[str, Any]:
    return {
        "description": text,
        "content": {FHIR_JSON: {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}},
    }


def _resource_response(text: str, schema: str) -> dict[str, Any]:
    return {
        "description": text,
        "content": {FHIR_JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _format_param() -> dict[str, Any]:
    return {
        "name": "_format",
        "in": "query",
        "required": False,
        "description": "json (the only format served); anything else is 406",
        "schema": {"type": "string", "enum": ["json", "application/fhir+json"]},
    }


def _errors(*, write: bool = False) -> dict[str, Any]:
    out = {code: _outcome_response(text) for code, text in _ERRORS.items()}
    if write:
        out.update({code: _outcome_response(text) for code, text in _WRITE_ERRORS.items()})
    return out


def _security(scope: str) -> list[dict[str, list[str]]]:
    return [{"oauth": [scope]}]


def _id_param(name: str = "id") -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": "The resource's logical id (a UUID)",
        "schema": {"type": "string"},
    }


def _search_operation(support: ResourceSupport) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {
            "name": p.name,
            "in": "query",
            "required": False,
            "description": p.documentation,
            "schema": {"type": "string"},
        }
        for p in support.search
    ]
    params += [
        {
            "name": "_count",
            "in": "query",
            "required": False,
            "description": "Page size: 0 to 100 (default 20)",
            "schema": {"type": "integer", "minimum": 0, "maximum": 100},
        },
        {
            "name": "_offset",
            "in": "query",
            "required": False,
            "description": "Where the page starts; the Bundle's next link carries it",
            "schema": {"type": "integer", "minimum": 0},
        },
        _format_param(),
    ]
    return {
        "operationId": f"search{support.type}",
        "summary": f"Search {support.type} (scope {support.scope})",
        "description": support.documentation,
        "parameters": params,
        "security": _security(support.scope),
        "responses": {"200": _resource_response("A searchset Bundle", "Bundle"), **_errors()},
    }


def _read_operation(support: ResourceSupport) -> dict[str, Any]:
    return {
        "operationId": f"read{support.type}",
        "summary": f"Read a {support.type} (scope {support.scope})",
        "parameters": [_id_param(), _format_param()],
        "security": _security(support.scope),
        "responses": {"200": _resource_response(support.type, support.type), **_errors()},
    }


def _body(schema: str, text: str) -> dict[str, Any]:
    return {
        "required": True,
        "description": text,
        "content": {FHIR_JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {
        f"{BASE}/metadata": {
            "get": {
                "operationId": "capabilities",
                "summary": "The CapabilityStatement: what this server supports (no token)",
                "parameters": [_format_param()],
                "security": [],
                "responses": {
                    "200": _resource_response("CapabilityStatement", "CapabilityStatement"),
                    "406": _outcome_response(_ERRORS["406"]),
                },
            }
        },
        f"{BASE}/": {
            "post": {
                "operationId": "transaction",
                "summary": "Send a referral: a transaction Bundle (scope referrals.write)",
                "description": (
                    "A Patient and a ServiceRequest (SNOMED CT 871731000000106), optionally a "
                    "Consent, each with request.method POST. All or nothing. A ServiceRequest "
                    "identifier this client sent before returns the first referral (200 OK "
                    "entries) instead of a second one."
                ),
                "security": _security(scopes.REFERRALS_WRITE),
                "requestBody": _body("TransactionBundle", "A transaction Bundle"),
                "responses": {
                    "200": _resource_response("A transaction-response Bundle", "Bundle"),
                    **_errors(write=True),
                },
            }
        },
    }
    schemas: dict[str, Any] = {
        "OperationOutcome": {
            "type": "object",
            "required": ["resourceType", "issue"],
            "properties": {
                "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
                "issue": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["severity", "code"],
                        "properties": {
                            "severity": {
                                "type": "string",
                                "enum": ["fatal", "error", "warning", "information"],
                            },
                            "code": {"type": "string"},
                            "diagnostics": {"type": "string"},
                            "expression": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            },
        },
        "Bundle": {
            "type": "object",
            "required": ["resourceType", "type"],
            "properties": {
                "resourceType": {"type": "string", "enum": ["Bundle"]},
                "type": {"type": "string"},
                "total": {"type": "integer", "minimum": 0},
                "link": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["relation", "url"],
                        "properties": {"relation": {"type": "string"}, "url": {"type": "string"}},
                    },
                },
                "entry": {"type": "array", "items": {"type": "object"}},
            },
        },
        "TransactionBundle": {
            "type": "object",
            "required": ["resourceType", "type", "entry"],
            "properties": {
                "resourceType": {"type": "string", "enum": ["Bundle"]},
                "type": {"type": "string", "enum": ["transaction"]},
                "entry": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["resource", "request"],
                        "properties": {
                            "fullUrl": {"type": "string"},
                            "resource": {
                                "type": "object",
                                "required": ["resourceType"],
                                "properties": {"resourceType": {"type": "string"}},
                            },
                            "request": {
                                "type": "object",
                                "required": ["method", "url"],
                                "properties": {
                                    "method": {"type": "string", "enum": ["POST"]},
                                    "url": {"type": "string"},
                                    "ifNoneExist": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
        "CapabilityStatement": _resource_schema("CapabilityStatement", with_id=False),
    }
    for support in RESOURCES:
        schemas.setdefault(support.type, _resource_schema(support.type))
        collection: dict[str, Any] = {}
        if "search-type" in support.interactions:
            collection["get"] = _search_operation(support)
        if "create" in support.interactions:
            collection["post"] = {
                "operationId": f"create{support.type}",
                "summary": f"Create a {support.type} (scope {scopes.REFERRALS_WRITE})",
                "description": support.documentation,
                "parameters": [
                    {
                        "name": "If-None-Exist",
                        "in": "header",
                        "required": False,
                        "description": "identifier=system|value: return the existing one",
                        "schema": {"type": "string"},
                    }
                ],
                "security": _security(scopes.REFERRALS_WRITE),
                "requestBody": _body(support.type, support.type),
                "responses": {
                    "201": _resource_response("Created", support.type),
                    "200": _resource_response("Already received: the existing one", support.type),
                    **_errors(write=True),
                },
            }
        if collection:
            paths[f"{BASE}/{support.type}"] = collection
        instance: dict[str, Any] = {}
        if "read" in support.interactions:
            instance["get"] = _read_operation(support)
        if "update" in support.interactions:
            instance["put"] = {
                "operationId": f"update{support.type}",
                "summary": f"Update a {support.type} (scope {scopes.REFERRALS_WRITE})",
                "description": support.documentation,
                "parameters": [_id_param()],
                "security": _security(scopes.REFERRALS_WRITE),
                "requestBody": _body(support.type, support.type),
                "responses": {
                    "200": _resource_response(support.type, support.type),
                    **_errors(write=True),
                },
            }
        if "patch" in support.interactions:
            instance["patch"] = {
                "operationId": f"patch{support.type}",
                "summary": f"Patch a {support.type}: JSON Patch on /status and /statusReason",
                "parameters": [_id_param()],
                "security": _security(scopes.REFERRALS_WRITE),
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json-patch+json": {
                            "schema": {
                                "type": "array",
                                "minItems": 1,
                                "items": {
                                    "type": "object",
                                    "required": ["op", "path"],
                                    "properties": {
                                        "op": {"type": "string"},
                                        "path": {"type": "string"},
                                        "value": {},
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _resource_response(support.type, support.type),
                    **_errors(write=True),
                },
            }
        if instance:
            paths[f"{BASE}/{support.type}/{{id}}"] = instance
        for name, _definition in support.operations:
            paths[f"{BASE}/{support.type}/{{id}}/${name}"] = {
                "get": {
                    "operationId": f"{support.type.lower()}{name.title()}",
                    "summary": f"${name} on a {support.type} (scope {support.scope})",
                    "parameters": [_id_param(), _format_param()],
                    "security": _security(support.scope),
                    "responses": {"200": _resource_response("A Bundle", "Bundle"), **_errors()},
                }
            }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Linkwell FHIR R4 API",
            "version": "1.0.0",
            "description": (
                "Referrals in, the closed loop and messages back for GP systems and other NHS "
                "clients. FHIR R4 JSON (application/fhir+json) with UK Core profiles; errors "
                "are OperationOutcome. Get a token with OAuth 2.0 client credentials at "
                "/oauth/token."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "/oauth/token",
                            "scopes": dict(scopes.SCOPE_DESCRIPTIONS),
                        }
                    },
                }
            },
        },
    }


def _resource_schema(kind: str, *, with_id: bool = True) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"A FHIR R4 {kind} (http://hl7.org/fhir/R4/{kind.lower()}.html)",
        "required": ["resourceType", "id"] if with_id else ["resourceType"],
        "properties": {
            "resourceType": {"type": "string", "enum": [kind]},
            "id": {"type": "string"},
            "meta": {"type": "object"},
        },
    }
