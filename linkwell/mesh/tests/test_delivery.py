"""Messages back delivered into the practice's MESH mailbox, on the local MESH server."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.casework.message_back import message_back_record
from linkwell.casework.models import MessageBack, MessageBackDelivery, MessageBackLetter
from linkwell.casework.tests.factories import referred_case
from linkwell.fhir.validation import assert_valid_fhir
from linkwell.mesh import delivery as mesh_delivery
from linkwell.mesh.delivery import deliver, deliver_due, track
from linkwell.mesh.services import mailbox_set
from linkwell.mesh.tests.helpers import inbox_for, next_day, use_sandbox
from linkwell.mesh.tests.sandbox import PRACTICE_MAILBOX, MeshSandbox
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

Status = MessageBackDelivery.Status


@pytest.fixture
def mesh_on(settings: Any, mesh_sandbox: MeshSandbox) -> MeshSandbox:
    use_sandbox(settings, mesh_sandbox)
    return mesh_sandbox


def _letter_to_practice(personas: Personas, mailbox: str = PRACTICE_MAILBOX) -> MessageBackLetter:
    mailbox_set(actor=None, organisation=personas.practice, mailbox_id=mailbox)
    case = referred_case(personas)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    return MessageBackLetter.objects.get(case=case, recipient_organisation=personas.practice)


def _client(user: Any) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)
    return client


def test_a_letter_to_a_practice_with_a_mailbox_waits_for_the_end_of_its_day(
    personas: Personas, mesh_on: MeshSandbox
) -> None:
    letter = _letter_to_practice(personas)
    delivery = letter.delivery
    assert (delivery.status, delivery.mailbox) == (Status.QUEUED, PRACTICE_MAILBOX)
    # Later messages the same day join the letter, so it does not go before the day is over.
    assert (
        deliver(delivery.pk, now=next_day(letter) - dt.timedelta(hours=1)).status == Status.QUEUED
    )
    assert inbox_for(mesh_on, PRACTICE_MAILBOX, letter) == []


def test_the_practice_receives_the_letter_as_a_pdf_with_its_fhir_document(
    personas: Personas, mesh_on: MeshSandbox
) -> None:
    letter = _letter_to_practice(personas)
    delivery = deliver(letter.delivery.pk, now=next_day(letter))
    assert delivery.status == Status.SENT
    pdf, document = inbox_for(mesh_on, PRACTICE_MAILBOX, letter)
    assert pdf.message_id == delivery.letter_message_id
    assert pdf.body.startswith(b"%PDF")
    assert pdf.filename == f"message-back-{letter.uuid}.pdf"
    assert pdf.workflow_id == "GPCONNECT_SEND_DOCUMENT"
    assert document.message_id == delivery.document_message_id
    bundle = json.loads(document.body)
    assert_valid_fhir(bundle)
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "document")
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"
    sent = AuditEvent.objects.get(action=AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_SENT)
    assert sent.person_id == str(letter.case.person.uuid)
    assert sent.detail["letter_message_id"] == delivery.letter_message_id


def test_the_letter_is_acknowledged_once_the_practice_has_taken_it(
    personas: Personas, mesh_on: MeshSandbox
) -> None:
    letter = _letter_to_practice(personas)
    delivery = deliver(letter.delivery.pk, now=next_day(letter))
    assert track(delivery.pk).status == Status.SENT
    inbox_for(mesh_on, PRACTICE_MAILBOX, letter, acknowledge=True)
    delivery = track(delivery.pk)
    assert delivery.status == Status.ACKNOWLEDGED
    assert delivery.acknowledged_at is not None


def test_delivering_again_never_sends_the_letter_twice(
    personas: Personas, mesh_on: MeshSandbox
) -> None:
    letter = _letter_to_practice(personas)
    now = next_day(letter)
    deliver(letter.delivery.pk, now=now)
    deliver(letter.delivery.pk, now=now)
    deliver_due(now=now + dt.timedelta(days=1))
    assert len(inbox_for(mesh_on, PRACTICE_MAILBOX, letter)) == 2
    assert MessageBackDelivery.objects.filter(letter=letter).count() == 1


def test_a_retry_after_a_part_failed_sends_only_the_missing_part(
    personas: Personas, mesh_on: MeshSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = _letter_to_practice(personas)
    build = mesh_delivery._fhir_document

    def fails_once(letter: MessageBackLetter) -> bytes:
        monkeypatch.setattr(mesh_delivery, "_fhir_document", build)
        raise RuntimeError("document builder crashed")

    monkeypatch.setattr(mesh_delivery, "_fhir_document", fails_once)
    now = next_day(letter)
    delivery = deliver(letter.delivery.pk, now=now)
    assert (delivery.status, delivery.attempts) == (Status.QUEUED, 1)
    assert delivery.letter_message_id and not delivery.document_message_id
    delivery = deliver(delivery.pk, now=now + dt.timedelta(minutes=2))
    assert delivery.status == Status.SENT
    pdf, document = inbox_for(mesh_on, PRACTICE_MAILBOX, letter)
    assert (pdf.message_id, document.message_id) == (
        delivery.letter_message_id,
        delivery.document_message_id,
    )


def test_an_unknown_mailbox_is_retried_with_back_off_then_failed_with_the_reason(
    personas: Personas, mesh_on: MeshSandbox
) -> None:
    letter = _letter_to_practice(personas, mailbox="NOSUCHBOX01")
    now = next_day(letter)
    first = deliver(letter.delivery.pk, now=now)
    assert (first.status, first.attempts) == (Status.QUEUED, 1)
    assert first.next_attempt_at == now + dt.timedelta(seconds=60)
    assert "unregistered" in first.last_error.lower()
    # Not due yet: nothing is tried.
    assert deliver(first.pk, now=now + dt.timedelta(seconds=30)).attempts == 1
    second = deliver(first.pk, now=now + dt.timedelta(seconds=60))
    assert second.next_attempt_at == now + dt.timedelta(seconds=60 + 120)
    third = deliver(first.pk, now=now + dt.timedelta(seconds=180))
    assert (third.status, third.attempts) == (Status.FAILED, 3)
    assert "unregistered" in third.last_error.lower()
    assert AuditEvent.objects.filter(
        action=AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_FAILED, object_id=str(third.uuid)
    ).exists()

    case_page = _client(personas.link_worker).get(
        reverse("casework:case_messages_back", kwargs={"case_id": letter.case.uuid})
    )
    assert "Not delivered" in case_page.content.decode()
    assert third.last_error in case_page.content.decode()
    team_page = _client(personas.team_manager).get(reverse("casework:team"))
    assert "could not be delivered" in team_page.content.decode()
    assert "NOSUCHBOX01" in team_page.content.decode()


def test_a_server_that_is_down_is_retried_then_failed_with_the_reason(
    personas: Personas, mesh_on: MeshSandbox, settings: Any
) -> None:
    settings.MESH = {**settings.MESH, "URL": "http://127.0.0.1:9", "MAX_ATTEMPTS": 2}
    letter = _letter_to_practice(personas)
    now = next_day(letter)
    assert deliver(letter.delivery.pk, now=now).status == Status.QUEUED
    failed = deliver(letter.delivery.pk, now=now + dt.timedelta(minutes=1))
    assert failed.status == Status.FAILED
    assert failed.last_error.startswith("Could not reach MESH at http://127.0.0.1:9")


def test_a_practice_without_a_mailbox_keeps_the_printable_letter(
    personas: Personas, mesh_on: MeshSandbox
) -> None:
    case = referred_case(personas)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    letter = MessageBackLetter.objects.get(case=case, recipient_organisation=personas.practice)
    assert not MessageBackDelivery.objects.filter(letter=letter).exists()
    page = _client(personas.link_worker).get(
        reverse("casework:case_messages_back", kwargs={"case_id": case.uuid})
    )
    assert "Printable letter" in page.content.decode()


def test_without_mesh_configured_every_letter_stays_printable(
    personas: Personas, settings: Any
) -> None:
    settings.MESH = {**settings.MESH, "URL": ""}
    mailbox_set(actor=None, organisation=personas.practice, mailbox_id=PRACTICE_MAILBOX)
    case = referred_case(personas)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    assert not MessageBackDelivery.objects.exists()


def test_the_deliver_command_sends_what_is_due_and_tracks_what_was_sent(
    personas: Personas, mesh_on: MeshSandbox
) -> None:
    letter = _letter_to_practice(personas)
    MessageBackDelivery.objects.filter(letter=letter).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("mesh", "deliver", "--now", stdout=out)
    assert "Sent 1 letter(s); 0 newly acknowledged." in out.getvalue()
    inbox_for(mesh_on, PRACTICE_MAILBOX, letter, acknowledge=True)
    call_command("mesh", "deliver", "--now", stdout=out)
    assert "Sent 0 letter(s); 1 newly acknowledged." in out.getvalue()
    page = _client(personas.link_worker).get(
        reverse("casework:case_messages_back", kwargs={"case_id": letter.case.uuid})
    )
    assert "Received by the practice" in page.content.decode()


def test_on_the_database_queue_the_letter_is_sent_at_the_start_of_the_next_day(
    personas: Personas,
    mesh_on: MeshSandbox,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        letter = _letter_to_practice(personas)
    [queued] = DBTaskResult.objects.filter(task_path="linkwell.mesh.tasks.deliver_message_back")
    assert queued.args_kwargs["args"] == [letter.delivery.pk]
    assert (
        queued.run_after
        == letter.delivery.next_attempt_at
        == next_day(letter) - dt.timedelta(minutes=5)
    )


def test_a_failed_letter_is_sent_again_to_the_corrected_mailbox(
    personas: Personas, mesh_on: MeshSandbox
) -> None:
    letter = _letter_to_practice(personas, mailbox="NOSUCHBOX01")
    now = next_day(letter)
    for minutes in (0, 1, 3):
        deliver(letter.delivery.pk, now=now + dt.timedelta(minutes=minutes))
    assert MessageBackDelivery.objects.get(letter=letter).status == Status.FAILED
    out = io.StringIO()
    ods = personas.practice.ods_code
    call_command("mesh", "mailbox", "set", "--organisation", ods, "--mailbox", PRACTICE_MAILBOX)
    call_command("mesh", "resend", "--letter", str(letter.uuid), stdout=out)
    assert f"for MESH mailbox {PRACTICE_MAILBOX}" in out.getvalue()
    delivery = MessageBackDelivery.objects.get(letter=letter)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Status.QUEUED, 0, "")
    assert (
        AuditEvent.objects.get(action=AuditAction.CASEWORK_MESSAGE_BACK_DELIVERY_REQUEUED).detail[
            "previous_mailbox"
        ]
        == "NOSUCHBOX01"
    )
    assert deliver(delivery.pk).status == Status.SENT
    assert len(inbox_for(mesh_on, PRACTICE_MAILBOX, letter)) == 2
    # Only a failed delivery can be sent again.
    with pytest.raises(CommandError, match="this one is sent"):
        call_command("mesh", "resend", "--letter", str(letter.uuid), stdout=out)
