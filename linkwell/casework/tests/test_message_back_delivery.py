"""The delivery record of a message back letter: one per letter, and who sees a failure."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import Role
from linkwell.casework.message_back import message_back_record
from linkwell.casework.models import MessageBack, MessageBackDelivery, MessageBackLetter
from linkwell.casework.selectors import failed_deliveries
from linkwell.casework.services.delivery import delivery_attempt_failed, delivery_queue
from linkwell.casework.tests.factories import referred_case
from tests.personas import PASSWORD, Personas, make_user

pytestmark = pytest.mark.django_db


def _failed_letter(personas: Personas) -> MessageBackLetter:
    case = referred_case(personas)
    message_back_record(actor=personas.link_worker, case=case, stage=MessageBack.Stage.SEEN)
    letter = MessageBackLetter.objects.get(case=case, recipient_organisation=personas.practice)
    delivery, created = delivery_queue(letter=letter, mailbox="A81001HC01")
    again, created_again = delivery_queue(letter=letter, mailbox="OTHER01")
    assert (created, created_again, again.pk, again.mailbox) == (
        True,
        False,
        delivery.pk,
        "A81001HC01",
    )
    delivery_attempt_failed(delivery_id=delivery.pk, reason="Mailbox closed.", retry_at=None)
    return letter


def test_a_failed_delivery_shows_on_its_own_team_page_only(personas: Personas) -> None:
    letter = _failed_letter(personas)
    assert MessageBackDelivery.objects.get(letter=letter).status == "failed"
    manager = Client()
    manager.login(email=personas.team_manager.email, password=PASSWORD)
    page = manager.get(reverse("casework:team")).content.decode()
    assert "Messages back that could not be delivered" in page
    assert "Mailbox closed." in page
    other_manager = make_user("manager@telford.example", personas.other_team, Role.TEAM_MANAGER)
    other = Client()
    other.login(email=other_manager.email, password=PASSWORD)
    page = other.get(reverse("casework:team")).content.decode()
    assert "Messages back that could not be delivered" not in page
    assert list(failed_deliveries([personas.other_team.pk])) == []
