import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.casework.tests.factories import make_case
from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.directory.models import Accessibility, Language, ServiceArea, ServiceStatus
from linkwell.directory.tests.factories import make_organization, make_service
from linkwell.matching.directory import service_docs_from_db
from linkwell.matching.engine import Matcher
from linkwell.matching.tests.factories import person

pytestmark = pytest.mark.django_db


def add_services(count: int) -> None:
    for i in range(count):
        service = make_service(
            f"Walking group {i}",
            organization=make_organization(f"Provider {i}", assured=i % 2 == 0),
            postcode="SY11 1AA",
            terms=["Walking", "Physical activity"],
            byday="TU,TH",
            opens="10:00",
            closes="12:00",
            free=True,
            accessible="Step-free access",
        )
        Language.objects.create(service=service, code="cy")
        Accessibility.objects.create(
            location=service.service_at_locations.get().location, description="Hearing loop"
        )


def test_the_query_count_does_not_grow_with_the_directory():
    add_services(2)
    with CaptureQueriesContext(connection) as small:
        assert len(service_docs_from_db()) == 2
    add_services(6)
    with CaptureQueriesContext(connection) as large:
        assert len(service_docs_from_db()) == 8
    assert len(large) == len(small) <= 14


def test_it_carries_what_the_engine_needs_from_the_models():
    org = make_organization("Oswestry Wheels", assured=True)
    ride = make_service(
        "Cycling Without Age",
        organization=org,
        postcode="SY11 1AA",
        terms=["Cycling"],
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        referrals=True,
        accessible="Step-free access; hearing loop",
        description="Trishaw rides: we collect you from home.",
        capacity_available=3,
        minimum_age=50,
    )
    make_service("Closed café", status=ServiceStatus.DEFUNCT)
    docs = {d.name: d for d in service_docs_from_db()}
    assert set(docs) == {"Cycling Without Age"}  # only running services
    doc = docs["Cycling Without Age"]
    assert doc.id == str(ride.uuid)
    assert doc.taxonomy_terms == ("Cycling",)
    assert doc.schedules[0].day == "TU" and doc.free is True
    assert doc.quality_assured is True and doc.accepts_referrals is True
    assert doc.min_age == 50 and doc.provides_transport is True
    assert doc.points and "Step-free" in doc.accessibility[0]
    assert doc.locations[0].name == "Cycling Without Age venue"
    assert doc.last_verified is not None
    assert doc.areas == ()


def test_it_carries_the_areas_a_service_says_it_serves():
    visits = make_service("Good neighbours", postcode="SY11 1AA")
    ServiceArea.objects.create(service=visits, name="SY11 1 and SY11 2 only")
    (doc,) = service_docs_from_db()
    assert doc.areas == ("SY11 1 and SY11 2 only",)


def test_unanswered_referrals_take_places():
    service = make_service("Choir", postcode="SY11 1AA", referrals=True, capacity_available=2)
    team = Organisation.objects.create(
        name="Link workers", kind=OrganisationKind.LINK_WORKER_SERVICE
    )
    for status in (
        ConnectionStatus.REQUESTED,
        ConnectionStatus.REQUESTED,
        ConnectionStatus.ACCEPTED,
    ):
        Connection.objects.create(
            case=make_case(service=team),
            service=service,
            kind=ConnectionKind.REFERRAL,
            status=status,
        )
    (doc,) = service_docs_from_db()
    assert doc.open_referrals == 2
    (suggestion,) = Matcher([doc], encoder=None).rank(person(interests=["choir"]))
    assert suggestion.at_capacity
    assert "full at the moment \u2014 try the waiting list" in suggestion.reasons


def test_quality_is_judged_on_the_day_asked():
    make_service("Choir", organization=make_organization("Choir org", assured=True))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert service_docs_from_db()[0].quality_assured is True
    assert service_docs_from_db(at=later)[0].quality_assured is False


def test_a_matcher_from_the_database_ranks_running_services():
    from linkwell.matching.directory import matcher_from_db

    choir = make_service("Community choir", postcode="SY11 1AA", terms=["Music"])
    make_service("Old choir", postcode="SY11 1AA", status=ServiceStatus.INACTIVE)
    results = matcher_from_db().rank(person(interests=["singing"]))
    assert [r.service_id for r in results] == [str(choir.uuid)]
