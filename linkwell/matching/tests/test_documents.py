import json
from pathlib import Path

import pytest

from linkwell.directory.exchange.export import directory_dump
from linkwell.directory.models import ServiceStatus
from linkwell.directory.tests.factories import make_organization, make_service
from linkwell.matching.documents import DirectoryError, Session, load_directory

DATA = Path("/work/shared/data")
MOCKS = DATA / "oruk" / "validator-mocks" / "V3.0-UK-Default"
SAMPLES = DATA / "directories" / "oruk-live-feed-samples"


def service(sid: str = "s1", **fields):
    return {"id": sid, "name": f"Service {sid}", "status": "active", **fields}


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


def test_it_reads_a_list_of_full_service_objects():
    docs = load_directory([service("a"), service("b")])
    assert [d.id for d in docs] == ["a", "b"]


def test_it_reads_a_page_in_any_key_case_and_a_file_of_pages(tmp_path):
    page = {"totalElements": 2, "totalPages": 1, "CONTENTS": [service("a"), service("b")]}
    assert [d.id for d in load_directory(page)] == ["a", "b"]
    pages = [{"total_items": 1, "contents": [service("a")]}, {"content": [service("b")]}]
    assert [d.id for d in load_directory(pages)] == ["a", "b"]
    lines = tmp_path / "pages.jsonl"
    lines.write_text("\n".join(json.dumps(p) for p in pages) + "\n")
    assert [d.id for d in load_directory(lines)] == ["a", "b"]


def test_it_reads_the_oruk_examples_and_live_feed_samples():
    full = load_directory(need(MOCKS / "service_full.json"))[0]
    assert full.name == "Community Counselling"
    assert (full.min_age, full.max_age) == (12, 100)
    assert full.free is False and full.cost_amount == 35
    assert full.quality_assured is True
    assert full.locations[0].point is None  # the example's latitude 100 is out of range
    assert {s.day for s in full.schedules} == {"TH", "FR"}
    assert "induction loops" in full.accessibility[0]
    assert len(load_directory(need(SAMPLES / "cqc-services-page1.json"))) == 2
    assert load_directory(need(SAMPLES / "hull-services-page1.json")) == []


def test_it_reads_schedules_costs_capacity_and_transport():
    doc = load_directory(
        service(
            "x",
            description="We collect you from home in our minibus.",
            schedules=[
                {"freq": "MONTHLY", "byday": "1MO,TU", "opens_at": "10:00", "closes_at": "12:00:00"}
            ],
            cost_options=[{"option": "Free", "amount": 0}],
            capacities=[{"available": 3, "maximum": 12, "unit": {"name": "places"}}],
            languages=[{"name": "Polish"}, {"code": "EN"}],
        )
    )[0]
    assert doc.schedules[0] == Session(
        day="MO", nth=1, opens=doc.schedules[0].opens, closes=doc.schedules[0].closes
    )
    assert str(doc.schedules[1].closes) == "12:00:00"
    assert doc.free is True and doc.capacity_available == 3 and doc.capacity_maximum == 12
    assert doc.provides_transport is True
    assert doc.languages == ("pl", "en")


def test_a_location_without_coordinates_is_placed_by_its_postcode():
    location = {
        "id": "l",
        "name": "Castle View Community Centre",
        "location_type": "physical",
        "addresses": [{"postal_code": "SY11 1AA"}],
    }
    doc = load_directory(service(service_at_locations=[{"id": "sal", "location": location}]))[0]
    assert doc.points and 52.8 < doc.points[0][0] < 52.9
    assert doc.locations[0].name == "Castle View Community Centre"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (7, "file: expected a service object or page"),
        ([service("a"), {"name": "No id"}], "item 2: the service has no id"),
        ({"contents": [service("a"), {"id": "b"}]}, "contents[1] id=b: the service has no name"),
        ({"contents": "nope"}, "contents: must be a list"),
        ([service("a"), service("a")], "item 2: service id a appears twice (first at item 1)"),
        (
            [{"contents": [service("a")]}, {"contents": [1]}],
            "item 2 contents[0]: expected a service object",
        ),
    ],
)
def test_bad_directories_say_where(data, message):
    with pytest.raises(DirectoryError) as exc:
        load_directory(data)
    assert message in str(exc.value)


def test_bad_files_say_where(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(DirectoryError, match="no such file"):
        load_directory(missing)
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(service("a")) + "\n{oops\n")
    with pytest.raises(DirectoryError, match="line 2 is not valid JSON"):
        load_directory(broken)


@pytest.mark.django_db
def test_the_directory_export_is_matchable():
    org = make_organization("Oswestry Wheels", assured=True)
    make_service(
        "Cycling without age",
        organization=org,
        postcode="SY11 1AA",
        terms=["Cycling"],
        byday="TU",
        opens="10:00",
        closes="12:00",
        free=True,
        referrals=True,
        description="Trishaw rides; we collect you from home.",
        capacity_available=2,
        capacity_maximum=8,
        minimum_age=50,
    )
    make_service("Closed café", status=ServiceStatus.DEFUNCT)
    dump = json.loads(json.dumps(directory_dump()))
    docs = {d.name: d for d in load_directory(dump)}
    ride = docs["Cycling without age"]
    assert ride.taxonomy_terms == ("Cycling",)
    assert ride.accepts_referrals is True
    assert ride.quality_assured is True
    assert ride.free is True and ride.capacity_available == 2 and ride.min_age == 50
    assert ride.provides_transport is True
    assert ride.points and ride.schedules[0].day == "TU"
    assert ride.organization == "Oswestry Wheels"
    assert docs["Closed café"].status == "defunct"


def test_json_lines_errors_name_the_line(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_text(
        json.dumps(service("a")) + "\n\n" + json.dumps({"contents": [{"id": "b"}]}) + "\n"
    )
    with pytest.raises(DirectoryError, match=r"line 3 contents\[0\] id=b: the service has no name"):
        load_directory(path)
