"""Over-referral protection in `connection_refer`: published places minus referrals awaiting the
provider's answer; a full service is refused unless the link worker confirms."""

from typing import Any

import pytest

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case
from linkwell.casework.tests.factories import referred_case
from linkwell.connections.models import Connection, ConnectionStatus
from linkwell.connections.services import (
    FULL_NOTE,
    connection_accept,
    connection_refer,
    places_left,
)
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import Service
from linkwell.directory.tests.factories import make_service
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def people(personas: Personas, n: int) -> list[Case]:
    return [
        referred_case(personas, given_name=f"Person{i}", email=f"p{i}@example.org")
        for i in range(n)
    ]


def refer(personas: Personas, case: Case, service: Service, **kwargs: Any) -> Connection:
    return connection_refer(actor=personas.link_worker, case=case, service=service, **kwargs)


def test_referrals_awaiting_an_answer_take_the_published_places(personas):
    service = make_service("Seated yoga", referrals=True, capacity_available=2, capacity_maximum=10)
    first, second, third = people(personas, 3)
    refer(personas, first, service)
    assert places_left(service) == 1
    refer(personas, second, service)
    assert places_left(service) == 0
    with pytest.raises(ValidationFailed, match=r"no places at the moment \(2 published"):
        refer(personas, third, service)
    assert Connection.objects.count() == 2


def test_the_link_worker_may_refer_to_a_full_service_when_they_confirm(personas):
    service = make_service("Seated yoga", referrals=True, capacity_available=0, capacity_maximum=8)
    (case,) = people(personas, 1)
    made = refer(personas, case, service, message="Keen to try", confirm_full=True)
    assert made.status == ConnectionStatus.REQUESTED
    assert made.shared["message"] == f"{FULL_NOTE}\n\nKeen to try"
    audit = AuditEvent.objects.get(action="connections.referral_requested")
    assert audit.detail["sent_while_full"] is True


def test_accepted_referrals_are_the_providers_to_count(personas):
    service = make_service("Seated yoga", referrals=True, capacity_available=1, capacity_maximum=8)
    first, second = people(personas, 2)
    made = refer(personas, first, service)
    connection_accept(actor=personas.owner, connection=made, expected_version=made.version)
    assert places_left(service) == 1
    refer(personas, second, service)  # not refused


def test_services_without_published_capacity_are_never_refused_as_full(personas):
    service = make_service("Lunch club", referrals=True)
    cases = people(personas, 3)
    for case in cases:
        refer(personas, case, service)
    assert places_left(service) is None
    assert Connection.objects.count() == 3


def test_confirming_is_not_needed_and_changes_nothing_when_places_are_left(personas):
    service = make_service("Seated yoga", referrals=True, capacity_available=3)
    (case,) = people(personas, 1)
    made = refer(personas, case, service, message="Hello", confirm_full=True)
    assert made.shared["message"] == "Hello"
    assert (
        "sent_while_full"
        not in AuditEvent.objects.get(action="connections.referral_requested").detail
    )
