"""The plan through GOV.UK Notify (a local server speaking its API): by email, or as a letter
Notify prints and posts when the person has no email address."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import CaseNote, Plan
from linkwell.casework.plan import GoalInput, PlanInput, plan_save
from linkwell.casework.tests.factories import referred_case
from linkwell.notifications.models import NotifyMessage
from linkwell.notifications.tests.fixtures import GENERAL_EMAIL, GENERAL_LETTER, local_notify
from linkwell.notifications.tests.local_notify import LocalNotify
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db
__all__ = ["local_notify"]


def _plan(personas: Personas, **case_kwargs: object) -> Plan:
    return plan_save(
        actor=personas.link_worker,
        case=referred_case(personas, **case_kwargs),  # type: ignore[arg-type]
        data=PlanInput(moving_forward="", goals=[GoalInput(text="Go to the coffee morning")]),
        expected_version=None,
    )


def _send(personas: Personas, plan: Plan) -> str:
    client = Client()
    client.login(email=personas.link_worker.email, password=PASSWORD)
    response = client.post(reverse("casework:plan_send", args=[plan.case.uuid]), follow=True)
    return response.content.decode()


def test_the_plan_is_emailed_through_notify(personas: Personas, local_notify: LocalNotify) -> None:
    plan = _plan(personas)
    page = _send(personas, plan)
    assert "The plan has been emailed to joan@example.org." in page
    [request] = local_notify.requests
    assert request.json["template_id"] == GENERAL_EMAIL
    assert "Go to the coffee morning" in request.json["personalisation"]["body"]
    assert NotifyMessage.objects.get().kind == "plan"


def test_without_email_notify_posts_the_plan_as_a_letter(
    personas: Personas, local_notify: LocalNotify
) -> None:
    plan = _plan(personas, email="")
    page = _send(personas, plan)
    assert "sent to GOV.UK Notify to print and post to 3 Church Street" in page
    [request] = local_notify.requests
    assert request.path == "/v2/notifications/letter"
    assert request.json["template_id"] == GENERAL_LETTER
    personalisation = request.json["personalisation"]
    assert [personalisation[f"address_line_{n}"] for n in (1, 2, 3, 4)] == [
        "Joan Hughes",
        "3 Church Street",
        "Oswestry",
        "SY11 2SP",
    ]
    assert "Go to the coffee morning" in personalisation["body"]
    [event] = AuditEvent.objects.filter(action="casework.plan_sent")
    assert event.detail["method"] == "letter" and event.detail["outcome"] == "sent"
    assert not CaseNote.objects.filter(case=plan.case).exists()  # nothing left to print


def test_a_letter_notify_refuses_is_an_error_and_nothing_is_recorded_as_sent(
    personas: Personas, local_notify: LocalNotify
) -> None:
    plan = _plan(personas, email="")
    local_notify.fail_next(
        400,
        [
            {
                "error": "ValidationError",
                "message": "Last line of address must be a real UK postcode",
            }
        ],
    )
    page = _send(personas, plan)
    assert (
        "GOV.UK Notify refused the message: Last line of address must be a real UK postcode."
        in page
    )
    assert not AuditEvent.objects.filter(action="casework.plan_sent").exists()


def test_without_consent_the_plan_is_still_marked_for_post(
    personas: Personas, local_notify: LocalNotify
) -> None:
    plan = _plan(personas, consent_to_contact=False)
    page = _send(personas, plan)
    assert "marked to be posted" in page
    assert not local_notify.requests
