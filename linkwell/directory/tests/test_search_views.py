"""The staff search page and the service page, for every persona."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.directory.models import Contact, Phone, Service, ServiceStatus
from linkwell.directory.tests.factories import make_organization, make_service, make_term
from tests.personas import Personas, make_user

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")
STAFF = ["owner", "teammate", "read_only", "outsider", "link_worker"]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(service: Service) -> str:
    return reverse("directory:service_detail", args=[service.uuid])


@pytest.fixture
def shed(personas: Personas) -> Service:
    org = make_organization("Oswestry Men's Shed", owner=personas.provider_org, assured=True)
    return make_service(
        "Men's Shed woodwork",
        organization=org,
        postcode="SY11 1AA",
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        referrals=True,
        description="Woodwork and a cuppa",
        staff_notes="Ask for Dave at the door",
        capacity_available=3,
        terms=["Crafts"],
    )


# --- search page: who may use it ---------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_staff_with_a_membership_can_search(
    personas: Personas, shed: Service, persona: str
) -> None:
    response = client_for(getattr(personas, persona)).get(SEARCH, {"q": "woodwork"})
    assert response.status_code == 200
    assert "Men&#x27;s Shed woodwork" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(SEARCH)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_user_with_no_membership_is_refused_the_search(db: None) -> None:
    loner = make_user("loner@example.org", None, None)
    assert client_for(loner).get(SEARCH).status_code == 403


# --- search page: what it shows -------------------------------------------------------------


def test_the_empty_form_lists_active_services(personas: Personas, shed: Service) -> None:
    make_service("Closed group", status=ServiceStatus.DEFUNCT)
    page = client_for(personas.link_worker).get(SEARCH).content.decode()
    assert "1 service" in page
    assert "Closed group" not in page


def test_a_result_shows_what_a_link_worker_needs(personas: Personas, shed: Service) -> None:
    page = (
        client_for(personas.link_worker)
        .get(SEARCH, {"postcode": "sy11 1ad", "distance": "5"})
        .content.decode()
    )
    assert "Oswestry Men&#x27;s Shed" in page
    assert "<strong>0.1 miles</strong> away" in page
    assert "Tuesdays 10:00\u201312:00" in page
    assert "Free" in page
    assert "Accepts referrals" in page
    assert "3 places left" in page
    assert "Quality assured" in page
    assert "Not verified since" not in page
    assert 'id="app-map"' in page and "app-map-markers" in page


def test_stale_closed_full_and_unassured_services_are_flagged(personas: Personas) -> None:
    make_service(
        "Old listing",
        verified_days_ago=400,
        status=ServiceStatus.TEMPORARILY_CLOSED,
        capacity_available=0,
    )
    make_service("Gone for good", status=ServiceStatus.DEFUNCT)
    page = client_for(personas.link_worker).get(SEARCH, {"q": "o"}).content.decode()
    when = (timezone.now() - dt.timedelta(days=400)).strftime("%-d %b %Y")
    assert f"Not verified since {when}" in page
    assert "Temporarily closed" in page
    assert "Full" in page
    assert "Assurance lapsed" in page
    assert "Signposting only" in page
    assert "Gone for good" not in page


def test_it_filters_by_category_day_time_and_flags(personas: Personas, shed: Service) -> None:
    make_service("Evening choir", byday="TU", opens="19:00", closes="21:00", price="2")
    client = client_for(personas.link_worker)
    crafts = make_term("Crafts")
    assert (
        "Evening choir" not in client.get(SEARCH, {"category": str(crafts.uuid)}).content.decode()
    )
    evening = client.get(SEARCH, {"day": "TU", "time": "evening"}).content.decode()
    assert "Evening choir" in evening and "Men&#x27;s Shed woodwork" not in evening
    free = client.get(SEARCH, {"free": "on", "referrals": "on"}).content.decode()
    assert "Evening choir" not in free and "Men&#x27;s Shed woodwork" in free


def test_the_category_list_offers_linkwell_categories(personas: Personas, shed: Service) -> None:
    make_term("Debt", taxonomy="Needs")
    page = client_for(personas.link_worker).get(SEARCH).content.decode()
    assert ">Crafts</option>" in page
    assert ">Debt</option>" not in page


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("not a postcode", "not a postcode is not a valid UK postcode"),
        ("SY11 9ZZ", "We could not find the postcode SY11 9ZZ"),
    ],
)
def test_a_bad_postcode_is_explained_on_the_form(
    personas: Personas, shed: Service, postcode: str, message: str
) -> None:
    response = client_for(personas.link_worker).get(SEARCH, {"postcode": postcode})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "nhsuk-form-group--error" in page


def test_a_time_of_day_needs_a_day(personas: Personas) -> None:
    page = client_for(personas.link_worker).get(SEARCH, {"time": "morning"}).content.decode()
    assert "Choose a day to search by time of day" in page


def test_far_services_are_left_out_of_a_distance_search(personas: Personas, shed: Service) -> None:
    make_service("Birmingham group", postcode="B1 1AY")
    page = (
        client_for(personas.link_worker)
        .get(SEARCH, {"postcode": "SY11 1AA", "distance": "25"})
        .content.decode()
    )
    assert "Birmingham group" not in page and "Men&#x27;s Shed woodwork" in page


@pytest.mark.parametrize("query", ["mens shed", "Mens Sheds", "men\u2019s shed"])
def test_the_search_page_finds_a_listing_whatever_the_apostrophe_or_plural(
    personas: Personas, shed: Service, query: str
) -> None:
    page = client_for(personas.link_worker).get(SEARCH, {"q": query}).content.decode()
    assert "Men&#x27;s Shed woodwork" in page
    assert "1 service" in page


@pytest.mark.parametrize("field", ["q", "postcode"])
def test_a_nul_character_in_the_search_is_a_form_error_not_a_server_error(
    personas: Personas, shed: Service, field: str
) -> None:
    response = client_for(personas.link_worker).get(f"{SEARCH}?{field}=shed%00")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Men&#x27;s Shed woodwork" not in page


def test_results_are_paged(personas: Personas) -> None:
    for i in range(23):
        make_service(f"Group {i:02}")
    client = client_for(personas.link_worker)
    first = client.get(SEARCH, {"q": "group"}).content.decode()
    assert "Group 19" in first and "Group 20" not in first
    assert "Page 1 of 2" in first and "page=2" in first
    second = client.get(SEARCH, {"q": "group", "page": "2"}).content.decode()
    assert "Group 22" in second and "Group 00" not in second
    assert client.get(SEARCH, {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("count", [3, 20])
def test_the_results_page_query_count_does_not_grow_with_results(
    personas: Personas, django_assert_max_num_queries: Any, count: int
) -> None:
    org = make_organization("Busy provider", assured=True)
    for i in range(count):
        make_service(
            f"Group {i:02}",
            organization=org,
            postcode="SY11 1AA",
            byday="WE",
            opens="10:00",
            closes="11:00",
            price="3",
            capacity_available=2,
        )
    client = client_for(personas.link_worker)
    with django_assert_max_num_queries(20):
        response = client.get(SEARCH, {"postcode": "SY11 1AA", "distance": "5"})
    assert response.content.decode().count("app-result-list__item") == count
    with django_assert_max_num_queries(20):
        client.get(SEARCH, {"q": "group"})


# --- service page --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_staff_can_read_a_service_page(personas: Personas, shed: Service, persona: str) -> None:
    response = client_for(getattr(personas, persona)).get(detail_url(shed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Woodwork and a cuppa" in page
    assert "Tuesdays 10:00\u201312:00" in page
    assert "SY11 1AA" in page


@pytest.mark.parametrize(
    ("persona", "sees_notes"),
    [
        ("owner", True),
        ("teammate", True),
        ("read_only", True),
        ("outsider", False),
        ("link_worker", True),
        ("team_manager", True),
        ("commissioner", False),
        ("admin", True),
    ],
)
def test_staff_notes_are_shown_only_to_the_programme_and_the_providers_own_staff(
    personas: Personas, shed: Service, persona: str, sees_notes: bool
) -> None:
    shed.organization.staff_notes = "Provider is moving in May"
    shed.organization.save()
    page = client_for(getattr(personas, persona)).get(detail_url(shed)).content.decode()
    assert ("Ask for Dave at the door" in page) is sees_notes
    assert ("Provider is moving in May" in page) is sees_notes
    assert ("Staff notes" in page) is sees_notes


@pytest.mark.parametrize(
    ("persona", "sees_edit"),
    [
        ("owner", True),
        ("teammate", True),
        ("read_only", False),
        ("outsider", False),
        ("link_worker", True),
    ],
)
def test_only_people_who_may_edit_see_the_edit_link(
    personas: Personas, shed: Service, persona: str, sees_edit: bool
) -> None:
    page = client_for(getattr(personas, persona)).get(detail_url(shed)).content.decode()
    assert ("Edit listing" in page) is sees_edit


def test_quality_dates_are_shown_to_the_provider_and_status_to_others(
    personas: Personas, shed: Service
) -> None:
    owner_page = client_for(personas.owner).get(detail_url(shed)).content.decode()
    outsider_page = client_for(personas.outsider).get(detail_url(shed)).content.decode()
    assert "Quality assured" in owner_page and "Quality assured" in outsider_page
    assert "DBS checks: expires" in owner_page
    assert "DBS checks: expires" not in outsider_page


def test_a_user_with_no_membership_cannot_see_a_service(shed: Service) -> None:
    loner = make_user("loner@example.org", None, None)
    assert client_for(loner).get(detail_url(shed)).status_code == 404


def test_anonymous_visitors_must_sign_in_to_see_a_service(shed: Service) -> None:
    response = Client().get(detail_url(shed))
    assert response.status_code == 302


def test_an_unknown_service_is_not_found(personas: Personas) -> None:
    url = reverse("directory:service_detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for(personas.link_worker).get(url).status_code == 404


def test_viewing_named_contacts_is_audited(personas: Personas, shed: Service) -> None:
    contact = Contact.objects.create(service=shed, name="Dave Jones", title="Shed leader")
    Phone.objects.create(contact=contact, number="01691 000000")
    page = client_for(personas.outsider).get(detail_url(shed)).content.decode()
    assert "Dave Jones" in page and "01691 000000" in page
    event = AuditEvent.objects.get(object_id=str(shed.uuid))
    assert event.actor_id == personas.outsider.pk
    assert event.detail == {"reason": "contact details viewed"}


def test_a_page_without_named_contacts_is_not_audited(personas: Personas, shed: Service) -> None:
    client_for(personas.outsider).get(detail_url(shed))
    assert not AuditEvent.objects.filter(object_id=str(shed.uuid)).exists()


def test_a_never_verified_service_says_so(personas: Personas) -> None:
    service = make_service("Unchecked", verified_days_ago=None)
    page = client_for(personas.link_worker).get(detail_url(service)).content.decode()
    assert "This listing has never been verified" in page


def test_the_default_distance_is_shown_and_used(personas: Personas, shed: Service) -> None:
    make_service("Six miles away", lat=52.86 + 6 * 1.609 / 111.2, lon=-3.054)
    page = client_for(personas.link_worker).get(SEARCH, {"postcode": "SY11 1AA"}).content.decode()
    assert '<option value="5" selected>5 miles</option>' in page
    assert "Six miles away" not in page and "Men&#x27;s Shed woodwork" in page
