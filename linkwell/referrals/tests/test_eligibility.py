"""Staff referrals check the link-worker service's eligibility rule (its own listing's)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.directory.tests.factories import make_service
from linkwell.referrals.models import LinkWorkerCoverage, Referral
from linkwell.referrals.tests.factories import needs
from tests.personas import Personas

pytestmark = pytest.mark.django_db
REFER = reverse("referrals:refer")


@pytest.fixture
def ruled(personas: Personas) -> None:
    LinkWorkerCoverage.objects.create(
        link_worker_service=personas.link_worker_service,
        practice=personas.practice,
        link_worker=personas.link_worker,
    )
    listing = make_service(
        "Link workers for long-term conditions", owner=personas.link_worker_service
    )
    listing.minimum_age, listing.maximum_age = 40, 74
    listing.eligibility_checked = True
    listing.required_conditions = ["copd", "diabetes_type_2"]
    listing.save()


def _post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": "Bob",
        "family_name": "Hughes",
        "dob_day": "2",
        "dob_month": "1",
        "dob_year": "1950",  # over 74
        "nhs_number": "",
        "postcode": "SY11 1AA",
        "phone": "01691 111111",
        "reasons": [str(needs("loneliness")[0].pk)],
        "urgency": "routine",
        "consent_to_contact": "on",
        "conditions": ["copd"],
    }
    data.update(overrides)
    return data


def test_the_form_shows_the_rule_and_an_eligible_person_is_referred(
    client: Any, personas: Personas, ruled: None
) -> None:
    client.force_login(personas.referrer)
    page = client.get(REFER).content.decode()
    assert "ages 40 to 74; one of: COPD, Diabetes (type 2)" in page
    response = client.post(REFER, _post(dob_year="1970"))
    assert response.status_code == 302
    assert Referral.objects.get().eligibility_failed == []


def test_an_ineligible_person_is_refused_naming_the_rule(
    client: Any, personas: Personas, ruled: None
) -> None:
    client.force_login(personas.referrer)
    response = client.post(REFER, _post(conditions=["asthma"]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "takes people ages 40 to 74; the person is" in html
    assert "one of these long-term conditions: COPD, Diabetes (type 2)" in html
    assert not Referral.objects.exists()


def test_an_override_needs_a_reason_and_is_recorded(
    client: Any, personas: Personas, ruled: None
) -> None:
    client.force_login(personas.referrer)
    refused = client.post(REFER, _post(override_eligibility="on"))
    assert refused.status_code == 400
    assert "Say why you are referring" in refused.content.decode()
    assert not Referral.objects.exists()
    done = client.post(
        REFER, _post(override_eligibility="on", override_reason="GP judges he would benefit")
    )
    assert done.status_code == 302
    referral = Referral.objects.get()
    assert referral.eligibility_override_reason == "GP judges he would benefit"
    assert referral.eligibility_failed and "the person is" in referral.eligibility_failed[0]
    event = AuditEvent.objects.get(action="referrals.referral_received")
    assert event.detail["eligibility_overridden"]["reason"] == "GP judges he would benefit"
