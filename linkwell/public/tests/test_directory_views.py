"""The public directory and service page: anyone may use them, and only public facts show."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from linkwell.audit.models import AuditEvent
from linkwell.directory import postcodes
from linkwell.directory.models import Contact, Service, ServiceStatus
from linkwell.directory.tests.factories import make_organization, make_service, make_term
from tests.personas import Personas

pytestmark = pytest.mark.django_db

SEARCH = reverse("public:search")
HOME = "SY11 1AA"


def detail_url(service: Service) -> str:
    return reverse("public:service_detail", args=[service.uuid])


def near(km_north: float) -> tuple[float, float]:
    lat, lon = postcodes.lookup(HOME)
    return lat + km_north / 111.2, lon


@pytest.fixture
def shed() -> Service:
    org = make_organization(
        "Oswestry Men's Shed", assured=True, staff_notes="Provider owes us a DBS copy"
    )
    lat, lon = near(0.5)
    service = make_service(
        "Men's Shed woodwork",
        organization=org,
        lat=lat,
        lon=lon,
        postcode="SY11 1AB",
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        referrals=True,
        description="Woodwork and a cuppa",
        staff_notes="Ask for Dave at the door",
        capacity_available=3,
        accessible="Step-free entrance",
        terms=["Crafts"],
    )
    Contact.objects.create(service=service, name="Sam Jones", email="sam@shed.example.org")
    return service


def names(response: Any) -> str:
    return response.content.decode()


# --- who may use it -----------------------------------------------------------------------------


def test_anonymous_visitors_search_without_signing_in(shed: Service) -> None:
    response = Client().get(SEARCH, {"q": "woodwork"})
    assert response.status_code == 200
    assert "Men&#x27;s Shed woodwork" in names(response)


@pytest.mark.parametrize("persona", ["owner", "outsider", "read_only", "link_worker"])
def test_signed_in_people_see_the_same_public_pages(
    personas: Personas, shed: Service, persona: str
) -> None:
    client = Client()
    client.force_login(getattr(personas, persona))
    assert "Men&#x27;s Shed woodwork" in names(client.get(SEARCH, {"q": "woodwork"}))
    page = names(client.get(detail_url(shed)))
    # Even the provider's own staff see only the public page here: staff notes stay in /directory/.
    assert "Ask for Dave" not in page


def test_the_service_page_tells_a_person_what_they_need_to_go_along(shed: Service) -> None:
    response = Client().get(detail_url(shed))
    assert response.status_code == 200
    page = names(response)
    assert "Tuesdays 10:00\u201312:00" in page
    assert "Free" in page
    assert "1 High Street" in page and "SY11 1AB" in page
    assert "Step-free entrance" in page
    assert "3 places left" in page
    assert "Woodwork and a cuppa" in page
    assert "sam@shed.example.org" in page
    assert "openstreetmap.org/?mlat=" in page
    assert "last checked or updated on" in page
    assert reverse("referrals:self_referral") in page


def test_no_private_field_is_ever_rendered(shed: Service) -> None:
    client = Client()
    pages = [
        names(client.get(SEARCH)),
        names(client.get(SEARCH, {"q": "woodwork"})),
        names(client.get(detail_url(shed))),
    ]
    for page in pages:
        assert "Ask for Dave" not in page  # service staff notes
        assert "DBS copy" not in page  # provider staff notes
        assert "Quality assured" not in page and "Assurance" not in page
        assert "Not verified" not in page and "Never verified" not in page
        assert "Staff notes" not in page


def test_viewing_public_pages_writes_no_audit_rows(shed: Service) -> None:
    before = AuditEvent.objects.count()
    Client().get(detail_url(shed))
    Client().get(SEARCH, {"q": "shed"})
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "status",
    [ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT, ServiceStatus.TEMPORARILY_CLOSED],
)
def test_services_not_running_never_appear(status: str) -> None:
    gone = make_service("Knitting circle", postcode=HOME, status=status, free=True, byday="TU")
    client = Client()
    for params in ({}, {"q": "knitting"}, {"postcode": HOME}, {"day": "TU", "free": "on"}):
        assert "Knitting circle" not in names(client.get(SEARCH, params))
    assert client.get(detail_url(gone)).status_code == 404


def test_an_unknown_service_is_not_found() -> None:
    url = reverse("public:service_detail", args=["8a8f5e1e-0000-4000-8000-000000000000"])
    assert Client().get(url).status_code == 404


def test_a_full_service_says_so() -> None:
    full = make_service("Seated yoga", postcode=HOME, capacity_available=0, capacity_maximum=12)
    assert "Full at the moment" in names(Client().get(detail_url(full)))
    assert "Full at the moment" in names(Client().get(SEARCH, {"q": "yoga"}))


# --- filters ----------------------------------------------------------------------------------


def test_the_day_and_time_filters_keep_sessions_then(shed: Service) -> None:
    make_service("Thursday choir", postcode=HOME, byday="TH", opens="10:00", closes="12:00")
    make_service("Tuesday evening quiz", postcode=HOME, byday="TU", opens="19:00", closes="21:00")
    page = names(Client().get(SEARCH, {"day": "TU", "time": "morning"}))
    assert "Men&#x27;s Shed woodwork" in page
    assert "Thursday choir" not in page
    assert "Tuesday evening quiz" not in page


def test_the_free_filter_drops_paid_and_unknown_costs(shed: Service) -> None:
    make_service("Pottery class", postcode=HOME, price="6.50")
    make_service("Book club", postcode=HOME)  # cost not stated: not known to be free
    page = names(Client().get(SEARCH, {"free": "on"}))
    assert "Men&#x27;s Shed woodwork" in page
    assert "Pottery class" not in page and "Book club" not in page


def test_the_distance_filter_is_in_kilometres(shed: Service) -> None:
    lat, lon = near(2.5)
    make_service("Walking group", lat=lat, lon=lon)
    lat, lon = near(4.0)
    make_service("Bowls club", lat=lat, lon=lon)
    page = names(Client().get(SEARCH, {"postcode": HOME, "distance": "3"}))
    assert "Men&#x27;s Shed woodwork" in page and "Walking group" in page
    assert "Bowls club" not in page
    assert "0.5 km" in page  # distances are shown
    page = names(Client().get(SEARCH, {"postcode": HOME, "distance": "1"}))
    assert "Walking group" not in page


def test_the_category_filter(shed: Service) -> None:
    make_service("Debt advice drop-in", postcode=HOME, terms=["Money"])
    crafts = make_term("Crafts")
    page = names(Client().get(SEARCH, {"category": str(crafts.uuid)}))
    assert "Men&#x27;s Shed woodwork" in page and "Debt advice" not in page


def test_a_bad_postcode_is_explained_and_nothing_is_listed() -> None:
    response = Client().get(SEARCH, {"postcode": "SY99 ZZZ"})
    assert response.status_code == 200
    page = names(response)
    assert "There is a problem" in page
    assert "postcode" in page.lower()
    assert "app-result-list" not in page


def test_a_time_of_day_without_a_day_is_explained() -> None:
    page = names(Client().get(SEARCH, {"time": "morning"}))
    assert "Choose a day to search by time of day" in page


def test_the_referrals_only_filter_is_not_offered_to_the_public(shed: Service) -> None:
    make_service("Signposting only group", postcode=HOME)
    page = names(Client().get(SEARCH, {"referrals": "on"}))
    assert "Accepts referrals only" not in page
    assert "Signposting only group" in page  # the parameter is ignored


def test_results_are_paginated(django_assert_max_num_queries: Any) -> None:
    org = make_organization("Busy provider")
    for i in range(25):
        make_service(f"Group {i:02d}", organization=org, postcode=HOME, free=True, byday="TU")
    client = Client()
    first = names(client.get(SEARCH, {"q": "group"}))
    assert first.count("app-result-list__item") == 20
    assert "Page 1 of 2" in first
    second = names(client.get(SEARCH, {"q": "group", "page": "2"}))
    assert second.count("app-result-list__item") == 5


@pytest.mark.parametrize("count", [2, 20])
def test_the_search_runs_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any, count: int
) -> None:
    org = make_organization("Busy provider", assured=True)
    for i in range(count):
        make_service(
            f"Group {i}",
            organization=org,
            postcode=HOME,
            byday="TU",
            opens="10:00",
            closes="12:00",
            free=True,
            accessible="Ramp",
        )
    client = Client()
    with django_assert_max_num_queries(12):
        response = client.get(SEARCH, {"postcode": HOME, "distance": "5", "free": "on"})
    assert names(response).count("app-result-list__item") == count
    with django_assert_max_num_queries(12):
        client.get(SEARCH, {"q": "group", "day": "TU", "time": "morning"})
    with django_assert_max_num_queries(12):
        client.get(SEARCH)


def test_the_service_page_runs_a_fixed_number_of_queries(
    shed: Service, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(18):
        response = Client().get(detail_url(shed))
    assert response.status_code == 200
