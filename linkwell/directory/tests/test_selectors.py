"""search_services: the filters a link worker uses, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import timezone

from linkwell.directory.models import CostOption, Schedule, Service, ServiceStatus, Taxonomy
from linkwell.directory.postcodes import haversine_km, lookup
from linkwell.directory.selectors import ServiceFilters, search_services
from linkwell.directory.tests.factories import make_service, make_term

pytestmark = pytest.mark.django_db

OSWESTRY = (52.8597, -3.0540)
ELLESMERE = (52.9078, -2.8947)  # about 12 km from Oswestry
SHREWSBURY = (52.7077, -2.7538)  # about 25 km


def names(filters: ServiceFilters, **kw: int) -> list[str]:
    return [s.name for s in search_services(filters=filters, **kw).items]


def test_it_lists_active_services_by_name_when_there_is_no_query() -> None:
    make_service("Walking group")
    make_service("art club")
    make_service("Closed choir", status=ServiceStatus.DEFUNCT)
    assert names(ServiceFilters()) == ["art club", "Walking group"]
    assert names(ServiceFilters(statuses=())) == ["art club", "Closed choir", "Walking group"]


def test_it_matches_every_word_across_name_description_provider_and_categories() -> None:
    make_service("Knit and natter", description="A friendly craft circle", terms=["Loneliness"])
    make_service("Park run", description="Running in the park")
    make_service("Coffee morning", organization=None)
    assert names(ServiceFilters(text="craft")) == ["Knit and natter"]
    assert names(ServiceFilters(text="LONELINESS knit")) == ["Knit and natter"]
    assert names(ServiceFilters(text="coffee provider")) == ["Coffee morning"]
    assert names(ServiceFilters(text="craft running")) == []


def test_services_named_after_the_query_come_first() -> None:
    make_service("Arts for health", description="Singing and painting")
    make_service("Singing for the brain")
    assert names(ServiceFilters(text="singing")) == ["Singing for the brain", "Arts for health"]


@pytest.mark.parametrize(
    "query",
    ["men's shed", "mens shed", "Mens Sheds", "MEN\u2019S SHEDS", "men\u2019s shed", "menshed"],
)
def test_text_ignores_apostrophes_and_plurals_in_the_query_and_the_listing(query: str) -> None:
    make_service("Oswestry Men's Shed", description="Woodwork and a cuppa")
    make_service("Whitchurch Men\u2019s Shed")  # a curly apostrophe, as pasted from Word
    make_service("Women's walking group", description="Gentle walks")
    make_service("Garden shed sale")
    assert names(ServiceFilters(text=query)) == [
        "Oswestry Men's Shed",
        "Whitchurch Men\u2019s Shed",
    ]


@pytest.mark.parametrize("query", ["food bank", "foodbank", "Foodbanks", "food banks"])
def test_joined_and_split_spellings_find_each_other(query: str) -> None:
    make_service("Oswestry Food Bank")
    make_service("Whitchurch Foodbank")
    make_service("Food growing club")
    assert set(names(ServiceFilters(text=query))) == {"Oswestry Food Bank", "Whitchurch Foodbank"}


def test_plural_words_match_singular_listings_and_categories() -> None:
    make_service("Knit and natter", terms=["Craft activity"])
    make_service("Walking group", description="Walks for beginners")
    make_service("Box clever", description="Boxing class")
    assert names(ServiceFilters(text="crafts activities")) == ["Knit and natter"]
    assert names(ServiceFilters(text="walking groups")) == ["Walking group"]
    assert names(ServiceFilters(text="boxes classes")) == ["Box clever"]
    assert names(ServiceFilters(text="drop-in")) == []


def test_a_hyphenated_query_finds_the_spelling_with_a_space() -> None:
    make_service("Carers drop in", description="Tea and a chat")
    make_service("Youth drop-in")
    # Names holding the query as typed come first.
    assert names(ServiceFilters(text="drop-in")) == ["Youth drop-in", "Carers drop in"]
    assert names(ServiceFilters(text="dropin")) == ["Carers drop in", "Youth drop-in"]


def test_the_whole_query_in_the_name_ranks_first_even_with_apostrophes() -> None:
    make_service("Walking for health", description="Ask about the mens shed too")
    make_service("Men's Shed")
    assert names(ServiceFilters(text="mens shed")) == ["Men's Shed", "Walking for health"]


def test_services_can_be_limited_to_one_provider() -> None:
    shed = make_service("Men's Shed")
    make_service("Walking group")
    assert names(ServiceFilters(organization_id=shed.organization.uuid)) == ["Men's Shed"]


def test_it_filters_by_category_and_by_taxonomy() -> None:
    crafts = make_term("Crafts")
    walking = make_term("Walking")
    other = make_term("Debt advice", taxonomy="Needs")
    make_service("Knit", terms=[crafts])
    make_service("Ramble", terms=[walking])
    make_service("Money clinic", terms=[other])
    assert names(ServiceFilters(taxonomy_term_ids=(crafts.uuid, walking.uuid))) == [
        "Knit",
        "Ramble",
    ]
    needs = Taxonomy.objects.get(name="Needs")
    assert names(ServiceFilters(taxonomy_id=needs.uuid)) == ["Money clinic"]


def test_it_keeps_services_whose_age_range_fits() -> None:
    make_service("Youth club", minimum_age=11, maximum_age=18)
    make_service("Over 50s", minimum_age=50)
    make_service("Everyone")
    assert names(ServiceFilters(age=15)) == ["Everyone", "Youth club"]
    assert names(ServiceFilters(age=70)) == ["Everyone", "Over 50s"]
    # ORUK semantics: the service's own minimum is at least X / its own maximum at most Y.
    assert names(ServiceFilters(minimum_age=19)) == ["Over 50s"]
    assert names(ServiceFilters(minimum_age=0)) == ["Everyone", "Over 50s", "Youth club"]
    assert names(ServiceFilters(maximum_age=18)) == ["Youth club"]
    assert names(ServiceFilters(maximum_age=17)) == []
    assert names(ServiceFilters(minimum_age=11, maximum_age=18)) == ["Youth club"]


def test_oruk_times_keep_sessions_opening_and_closing_inside_the_window() -> None:
    make_service("Tuesday morning", byday="TU", opens="10:00", closes="12:00")
    make_service("Thursday evening", byday="TH", opens="18:00", closes="20:00")
    make_service("No times", byday="TU")
    assert names(ServiceFilters(opens_from=dt.time(9))) == ["Thursday evening", "Tuesday morning"]
    assert names(ServiceFilters(opens_from=dt.time(10, 30))) == ["Thursday evening"]
    # Overlapping the window is not enough: the session must close by the end.
    assert names(ServiceFilters(opens_from=dt.time(9), closes_by=dt.time(11))) == []
    assert names(ServiceFilters(day="TH", closes_by=dt.time(20))) == ["Thursday evening"]
    assert names(ServiceFilters(day="TU", opens_from=dt.time(18))) == []


def test_it_orders_by_distance_within_the_radius_and_reports_it() -> None:
    make_service("Shrewsbury walk", lat=SHREWSBURY[0], lon=SHREWSBURY[1])
    make_service("Ellesmere walk", lat=ELLESMERE[0], lon=ELLESMERE[1])
    make_service("Oswestry walk", lat=OSWESTRY[0], lon=OSWESTRY[1])
    make_service("Online walk")  # no location
    page = search_services(filters=ServiceFilters(point=OSWESTRY, within_km=15))
    assert [s.name for s in page.items] == ["Oswestry walk", "Ellesmere walk"]
    distances = [s.distance_km for s in page.items]  # type: ignore[attr-defined]
    assert distances[0] == pytest.approx(0, abs=0.01)
    assert distances[1] == pytest.approx(haversine_km(OSWESTRY, ELLESMERE), rel=1e-6)
    assert page.total_items == 2


def test_with_a_point_and_no_radius_unlocated_services_come_last() -> None:
    make_service("Shrewsbury walk", lat=SHREWSBURY[0], lon=SHREWSBURY[1])
    make_service("Online walk")
    make_service("Oswestry walk", lat=OSWESTRY[0], lon=OSWESTRY[1])
    page = search_services(filters=ServiceFilters(point=OSWESTRY))
    assert [s.name for s in page.items] == ["Oswestry walk", "Shrewsbury walk", "Online walk"]
    assert page.items[2].distance_km is None  # type: ignore[attr-defined]


def test_a_service_at_several_places_is_listed_once_at_its_nearest() -> None:
    service = make_service("Two venues", lat=SHREWSBURY[0], lon=SHREWSBURY[1])
    other = make_service("Elsewhere", lat=OSWESTRY[0], lon=OSWESTRY[1])
    service.service_at_locations.create(location=other.service_at_locations.get().location)
    page = search_services(filters=ServiceFilters(point=OSWESTRY, within_km=50))
    assert [s.name for s in page.items] == ["Elsewhere", "Two venues"]
    assert page.items[1].distance_km == pytest.approx(0, abs=0.01)  # type: ignore[attr-defined]


def test_a_postcode_point_finds_services_near_it() -> None:
    make_service("Shed", postcode="SY11 1AA")
    make_service("Far away", postcode="B1 1AY")
    assert names(ServiceFilters(point=lookup("sy111ad"), within_km=2)) == ["Shed"]


def test_it_finds_sessions_on_a_day_and_overlapping_a_time() -> None:
    make_service("Tuesday morning", byday="TU", opens="10:00", closes="12:00")
    make_service("Tue and Thu evening", byday="TU,TH", opens="18:00", closes="20:00")
    make_service("Monday", byday="MO", opens="10:00", closes="12:00")
    make_service("No schedule")
    assert names(ServiceFilters(day="TU")) == ["Tue and Thu evening", "Tuesday morning"]
    morning = ServiceFilters(day="TU", start_time=dt.time(9), end_time=dt.time(12))
    assert names(morning) == ["Tuesday morning"]
    # A session ending exactly when the window starts does not overlap it.
    assert names(ServiceFilters(day="tu", start_time=dt.time(12), end_time=dt.time(17))) == []
    assert names(ServiceFilters(day="TH", start_time=dt.time(17))) == ["Tue and Thu evening"]


def test_a_schedule_that_has_ended_does_not_count() -> None:
    service = make_service("Last term", byday="WE", opens="10:00", closes="11:00")
    service.schedules.update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert names(ServiceFilters(day="WE")) == []


def test_a_day_and_time_find_the_same_sessions_with_and_without_a_radius() -> None:
    """Without a radius the services with a matching session are listed at once; with one they
    are checked one by one after the bounding box (`_runs_on`). Both read sessions on the
    service and at its venues, open-ended times, and ended schedules alike."""
    make_service("On the service", lat=OSWESTRY[0], lon=OSWESTRY[1], byday="WE", opens="10:00")
    at_venue = make_service("At its venue", lat=OSWESTRY[0], lon=OSWESTRY[1])
    Schedule.objects.create(
        service_at_location=at_venue.service_at_locations.get(),
        byday="MO,WE",
        opens_at=dt.time(11, 30),
        closes_at=dt.time(13),
    )
    listed = make_service("Listed on the session", lat=OSWESTRY[0], lon=OSWESTRY[1])
    venue = make_service("Venue of the session", lat=OSWESTRY[0], lon=OSWESTRY[1])
    Schedule.objects.create(
        service=listed, service_at_location=venue.service_at_locations.get(), byday="WE"
    )
    make_service("Unlocated", byday="WE", opens="09:00", closes="10:30")
    ended = make_service("Ended", lat=OSWESTRY[0], lon=OSWESTRY[1], byday="WE", opens="10:00")
    ended.schedules.update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    make_service("Afternoon", lat=OSWESTRY[0], lon=OSWESTRY[1], byday="WE", opens="14:00")
    make_service("Thursday", lat=OSWESTRY[0], lon=OSWESTRY[1], byday="TH", opens="10:00")
    wednesday = ServiceFilters(day="WE", start_time=dt.time(10), end_time=dt.time(12))
    everywhere = [
        "At its venue",
        "Listed on the session",
        "On the service",
        "Unlocated",
        "Venue of the session",
    ]
    assert names(wednesday) == everywhere
    located = [name for name in everywhere if name != "Unlocated"]
    assert names(replace(wednesday, point=OSWESTRY, within_km=5)) == located
    # Nearest first with no radius: the unlocated one last.
    assert names(replace(wednesday, point=OSWESTRY)) == [*located, "Unlocated"]


def test_free_means_a_zero_or_free_option_and_nothing_paid() -> None:
    make_service("Free walk", free=True)
    make_service("Paid yoga", price="5.00")
    make_service("Free first session", free=True, price="3.00")
    make_service("Unknown cost")
    donation = make_service("Donations welcome")
    CostOption.objects.create(service=donation, option="Free, donations welcome")
    assert names(ServiceFilters(free_only=True)) == ["Donations welcome", "Free walk"]


def test_it_filters_by_accessibility_and_referral_mode() -> None:
    make_service("Step free", postcode="SY11 1AA", accessible="Wheelchair accessible")
    make_service("Upstairs", postcode="SY11 1AA", referrals=True)
    assert names(ServiceFilters(accessible_only=True)) == ["Step free"]
    assert names(ServiceFilters(accepts_referrals=True)) == ["Upstairs"]
    assert names(ServiceFilters(accepts_referrals=False)) == ["Step free"]


def test_it_filters_by_last_modified() -> None:
    old = make_service("Old")
    make_service("New")
    cutoff = timezone.now() - dt.timedelta(days=1)
    Service.objects.filter(pk=old.pk).update(updated_at=cutoff - dt.timedelta(days=5))
    assert names(ServiceFilters(modified_after=cutoff)) == ["New"]


def test_it_pages_results_and_clamps_the_page_number() -> None:
    for i in range(7):
        make_service(f"Group {i}", lat=OSWESTRY[0] + i / 1000, lon=OSWESTRY[1])
    page = search_services(filters=ServiceFilters(), page=2, per_page=3)
    assert [s.name for s in page.items] == ["Group 3", "Group 4", "Group 5"]
    assert (page.total_items, page.total_pages, page.has_next) == (7, 3, True)
    near = search_services(filters=ServiceFilters(point=OSWESTRY, within_km=5), page=9, per_page=3)
    assert near.page == 3 and [s.name for s in near.items] == ["Group 6"]


def test_a_results_page_costs_the_same_number_of_queries_for_more_results(
    django_assert_max_num_queries: object,
) -> None:
    for i in range(30):
        make_service(f"Group {i:02}", postcode="SY11 1AA", byday="TU", opens="10:00", free=True)
    for filters in (ServiceFilters(), ServiceFilters(point=OSWESTRY, within_km=10)):
        with django_assert_max_num_queries(10):  # type: ignore[operator]
            page = search_services(filters=filters)
            for service in page.items:
                list(service.schedules.all())
                list(service.cost_options.all())
                list(service.organization.quality_checks.all())
                for sal in service.service_at_locations.all():
                    list(sal.location.addresses.all())
        assert len(page.items) == 25
