"""`linkwell match` reads a directory file exactly as `linkwell directory import` does."""

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

from linkwell.matching.documents import load_directory
from linkwell.matching.tests.factories import HOME

FEEDS = Path(__file__).parents[2] / "directory" / "tests" / "fixtures" / "feeds"


def match(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("match", *args, stdout=out)
    results: list[dict[str, Any]] = json.loads(out.getvalue())
    return results


def test_match_on_a_feed_with_no_limit_ages_returns_suggestions(tmp_path):
    # Shaped like a council ORUK 3.0 feed: -1 for "no age limit", a byte-order mark.
    walk = {
        "id": "walk",
        "name": "Oswestry Health Walks",
        "status": "active",
        "description": "Gentle walks for all.",
        "minimum_age": -1,
        "maximum_age": -1,
        "last_modified": "2025-06-02T09:15:00",
        "service_at_locations": [
            {
                "id": "sal1",
                "location": {
                    "id": "l1",
                    "location_type": "physical",
                    "latitude": HOME[0] + 0.01,
                    "longitude": HOME[1],
                },
            }
        ],
    }
    directory = tmp_path / "feed.json"
    directory.write_text(json.dumps({"total_items": 1, "contents": [walk]}), encoding="utf-8-sig")
    person = tmp_path / "person.json"
    person.write_text(
        json.dumps({"id": "p1", "age": 70, "latitude": HOME[0], "longitude": HOME[1],
                    "interests": ["walking"]})
    )  # fmt: skip
    results = match("--directory", str(directory), "--person", str(person))
    assert [r["service_id"] for r in results] == ["walk"]


def test_match_reads_an_oruk_1_page_keeping_its_ids(tmp_path):
    docs = {d.id: d for d in load_directory(FEEDS / "oruk1_page.json")}
    assert set(docs) == {"11", "12"}
    assert (docs["11"].min_age, docs["11"].max_age) == (18, None)
    assert (docs["12"].min_age, docs["12"].max_age) == (None, None)
    assert docs["11"].organization == "Hillside Volunteers"
    assert {s.day for s in docs["11"].schedules} == {"WE"}
    person = tmp_path / "person.json"
    person.write_text(json.dumps({"id": "p1", "age": 70, "latitude": 52.62, "longitude": 1.28}))
    results = match("--directory", str(FEEDS / "oruk1_page.json"), "--person", str(person))
    assert {r["service_id"] for r in results} == {"11", "12"}


def test_match_reads_an_hsds_tabular_package():
    package = FEEDS.parent / "official" / "hsds/3.0/examples/csv"
    docs = load_directory(package)
    assert [d.name for d in docs] == ["Community Counselling"]
    assert (docs[0].min_age, docs[0].max_age) == (12, 100)
