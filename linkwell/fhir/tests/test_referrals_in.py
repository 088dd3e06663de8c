"""Referrals in: transaction Bundles and ServiceRequests from a GP system's client."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.test import Client

from linkwell.audit.models import AuditEvent
from linkwell.fhir.models import ApiReferral
from linkwell.fhir.tests.factories import (
    OTHER_VALID_NHS,
    VALID_NHS,
    bearer,
    consent_json,
    make_api_client,
    make_practice,
    patient_json,
    post_fhir,
    referral_bundle,
    service_request_json,
)
from linkwell.fhir.validation import assert_valid_fhir
from linkwell.people.models import Person
from linkwell.referrals.models import Referral, ReferralStatus
from linkwell.referrals.tests.factories import needs
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp(personas: Personas, client: Client) -> dict[str, Any]:
    needs()  # the shipped Needs taxonomy, which referral reasons are coded in
    created = make_api_client(personas.practice)
    return {
        "client": created,
        "headers": bearer(client, created),
        "service": personas.link_worker_service,
        "practice": personas.practice,
    }


def _counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        Referral.objects.count(),
        ApiReferral.objects.count(),
        AuditEvent.objects.exclude(kind="access").count(),
    )


def _bundle(gp: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    sr = kwargs.pop("service_request", None) or service_request_json(performer=gp["service"])
    return referral_bundle(service_request=sr, **kwargs)


def test_a_referral_bundle_lands_in_triage_for_a_new_person(
    client: Client, gp: dict[str, Any]
) -> None:
    bundle = _bundle(gp, consent=consent_json())
    assert_valid_fhir(bundle)
    response = post_fhir(client, "/fhir/r4/", bundle, gp["headers"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert_valid_fhir(body)
    assert body["type"] == "transaction-response"
    statuses = [e["response"]["status"] for e in body["entry"]]
    assert statuses == ["201 Created", "201 Created", "200 OK"]
    referral = Referral.objects.select_related("person").get()
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.link_worker_service == gp["service"]
    assert referral.source == "gp_practice"
    assert referral.referrer_organisation == gp["practice"]
    assert referral.referrer_name == "Dr A Patel"
    assert [t.code for t in referral.reasons.all()] == ["loneliness"]
    assert "Recently widowed" in referral.details and "Prefers morning calls." in referral.details
    assert referral.consent_to_contact and referral.consent_to_share
    assert referral.share_with == "Caxton Surgery"
    assert referral.person.nhs_number == VALID_NHS
    assert referral.person.registered_practice == gp["practice"]
    row = ApiReferral.objects.get()
    assert body["entry"][1]["response"]["location"] == f"ServiceRequest/{row.uuid}"
    assert body["entry"][0]["response"]["location"] == f"Patient/{referral.person.uuid}"
    received = AuditEvent.objects.get(action="referrals.referral_received")
    assert received.channel == "api"
    api_row = AuditEvent.objects.get(action="fhir.referral_received")
    assert api_row.channel == "api"
    assert api_row.detail["api_client"] == gp["client"].client_id


def test_the_referral_shows_in_the_link_workers_triage_list(
    client: Client, gp: dict[str, Any], personas: Personas
) -> None:
    post_fhir(client, "/fhir/r4/", _bundle(gp), gp["headers"])
    web = Client()
    web.force_login(personas.link_worker)
    page = web.get("/triage/")
    assert page.status_code == 200
    assert "Evans" in page.content.decode()


def test_a_retried_transaction_creates_nothing_new(client: Client, gp: dict[str, Any]) -> None:
    bundle = _bundle(gp)
    first = post_fhir(client, "/fhir/r4/", bundle, gp["headers"]).json()
    before = _counts()
    again = post_fhir(client, "/fhir/r4/", bundle, gp["headers"])
    assert again.status_code == 200
    body = again.json()
    assert [e["response"]["status"] for e in body["entry"]] == ["200 OK", "200 OK"]
    assert body["entry"][1]["response"]["location"] == first["entry"][1]["response"]["location"]
    assert _counts() == before


def test_a_resend_without_if_none_exist_is_still_recognised_by_its_identifier(
    client: Client, gp: dict[str, Any]
) -> None:
    post_fhir(client, "/fhir/r4/", _bundle(gp, if_none_exist=False), gp["headers"])
    before = _counts()
    post_fhir(client, "/fhir/r4/", _bundle(gp, if_none_exist=False), gp["headers"])
    assert _counts() == before


def test_an_existing_person_is_matched_by_nhs_number_not_duplicated(
    client: Client, gp: dict[str, Any]
) -> None:
    person = Person.objects.create(
        given_name="Maggie",
        family_name="Evans",
        date_of_birth=dt.date(1948, 3, 15),
        nhs_number=VALID_NHS,
    )
    body = post_fhir(client, "/fhir/r4/", _bundle(gp), gp["headers"]).json()
    assert body["entry"][0]["response"] == {
        "status": "200 OK",
        "location": f"Patient/{person.uuid}",
        "lastModified": body["entry"][0]["response"]["lastModified"],
    }
    assert Person.objects.count() == 1
    assert Referral.objects.get().person == person


def test_an_nhs_number_held_with_another_birth_date_is_refused(
    client: Client, gp: dict[str, Any]
) -> None:
    Person.objects.create(
        given_name="Margaret",
        family_name="Evans",
        date_of_birth=dt.date(1950, 1, 1),
        nhs_number=VALID_NHS,
    )
    before = _counts()
    response = post_fhir(client, "/fhir/r4/", _bundle(gp), gp["headers"])
    assert response.status_code == 422
    assert "different date of birth" in response.json()["issue"][0]["diagnostics"]
    assert _counts() == before


def test_a_possible_duplicate_without_an_nhs_number_asks_for_it(
    client: Client, gp: dict[str, Any], personas: Personas
) -> None:
    Person.objects.create(
        given_name="Margaret",
        family_name="Evans",
        date_of_birth=dt.date(1948, 3, 15),
        registered_practice=personas.practice,
    )
    patient = patient_json()
    del patient["identifier"]
    before = _counts()
    response = post_fhir(client, "/fhir/r4/", _bundle(gp, patient=patient), gp["headers"])
    assert response.status_code == 422
    assert "send their NHS number" in response.json()["issue"][0]["diagnostics"]
    assert _counts() == before


def _problems(response: Any) -> list[tuple[str, str]]:
    body = response.json()
    assert_valid_fhir(body)
    return [(i.get("expression", [""])[0], i["diagnostics"]) for i in body["issue"]]


def test_a_bad_nhs_number_check_digit_creates_nothing_and_names_the_entry(
    client: Client, gp: dict[str, Any]
) -> None:
    before = _counts()
    response = post_fhir(
        client, "/fhir/r4/", _bundle(gp, patient=patient_json("9434765918")), gp["headers"]
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/fhir+json")
    where, message = _problems(response)[0]
    assert where == "Bundle.entry[0].resource.identifier[0].value"
    assert "not a valid NHS number" in message
    assert _counts() == before


def test_an_unknown_ods_code_and_a_missing_subject_are_reported_together(
    client: Client, gp: dict[str, Any]
) -> None:
    sr = service_request_json(performer=gp["service"], requester_ods="Z99999")
    del sr["subject"]
    before = _counts()
    response = post_fhir(client, "/fhir/r4/", _bundle(gp, service_request=sr), gp["headers"])
    assert response.status_code == 422
    problems = dict(_problems(response))
    assert "Unknown ODS code Z99999" in problems["Bundle.entry[1].resource.requester"]
    assert "needs a subject" in problems["Bundle.entry[1].resource.subject"]
    assert _counts() == before


def test_a_structural_error_is_named_by_its_element(client: Client, gp: dict[str, Any]) -> None:
    patient = patient_json(birthDate="15/03/1948")
    response = post_fhir(client, "/fhir/r4/", _bundle(gp, patient=patient), gp["headers"])
    assert response.status_code == 422
    assert _problems(response)[0][0] == "Bundle.entry[0].resource.birthDate"
    assert not Referral.objects.exists()


def test_a_client_cannot_send_another_practices_referral(
    client: Client, gp: dict[str, Any]
) -> None:
    make_practice("Oak Lane Surgery", "M99999")
    sr = service_request_json(performer=gp["service"], requester_ods="M99999")
    response = post_fhir(client, "/fhir/r4/", _bundle(gp, service_request=sr), gp["headers"])
    assert response.status_code == 422
    assert "cannot send referrals from Oak Lane Surgery" in _problems(response)[0][1]


def test_several_possible_services_ask_for_a_performer(client: Client, gp: dict[str, Any]) -> None:
    sr = service_request_json()
    response = post_fhir(client, "/fhir/r4/", _bundle(gp, service_request=sr), gp["headers"])
    assert response.status_code == 422
    where, message = _problems(response)[0]
    assert where == "Bundle.entry[1].resource.performer"
    assert "Shropshire Social Prescribing" in message


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"type": "batch"}, 400),
        ({"resourceType": "Patient"}, 400),
        ({"entry": []}, 400),
    ],
)
def test_a_wrong_envelope_is_a_400(
    client: Client, gp: dict[str, Any], change: dict[str, Any], status: int
) -> None:
    bundle = {**_bundle(gp), **change}
    response = post_fhir(client, "/fhir/r4/", bundle, gp["headers"])
    assert response.status_code == status
    assert_valid_fhir(response.json())


def test_other_resource_types_in_the_bundle_are_refused(client: Client, gp: dict[str, Any]) -> None:
    bundle = _bundle(gp)
    bundle["entry"].append(
        {
            "resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"}},
            "request": {"method": "POST", "url": "Observation"},
        }
    )
    response = post_fhir(client, "/fhir/r4/", bundle, gp["headers"])
    assert response.status_code == 422
    assert _problems(response)[0][0] == "Bundle.entry[2].resource.resourceType"


def test_xml_and_non_json_bodies_are_refused(client: Client, gp: dict[str, Any]) -> None:
    response = client.post(
        "/fhir/r4/", data="<Bundle/>", content_type="application/fhir+xml", **gp["headers"]
    )
    assert response.status_code == 415
    response = client.get("/fhir/r4/metadata", {"_format": "xml"}, secure=True)
    assert response.status_code == 406
    response = client.get("/fhir/r4/metadata", HTTP_ACCEPT="application/fhir+xml", secure=True)
    assert response.status_code == 406
    response = client.post(
        "/fhir/r4/", data="{not json", content_type="application/fhir+json", **gp["headers"]
    )
    assert response.status_code == 400


def test_sending_needs_the_write_scope(client: Client, personas: Personas) -> None:
    reader = make_api_client(personas.practice, scopes="referrals.read")
    response = post_fhir(client, "/fhir/r4/", referral_bundle(), bearer(client, reader))
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_a_service_request_alone_is_retry_safe_with_if_none_exist(
    client: Client, gp: dict[str, Any]
) -> None:
    first = post_fhir(client, "/fhir/r4/", _bundle(gp), gp["headers"]).json()
    patient_ref = first["entry"][0]["response"]["location"]
    sr = service_request_json(identifier="REF-0002", subject=patient_ref, performer=gp["service"])
    headers = {
        **gp["headers"],
        "HTTP_IF_NONE_EXIST": "identifier=https://emis.example/referrals|REF-0002",
    }
    created = post_fhir(client, "/fhir/r4/ServiceRequest", sr, headers)
    assert created.status_code == 201, created.content
    resource = created.json()
    assert_valid_fhir(resource)
    assert created["Location"].endswith(f"/fhir/r4/ServiceRequest/{resource['id']}")
    before = _counts()
    again = post_fhir(client, "/fhir/r4/ServiceRequest", sr, headers)
    assert again.status_code == 200
    assert again.json()["id"] == resource["id"]
    assert _counts() == before
    assert Person.objects.count() == 1


def test_a_service_request_alone_for_an_unknown_patient_is_refused(
    client: Client, gp: dict[str, Any]
) -> None:
    sr = service_request_json(
        subject="Patient/3f1c0000-0000-4000-8000-000000000000", performer=gp["service"]
    )
    response = post_fhir(client, "/fhir/r4/ServiceRequest", sr, gp["headers"])
    assert response.status_code == 422
    assert _problems(response)[0][0] == "ServiceRequest.subject"


def test_if_none_exist_must_name_the_requests_own_identifier(
    client: Client, gp: dict[str, Any]
) -> None:
    bundle = _bundle(gp)
    bundle["entry"][1]["request"]["ifNoneExist"] = "identifier=https://emis.example/referrals|OTHER"
    response = post_fhir(client, "/fhir/r4/", bundle, gp["headers"])
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_two_people_two_referrals(client: Client, gp: dict[str, Any]) -> None:
    post_fhir(client, "/fhir/r4/", _bundle(gp), gp["headers"])
    other = patient_json(
        OTHER_VALID_NHS, name=[{"family": "Jones", "given": ["Huw"]}], birthDate="1960-01-01"
    )
    sr = copy.deepcopy(service_request_json(identifier="REF-0009", performer=gp["service"]))
    post_fhir(client, "/fhir/r4/", _bundle(gp, patient=other, service_request=sr), gp["headers"])
    assert Person.objects.count() == 2
    assert Referral.objects.count() == 2
