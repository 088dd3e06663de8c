"""Listing pages: "Your listings", edit, "still correct", provider page, quality checks.

Each page is checked for the owner, a teammate, a read-only member (403 on writes), an outsider
(404 on writes), anonymous visitors (sent to sign in) and a link worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import Accessibility, QualityCheck, Service, ServiceAtLocation
from linkwell.directory.services import service_update
from linkwell.directory.tests.factories import make_organization, make_service

WRITE_ALLOWED = ["owner", "teammate", "link_worker", "team_manager", "admin"]


@pytest.fixture
def org(personas):
    return make_organization("Oswestry Men's Shed CIO", owner=personas.provider_org, assured=True)


@pytest.fixture
def service(org):
    return make_service(
        "Oswestry Men's Shed",
        organization=org,
        lat=52.86,
        lon=-3.05,
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        verified_days_ago=400,
    )


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def edit_post(service: Service, **overrides: str) -> dict[str, str]:
    data = {
        "version": str(service.version),
        "name": service.name,
        "description": "",
        "status": "active",
        "referral_mode": "signpost",
        "cost": "free",
        "session-TOTAL_FORMS": "2",
        "session-INITIAL_FORMS": "1",
        "session-MIN_NUM_FORMS": "0",
        "session-MAX_NUM_FORMS": "21",
        "session-0-day": "TU",
        "session-0-opens_at": "10:00",
        "session-0-closes_at": "12:00",
    }
    data.update(overrides)
    return data


# --- Your listings ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "teammate", "read_only"])
def test_provider_staff_see_their_listings_with_freshness_and_assurance(
    client, personas, service, who
):
    response = login(client, getattr(personas, who)).get(reverse("directory:my_listings"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Oswestry Men&#x27;s Shed" in body
    assert "Needs checking" in body
    assert "Quality assured" in body


def test_your_listings_does_not_show_other_providers_listings(client, personas, service):
    response = login(client, personas.outsider).get(reverse("directory:my_listings"))
    assert response.status_code == 200
    assert "Oswestry Men" not in response.content.decode()


def test_a_link_worker_keeps_no_listings_of_their_own(client, personas, service):
    response = login(client, personas.link_worker).get(reverse("directory:my_listings"))
    assert response.status_code == 200
    assert "You do not keep any listings" in response.content.decode()


def test_your_listings_sends_anonymous_visitors_to_sign_in(client, service):
    response = client.get(reverse("directory:my_listings"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_your_listings_takes_the_same_queries_however_many_listings(
    client, personas, org, service, django_assert_max_num_queries
):
    login(client, personas.owner)
    for i in range(5):
        make_service(f"Session {i}", organization=org)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:my_listings"))
    assert response.content.decode().count("Needs checking") >= 1


# --- Edit ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", WRITE_ALLOWED)
def test_editors_see_the_edit_form_filled_in(client, personas, service, who):
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    response = login(client, getattr(personas, who)).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="version" value="1"' in body
    assert 'value="10:00"' in body


@pytest.mark.parametrize("who", WRITE_ALLOWED)
def test_editors_can_save_a_listing(client, personas, service, who):
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    response = login(client, getattr(personas, who)).post(
        url, edit_post(service, description="Woodwork, repairs and a brew")
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.description, service.version) == ("Woodwork, repairs and a brew", 2)


@pytest.mark.parametrize(("who", "status"), [("read_only", 403), ("outsider", 404)])
def test_read_only_members_and_outsiders_cannot_edit(client, personas, service, who, status):
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    login(client, getattr(personas, who))
    assert client.get(url).status_code == status
    assert client.post(url, edit_post(service, name="Hijacked")).status_code == status
    service.refresh_from_db()
    assert service.name == "Oswestry Men's Shed"


def test_edit_sends_anonymous_visitors_to_sign_in_and_changes_nothing(client, service):
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    response = client.post(url, edit_post(service, name="Hijacked"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert Service.objects.get(pk=service.pk).name == "Oswestry Men's Shed"


def test_edit_shows_an_error_summary_and_keeps_what_was_typed(client, personas, service):
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    response = login(client, personas.owner).post(
        url,
        edit_post(
            service,
            description="Kept in the form",
            minimum_age="65",
            maximum_age="18",
            **{
                "session-1-day": "WE",
                "session-1-opens_at": "15:00",
                "session-1-closes_at": "09:00",
            },
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert '<a href="#id_minimum_age">Minimum age must be lower than the maximum age</a>' in body
    assert (
        '<a href="#id_session-1-closes_at">Session 2: Closing time must be after opening time</a>'
        in body
    )
    assert "Kept in the form" in body
    service.refresh_from_db()
    assert (service.description, service.version) == ("", 1)


def test_edit_reports_rule_problems_alongside_fields_that_did_not_parse(client, personas, service):
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    response = login(client, personas.owner).post(
        url,
        edit_post(
            service,
            name="",
            cost="paid",
            capacity_available="8",
            capacity_maximum="4",
            **{"session-0-closes_at": "09:00"},
        ),
    )
    body = response.content.decode()
    assert "Enter the name of the service" in body
    assert "Enter how much it costs, for example 3.50" in body
    assert "Places available cannot be more than the maximum number of places" in body
    assert "Session 1: Closing time must be after opening time" in body
    assert Service.objects.get(pk=service.pk).version == 1


def test_edit_refuses_to_overwrite_someone_elses_newer_save(client, personas, service):
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    stale_form = edit_post(service, description="My version")
    login(client, personas.teammate).post(url, edit_post(service, description="Their version"))
    client.logout()
    response = login(client, personas.owner).post(url, stale_form)
    assert response.status_code == 409
    assert "changed by someone else after you opened it" in response.content.decode()
    service.refresh_from_db()
    assert (service.description, service.version) == ("Their version", 2)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity_available", "3000000000", "Places must be 100,000 or fewer"),
        ("capacity_maximum", "2147483648", "Places must be 100,000 or fewer"),
        ("url", "https://example.org/" + "a" * 481, "Website address must be 500 characters"),
        ("email", "a" * 64 + "@" + ("b" * 50 + ".") * 4 + "org", "Email address must be 254"),
    ],
)
def test_edit_refuses_values_too_big_to_store_with_a_clear_message(
    client, personas, service, field, value, message
):
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    response = login(client, personas.owner).post(url, edit_post(service, **{field: value}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    service.refresh_from_db()
    assert service.version == 1


@pytest.fixture
def shared_venue_service(personas):
    """A service of the owner's provider that meets at a venue owned by nobody (a village hall
    other providers' services use too)."""
    service = make_service(
        "Oswestry Men's Shed",
        owner=personas.provider_org,
        lat=52.86,
        lon=-3.05,
        accessible="Step-free entrance",
    )
    venue = service.service_at_locations.get().location
    venue.organization = None
    venue.save()
    other = make_service("Whitchurch walking group", owner=personas.other_provider_org)
    ServiceAtLocation.objects.create(service=other, location=venue)
    return service


def test_provider_staff_cannot_change_access_text_of_a_venue_their_organisation_does_not_own(
    client, personas, shared_venue_service
):
    service = shared_venue_service
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    client = login(client, personas.owner)
    form = client.get(url).content.decode()
    assert "only the social prescribing team can change its access information" in form
    assert "disabled" in form.split('id="id_accessibility"')[0].rsplit("<textarea", 1)[1]
    response = client.post(url, edit_post(service, accessibility="No access at all"))
    # A disabled field keeps the stored text: the rest of the edit is saved.
    assert response.status_code == 302
    assert Accessibility.objects.get().description == "Step-free entrance"
    with pytest.raises(ValidationFailed) as exc:
        service_update(
            actor=personas.owner,
            service=service,
            data={"accessibility": "No access at all"},
            expected_version=Service.objects.get(pk=service.pk).version,
        )
    assert "not owned by your organisation" in exc.value.errors["accessibility"][0]
    assert Accessibility.objects.get().description == "Step-free entrance"


@pytest.mark.parametrize("who", ["link_worker", "admin"])
def test_directory_editors_can_change_access_text_of_a_shared_venue(
    client, personas, shared_venue_service, who
):
    service = shared_venue_service
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    response = login(client, getattr(personas, who)).post(
        url, edit_post(service, accessibility="Ramp at the side door")
    )
    assert response.status_code == 302
    assert Accessibility.objects.get().description == "Ramp at the side door"


def test_provider_staff_can_change_access_text_of_their_own_venue(client, personas, service):
    Accessibility.objects.create(
        location=service.service_at_locations.get().location, description="Old"
    )
    url = reverse("directory:service_edit", kwargs={"service_id": service.uuid})
    response = login(client, personas.owner).post(
        url, edit_post(service, accessibility="Hearing loop")
    )
    assert response.status_code == 302
    assert Accessibility.objects.get().description == "Hearing loop"


# --- Still correct -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", WRITE_ALLOWED)
def test_editors_can_confirm_a_listing_is_still_correct(client, personas, service, who):
    assert service.is_stale()
    url = reverse("directory:service_verify", kwargs={"service_id": service.uuid})
    response = login(client, getattr(personas, who)).post(url, {"version": "1", "next": "mine"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert not service.is_stale()
    assert service.last_verified_by == getattr(personas, who)


@pytest.mark.parametrize(("who", "status"), [("read_only", 403), ("outsider", 404)])
def test_read_only_members_and_outsiders_cannot_confirm(client, personas, service, who, status):
    url = reverse("directory:service_verify", kwargs={"service_id": service.uuid})
    assert login(client, getattr(personas, who)).post(url, {"version": "1"}).status_code == status
    service.refresh_from_db()
    assert service.is_stale()


def test_confirming_needs_a_post_and_a_signed_in_user(client, personas, service):
    url = reverse("directory:service_verify", kwargs={"service_id": service.uuid})
    response = client.post(url, {"version": "1"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert login(client, personas.owner).get(url).status_code == 405
    service.refresh_from_db()
    assert service.is_stale()


# --- Provider page and quality checks ----------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_detail"),
    [
        ("owner", True),
        ("teammate", True),
        ("read_only", True),
        ("link_worker", True),
        ("outsider", False),
        ("commissioner", False),
    ],
)
def test_the_provider_page_shows_assurance_status_and_details_to_those_entitled(
    client, personas, org, service, who, sees_detail
):
    QualityCheck.objects.filter(organization=org).update(reference="INS-2291")
    url = reverse("directory:organization_detail", kwargs={"organization_id": org.uuid})
    response = login(client, getattr(personas, who)).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Quality assured" in body
    assert ("INS-2291" in body) is sees_detail


def test_the_provider_page_shows_a_lapsed_check(client, personas, org):
    QualityCheck.objects.filter(organization=org, kind="insurance").update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    url = reverse("directory:organization_detail", kwargs={"organization_id": org.uuid})
    body = login(client, personas.link_worker).get(url).content.decode()
    assert "Assurance lapsed" in body
    assert "Public liability insurance: expired" in body


def test_the_provider_page_sends_anonymous_visitors_to_sign_in(client, org):
    url = reverse("directory:organization_detail", kwargs={"organization_id": org.uuid})
    assert client.get(url).status_code == 302


def quality_post(**overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "kind": "dbs_checks",
        "checked_on": today.isoformat(),
        "expires_on": (today + dt.timedelta(days=365)).isoformat(),
        "reference": "DBS-2025",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("who", ["link_worker", "team_manager", "admin"])
def test_the_social_prescribing_team_records_quality_checks(client, personas, org, who):
    url = reverse("directory:organization_quality", kwargs={"organization_id": org.uuid})
    login(client, getattr(personas, who))
    assert "Record a quality check" in client.get(url).content.decode()
    response = client.post(url, quality_post())
    assert response.status_code == 302
    assert org.quality_checks.filter(reference="DBS-2025").exists()


@pytest.mark.parametrize("who", ["owner", "teammate", "read_only"])
def test_provider_staff_may_view_but_not_record_their_own_quality_checks(
    client, personas, org, who
):
    url = reverse("directory:organization_quality", kwargs={"organization_id": org.uuid})
    login(client, getattr(personas, who))
    response = client.get(url)
    assert response.status_code == 200
    assert "Record a quality check" not in response.content.decode()
    assert client.post(url, quality_post()).status_code == 403
    assert not org.quality_checks.filter(reference="DBS-2025").exists()


def test_outsiders_cannot_see_or_record_quality_checks(client, personas, org):
    url = reverse("directory:organization_quality", kwargs={"organization_id": org.uuid})
    login(client, personas.outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, quality_post()).status_code == 404
    assert not org.quality_checks.filter(reference="DBS-2025").exists()


def test_quality_checks_send_anonymous_visitors_to_sign_in(client, org):
    url = reverse("directory:organization_quality", kwargs={"organization_id": org.uuid})
    assert client.post(url, quality_post()).status_code == 302
    assert not org.quality_checks.filter(reference="DBS-2025").exists()


def test_a_quality_check_with_impossible_dates_is_refused_with_a_clear_message(
    client, personas, org
):
    url = reverse("directory:organization_quality", kwargs={"organization_id": org.uuid})
    today = timezone.localdate()
    response = login(client, personas.link_worker).post(
        url, quality_post(expires_on=(today - dt.timedelta(days=3)).isoformat())
    )
    assert response.status_code == 200
    assert "The expiry date must be after the date it was checked" in response.content.decode()
    assert not org.quality_checks.filter(reference="DBS-2025").exists()
