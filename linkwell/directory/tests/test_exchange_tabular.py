"""`linkwell directory export --format tabular`: an HSDS tabular data package that frictionless
validates (types, required columns, unique ids, foreign keys), in both profiles."""

from __future__ import annotations

import csv
import json
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import frictionless
import pytest
from django.core.management import CommandError, call_command

from linkwell.directory.exchange import schemas
from linkwell.directory.models import (
    Address,
    Contact,
    Language,
    Location,
    Phone,
    Service,
    ServiceAtLocation,
)
from linkwell.directory.tests.factories import make_organization, make_service, make_term, tag

pytestmark = pytest.mark.django_db

ORUK_DELETED_SERVICE_COLUMNS = {
    "program_id",
    "alternate_name",
    "fees_description",
    "interpretation_services",
    "application_process",
    "wait_time",
    "eligibility_description",
    "licenses",
}


@pytest.fixture
def directory() -> dict[str, Service]:
    provider = make_organization("Oswestry Community Action", legal_status="Charity")
    crafts = make_term("Crafts")
    shed = make_service(
        "Oswestry Men's Shed",
        organization=provider,
        postcode="SY11 1AA",
        byday="TU,TH",
        opens="10:00",
        closes="12:00",
        free=True,
        minimum_age=18,
        referrals=True,
        application_process="Just turn up.",
        eligibility_description="Men over 18.",
        fees_description="Free",
    )
    tag(shed, crafts)
    choir = make_service("Oswestry Choir", organization=provider, price="3.50", maximum_age=16)
    # The choir also meets at the shed's venue: one location row, two service_at_location rows.
    venue = shed.service_at_locations.get().location
    ServiceAtLocation.objects.create(service=choir, location=venue)
    contact = Contact.objects.create(service=shed, name="Coordinator", email="c@example.org")
    phone = Phone.objects.create(contact=contact, number="01691 000000")
    Language.objects.create(phone=phone, name="Welsh", code="cy")
    Phone.objects.create(service=shed, number="01691 111111")
    Language.objects.create(service=shed, name="English", code="en")
    spare = Location.objects.create(organization=provider, name="Store room")
    Address.objects.create(
        location=spare, address_1="2 Church St", city="Oswestry", postal_code="SY11 2AA"
    )
    return {"shed": shed, "choir": choir}


def read_table(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_valid_package(descriptor: Path | str) -> None:
    report = frictionless.validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_it_writes_a_valid_hsds_data_package(tmp_path, directory):
    out = tmp_path / "package"
    call_command("directory", "export", "--format", "tabular", "--out", str(out), stdout=StringIO())
    assert_valid_package(out / "datapackage.json")
    services = read_table(out, "services.csv")
    shed = next(r for r in services if r["name"] == "Oswestry Men's Shed")
    assert shed["id"] == str(directory["shed"].uuid)
    assert shed["organization_id"] == str(directory["shed"].organization.uuid)
    assert shed["minimum_age"] == "18"
    assert shed["application_process"] == "Just turn up."  # HSDS-native: kept
    schedules = read_table(out, "schedules.csv")
    assert [(s["service_id"], s["byday"], s["opens_at"]) for s in schedules] == [
        (str(directory["shed"].uuid), "TU,TH", "10:00:00")
    ]
    sals = read_table(out, "service_at_location.csv")
    assert len(sals) == 2 and len({s["location_id"] for s in sals}) == 1
    locations = read_table(out, "locations.csv")
    assert {loc["name"] for loc in locations} == {"Oswestry Men's Shed venue", "Store room"}
    phones = read_table(out, "phones.csv")
    contact_id = str(directory["shed"].contacts.get().uuid)
    assert {(p["number"], p["contact_id"], p["service_id"]) for p in phones} == {
        ("01691 000000", contact_id, ""),
        ("01691 111111", "", str(directory["shed"].uuid)),
    }
    languages = read_table(out, "languages.csv")
    assert {
        (lang["name"], bool(lang["phone_id"]), bool(lang["service_id"])) for lang in languages
    } == {
        ("Welsh", True, False),
        ("English", False, True),
    }
    costs = read_table(out, "cost_options.csv")
    assert sorted(c["amount"] for c in costs) == ["0", "3.5"]


def test_every_cited_taxonomy_term_is_in_the_package(tmp_path, directory):
    out = tmp_path / "package"
    call_command("directory", "export", "--format", "tabular", "--out", str(out), stdout=StringIO())
    terms = {t["id"]: t for t in read_table(out, "taxonomy_terms.csv")}
    attributes = read_table(out, "attributes.csv")
    assert {a["taxonomy_term_id"] for a in attributes} <= set(terms)
    names = {terms[a["taxonomy_term_id"]]["name"] for a in attributes}
    assert {"Crafts", "Accepts referrals", "Signposting only"} <= names
    taxonomies = {t["id"] for t in read_table(out, "taxonomies.csv")}
    assert {t["taxonomy_id"] for t in terms.values() if t["taxonomy_id"]} <= taxonomies


def test_a_code_two_taxonomies_share_is_left_out_so_the_package_stays_valid(tmp_path, directory):
    ours = make_term("Cycling")
    theirs = make_term("Cycling", taxonomy="Activity types (OpenActive)")
    walking = make_term("Walking")
    for term, code in ((ours, "cycling"), (theirs, "cycling"), (walking, "walking")):
        term.code = code
        term.save()
        tag(directory["choir"], term)
    out = tmp_path / "package"
    call_command("directory", "export", "--format", "tabular", "--out", str(out), stdout=StringIO())
    assert_valid_package(out / "datapackage.json")
    codes = {t["id"]: t["code"] for t in read_table(out, "taxonomy_terms.csv")}
    assert codes[str(ours.uuid)] == codes[str(theirs.uuid)] == ""
    assert codes[str(walking.uuid)] == "walking"
    native = tmp_path / "hsds.json"
    call_command("directory", "export", "--out", str(native), stdout=StringIO())
    dumped = {t["id"]: t.get("code") for t in json.loads(native.read_text())["taxonomy_terms"]}
    assert dumped[str(ours.uuid)] == dumped[str(theirs.uuid)] == "cycling"


def test_the_oruk_profile_package_is_valid_and_has_no_deleted_column(tmp_path, directory):
    out = tmp_path / "oruk.zip"
    call_command(
        "directory",
        "export",
        "--format",
        "tabular",
        "--profile",
        "oruk",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(folder)
    assert_valid_package(folder / "datapackage.json")
    with (folder / "services.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert "organization_id" in header
    assert not ORUK_DELETED_SERVICE_COLUMNS & set(header)
    package: dict[str, Any] = json.loads((folder / "datapackage.json").read_text())
    assert "phones.csv" in {r["path"] for r in package["resources"]}
    phone_columns = next(r for r in package["resources"] if r["name"] == "phone")
    assert "extension" not in {f["name"] for f in phone_columns["schema"]["fields"]}
    shed = next(r for r in read_table(folder, "services.csv") if r["name"].endswith("Shed"))
    assert shed["organization_id"] == str(directory["shed"].organization.uuid)


def test_the_zip_validates_as_it_is(tmp_path, directory):
    out = tmp_path / "hsds.zip"
    call_command("directory", "export", "--format", "tabular", "--out", str(out), stdout=StringIO())
    with zipfile.ZipFile(out) as archive:
        assert "datapackage.json" in archive.namelist()
        assert "services.csv" in archive.namelist()
    assert_valid_package(out)


def test_an_empty_directory_is_a_valid_package_of_empty_tables(tmp_path, db):
    out = tmp_path / "empty"
    call_command("directory", "export", "--format", "tabular", "--out", str(out), stdout=StringIO())
    assert_valid_package(out / "datapackage.json")
    assert read_table(out, "services.csv") == []


def test_tabular_needs_somewhere_to_write(db):
    with pytest.raises(CommandError, match="needs --out"):
        call_command("directory", "export", "--format", "tabular", stdout=StringIO())


def _keys(value: Any) -> set[str]:
    """Every key at any depth of a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_the_json_export_in_the_uk_profile_has_no_deleted_field(tmp_path, directory):
    out = tmp_path / "oruk.json"
    call_command("directory", "export", "--profile", "oruk", "--out", str(out), stdout=StringIO())
    dump = json.loads(out.read_text())
    native = tmp_path / "hsds.json"
    call_command("directory", "export", "--out", str(native), stdout=StringIO())
    native_services = json.loads(native.read_text())["services"]
    # The native form holds them (so their absence below is the profile's doing).
    assert {"phones", "application_process", "eligibility_description"} <= _keys(native_services)
    for service in dump["services"]:
        assert not (ORUK_DELETED_SERVICE_COLUMNS | {"phones", "link_entity"}) & _keys(service)
        assert service["organization_id"] == service["organization"]["id"]
        errors = list(schemas.validator(schemas.ORUK_SERVICE).iter_errors(service))
        assert errors == []
    for organization in dump["organizations"]:
        assert not {"legal_status", "locations", "contacts", "phones"} & set(organization)
