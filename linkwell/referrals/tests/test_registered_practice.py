"""The person's registered GP practice, taken or asked on every referral route, and the
postcode checked as it is typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from linkwell.accounts.models import Organisation, OrganisationKind, Role
from linkwell.audit.models import AuditEvent
from linkwell.people.models import Person
from linkwell.referrals.models import Referral
from linkwell.referrals.tests.factories import make_person, make_referral
from linkwell.referrals.tests.test_views import REFER, SELF, gp_post, self_post
from tests.personas import Personas, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_service(personas):
    personas.other_team.is_active = False
    personas.other_team.save()


@pytest.fixture
def fire_crew(personas):
    fire = Organisation.objects.create(
        name="Shropshire Fire and Rescue", kind=OrganisationKind.FIRE_AND_RESCUE, area=personas.area
    )
    return make_user("crew@fire.example", fire, Role.REFERRER)


def agency_post(personas: Personas, **overrides: Any) -> dict[str, Any]:
    return gp_post(
        source="fire_safe_and_well",
        link_worker_service=str(personas.link_worker_service.pk),
        preferred_contact_method="phone",
        **overrides,
    )


def test_a_gp_referral_records_the_referring_practice_as_the_persons_practice(
    client, personas, one_service
):
    client.force_login(personas.referrer)
    page = client.get(REFER).content.decode()
    assert 'name="registered_practice"' not in page  # the practice is the referrer's own
    response = client.post(REFER, gp_post(link_worker_service=str(personas.link_worker_service.pk)))
    assert response.status_code == 302, response.content
    assert Referral.objects.get().person.registered_practice == personas.practice


def test_a_gp_referral_fills_in_the_practice_of_someone_already_known(
    client, personas, one_service
):
    known = make_person(given_name="Bob", family_name="Hughes")
    make_referral(known, personas.link_worker_service, referrer_organisation=personas.practice)
    client.force_login(personas.referrer)
    response = client.post(
        REFER,
        gp_post(
            link_worker_service=str(personas.link_worker_service.pk), person_choice=str(known.uuid)
        ),
    )
    assert response.status_code == 302, response.content
    known.refresh_from_db()
    assert known.registered_practice == personas.practice
    assert AuditEvent.objects.filter(
        action="people.registered_practice_recorded", person_id=str(known.uuid)
    ).exists()


def test_an_agency_chooses_the_practice_or_says_not_known(client, personas, fire_crew):
    client.force_login(fire_crew)
    page = client.get(REFER).content.decode()
    assert "Caxton Surgery" in page and "Not registered with a GP, or not known" in page
    response = client.post(REFER, agency_post(personas, registered_practice=personas.practice.pk))
    assert response.status_code == 302, response.content
    assert Person.objects.get().registered_practice == personas.practice


def test_an_agency_may_leave_the_practice_unknown(client, personas, fire_crew):
    client.force_login(fire_crew)
    response = client.post(REFER, agency_post(personas, registered_practice=""))
    assert response.status_code == 302, response.content
    assert Person.objects.get().registered_practice is None


def test_a_practice_that_is_not_a_gp_practice_is_refused(client, personas, fire_crew):
    client.force_login(fire_crew)
    response = client.post(
        REFER, agency_post(personas, registered_practice=personas.provider_org.pk)
    )
    assert response.status_code == 400
    assert "Choose a GP practice from the list" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_self_referral_asks_for_the_gp_practice(client, personas, one_service):
    assert "Your GP practice" in client.get(SELF).content.decode()
    response = client.post(SELF, self_post(registered_practice=personas.practice.pk))
    assert response.status_code == 302, response.content
    assert Person.objects.get().registered_practice == personas.practice


def test_an_unknown_postcode_is_queried_on_the_referral_form_then_accepted_if_confirmed(
    client, personas, one_service
):
    client.force_login(personas.referrer)
    response = client.post(REFER, gp_post(postcode="SY11 9ZZ"))
    assert response.status_code == 400
    assert "We could not find the postcode SY11 9ZZ" in response.content.decode()
    assert not Referral.objects.exists()
    response = client.post(REFER, gp_post(postcode="SY11 9ZZ", postcode_confirmed="on"))
    assert response.status_code == 302, response.content
    referral = Referral.objects.get()
    assert referral.person.postcode == "SY11 9ZZ"
    # The link workers see it flagged when they triage.
    client.force_login(personas.link_worker)
    queue = client.get(reverse("referrals:triage")).content.decode()
    assert "Postcode not found" in queue
    page = client.get(
        reverse("referrals:triage_referral", kwargs={"referral_id": referral.uuid})
    ).content.decode()
    assert "Postcode not found" in page
