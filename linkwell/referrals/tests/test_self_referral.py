"""The public self-referral form as people meet it: every problem in one round, an allowance that
only accepted requests use up, text held to a length, a form that is sent once, plain words,
and a thank-you page that says how to get in touch and what happens next."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse

from linkwell.directory.models import Phone
from linkwell.directory.tests.factories import make_organization
from linkwell.referrals.models import Referral
from linkwell.referrals.tests.factories import VALID_NHS, needs
from linkwell.referrals.tests.test_views import REFER, SELF, gp_post, self_post
from linkwell.referrals.views import SELF_REFERRAL_TOKEN

pytestmark = pytest.mark.django_db

DONE = reverse("referrals:self_referral_done")


@pytest.fixture(autouse=True)
def one_service(personas):
    personas.other_team.is_active = False
    personas.other_team.save()


def token_shown(response: Any) -> str:
    """The form token of the form the page shows again, as a browser would send it back."""
    return str(response.context["form"].data["form_token"])


def errors_of(response: Any) -> dict[str, list[str]]:
    return {k: list(v) for k, v in response.context["form"].errors.items()}


# --- one round ---------------------------------------------------------------------------------


def test_every_problem_is_reported_in_the_first_round(client):
    response = client.post(
        SELF,
        self_post(nhs_number="1234567890", reasons=None, details="", consent_to_contact=None),
    )
    assert response.status_code == 400
    errors = errors_of(response)
    # The form's own check, and the services' (NHS number, a reason), together.
    assert {"consent_to_contact", "nhs_number", "reasons"} <= set(errors)
    assert "Choose at least one reason" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_correction_sent_straight_back_is_accepted_after_one_round(client):
    response = client.post(SELF, self_post(nhs_number="1234567890"))
    assert response.status_code == 400
    assert set(errors_of(response)) == {"nhs_number"}
    # The person fixes the number and presses Send at once: not taken for a script.
    response = client.post(SELF, self_post(nhs_number=VALID_NHS, form_token=token_shown(response)))
    assert response.status_code == 302 and response["Location"] == DONE
    assert Referral.objects.get().person.nhs_number == VALID_NHS


def test_a_staff_referral_also_reports_every_problem_at_once(client, personas):
    client.force_login(personas.referrer)
    response = client.post(
        REFER, gp_post(given_name="", nhs_number="1234567890", reasons=None, details="")
    )
    assert response.status_code == 400
    assert {"given_name", "nhs_number", "reasons"} <= set(errors_of(response))


# --- the hourly allowance ----------------------------------------------------------------------


def test_six_failed_submissions_do_not_block_a_valid_seventh(client):
    for _ in range(6):
        response = client.post(SELF, self_post(consent_to_contact=None))
        assert response.status_code == 400
    response = client.post(SELF, self_post())
    assert response.status_code == 302
    assert Referral.objects.count() == 1


def test_the_sixth_accepted_request_in_an_hour_is_refused_by_default(client):
    for i in range(5):
        assert client.post(SELF, self_post(given_name=f"Person{i}")).status_code == 302
    response = client.post(SELF, self_post(given_name="Sixth"))
    assert response.status_code == 429
    assert b"try again later" in response.content
    assert Referral.objects.count() == 5


def test_a_flood_of_posts_is_stopped_even_when_none_is_accepted(client, settings):
    settings.LINKWELL_SELF_REFERRAL_POSTS_PER_HOUR = 3
    for _ in range(3):
        assert client.post(SELF, self_post(consent_to_contact=None)).status_code == 400
    assert client.post(SELF, self_post()).status_code == 429
    assert not Referral.objects.exists()


def test_two_people_behind_the_same_trusted_proxy_have_their_own_allowance(client, settings):
    from linkwell.core.env import parse_ip_networks

    settings.TRUSTED_PROXIES = parse_ip_networks("LINKWELL_TRUSTED_PROXIES", ["10.0.0.0/8"])
    settings.LINKWELL_SELF_REFERRALS_PER_HOUR = 1
    library = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    care_home = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert client.post(SELF, self_post(given_name="Ann"), **library).status_code == 302
    assert client.post(SELF, self_post(given_name="Bea"), **library).status_code == 429
    assert client.post(SELF, self_post(given_name="Cal"), **care_home).status_code == 302


# --- lengths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("details", "What you tell us must be 5,000 characters or fewer"),
        ("accessibility_needs", "Accessibility needs must be 1,000 characters or fewer"),
    ],
)
def test_an_oversized_field_is_refused_with_a_message(client, field, message):
    response = client.post(SELF, self_post(**{field: "x" * 2_000_000}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_the_text_boxes_tell_the_browser_their_limit(client):
    page = client.get(SELF).content.decode()
    assert 'maxlength="5000"' in page


# --- the form token ----------------------------------------------------------------------------


def test_a_form_token_is_accepted_only_once(client):
    data = self_post()
    assert client.post(SELF, data).status_code == 302
    for _ in range(3):
        response = client.post(SELF, data)
        assert response.status_code == 400
        assert "This form was already sent" in response.content.decode()
    assert Referral.objects.count() == 1


def test_a_refused_form_keeps_its_token_usable(client):
    token = SELF_REFERRAL_TOKEN.make(issued_at=time.time() - 60)
    assert (
        client.post(SELF, self_post(form_token=token, consent_to_contact=None)).status_code == 400
    )
    assert client.post(SELF, self_post(form_token=token)).status_code == 302


def test_every_form_shown_gets_its_own_token(client):
    first = client.get(SELF).context["form"].initial["form_token"]
    second = client.get(SELF).context["form"].initial["form_token"]
    assert first != second


# --- plain words -------------------------------------------------------------------------------


def test_the_public_form_offers_reasons_in_plain_words_and_stores_the_taxonomy_term(client):
    needs()
    page = client.get(SELF).content.decode()
    assert "Feeling lonely or cut off from people" in page
    assert "Looking after someone (being a carer)" in page
    for jargon in ("Carer strain", "Digital exclusion", "Frequent attendance", "Food insecurity"):
        assert jargon not in page
    carer = needs("carer-strain")[0]
    assert client.post(SELF, self_post(reasons=[str(carer.pk)])).status_code == 302
    assert [t.code for t in Referral.objects.get().reasons.all()] == ["carer-strain"]


def test_staff_forms_keep_the_taxonomy_names(client, personas):
    needs()
    client.force_login(personas.referrer)
    assert "Carer strain" in client.get(REFER).content.decode()


# --- the thank-you page ------------------------------------------------------------------------


def test_the_thank_you_page_gives_the_services_phone_number_and_what_happens_next(client, personas):
    listing = make_organization("Shropshire Social Prescribing", owner=personas.link_worker_service)
    Phone.objects.create(organization=listing, number="01691 555 123")
    page = client.post(SELF, self_post(), follow=True).content.decode()
    assert "01691 555 123" in page
    assert 'href="tel:01691555123"' in page
    assert "A link worker will contact you" in page
    assert "NHS 111" in page and "Call 999" in page


def test_the_thank_you_page_uses_the_phone_of_the_organisation_running_the_service(
    client, personas
):
    host = personas.provider_org
    personas.link_worker_service.parent = host
    personas.link_worker_service.save()
    Phone.objects.create(organization=make_organization(owner=host), number="01691 000 999")
    page = client.post(SELF, self_post(), follow=True).content.decode()
    assert "01691 000 999" in page


def test_without_a_phone_number_the_thank_you_page_says_how_else_to_get_in_touch(client):
    page = client.post(SELF, self_post(), follow=True).content.decode()
    assert "Contact your GP practice and ask them to pass a message" in page
    assert 'href="tel:' not in page
