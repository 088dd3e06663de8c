"""A GP system and Linkwell working together, end to end: the practice's system posts a FHIR
referral, the link worker triages it in the browser, the referral's Task follows the case
(accepted, then in-progress), and the message back reaches the practice's MESH mailbox on the
local MESH server, where the practice reads it; the Task's output points at that document."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from linkwell.casework.models import Case, MessageBackDelivery, MessageBackLetter
from linkwell.fhir.tests.factories import (
    bearer,
    consent_json,
    make_api_client,
    post_fhir,
    referral_bundle,
    service_request_json,
)
from linkwell.mesh.delivery import deliver, track
from linkwell.mesh.services import mailbox_set
from linkwell.mesh.tests.helpers import inbox_for, next_day, use_sandbox
from linkwell.mesh.tests.sandbox import PRACTICE_MAILBOX, MeshSandbox, mesh_sandbox
from linkwell.referrals.tests.factories import needs
from tests.browser.conftest import sign_in, triage_row
from tests.personas import PASSWORD, Personas

__all__ = ["mesh_sandbox"]  # the local MESH server fixture, used by name below

pytestmark = pytest.mark.django_db(transaction=True)


def _task(http: Client, headers: dict[str, Any], service_request: str) -> dict[str, Any]:
    response = http.get("/fhir/r4/Task", {"focus": service_request}, **headers)
    assert response.status_code == 200, response.content
    [entry] = response.json()["entry"]
    task: dict[str, Any] = entry["resource"]
    return task


def test_a_gp_system_referral_comes_back_into_the_gp_record_over_mesh(
    new_page: Any, personas: Personas, settings: Any, mesh_sandbox: MeshSandbox
) -> None:
    use_sandbox(settings, mesh_sandbox)
    mailbox_set(actor=None, organisation=personas.practice, mailbox_id=PRACTICE_MAILBOX)
    needs()

    # The practice's GP system posts a referral as a FHIR transaction.
    http = Client()
    headers = bearer(http, make_api_client(personas.practice))
    bundle = referral_bundle(
        service_request=service_request_json(performer=personas.link_worker_service),
        consent=consent_json(),
    )
    response = post_fhir(http, "/fhir/r4/", bundle, headers)
    assert response.status_code == 200, response.content
    [service_request] = [
        "/".join(entry["response"]["location"].split("/")[:2])
        for entry in response.json()["entry"]
        if entry["response"].get("location", "").startswith("ServiceRequest/")
    ]
    assert _task(http, headers, service_request)["status"] == "requested"

    # The link worker triages it in the browser: accepts, allocates to herself.
    worker = new_page()
    sign_in(worker, personas.link_worker.email, PASSWORD)
    triage_row(worker, "Margaret Evans").get_by_role("link", name="Margaret Evans").click()
    worker.get_by_label("Allocate to").select_option(value=str(personas.link_worker.uuid))
    worker.get_by_label("Moderate").check()
    worker.get_by_role("button", name="Accept and open case").click()
    case = Case.objects.get(person__family_name="Evans")
    expect(worker.get_by_role("heading", level=1)).to_contain_text("Margaret Evans")
    assert _task(http, headers, service_request)["status"] == "accepted"

    # Books and records the wellbeing review: the Task is in progress, and the day's message
    # back to the practice is written and queued for its MESH mailbox.
    worker.goto(f"/cases/{case.uuid}/")
    worker.get_by_role("link", name="Book a contact").click()
    worker.get_by_label("Kind of contact").select_option(label="Wellbeing review")
    worker.get_by_label("Date").fill(str(timezone.localdate() + dt.timedelta(days=7)))
    worker.get_by_label("Time").fill("10:30")
    worker.get_by_label("Venue").fill("Oswestry Library")
    worker.get_by_role("button", name="Book").click()
    expect(worker.get_by_role("heading", level=1)).to_contain_text("Margaret Evans")
    assert _task(http, headers, service_request)["status"] == "in-progress"
    worker.get_by_role("link", name="Record a wellbeing review").click()
    worker.get_by_label("What matters to me").fill("Getting out of the house again.")
    worker.get_by_role("button", name="Save the review").click()
    letter = MessageBackLetter.objects.get(case=case, recipient_organisation=personas.practice)
    worker.goto(f"/cases/{case.uuid}/messages-back/")
    expect(worker.get_by_text(f"Queued for MESH mailbox {PRACTICE_MAILBOX}")).to_be_visible()

    # At the end of the day the letter goes over MESH; the practice reads it from its inbox.
    delivery = deliver(letter.delivery.pk, now=next_day(letter))
    assert delivery.status == MessageBackDelivery.Status.SENT
    pdf, document = inbox_for(mesh_sandbox, PRACTICE_MAILBOX, letter, acknowledge=True)
    assert pdf.body.startswith(b"%PDF")
    bundle = json.loads(document.body)
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert track(delivery.pk).status == MessageBackDelivery.Status.ACKNOWLEDGED
    worker.reload()
    expect(worker.get_by_text("Received by the practice")).to_be_visible()

    # The Task, still in progress, points at the message back the practice received.
    task = _task(http, headers, service_request)
    assert task["status"] == "in-progress"
    outputs = [out["valueReference"]["reference"] for out in task.get("output", [])]
    assert f"Composition/{letter.uuid}" in outputs
    assert composition["id"] == str(letter.uuid)
