"""The public self-referral for befriending, a connector or peer support."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.people.models import Person
from linkwell.volunteering import abuse
from linkwell.volunteering.models import RequestSource, SupportRequest
from linkwell.volunteering.tests.factories import VolunteerCast

pytestmark = pytest.mark.django_db
ASK = reverse("volunteering:ask")


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def post(cast: VolunteerCast, client: Client | None = None, **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "organisation": str(cast.service.uuid),
        "given_name": "Evan",
        "family_name": "Morris",
        "date_of_birth": "12/04/1941",
        "phone": "01691 654321",
        "postcode": "sy10 7aa",
        "about": "I miss my walks and a chat about football",
        "role": "befriender",
        "contact": "home_visit",
        "volunteer_gender": "male",
        "consent": "on",
        "form_token": abuse.FORM_TOKEN.make(time.time() - 60),
    }
    data.update(overrides)
    return (client or Client()).post(ASK, data)


def test_a_person_asks_for_a_befriender(
    cast: VolunteerCast, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    assert client.get(ASK).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = post(cast, client)
    assert response.status_code == 302
    assert "We have your request" in client.get(response["Location"]).content.decode()
    request = SupportRequest.objects.get()
    assert request.source == RequestSource.SELF and request.organisation == cast.service
    assert request.contact == "home_visit" and request.volunteer_gender == "male"
    person = request.person
    assert (person.given_name, person.postcode) == ("Evan", "SY10 7AA")
    assert AuditEvent.objects.filter(
        action="people.person_created", person_id=str(person.uuid)
    ).exists()
    assert AuditEvent.objects.get(action="volunteering.self_referral_received").actor_id is None
    sent = [m for m in mail.outbox if cast.coordinator.email in m.to]
    assert len(sent) == 1 and "Evan" not in sent[0].body


def test_consent_missing_and_mistakes_are_listed_and_nothing_is_saved(cast: VolunteerCast) -> None:
    response = post(cast, consent="", about="", contact="", postcode="nope")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Confirm you agree to us keeping these details" in html
    assert "Tell us a little about what you enjoy" in html
    assert "Choose how you would like to meet or talk" in html
    assert not Person.objects.exists() and not SupportRequest.objects.exists()


def test_the_honeypot_and_a_fast_token_are_refused(cast: VolunteerCast) -> None:
    assert post(cast, website_url="x").status_code == 400
    fast = post(cast, form_token=abuse.FORM_TOKEN.make(time.time()))
    assert "Please check your answers" in fast.content.decode()
    assert not SupportRequest.objects.exists()


def test_the_rate_limit_and_a_two_megabyte_field(cast: VolunteerCast, settings: Any) -> None:
    settings.LINKWELL_VOLUNTEER_REGISTRATIONS_PER_HOUR = 1
    assert post(cast, about="x" * 2_000_000).status_code == 400
    assert post(cast).status_code == 302
    assert post(cast, given_name="Again").status_code == 429
    assert SupportRequest.objects.count() == 1


def test_a_form_token_sent_again_is_refused_and_creates_nothing(cast: VolunteerCast) -> None:
    token = abuse.FORM_TOKEN.make(time.time() - 60)
    assert post(cast, form_token=token).status_code == 302
    for _ in range(3):
        again = post(cast, form_token=token)
        assert again.status_code == 400
        assert "This form was already sent" in again.content.decode()
    assert SupportRequest.objects.count() == 1


def test_a_corrected_request_is_sent_with_the_fresh_token_it_was_given(
    cast: VolunteerCast,
) -> None:
    token = abuse.FORM_TOKEN.make(time.time() - 60)
    wrong = post(cast, form_token=token, consent="")
    assert wrong.status_code == 400
    fresh = wrong.context["form"].data["form_token"]
    assert fresh != token
    assert post(cast, form_token=fresh).status_code == 302
    assert SupportRequest.objects.count() == 1
