"""The closed loop end to end through the API: a practice's system sends a referral, the link
worker service works it, and the system follows the Task's output to the message back document."""

from __future__ import annotations

import pytest
from django.test import Client

from linkwell.casework.message_back import message_back_record
from linkwell.casework.models import MessageBack
from linkwell.fhir.models import ApiReferral
from linkwell.fhir.tests.factories import (
    bearer,
    make_api_client,
    make_practice,
    post_fhir,
    referral_bundle,
    service_request_json,
)
from linkwell.fhir.validation import assert_valid_fhir
from linkwell.referrals.services import referral_accept
from linkwell.referrals.tests.factories import needs
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_the_task_output_leads_to_the_message_back_document(
    personas: Personas, client: Client
) -> None:
    needs()
    headers = bearer(client, make_api_client(personas.practice))
    bundle = referral_bundle(
        service_request=service_request_json(performer=personas.link_worker_service)
    )
    assert post_fhir(client, "/fhir/r4/", bundle, headers).status_code == 200
    row = ApiReferral.objects.select_related("referral").get()
    referral = row.referral
    case = referral_accept(
        actor=personas.team_manager,
        referral=referral,
        assign_to=personas.link_worker,
        complexity="simple",
        expected_version=referral.version,
    )
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)

    task = client.get(f"/fhir/r4/Task/{row.task_id}", **headers).json()
    [output] = task["output"]
    reference = output["valueReference"]["reference"]
    assert reference.startswith("Composition/")
    document = client.get(f"/fhir/r4/{reference}/$document", **headers)
    assert document.status_code == 200
    body = document.json()
    assert_valid_fhir(body)
    composition = body["entry"][0]["resource"]
    assert f"Composition/{composition['id']}" == reference
    patient = body["entry"][1]["resource"]
    assert patient["id"] == str(referral.person.uuid)
    listed = client.get(
        "/fhir/r4/Composition", {"subject": f"Patient/{patient['id']}"}, **headers
    ).json()
    assert [e["resource"]["id"] for e in listed["entry"]] == [composition["id"]]

    other = bearer(client, make_api_client(make_practice("Oak Lane Surgery", "M99999")))
    assert client.get(f"/fhir/r4/{reference}/$document", **other).status_code == 404
