"""A service's eligibility rule at referral: eligible people pass, others are refused with the
rule named, and an override needs a reason, which is kept and shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case
from linkwell.connections.models import Connection
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.eligibility import eligibility_failures, rule_summary
from linkwell.directory.models import Service
from linkwell.directory.services import service_update
from linkwell.people.models import ContactMethod
from tests.personas import PASSWORD, Personas

from .factories import journey_case, refer, shed_service

pytestmark = pytest.mark.django_db


def _born_aged(age: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - age) - dt.timedelta(days=1)


@pytest.fixture
def case(personas: Personas) -> Case:
    return journey_case(personas, phone="07700 900123", preferred=ContactMethod.PHONE)


@pytest.fixture
def ltc_service(personas: Personas) -> Service:
    service = shed_service(personas, name="Ways to Wellness link work")
    service.minimum_age, service.maximum_age = 40, 74
    service.eligibility_checked = True
    service.required_conditions = ["copd", "asthma", "diabetes_type_2"]
    service.save()
    return service


def _age(case: Case, age: int) -> None:
    case.person.date_of_birth = _born_aged(age)
    case.person.save(update_fields=["date_of_birth"])


def test_an_eligible_person_is_referred(
    personas: Personas, case: Case, ltc_service: Service
) -> None:
    _age(case, 60)
    connection = refer(personas, case, ltc_service, conditions=["copd"])
    assert connection.eligibility_failed == []
    assert connection.eligibility_override_reason == ""


def test_an_ineligible_person_is_refused_with_the_rule_named(
    personas: Personas, case: Case, ltc_service: Service
) -> None:
    _age(case, 78)
    with pytest.raises(ValidationFailed) as err:
        refer(personas, case, ltc_service, conditions=["epilepsy"])
    messages = err.value.errors["eligibility"]
    assert "Ways to Wellness link work takes people ages 40 to 74; the person is 78." in messages
    assert any(
        "one of these long-term conditions: COPD, Asthma, Diabetes (type 2)" in m for m in messages
    )
    assert not Connection.objects.exists()


def test_an_override_with_a_reason_is_referred_and_recorded(
    personas: Personas, case: Case, ltc_service: Service
) -> None:
    _age(case, 39)
    connection = refer(
        personas,
        case,
        ltc_service,
        conditions=["asthma"],
        override_eligibility=True,
        override_reason="Turns 40 next week; GP asked for an early start",
    )
    assert connection.eligibility_override_reason.startswith("Turns 40 next week")
    assert connection.eligibility_failed == [
        "Ways to Wellness link work takes people ages 40 to 74; the person is 39."
    ]
    event = AuditEvent.objects.get(action="connections.referral_requested")
    assert event.detail["eligibility_overridden"]["reason"].startswith("Turns 40")


def test_an_override_without_a_reason_is_refused(
    personas: Personas, case: Case, ltc_service: Service
) -> None:
    _age(case, 39)
    with pytest.raises(ValidationFailed) as err:
        refer(
            personas,
            case,
            ltc_service,
            conditions=["asthma"],
            override_eligibility=True,
            override_reason="   ",
        )
    assert "override_reason" in err.value.errors
    assert not Connection.objects.exists()


def test_a_service_that_does_not_check_is_not_checked(personas: Personas, case: Case) -> None:
    service = shed_service(personas)
    service.minimum_age, service.maximum_age = 18, 25  # from a feed: information only
    service.save()
    _age(case, 80)
    assert refer(personas, case, service).eligibility_failed == []


def test_an_unknown_date_of_birth_fails_an_age_rule(ltc_service: Service) -> None:
    failures = eligibility_failures(
        ltc_service, date_of_birth=None, conditions=["copd"], on=dt.date(2026, 1, 1)
    )
    assert failures == [
        "Ways to Wellness link work takes people ages 40 to 74, and the person's date of "
        "birth is not recorded."
    ]


def test_the_connect_page_shows_the_rule_refuses_and_accepts_an_override(
    personas: Personas, case: Case, ltc_service: Service
) -> None:
    _age(case, 78)
    client = Client()
    assert client.login(email=personas.link_worker.email, password=PASSWORD)
    url = reverse(
        "connections:connect_service", kwargs={"case_id": case.uuid, "service_id": ltc_service.uuid}
    )
    page = client.get(url).content.decode()
    assert "ages 40 to 74; one of: COPD, Asthma, Diabetes (type 2)" in page
    refused = client.post(url, {"kind": "referral", "conditions": ["copd"]})
    assert refused.status_code == 400
    assert "takes people ages 40 to 74; the person is 78." in refused.content.decode()
    no_reason = client.post(
        url, {"kind": "referral", "conditions": ["copd"], "override_eligibility": "on"}
    )
    assert no_reason.status_code == 400
    assert "Say why you are referring" in no_reason.content.decode()
    assert not Connection.objects.exists()
    done = client.post(
        url,
        {
            "kind": "referral",
            "conditions": ["copd"],
            "override_eligibility": "on",
            "override_reason": "Carer for a partner with COPD; agreed with the provider",
        },
        follow=True,
    )
    assert done.status_code == 200
    assert "Eligibility rule overridden" in done.content.decode()
    assert "Carer for a partner with COPD" in done.content.decode()


def test_the_listing_editor_sets_the_rule_and_refuses_unknown_conditions(
    personas: Personas,
) -> None:
    service = shed_service(personas)
    updated = service_update(
        actor=personas.owner,
        service=service,
        data={
            "minimum_age": 40,
            "maximum_age": 74,
            "required_conditions": ["copd", "asthma"],
            "eligibility_checked": True,
        },
        expected_version=service.version,
    )
    assert updated.eligibility_checked
    assert updated.required_conditions == ["asthma", "copd"]
    assert rule_summary(updated) == "ages 40 to 74; one of: Asthma, COPD"
    with pytest.raises(ValidationFailed) as err:
        service_update(
            actor=personas.owner,
            service=updated,
            data={"required_conditions": ["gout"]},
            expected_version=updated.version,
        )
    assert err.value.errors["required_conditions"] == ["Choose conditions from the list (not gout)"]
