"""The Calderside council feed (evaluation/council/directory.json) reads as a real feed would."""

import json
from pathlib import Path

import pytest

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.directory import postcodes
from linkwell.directory.exchange import rules
from linkwell.directory.exchange.importer import directory_import
from linkwell.directory.exchange.readers.files import read_file
from linkwell.directory.exchange.sources import SERVICE
from linkwell.directory.models import Service
from linkwell.matching.documents import load_directory

FEED = Path(__file__).resolve().parent.parent / "evaluation" / "council" / "directory.json"


@pytest.fixture(scope="module")
def records():
    return read_file(FEED).records


def test_the_feed_is_one_oruk_page_whose_count_matches_its_contents():
    page = json.loads(FEED.read_text(encoding="utf-8"))
    assert page["total_items"] == len(page["contents"])


def test_every_record_is_a_service_linkwell_reads_with_a_unique_id(records):
    assert len(records) >= 170
    assert {r.kind for r in records} == {SERVICE}
    docs = load_directory(FEED)
    ids = [d.id for d in docs]
    assert len(ids) == len(records)
    assert len(set(ids)) == len(ids)
    assert all(d.name for d in docs)


def test_no_record_would_be_rejected_on_import(records):
    rejected = {
        r.data.get("name"): rules.schema_errors(r) + rules.business_errors(r)
        for r in records
        if rules.schema_errors(r) or rules.business_errors(r)
    }
    assert rejected == {}


def test_the_published_quirks_are_there_for_the_reader_to_resolve(records):
    warnings = " ".join(w for r in records for w in r.warnings)
    assert "has no time zone" in warnings
    assert "no id given" in warnings
    assert "is not a web address" in warnings
    raw = json.loads(FEED.read_text(encoding="utf-8"))["contents"]
    assert any(s.get("maximum_age") == -1 for s in raw)
    assert {s["status"] for s in raw} >= {"active", "inactive", "defunct"}


def test_every_postcode_geocodes_near_its_stated_coordinates(records):
    places = [
        (address["postal_code"], location)
        for r in records
        for sal in r.data.get("service_at_locations") or []
        for location in [sal["location"]]
        for address in location.get("addresses") or []
    ]
    assert places
    for postcode, location in places:
        assert postcode.split()[0] in {f"BL{n}" for n in range(1, 8)}, postcode
        point = postcodes.lookup(postcode)  # raises UnknownPostcode if it does not exist
        if "latitude" in location:
            stated = (location["latitude"], location["longitude"])
            assert postcodes.haversine_km(point, stated) < 0.1, postcode


@pytest.mark.slow
@pytest.mark.django_db
def test_the_whole_feed_imports_into_the_directory_with_nothing_rejected():
    read = read_file(FEED)
    with audit_context(channel=Channel.IMPORT):
        report = directory_import(actor=None, records=read.records)
    assert report.rejected == []
    assert report.committed
    assert Service.objects.count() == len(read.records)
    assert Service.objects.filter(status="defunct").count() == 1
