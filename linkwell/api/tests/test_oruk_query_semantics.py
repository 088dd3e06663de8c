"""Every ORUK query parameter filters as the ORUK OpenAPI document words it.

The directory here is generated (seeded, so reproducible) and described once as plain Python
data (`Spec`); each test computes the right answer from that description with ordinary Python
and compares it with what the API returns. Nothing here calls the selectors the API uses.

Wording followed (ORUK 3.0 profile OpenAPI, `components/parameters`):
- minimum_age: "services with a minimum age of at least the specified value";
- maximum_age: "services with a maximum age of ... equal to or below the specified value";
- start_time: "a start time of at least", end_time: "an end time ... equal to or below";
  day: "a day equal to the specified value";
- modified_after: "all results modified on or after this datetime";
- taxonomy_term_id / taxonomy_id / organization_id: services with that term / any term of that
  taxonomy / of that organization; proximity: "within meters from the centroid" of `postcode`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from linkwell.api.tests.conftest import BASE
from linkwell.directory import postcodes
from linkwell.directory.models import (
    Attribute,
    AttributeLinkEntity,
    Location,
    ReferralMode,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.taxonomies import taxonomy_seed
from linkwell.directory.tests.factories import make_organization

pytestmark = pytest.mark.django_db

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORDS = ("amber", "birch", "cobalt", "damson", "ember", "fennel")
LISTED = {ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED}


@dataclass
class Session:
    days: tuple[str, ...]
    opens: dt.time | None
    closes: dt.time | None
    ended: bool = False


@dataclass
class Spec:
    name: str
    description: str
    organization: str
    status: str
    minimum_age: int | None
    maximum_age: int | None
    referrals: bool
    terms: tuple[str, ...]
    sessions: list[Session]
    point: tuple[float, float] | None
    updated_at: dt.datetime
    uuid: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class World:
    specs: list[Spec]
    terms: dict[str, TaxonomyTerm]
    taxonomies: dict[str, Taxonomy]
    organizations: dict[str, Any]
    base_time: dt.datetime


def _time(rng: random.Random) -> dt.time | None:
    if rng.random() < 0.1:
        return None
    return dt.time(rng.randint(7, 20), rng.choice((0, 15, 30, 45)))


@pytest.fixture
def world(db: None) -> World:
    rng = random.Random(20240501)
    taxonomy_seed()
    colours = Taxonomy.objects.create(name="Colours", description="")
    shapes = Taxonomy.objects.create(name="Shapes", description="")
    terms = {
        "red": TaxonomyTerm.objects.create(taxonomy=colours, name="Red", description=""),
        "blue": TaxonomyTerm.objects.create(taxonomy=colours, name="Blue", description=""),
        "square": TaxonomyTerm.objects.create(taxonomy=shapes, name="Square", description=""),
    }
    organizations = {n: make_organization(n) for n in ("North Trust", "South Group", "West Hub")}
    oswestry = postcodes.lookup("SY11 1AA")
    base_time = timezone.now().replace(microsecond=0) + dt.timedelta(days=30)
    specs: list[Spec] = []
    for i in range(48):
        minimum = rng.choice((None, 0, 5, 11, 16, 18, 50, 65))
        maximum = rng.choice((None, 16, 18, 25, 64, 99))
        if minimum is not None and maximum is not None and maximum < minimum:
            maximum = None
        sessions = []
        for _ in range(rng.randint(0, 2)):
            opens, closes = _time(rng), _time(rng)
            if opens and closes and closes <= opens:
                opens, closes = closes, opens
            if opens == closes:
                closes = None
            days = tuple(sorted(rng.sample(DAYS, rng.randint(1, 2)), key=DAYS.index))
            sessions.append(Session(days, opens, closes, ended=rng.random() < 0.15))
        point = None
        if rng.random() < 0.8:
            # Up to ~6 km from the Oswestry centroid.
            point = (
                oswestry[0] + rng.uniform(-0.05, 0.05),
                oswestry[1] + rng.uniform(-0.08, 0.08),
            )
        specs.append(
            Spec(
                name=f"{rng.choice(WORDS).title()} service {i:02d}",
                description=f"A {rng.choice(WORDS)} group.",
                organization=rng.choice(list(organizations)),
                status=rng.choice(
                    [ServiceStatus.ACTIVE] * 4
                    + [ServiceStatus.TEMPORARILY_CLOSED, ServiceStatus.INACTIVE]
                ),
                minimum_age=minimum,
                maximum_age=maximum,
                referrals=rng.random() < 0.5,
                terms=tuple(rng.sample(list(terms), rng.randint(0, 2))),
                sessions=sessions,
                point=point,
                updated_at=base_time + dt.timedelta(hours=i),
            )
        )
    past = timezone.localdate() - dt.timedelta(days=10)
    for spec in specs:
        service = Service.objects.create(
            uuid=spec.uuid,
            organization=organizations[spec.organization],
            name=spec.name,
            description=spec.description,
            status=spec.status,
            minimum_age=spec.minimum_age,
            maximum_age=spec.maximum_age,
            referral_mode=(
                ReferralMode.ACCEPTS_REFERRALS if spec.referrals else ReferralMode.SIGNPOST_ONLY
            ),
        )
        for term_name in spec.terms:
            Attribute.objects.create(
                link_entity=AttributeLinkEntity.SERVICE,
                link_uuid=service.uuid,
                link_type="category",
                taxonomy_term=terms[term_name],
            )
        for session in spec.sessions:
            Schedule.objects.create(
                service=service,
                freq="WEEKLY",
                byday=",".join(session.days),
                opens_at=session.opens,
                closes_at=session.closes,
                valid_to=past if session.ended else None,
            )
        if spec.point is not None:
            location = Location.objects.create(
                organization=service.organization,
                name=f"{spec.name} venue",
                latitude=spec.point[0],
                longitude=spec.point[1],
            )
            ServiceAtLocation.objects.create(service=service, location=location)
        Service.objects.filter(pk=service.pk).update(updated_at=spec.updated_at)
    return World(
        specs=specs,
        terms=terms,
        taxonomies={"colours": colours, "shapes": shapes},
        organizations=organizations,
        base_time=base_time,
    )


def listed(world: World) -> list[Spec]:
    return [s for s in world.specs if s.status in LISTED]


def api_ids(client: Any, query: dict[str, str], path: str = "services") -> set[str]:
    """Every id the list returns for `query`, walking all pages."""
    ids: list[str] = []
    page = 1
    while True:
        body = client.get(f"{BASE}/{path}", {**query, "page": page, "per_page": 7}).json()
        for item in body["contents"]:
            ids.append(item["service_id"] if path == "service_at_locations" else item["id"])
        if body["last_page"]:
            break
        page += 1
    assert len(ids) == len(set(ids)) or path == "service_at_locations"
    return set(ids)


def ids(specs: list[Spec]) -> set[str]:
    return {str(s.uuid) for s in specs}


def _current(spec: Spec) -> list[Session]:
    return [s for s in spec.sessions if not s.ended]


@pytest.mark.parametrize("age", [0, 5, 16, 18, 50, 66])
def test_minimum_age_keeps_services_with_a_minimum_of_at_least_it(client, world, age):
    # No stated minimum means anyone from birth: a minimum of 0.
    expected = [s for s in listed(world) if (s.minimum_age or 0) >= age]
    assert api_ids(client, {"minimum_age": str(age)}) == ids(expected)


@pytest.mark.parametrize("age", [15, 16, 18, 64, 99])
def test_maximum_age_keeps_services_with_a_maximum_of_at_most_it(client, world, age):
    # No stated maximum means no upper limit: never "at most" anything.
    expected = [s for s in listed(world) if s.maximum_age is not None and s.maximum_age <= age]
    assert api_ids(client, {"maximum_age": str(age)}) == ids(expected)


def test_minimum_and_maximum_age_combine(client, world):
    expected = [
        s
        for s in listed(world)
        if (s.minimum_age or 0) >= 11 and s.maximum_age is not None and s.maximum_age <= 25
    ]
    assert api_ids(client, {"minimum_age": "11", "maximum_age": "25"}) == ids(expected)


@pytest.mark.parametrize("age", [4, 12, 17, 40, 70])
def test_person_age_keeps_services_open_to_that_person(client, world, age):
    expected = [
        s
        for s in listed(world)
        if (s.minimum_age is None or s.minimum_age <= age)
        and (s.maximum_age is None or s.maximum_age >= age)
    ]
    assert api_ids(client, {"person_age": str(age)}) == ids(expected)


@pytest.mark.parametrize("day", ["MO", "SA", "sunday"])
def test_day_keeps_services_with_a_current_session_that_day(client, world, day):
    code = {"sunday": "SU"}.get(day, day)
    expected = [s for s in listed(world) if any(code in x.days for x in _current(s))]
    assert api_ids(client, {"day": day}) == ids(expected)


@pytest.mark.parametrize(
    ("query", "start", "end", "day"),
    [
        ({"start_time": "12:00"}, dt.time(12), None, None),
        ({"end_time": "12:00"}, None, dt.time(12), None),
        ({"start_time": "09:00", "end_time": "17:30"}, dt.time(9), dt.time(17, 30), None),
        ({"day": "WE", "start_time": "10:15"}, dt.time(10, 15), None, "WE"),
        ({"day": "TU", "start_time": "08:00", "end_time": "20:00"}, dt.time(8), dt.time(20), "TU"),
    ],
)
def test_start_and_end_time_keep_sessions_opening_and_closing_inside_them(
    client, world, query, start, end, day
):
    def fits(session: Session) -> bool:
        if day is not None and day not in session.days:
            return False
        if start is not None and (session.opens is None or session.opens < start):
            return False
        return end is None or (session.closes is not None and session.closes <= end)

    expected = [s for s in listed(world) if any(fits(x) for x in _current(s))]
    assert api_ids(client, query) == ids(expected)


@pytest.mark.parametrize("search", ["amber", "ember fennel", "north trust", "blue"])
def test_search_keeps_services_with_every_word(client, world, search):
    term_names = {k: t.name for k, t in world.terms.items()}

    def text(spec: Spec) -> str:
        terms = " ".join(term_names[t] for t in spec.terms)
        return f"{spec.name} {spec.description} {spec.organization} {terms}".lower()

    expected = [s for s in listed(world) if all(w in text(s) for w in search.split())]
    assert api_ids(client, {"search": search}) == ids(expected)


def test_taxonomy_term_id_keeps_services_with_that_term_or_any_listed(client, world):
    red, square = world.terms["red"], world.terms["square"]
    expected = [s for s in listed(world) if "red" in s.terms]
    assert api_ids(client, {"taxonomy_term_id": str(red.uuid)}) == ids(expected)
    either = [s for s in listed(world) if {"red", "square"} & set(s.terms)]
    query = {"taxonomy_term_id": f"{red.uuid},{square.uuid}"}
    assert api_ids(client, query) == ids(either)


def test_taxonomy_id_keeps_services_with_any_term_of_it(client, world):
    colours = world.taxonomies["colours"]
    expected = [s for s in listed(world) if {"red", "blue"} & set(s.terms)]
    assert api_ids(client, {"taxonomy_id": str(colours.uuid)}) == ids(expected)


def test_organization_id_keeps_that_organizations_services(client, world):
    org = world.organizations["South Group"]
    expected = [s for s in listed(world) if s.organization == "South Group"]
    assert api_ids(client, {"organization_id": str(org.uuid)}) == ids(expected)


def test_modified_after_keeps_changes_on_or_after_it_of_every_status(client, world):
    cutoff = world.base_time + dt.timedelta(hours=20)
    expected = [s for s in world.specs if s.updated_at >= cutoff]
    value = cutoff.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api_ids(client, {"modified_after": value}) == ids(expected)
    assert any(s.status == ServiceStatus.INACTIVE for s in expected)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("metres", [1500, 3000, 5000])
@pytest.mark.parametrize("path", ["services", "service_at_locations"])
def test_proximity_keeps_services_within_that_many_metres_of_the_postcode(
    client, world, metres, path
):
    centre = postcodes.lookup("SY11 1AA")
    expected = [
        s for s in listed(world) if s.point is not None and _km(centre, s.point) <= metres / 1000
    ]
    query = {"postcode": "SY11 1AA", "proximity": str(metres)}
    assert api_ids(client, query, path) == ids(expected)


def test_a_postcode_alone_orders_services_nearest_first(client, world):
    centre = postcodes.lookup("SY11 1AA")
    distances = {s.name: _km(centre, s.point) for s in listed(world) if s.point is not None}
    located = sorted(
        (s for s in listed(world) if s.point is not None), key=lambda s: distances[s.name]
    )
    body = client.get(f"{BASE}/services", {"postcode": "SY11 1AA", "per_page": 500}).json()
    got = [item["id"] for item in body["contents"]]
    assert got[: len(located)] == [str(s.uuid) for s in located]
    assert set(got[len(located) :]) == ids([s for s in listed(world) if s.point is None])


@pytest.mark.parametrize("per_page", [1, 5, 10, 500])
def test_pages_partition_the_list_in_name_order(client, world, per_page):
    expected = [str(s.uuid) for s in sorted(listed(world), key=lambda s: (s.name.lower(), s.name))]
    got: list[str] = []
    page = 1
    while True:
        body = client.get(f"{BASE}/services", {"page": page, "per_page": per_page}).json()
        assert body["total_items"] == len(expected)
        assert body["total_pages"] == math.ceil(len(expected) / per_page)
        assert body["page_number"] == page and body["size"] == len(body["contents"])
        got += [item["id"] for item in body["contents"]]
        if body["last_page"]:
            break
        page += 1
    assert got == expected


def test_minimal_gives_every_listed_service_id_and_last_modified_in_one_call(client, world):
    body = client.get(f"{BASE}/services", {"minimal": "true"}).json()
    assert body["total_pages"] == 1 and body["size"] == len(listed(world))
    assert {tuple(item) for item in body["contents"]} == {("id", "last_modified")}
    by_id = {item["id"]: item["last_modified"] for item in body["contents"]}
    assert set(by_id) == ids(listed(world))
    spec = listed(world)[0]
    full = client.get(f"{BASE}/services/{spec.uuid}").json()
    assert by_id[str(spec.uuid)] == full["last_modified"]
    expected_time = spec.updated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert by_id[str(spec.uuid)].startswith(expected_time)


def test_minimal_takes_the_filters_too(client, world):
    body = client.get(f"{BASE}/services", {"minimal": "true", "minimum_age": "18"}).json()
    expected = [s for s in listed(world) if (s.minimum_age or 0) >= 18]
    assert {item["id"] for item in body["contents"]} == ids(expected)


# --- the Linkwell referral-mode terms every service cites ----------------------------------


def _referral_attribute(service: dict[str, Any]) -> dict[str, Any]:
    found = [a for a in service["attributes"] if a["link_type"] == "linkwell_referral_mode"]
    assert len(found) == 1
    return found[0]


def test_every_cited_taxonomy_term_can_be_looked_up(client, world):
    cited: dict[str, dict[str, Any]] = {}
    for spec in world.specs[:12]:
        service = client.get(f"{BASE}/services/{spec.uuid}").json()
        for attribute in service.get("attributes", []):
            cited[attribute["taxonomy_term"]["id"]] = attribute["taxonomy_term"]
    assert len(cited) >= 4  # both referral terms and some of the colour/shape terms
    for term_id, term in cited.items():
        response = client.get(f"{BASE}/taxonomy_terms/{term_id}")
        assert response.status_code == 200, term
        assert response.json()["name"] == term["name"]
        assert response.json()["taxonomy_id"] == term["taxonomy_id"]
        taxonomy = client.get(f"{BASE}/taxonomies/{term['taxonomy_id']}")
        assert taxonomy.status_code == 200


def test_filtering_by_a_referral_mode_term_keeps_services_with_that_mode(client, world):
    spec = next(s for s in listed(world) if s.referrals)
    service = client.get(f"{BASE}/services/{spec.uuid}").json()
    accepts = _referral_attribute(service)["taxonomy_term"]["id"]
    other = next(s for s in listed(world) if not s.referrals)
    signpost = _referral_attribute(client.get(f"{BASE}/services/{other.uuid}").json())
    signpost_id = signpost["taxonomy_term"]["id"]
    assert api_ids(client, {"taxonomy_term_id": accepts}) == ids(
        [s for s in listed(world) if s.referrals]
    )
    assert api_ids(client, {"taxonomy_term_id": signpost_id}) == ids(
        [s for s in listed(world) if not s.referrals]
    )
    red = world.terms["red"].uuid
    assert api_ids(client, {"taxonomy_term_id": f"{accepts},{red}"}) == ids(
        [s for s in listed(world) if s.referrals or "red" in s.terms]
    )
    linkwell = _referral_attribute(service)["taxonomy_term"]["taxonomy_id"]
    assert api_ids(client, {"taxonomy_id": linkwell}) == ids(listed(world))
    terms = client.get(f"{BASE}/taxonomy_terms", {"taxonomy_id": linkwell}).json()
    assert {t["id"] for t in terms["contents"]} == {accepts, signpost_id}
