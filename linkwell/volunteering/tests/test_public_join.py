"""The public "I'd like to volunteer" form: no sign-in, abuse controls, emails."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.volunteering import abuse
from linkwell.volunteering.models import CommunityMember, MemberSource, RoleStatus
from linkwell.volunteering.tests.factories import VolunteerCast

pytestmark = pytest.mark.django_db
JOIN = reverse("volunteering:join")


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def post(cast: VolunteerCast, client: Client | None = None, **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "organisation": str(cast.service.uuid),
        "given_name": "Rhian",
        "family_name": "Jones",
        "email": "rhian@example.org",
        "postcode": "SY11 2BB",
        "offer": "I can offer a chat and a lift",
        "interests": "walking, choirs",
        "roles": ["befriender", "driver"],
        "avail_WE_from": "10:00",
        "avail_WE_to": "12:00",
        "consent": "on",
        "form_token": abuse.FORM_TOKEN.make(time.time() - 60),
    }
    data.update(overrides)
    return (client or Client()).post(JOIN, data)


def test_someone_offers_to_volunteer_without_signing_in(
    cast: VolunteerCast, django_capture_on_commit_callbacks: Any
) -> None:
    page = Client().get(JOIN)
    assert page.status_code == 200 and "I&#x27;d like to volunteer" in page.content.decode()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(cast, client)
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "Thank you for offering to volunteer" in done
    member = CommunityMember.objects.get(given_name="Rhian")
    assert member.source == MemberSource.SELF_REGISTERED and member.consent_at is not None
    assert sorted(member.roles.values_list("kind", "status")) == [
        ("befriender", RoleStatus.ENQUIRY),
        ("driver", RoleStatus.ENQUIRY),
    ]
    event = AuditEvent.objects.get(action="volunteering.member_registered")
    assert event.actor_id is None
    to_coordinators = [m for m in mail.outbox if cast.coordinator.email in m.to]
    assert len(to_coordinators) == 1
    body = to_coordinators[0].body
    assert str(member.uuid) in body and "Rhian" not in body and "rhian@" not in body
    assert cast.read_only.email not in {a for m in mail.outbox for a in m.to}
    thanks = [m for m in mail.outbox if m.to == ["rhian@example.org"]]
    assert len(thanks) == 1 and "Thank you" in thanks[0].subject


def test_consent_is_required_with_its_own_message(cast: VolunteerCast) -> None:
    response = post(cast, consent="", organisation="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose the organisation you would like to volunteer with" in html
    assert "Confirm you agree to the organisation keeping these details" in html
    assert not CommunityMember.objects.filter(given_name="Rhian").exists()


def test_a_way_to_reach_them_is_required(cast: VolunteerCast) -> None:
    response = post(cast, email="", phone="")
    assert "Enter an email address or a phone number" in response.content.decode()
    assert not CommunityMember.objects.filter(given_name="Rhian").exists()


def test_the_honeypot_refuses_scripts(cast: VolunteerCast) -> None:
    assert post(cast, website_url="http://spam.example").status_code == 400
    assert not CommunityMember.objects.filter(given_name="Rhian").exists()


def test_a_form_sent_too_fast_or_forged_is_refused(cast: VolunteerCast) -> None:
    fast = post(cast, form_token=abuse.FORM_TOKEN.make(time.time()))
    assert fast.status_code == 400 and "Please check your answers" in fast.content.decode()
    forged = post(cast, form_token="forged")
    assert "This form has expired" in forged.content.decode()
    assert not CommunityMember.objects.filter(given_name="Rhian").exists()


def test_too_many_registrations_from_one_address_are_refused(
    cast: VolunteerCast, settings: Any
) -> None:
    settings.LINKWELL_VOLUNTEER_REGISTRATIONS_PER_HOUR = 2
    client = Client()
    assert post(cast, client).status_code == 302
    assert post(cast, client, given_name="Second").status_code == 302
    third = post(cast, client, given_name="Third")
    assert third.status_code == 429
    assert not CommunityMember.objects.filter(given_name="Third").exists()
    assert post(cast, Client(REMOTE_ADDR="192.0.2.9"), given_name="Fourth").status_code == 302


def test_a_two_megabyte_field_is_refused(cast: VolunteerCast) -> None:
    response = post(cast, offer="x" * 2_000_000)
    assert response.status_code == 400
    assert not CommunityMember.objects.filter(given_name="Rhian").exists()


def test_the_public_directory_and_suggestion_page_link_here(cast: VolunteerCast) -> None:
    assert JOIN in Client().get(reverse("public:search")).content.decode()
    assert JOIN in Client().get(reverse("community:suggest")).content.decode()


def test_a_form_token_sent_again_is_refused_and_creates_nothing(cast: VolunteerCast) -> None:
    token = abuse.FORM_TOKEN.make(time.time() - 60)
    assert post(cast, form_token=token).status_code == 302
    for _ in range(3):
        again = post(cast, form_token=token)
        assert again.status_code == 400
        assert "This form was already sent" in again.content.decode()
    assert CommunityMember.objects.filter(given_name="Rhian").count() == 1


def test_a_corrected_form_is_sent_with_the_fresh_token_it_was_given(cast: VolunteerCast) -> None:
    token = abuse.FORM_TOKEN.make(time.time() - 60)
    wrong = post(cast, form_token=token, consent="")
    assert wrong.status_code == 400
    fresh = wrong.context["form"].data["form_token"]
    assert fresh != token
    assert post(cast, form_token=fresh).status_code == 302
    assert CommunityMember.objects.filter(given_name="Rhian").count() == 1
