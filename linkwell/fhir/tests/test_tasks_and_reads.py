"""The closed loop (Task) and the reads (ServiceRequest, Patient): what a referrer's system sees
as the link-worker service works the referral, and what it may not see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.message_back import message_back_record
from linkwell.casework.models import Case, CaseStatus, MessageBack, MessageBackLetter
from linkwell.casework.services.cases import (
    case_make_dormant,
    case_mark_contacted,
)
from linkwell.fhir.models import ApiReferral
from linkwell.fhir.resources.referral import BUSINESS_DISPLAY, TaskFacts, task_state
from linkwell.fhir.tests.factories import (
    VALID_NHS,
    bearer,
    make_api_client,
    make_practice,
    post_fhir,
    referral_bundle,
    service_request_json,
)
from linkwell.fhir.validation import assert_valid_fhir
from linkwell.referrals.models import Referral, ReferralStatus
from linkwell.referrals.services import referral_accept, referral_decline, referral_return
from linkwell.referrals.tests.factories import needs
from tests.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(personas: Personas, client: Client) -> dict[str, Any]:
    """A GP practice's client has sent one referral; `other` is another practice's client."""
    needs()
    created = make_api_client(personas.practice)
    headers = bearer(client, created)
    bundle = referral_bundle(
        service_request=service_request_json(performer=personas.link_worker_service)
    )
    response = post_fhir(client, "/fhir/r4/", bundle, headers)
    assert response.status_code == 200, response.content
    row = ApiReferral.objects.select_related("referral__person").get()
    other = make_api_client(make_practice("Oak Lane Surgery", "M99999"))
    return {
        "headers": headers,
        "row": row,
        "sr": str(row.uuid),
        "task": str(row.task_id),
        "patient": str(row.referral.person.uuid),
        "other": bearer(client, other),
    }


def _task(client: Client, sent: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/fhir/r4/Task/{sent['task']}", **sent["headers"])
    assert response.status_code == 200, response.content
    task: dict[str, Any] = response.json()
    assert_valid_fhir(task)
    return task


def _accept(personas: Personas, referral: Referral) -> Case:
    referral.refresh_from_db()
    return referral_accept(
        actor=personas.team_manager,
        referral=referral,
        assign_to=personas.link_worker,
        complexity="simple",
        expected_version=referral.version,
    )


def test_a_new_referral_has_a_requested_task_found_by_its_focus(
    client: Client, sent: dict[str, Any]
) -> None:
    response = client.get(
        "/fhir/r4/Task", {"focus": f"ServiceRequest/{sent['sr']}"}, **sent["headers"]
    )
    assert response.status_code == 200
    bundle = response.json()
    assert_valid_fhir(bundle)
    assert bundle["total"] == 1
    task = bundle["entry"][0]["resource"]
    assert task["id"] == sent["task"]
    assert task["status"] == "requested"
    assert task["businessStatus"]["coding"][0]["code"] == "received"
    assert task["focus"] == {"reference": f"ServiceRequest/{sent['sr']}"}
    assert task["for"]["reference"] == f"Patient/{sent['patient']}"
    assert task["requester"]["identifier"]["value"] == "M82015"
    assert task["owner"]["display"] == "Shropshire Social Prescribing"


def test_the_task_follows_the_referral_and_the_case(
    client: Client, sent: dict[str, Any], personas: Personas
) -> None:
    referral = sent["row"].referral
    case = _accept(personas, referral)
    task = _task(client, sent)
    assert (task["status"], task["businessStatus"]["coding"][0]["code"]) == ("accepted", "case-new")
    case = case_mark_contacted(actor=personas.link_worker, case=case, expected_version=case.version)
    task = _task(client, sent)
    assert (task["status"], task["businessStatus"]["coding"][0]["code"]) == (
        "in-progress",
        "case-contacted",
    )
    case = case_make_dormant(
        actor=personas.link_worker, case=case, expected_version=case.version, reason="Moved away"
    )
    assert _task(client, sent)["status"] == "on-hold"
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.OUTCOME)
    task = _task(client, sent)
    assert task["status"] == "completed"
    letters = MessageBackLetter.objects.filter(case=case, recipient_organisation=personas.practice)
    assert letters.exists()
    assert [o["valueReference"]["reference"] for o in task["output"]] == [
        f"Composition/{letter.uuid}" for letter in letters
    ]
    sr = client.get(f"/fhir/r4/ServiceRequest/{sent['sr']}", **sent["headers"]).json()
    assert sr["status"] == "completed"


def test_a_returned_referral_is_a_rejected_task_with_the_reason(
    client: Client, sent: dict[str, Any], personas: Personas
) -> None:
    referral = sent["row"].referral
    referral_return(
        actor=personas.team_manager,
        referral=referral,
        reason="Needs a mental health team referral",
        expected_version=referral.version,
    )
    task = _task(client, sent)
    assert task["status"] == "rejected"
    assert task["statusReason"]["text"] == "Needs a mental health team referral"
    assert task["businessStatus"]["coding"][0]["code"] == "returned"


def test_a_declined_referral_is_rejected_with_the_snomed_code(
    client: Client, sent: dict[str, Any], personas: Personas
) -> None:
    referral = sent["row"].referral
    referral_decline(
        actor=personas.team_manager, referral=referral, expected_version=referral.version
    )
    task = _task(client, sent)
    assert task["status"] == "rejected"
    assert task["statusReason"]["coding"][0]["code"] == "871711000000103"


def test_polling_by_last_updated_returns_only_tasks_changed_since(
    client: Client, sent: dict[str, Any], personas: Personas
) -> None:
    past = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = client.get("/fhir/r4/Task", {"_lastUpdated": f"gt{past}"}, **sent["headers"]).json()
    assert first["total"] == 1
    stamp = first["entry"][0]["resource"]["meta"]["lastUpdated"]
    # Nothing changed since the poll: nothing comes back.
    assert (
        client.get("/fhir/r4/Task", {"_lastUpdated": f"gt{stamp}"}, **sent["headers"]).json()[
            "total"
        ]
        == 0
    )
    # The case is opened later: the Task shows up again, with a later lastUpdated.
    future = timezone.now() + dt.timedelta(seconds=2)
    Referral.objects.filter(pk=sent["row"].referral_id).update(updated_at=future)
    again = client.get("/fhir/r4/Task", {"_lastUpdated": f"gt{stamp}"}, **sent["headers"]).json()
    assert again["total"] == 1
    assert again["entry"][0]["resource"]["meta"]["lastUpdated"] > stamp
    bad = client.get("/fhir/r4/Task", {"_lastUpdated": "yesterday"}, **sent["headers"])
    assert bad.status_code == 400


def test_the_requester_cancels_a_waiting_referral_by_putting_the_task(
    client: Client, sent: dict[str, Any]
) -> None:
    task = _task(client, sent)
    task["status"] = "cancelled"
    task["statusReason"] = {"text": "Sent in error"}
    response = client.put(
        f"/fhir/r4/Task/{sent['task']}",
        data=task,
        content_type="application/fhir+json",
        **sent["headers"],
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.RETURNED
    assert "Sent in error" in referral.returned_reason
    row = AuditEvent.objects.get(action="fhir.referral_cancelled")
    assert row.channel == "api" and row.detail["reason"] == "Sent in error"
    sr = client.get(f"/fhir/r4/ServiceRequest/{sent['sr']}", **sent["headers"]).json()
    assert sr["status"] == "revoked"


def test_cancelling_by_patch_and_after_acceptance(
    client: Client, sent: dict[str, Any], personas: Personas
) -> None:
    _accept(personas, sent["row"].referral)
    patch = [{"op": "replace", "path": "/status", "value": "cancelled"}]
    response = client.patch(
        f"/fhir/r4/Task/{sent['task']}",
        data=patch,
        content_type="application/json-patch+json",
        **sent["headers"],
    )
    assert response.status_code == 409
    assert "Contact the service" in response.json()["issue"][0]["diagnostics"]
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED


def test_the_requester_cannot_move_the_task_on_itself(client: Client, sent: dict[str, Any]) -> None:
    task = _task(client, sent)
    task["status"] = "completed"
    response = client.put(
        f"/fhir/r4/Task/{sent['task']}",
        data=task,
        content_type="application/fhir+json",
        **sent["headers"],
    )
    assert response.status_code == 422
    assert Referral.objects.get().status == ReferralStatus.RECEIVED


def test_service_request_and_patient_reads_and_searches(
    client: Client, sent: dict[str, Any]
) -> None:
    sr = client.get(f"/fhir/r4/ServiceRequest/{sent['sr']}", **sent["headers"])
    assert sr.status_code == 200
    resource = sr.json()
    assert_valid_fhir(resource)
    assert resource["code"]["coding"][0]["code"] == "871731000000106"
    assert resource["identifier"][0] == {
        "system": "https://emis.example/referrals",
        "value": "REF-0001",
    }
    assert resource["status"] == "active"
    for query in (
        {"identifier": "https://emis.example/referrals|REF-0001"},
        {"patient": f"Patient/{sent['patient']}"},
        {"status": "active"},
    ):
        found = client.get("/fhir/r4/ServiceRequest", query, **sent["headers"]).json()
        assert_valid_fhir(found)
        assert [e["resource"]["id"] for e in found["entry"]] == [sent["sr"]], query
    assert (
        client.get("/fhir/r4/ServiceRequest", {"status": "revoked"}, **sent["headers"]).json()[
            "total"
        ]
        == 0
    )
    patient = client.get(f"/fhir/r4/Patient/{sent['patient']}", **sent["headers"]).json()
    assert_valid_fhir(patient)
    assert patient["identifier"][0]["value"] == VALID_NHS
    assert patient["meta"]["profile"] == [
        "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
    ]
    assert patient["generalPractitioner"][0]["identifier"]["value"] == "M82015"
    found = client.get(
        "/fhir/r4/Patient",
        {"identifier": f"https://fhir.nhs.uk/Id/nhs-number|{VALID_NHS}"},
        **sent["headers"],
    ).json()
    assert [e["resource"]["id"] for e in found["entry"]] == [sent["patient"]]
    reads = AuditEvent.objects.filter(kind="access", channel="api", object_type="fhir.Patient")
    assert reads.filter(person_id=sent["patient"]).count() == 2


@pytest.mark.parametrize(
    "path",
    ["/fhir/r4/ServiceRequest/{sr}", "/fhir/r4/Task/{task}", "/fhir/r4/Patient/{patient}"],
)
def test_another_practices_client_gets_404(client: Client, sent: dict[str, Any], path: str) -> None:
    response = client.get(path.format(**sent), **sent["other"])
    assert response.status_code == 404
    assert_valid_fhir(response.json())
    assert response.json()["issue"][0]["code"] == "not-found"


def test_another_practices_searches_find_nothing_and_it_cannot_cancel(
    client: Client, sent: dict[str, Any]
) -> None:
    for url, query in (
        ("/fhir/r4/Task", {"focus": f"ServiceRequest/{sent['sr']}"}),
        ("/fhir/r4/ServiceRequest", {}),
        ("/fhir/r4/Patient", {"identifier": VALID_NHS}),
    ):
        assert client.get(url, query, **sent["other"]).json()["total"] == 0
    task = _task(client, sent)
    task["status"] = "cancelled"
    response = client.put(
        f"/fhir/r4/Task/{sent['task']}",
        data=task,
        content_type="application/fhir+json",
        **sent["other"],
    )
    assert response.status_code == 404
    assert Referral.objects.get().status == ReferralStatus.RECEIVED


def test_paging_gives_next_links(client: Client, sent: dict[str, Any], personas: Personas) -> None:
    headers = sent["headers"]
    for n in range(2, 4):
        bundle = referral_bundle(
            service_request=service_request_json(
                identifier=f"REF-000{n}", performer=personas.link_worker_service
            )
        )
        post_fhir(client, "/fhir/r4/", bundle, headers)
    page = client.get("/fhir/r4/ServiceRequest", {"_count": 2}, **headers).json()
    assert page["total"] == 3 and len(page["entry"]) == 2
    following = next(link["url"] for link in page["link"] if link["relation"] == "next")
    rest = client.get(following.replace("https://testserver", ""), **headers).json()
    assert len(rest["entry"]) == 1
    assert not any(link["relation"] == "next" for link in rest["link"])
    assert client.get("/fhir/r4/ServiceRequest", {"_count": "many"}, **headers).status_code == 400
    assert client.get("/fhir/r4/ServiceRequest", {"colour": "red"}, **headers).status_code == 400


# Every Linkwell state a referral or its case can be in, and the Task a referrer's system sees.
_EVERY_STATE = [
    # (referral status, case status, outcome sent, cancelled, Task.status, businessStatus)
    (ReferralStatus.RECEIVED, None, False, False, "requested", "received"),
    (ReferralStatus.RECEIVED, None, False, True, "cancelled", "cancelled"),
    (ReferralStatus.RETURNED, None, False, True, "cancelled", "cancelled"),
    (ReferralStatus.RETURNED, None, False, False, "rejected", "returned"),
    (ReferralStatus.DECLINED, None, False, False, "rejected", "declined"),
    (ReferralStatus.ACCEPTED, None, False, False, "accepted", "case-new"),
    (ReferralStatus.ACCEPTED, CaseStatus.NEW, False, False, "accepted", "case-new"),
    (ReferralStatus.ACCEPTED, CaseStatus.CONTACTED, False, False, "in-progress", "case-contacted"),
    (
        ReferralStatus.ACCEPTED,
        CaseStatus.REVIEW_BOOKED,
        False,
        False,
        "in-progress",
        "case-review_booked",
    ),
    (ReferralStatus.ACCEPTED, CaseStatus.ACTIVE, False, False, "in-progress", "case-active"),
    (ReferralStatus.ACCEPTED, CaseStatus.FOLLOW_UP, False, False, "in-progress", "case-follow_up"),
    (ReferralStatus.ACCEPTED, CaseStatus.DORMANT, False, False, "on-hold", "case-dormant"),
    (ReferralStatus.ACCEPTED, CaseStatus.ACTIVE, True, False, "completed", "outcome-sent"),
    (ReferralStatus.ACCEPTED, CaseStatus.DORMANT, True, False, "completed", "outcome-sent"),
]


def test_every_referral_and_case_state_has_its_task_status() -> None:
    covered = {(r, c) for r, c, *_ in _EVERY_STATE}
    # A state added to Linkwell must be placed in this table (and in task_state) deliberately.
    assert {r for r, _ in covered} == set(ReferralStatus)
    assert {c for _, c in covered if c} == set(CaseStatus)
    task_statuses = {"requested", "accepted", "rejected", "in-progress", "on-hold", "completed"}
    assert {row[4] for row in _EVERY_STATE} == task_statuses | {"cancelled"}
    for referral_status, case_status, outcome_sent, cancelled, status, business in _EVERY_STATE:
        facts = TaskFacts(
            referral=Referral(
                status=referral_status, returned_reason="Wrong service", declined_reason=""
            ),
            cancelled_at=timezone.now() if cancelled else None,
            cancelled_reason="Sent in error" if cancelled else "",
            case_status=case_status,
            outcome_sent=outcome_sent,
        )
        state = task_state(facts)
        assert (state.status, state.business) == (status, business), (referral_status, case_status)
        # The finer state has words for the referrer's system to show.
        assert BUSINESS_DISPLAY[state.business]
        if status in ("rejected", "cancelled"):
            assert state.reason, "a rejected or cancelled Task says why"
