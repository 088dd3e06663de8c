"""Who may call the FHIR API: tokens from /oauth/token, 401 without one, 403 without the scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.checks import run_checks
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from linkwell.audit.models import AuditEvent
from linkwell.fhir.services import api_client_revoke
from linkwell.fhir.tests.factories import (
    access_token,
    bearer,
    make_api_client,
    make_practice,
    token_response,
)
from linkwell.fhir.validation import assert_valid_fhir

pytestmark = pytest.mark.django_db


def test_a_client_gets_a_short_lived_bearer_token_with_its_scopes(client: Client) -> None:
    created = make_api_client(make_practice(), scopes="referrals.read referrals.write")
    response = token_response(client, created)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 0 < body["expires_in"] <= 600
    assert set(body["scope"].split()) == {"referrals.read", "referrals.write"}
    issued = AuditEvent.objects.get(action="fhir.api_token_issued")
    assert (issued.kind, issued.channel) == ("security", "api")
    assert issued.detail["api_client"] == created.client_id


def test_a_client_cannot_ask_for_a_scope_it_was_not_given(client: Client) -> None:
    created = make_api_client(make_practice(), scopes="referrals.read")
    response = token_response(client, created, scope="referrals.read documents.read")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_a_wrong_secret_gets_no_token(client: Client) -> None:
    created = make_api_client(make_practice())
    forged = type(created)(client=created.client, client_id=created.client_id, client_secret="x")
    assert token_response(client, forged).status_code == 401


def test_a_call_without_a_token_gets_401_with_an_operation_outcome(client: Client) -> None:
    response = client.get("/fhir/r4/Patient", secure=True)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/fhir+json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert_valid_fhir(body)
    assert body["issue"][0]["code"] == "login"


def test_an_unknown_token_gets_401(client: Client) -> None:
    response = client.get("/fhir/r4/Patient", HTTP_AUTHORIZATION="Bearer nonsense", secure=True)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_an_expired_token_gets_401(client: Client) -> None:
    created = make_api_client(make_practice())
    token = access_token(client, created)
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/fhir/r4/Patient", HTTP_AUTHORIZATION=f"Bearer {token}", secure=True)
    assert response.status_code == 401


def test_a_token_without_the_scope_gets_403(client: Client) -> None:
    created = make_api_client(make_practice(), scopes="documents.read")
    response = client.get("/fhir/r4/Patient", **bearer(client, created))
    assert response.status_code == 403
    body = response.json()
    assert_valid_fhir(body)
    assert body["issue"][0]["code"] == "forbidden"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_a_revoked_client_loses_its_tokens_and_cannot_get_new_ones(client: Client) -> None:
    created = make_api_client(make_practice())
    headers = bearer(client, created)
    assert client.get("/fhir/r4/Patient", **headers).status_code == 200
    api_client_revoke(actor=None, client_id=created.client_id)
    assert client.get("/fhir/r4/Patient", **headers).status_code == 401
    assert token_response(client, created).status_code == 401
    assert AuditEvent.objects.filter(action="fhir.api_client_revoked").count() == 1


def test_an_api_call_is_audited_with_channel_api_and_the_client(client: Client) -> None:
    created = make_api_client(make_practice())
    client.get("/fhir/r4/Patient", **bearer(client, created))
    row = AuditEvent.objects.filter(object_type="fhir.Patient").get()
    assert row.channel == "api"
    assert row.detail["api_client"] == created.client_id
    assert row.organisation_label == "Caxton Surgery"


def test_a_token_is_not_kept_in_the_database_and_is_not_taken_from_the_url(
    client: Client,
) -> None:
    created = make_api_client(make_practice())
    token = access_token(client, created)
    # Only a checksum of the token is stored: a copy of the database gives no working token.
    stored = AccessToken.objects.get()
    assert token not in (stored.token, stored.token_checksum)
    good = client.get("/fhir/r4/Patient", HTTP_AUTHORIZATION=f"Bearer {token}", secure=True)
    assert good.status_code == 200
    # A token in the query string ends up in logs and histories: refused even beside a header.
    response = client.get(
        "/fhir/r4/Patient",
        {"access_token": token},
        HTTP_AUTHORIZATION=f"Bearer {token}",
        secure=True,
    )
    assert response.status_code == 401


def test_the_deploy_checks_find_nothing_to_say_about_oauth() -> None:
    messages = run_checks(include_deployment_checks=True)
    assert not [m for m in messages if m.id and m.id.startswith("oauth2_provider")]
