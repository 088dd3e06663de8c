"""The HL7 SDOH Clinical Care (Gravity) referral examples, adapted to England, are accepted.

The adaptation is what any UK sender would change: the Patient gets an NHS number and a UK
address (the examples' US ZIP codes are not postcodes), and the ServiceRequest an identifier from
the sending system (Linkwell needs one to recognise a resend); the two sub-referrals, published
as completed records, are sent as active requests. Everything else is sent as published: the US
Core profile claims, race and ethnicity extensions, name and address history, the service codes,
categories, basedOn, reasonReference, and the Consent with its PDF attachment.
The Task examples show the shape of the closed loop: Linkwell's Task carries each element the
IG's referral-management Tasks have, and either of them sent back with status cancelled cancels.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.fhir.models import ApiReferral
from linkwell.fhir.tests.factories import (
    VALID_NHS,
    bearer,
    make_api_client,
    make_practice,
    post_fhir,
)
from linkwell.fhir.validation import assert_valid_fhir, schema_path
from linkwell.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db

EXAMPLES = schema_path().parents[1] / "sdoh-clinicalcare-2.3.0-examples"
IG = "http://hl7.org/fhir/us/sdoh-clinicalcare"


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


# The IG's three ServiceRequests: the referral to a community organisation, and the two
# sub-referrals it made on (published as completed records; sent here as new, active ones).
SERVICE_REQUESTS = [
    "ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample",
    "ServiceRequest-SDOHCC-ServiceRequestSubreferralGardenProgramExample",
    "ServiceRequest-SDOHCC-ServiceRequestSubreferralSummerFoodProgramExample",
]
REFERRAL_TASKS = [
    "Task-SDOHCC-TaskReferralManagementOrderFulfillmentAcceptedExample",
    "Task-SDOHCC-TaskReferralManagementOrderFulfillmentCompletedExample",
]


def _adapted_bundle(service_request: str = SERVICE_REQUESTS[0]) -> dict[str, Any]:
    patient = example("Patient-pat-53234")
    patient["identifier"].append(
        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": VALID_NHS}
    )
    for address in patient["address"]:
        address.update({"postalCode": "SY11 1AA", "country": "GB"})
        address.pop("state", None)
    sr = example(service_request)
    sr["status"] = "active"
    sr["identifier"] = [{"system": "https://emis.example/referrals", "value": "GRAVITY-1"}]
    consent = example("Consent-SDOHCC-ConsentInformationDisclosureExample")
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": f"{IG}/Patient/pat-53234",
                "resource": patient,
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": f"{IG}/ServiceRequest/{sr['id']}",
                "resource": sr,
                "request": {
                    "method": "POST",
                    "url": "ServiceRequest",
                    "ifNoneExist": "identifier=https://emis.example/referrals|GRAVITY-1",
                },
            },
            {
                "fullUrl": f"{IG}/Consent/{consent['id']}",
                "resource": consent,
                "request": {"method": "POST", "url": "Consent"},
            },
        ],
    }


@pytest.fixture
def gp(client: Client) -> dict[str, Any]:
    practice = make_practice()
    Organisation.objects.create(
        name="Oswestry Social Prescribing", kind=OrganisationKind.LINK_WORKER_SERVICE
    )
    return {"headers": bearer(client, make_api_client(practice))}


@pytest.mark.parametrize("service_request", SERVICE_REQUESTS)
def test_the_gravity_referral_adapted_to_an_nhs_number_is_accepted(
    client: Client, gp: dict[str, Any], service_request: str
) -> None:
    bundle = _adapted_bundle(service_request)
    for entry in bundle["entry"]:
        assert_valid_fhir(entry["resource"])
    response = post_fhir(client, "/fhir/r4/", bundle, gp["headers"])
    assert response.status_code == 200, response.content
    assert [e["response"]["status"] for e in response.json()["entry"]] == [
        "201 Created",
        "201 Created",
        "200 OK",
    ]
    referral = Referral.objects.select_related("person").get()
    assert referral.status == ReferralStatus.RECEIVED
    # The current name (the example's name history ends the first one).
    assert (referral.person.given_name, referral.person.family_name) == ("COLIN", "BAXTER")
    assert referral.person.nhs_number == VALID_NHS
    published = example(service_request)["code"]["coding"][0]["display"]
    assert published in referral.details
    assert referral.consent_to_share


def test_a_published_completed_sub_referral_is_refused_as_not_active(
    client: Client, gp: dict[str, Any]
) -> None:
    """A completed request is a record of work done, not a referral: 422 naming its status."""
    bundle = _adapted_bundle(SERVICE_REQUESTS[1])
    bundle["entry"][1]["resource"]["status"] = "completed"
    response = post_fhir(client, "/fhir/r4/", bundle, gp["headers"])
    assert response.status_code == 422
    outcome = response.json()
    assert_valid_fhir(outcome)
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[1].resource.status"]
    assert not Referral.objects.exists()


def test_linkwells_task_has_every_element_of_the_igs_referral_task(
    client: Client, gp: dict[str, Any]
) -> None:
    post_fhir(client, "/fhir/r4/", _adapted_bundle(), gp["headers"])
    row = ApiReferral.objects.get()
    ours = client.get(f"/fhir/r4/Task/{row.task_id}", **gp["headers"]).json()
    assert_valid_fhir(ours)
    for name in REFERRAL_TASKS:
        theirs = example(name)
        missing = set(theirs) - set(ours) - {"meta", "text", "id", "output"}
        assert not missing, (name, missing)
        assert ours["code"] == theirs["code"]
        assert ours["intent"] == theirs["intent"]


@pytest.mark.parametrize("published", REFERRAL_TASKS)
def test_the_igs_task_sent_back_cancelled_cancels_the_referral(
    client: Client, gp: dict[str, Any], published: str
) -> None:
    post_fhir(client, "/fhir/r4/", _adapted_bundle(), gp["headers"])
    row = ApiReferral.objects.get()
    task = copy.deepcopy(example(published))
    task.update(
        {
            "id": str(row.task_id),
            "status": "cancelled",
            "statusReason": {"text": "Family have arranged support"},
            "focus": {"reference": f"ServiceRequest/{row.uuid}"},
        }
    )
    assert_valid_fhir(task)
    response = client.put(
        f"/fhir/r4/Task/{row.task_id}",
        data=task,
        content_type="application/fhir+json",
        **gp["headers"],
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert Referral.objects.get().status == ReferralStatus.RETURNED
