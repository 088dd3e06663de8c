"""Test data for the FHIR API: organisations with ODS codes, API clients and their tokens.

Shared with the tests of `reads/` and `mesh`: `make_api_client(...)` then `bearer(client, ...)`
gives the `HTTP_AUTHORIZATION` header for Django's test client. Requests go over HTTPS
(`secure=True`): OAuth 2.0 refuses tokens over plain HTTP."""

from __future__ import annotations

import base64
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
