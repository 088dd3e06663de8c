"""The ORUK query parameters filter, order and paginate as documented; bad values are 400s that
name the parameter."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from linkwell.api.oruk.params import MAX_PER_PAGE
from linkwell.api.tests.conftest import BASE, assert_valid, names
from linkwell.directory.models import Service

pytestmark = pytest.mark.django_db

LISTED = {
    "Oswestry Men's Shed",
    "Oswestry Community Choir",
    "Shrewsbury Health Walk",
    "Online Befriending",
    "Oswestry Knit and Natter",
}


def sal_service_names(response: Any) -> list[str]:
    return [item["service"]["name"] for item in response.json()["contents"]]


def test_lists_show_active_and_temporarily_closed_services_only(client, directory):
    assert set(names(client.get(f"{BASE}/services"))) == LISTED


def test_search_matches_every_word_in_name_description_provider_or_term(client, directory):
    assert names(client.get(f"{BASE}/services", {"search": "woodwork"})) == ["Oswestry Men's Shed"]
    assert names(client.get(f"{BASE}/services", {"search": "oswestry choir"})) == [
        "Oswestry Community Choir"
    ]
    assert names(client.get(f"{BASE}/services", {"search": "music"})) == [
        "Oswestry Community Choir"
    ]


def test_taxonomy_term_id_keeps_services_with_that_term(client, directory):
    response = client.get(f"{BASE}/services", {"taxonomy_term_id": str(directory.crafts.uuid)})
    assert names(response) == ["Oswestry Men's Shed"]


def test_taxonomy_term_id_accepts_a_comma_separated_list(client, directory):
    both = f"{directory.crafts.uuid},{directory.music.uuid}"
    response = client.get(f"{BASE}/services", {"taxonomy_term_id": both})
    assert set(names(response)) == {"Oswestry Men's Shed", "Oswestry Community Choir"}


def test_taxonomy_id_keeps_services_with_any_term_of_that_taxonomy(client, directory):
    response = client.get(f"{BASE}/services", {"taxonomy_id": str(directory.needs.uuid)})
    assert names(response) == ["Shrewsbury Health Walk"]


def test_minimum_age_keeps_services_whose_own_minimum_is_at_least_it(client, directory):
    # Shed 18+, choir 8 to 16: ORUK compares the service's own minimum age.
    assert names(client.get(f"{BASE}/services", {"minimum_age": "18"})) == ["Oswestry Men's Shed"]
    assert set(names(client.get(f"{BASE}/services", {"minimum_age": "8"}))) == {
        "Oswestry Men's Shed",
        "Oswestry Community Choir",
    }


def test_maximum_age_keeps_services_whose_own_maximum_is_at_most_it(client, directory):
    assert names(client.get(f"{BASE}/services", {"maximum_age": "16"})) == [
        "Oswestry Community Choir"
    ]
    assert names(client.get(f"{BASE}/services", {"maximum_age": "15"})) == []


def test_person_age_keeps_services_open_to_someone_that_age(client, directory):
    twelve = set(names(client.get(f"{BASE}/services", {"person_age": "12"})))
    assert "Oswestry Community Choir" in twelve
    assert "Oswestry Men's Shed" not in twelve
    assert "Online Befriending" in twelve  # no limits


def test_day_keeps_services_running_that_day(client, directory):
    assert names(client.get(f"{BASE}/services", {"day": "TU"})) == ["Oswestry Men's Shed"]
    assert names(client.get(f"{BASE}/services", {"day": "thursday"})) == [
        "Oswestry Community Choir"
    ]


def test_start_and_end_time_keep_sessions_inside_that_window(client, directory):
    # Shed TU 10:00-12:00, choir TH 19:00-21:00, walk SA 09:00-10:30.
    morning = {"day": "TU", "start_time": "09:00", "end_time": "12:00"}
    assert names(client.get(f"{BASE}/services", morning)) == ["Oswestry Men's Shed"]
    # Overlapping is not enough: the shed closes at 12:00, after 11:00.
    overlap = {"day": "TU", "start_time": "09:00", "end_time": "11:00"}
    assert names(client.get(f"{BASE}/services", overlap)) == []
    # No day needed.
    evening = client.get(f"{BASE}/services", {"start_time": "18:00"})
    assert names(evening) == ["Oswestry Community Choir"]
    early = client.get(f"{BASE}/services", {"end_time": "11:00"})
    assert names(early) == ["Shrewsbury Health Walk"]


def test_postcode_orders_services_nearest_first(client, directory):
    response = client.get(f"{BASE}/services", {"postcode": "sy111aa"})
    listed = names(response)
    assert listed.index("Oswestry Men's Shed") < listed.index("Oswestry Community Choir")
    assert listed.index("Oswestry Community Choir") < listed.index("Shrewsbury Health Walk")
    assert listed[-1] == "Online Befriending"  # no location: last


def test_proximity_keeps_services_within_that_many_metres(client, directory):
    near = client.get(f"{BASE}/services", {"postcode": "SY11 1AA", "proximity": "1000"})
    assert set(names(near)) == {
        "Oswestry Men's Shed",
        "Oswestry Community Choir",
        "Oswestry Knit and Natter",
    }
    very_near = client.get(f"{BASE}/services", {"postcode": "SY11 1AA", "proximity": "100"})
    assert set(names(very_near)) == {"Oswestry Men's Shed", "Oswestry Knit and Natter"}


def test_proximity_on_services_at_locations_measures_from_each_location(client, directory):
    response = client.get(
        f"{BASE}/service_at_locations", {"postcode": "SY1 1AA", "proximity": "2000"}
    )
    assert sal_service_names(response) == ["Shrewsbury Health Walk"]
    ordered = sal_service_names(client.get(f"{BASE}/service_at_locations", {"postcode": "SY1 1AA"}))
    assert ordered[0] == "Shrewsbury Health Walk"


def test_services_at_locations_take_the_service_filters(client, directory):
    response = client.get(
        f"{BASE}/service_at_locations", {"taxonomy_term_id": str(directory.music.uuid)}
    )
    assert sal_service_names(response) == ["Oswestry Community Choir"]
    response = client.get(
        f"{BASE}/service_at_locations",
        {"organization_id": str(directory.walk.organization.uuid)},
    )
    assert sal_service_names(response) == ["Shrewsbury Health Walk"]


def test_modified_after_returns_changes_of_every_status(client, directory):
    later = timezone.now() + dt.timedelta(days=1)
    Service.objects.filter(pk__in=[directory.shed.pk, directory.defunct.pk]).update(
        updated_at=later + dt.timedelta(hours=1)
    )
    response = client.get(
        f"{BASE}/services", {"modified_after": later.astimezone(dt.UTC).isoformat()}
    )
    assert set(names(response)) == {"Oswestry Men's Shed", "Oswestry Old Lunch Club"}


def test_modified_after_accepts_a_date_and_a_z_suffix(client, directory):
    assert client.get(f"{BASE}/services", {"modified_after": "2024-05-01"}).status_code == 200
    ok = client.get(f"{BASE}/services", {"modified_after": "2024-05-01T09:00:00Z"})
    assert ok.status_code == 200
    assert len(names(ok)) == 6  # every service was changed after 2024, whatever its status


def test_pages_walk_the_whole_list(client, directory):
    first = client.get(f"{BASE}/services", {"per_page": "2"}).json()
    assert_valid(first, "page")
    assert (first["total_items"], first["total_pages"], first["size"]) == (5, 3, 2)
    assert first["first_page"] and not first["last_page"]
    last = client.get(f"{BASE}/services", {"per_page": "2", "page": "3"}).json()
    assert (last["page_number"], last["size"], last["last_page"]) == (3, 1, True)
    seen = [
        s["name"]
        for page in (1, 2, 3)
        for s in client.get(f"{BASE}/services", {"per_page": 2, "page": page}).json()["contents"]
    ]
    assert sorted(seen) == sorted(LISTED)


def test_a_page_past_the_end_is_empty_not_the_last_page_again(client, directory):
    body = client.get(f"{BASE}/services", {"per_page": "2", "page": "9"}).json()
    assert body["contents"] == []
    assert (body["empty"], body["last_page"], body["page_number"]) == (True, True, 9)


def test_taxonomy_terms_filter_by_taxonomy_parent_and_top_level(client, directory):
    directory.music.parent = directory.crafts
    directory.music.save()
    by_taxonomy = client.get(f"{BASE}/taxonomy_terms", {"taxonomy_id": str(directory.needs.uuid)})
    assert names(by_taxonomy) == ["Walking"]
    children = client.get(f"{BASE}/taxonomy_terms", {"parent_id": str(directory.crafts.uuid)})
    assert names(children) == ["Music"]
    top = client.get(f"{BASE}/taxonomy_terms", {"top_only": "true"})
    assert "Music" not in names(top)


def test_organizations_and_taxonomies_take_search(client, directory):
    assert names(client.get(f"{BASE}/organizations", {"search": "community action"})) == [
        "Oswestry Community Action"
    ]
    assert names(client.get(f"{BASE}/taxonomies", {"search": "needs"})) == ["Linkwell needs"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"per_page": "0"}, f"per_page must be a whole number between 1 and {MAX_PER_PAGE}"),
        ({"per_page": "501"}, f"per_page must be a whole number between 1 and {MAX_PER_PAGE}"),
        ({"per_page": "ten"}, "per_page must be a whole number"),
        ({"page": "-1"}, "page must be a whole number"),
        ({"taxonomy_term_id": "crafts"}, "taxonomy_term_id must be one id"),
        ({"taxonomy_id": "123"}, "taxonomy_id must be an id"),
        ({"minimum_age": "old"}, "minimum_age must be an age"),
        ({"maximum_age": "12.5"}, "maximum_age must be an age"),
        ({"day": "XX"}, "day must be one of MO, TU, WE, TH, FR, SA, SU"),
        ({"day": "MO", "start_time": "9am"}, "start_time must be a 24-hour time"),
        ({"day": "MO", "end_time": "25:00"}, "end_time must be a 24-hour time"),
        ({"day": "MO", "start_time": "12:00", "end_time": "11:00"}, "earlier than end_time"),
        ({"minimal": "true", "full": "true"}, "minimal and full cannot both be true"),
        ({"minimal": "yes"}, "minimal must be true or false"),
        ({"person_age": "young"}, "person_age must be an age"),
        ({"modified_after": "yesterday"}, "modified_after must be an ISO 8601"),
        ({"modified_after": "2024-13-45"}, "modified_after must be an ISO 8601"),
        ({"proximity": "1000"}, "proximity needs a postcode"),
        ({"postcode": "SY11 1AA", "proximity": "far"}, "proximity must be a whole number"),
        ({"postcode": "not a postcode"}, "postcode: not a postcode is not a valid UK postcode"),
        ({"postcode": "SY11 9ZZ"}, "postcode: We could not find the postcode SY11 9ZZ"),
        ({"format": "ndjson"}, "format must be json"),
        ({"full": "maybe"}, "full must be true or false"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, directory, query, message):
    response = client.get(f"{BASE}/services", query)
    assert response.status_code == 400
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("service_at_locations", {"proximity": "10"}),
        ("service_at_locations", {"organization_id": "acme"}),
        ("organizations", {"per_page": "100000"}),
        ("taxonomies", {"page": "0"}),
        ("taxonomy_terms", {"parent_id": "x"}),
        ("taxonomy_terms", {"top_only": "sometimes"}),
    ],
)
def test_every_list_rejects_bad_parameters(client, directory, path, query):
    response = client.get(f"{BASE}/{path}", query)
    assert response.status_code == 400
    assert next(iter(query)) in response.json()["detail"]


def test_an_unknown_term_id_gives_an_empty_list_not_an_error(client, directory):
    response = client.get(f"{BASE}/services", {"taxonomy_term_id": str(uuid.uuid4())})
    assert response.status_code == 200
    assert response.json()["empty"] is True


def test_blank_and_unknown_parameters_are_ignored(client, directory):
    response = client.get(f"{BASE}/services", {"search": "", "day": " ", "_": "12345"})
    assert set(names(response)) == LISTED


@pytest.mark.parametrize(
    "search", ["mens shed", "Mens Sheds", "MEN\u2019S SHEDS", "men's shed", "woodworks"]
)
def test_search_ignores_apostrophes_and_plurals(client, directory, search):
    assert names(client.get(f"{BASE}/services", {"search": search})) == ["Oswestry Men's Shed"]


def test_services_can_be_limited_to_one_organization(client, directory):
    response = client.get(
        f"{BASE}/services", {"organization_id": str(directory.walk.organization.uuid)}
    )
    assert names(response) == ["Shrewsbury Health Walk"]
    response = client.get(f"{BASE}/services", {"organization_id": "acme"})
    assert response.status_code == 400
    assert "organization_id" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("services", "search"),
        ("services", "postcode"),
        ("service_at_locations", "search"),
        ("organizations", "search"),
        ("taxonomies", "search"),
        ("taxonomy_terms", "search"),
    ],
)
def test_a_nul_character_in_a_parameter_is_a_400_naming_it(client, directory, path, name):
    response = client.get(f"{BASE}/{path}?{name}=shed%00")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{name} must not contain a NUL character")


@pytest.mark.parametrize(
    ("value", "listed"),
    [
        ("0001-01-01T00:00:00+05:00", 6),
        ("0001-01-01T00:00:00+23:59", 6),
        ("9999-12-31T23:59:59-05:00", 0),
    ],
)
def test_a_modified_after_beyond_the_calendar_in_utc_means_everything_or_nothing(
    client, directory, value, listed
):
    # Valid RFC 3339 datetimes (the document's `date-time`) whose UTC instant Python cannot hold.
    response = client.get(f"{BASE}/services", {"modified_after": value})
    assert response.status_code == 200
    assert response.json()["total_items"] == listed


@pytest.mark.parametrize("value", ["2024-05-01t09:00:00z", "2024-05-01T23:59:60Z"])
def test_a_modified_after_in_any_rfc_3339_form_is_accepted(client, directory, value):
    response = client.get(f"{BASE}/services", {"modified_after": value})
    assert response.status_code == 200


def test_a_modified_after_with_an_offset_is_compared_in_utc(client, directory):
    later = timezone.now() + dt.timedelta(days=1)
    Service.objects.filter(pk=directory.shed.pk).update(updated_at=later)
    # One hour before `later`, written at +05:00.
    before = (later - dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=5)))
    response = client.get(f"{BASE}/services", {"modified_after": before.isoformat()})
    assert names(response) == ["Oswestry Men's Shed"]
