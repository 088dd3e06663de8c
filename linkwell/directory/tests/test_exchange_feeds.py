"""Reading feeds as councils publish them: ORUK 3.0 quirks, ORUK 1.0, HSDS tabular packages.

Fixtures in `fixtures/feeds/` are made up, shaped like the published feeds (see its README);
the tabular package is the official HSDS 3.0 example (`fixtures/official/SOURCE.md`)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import uuid
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from linkwell.audit.context import audit_context
from linkwell.audit.models import AuditEvent, Channel
from linkwell.directory.exchange import sources
from linkwell.directory.exchange.importer import ImportReport, directory_import
from linkwell.directory.exchange.readers import files, oruk1
from linkwell.directory.models import (
    Address,
    CostOption,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    Taxonomy,
    TaxonomyTerm,
)

pytestmark = pytest.mark.django_db

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
PACKAGE = Path(__file__).parent / "fixtures" / "official" / "hsds/3.0/examples/csv"
WALKING_GROUP = "c1a2b3c4-0000-4000-8000-000000000001"
KNIT = "c1a2b3c4-0000-4000-8000-000000000002"


def run_import(path: Path | str, *, partial: bool = False, source: str = "") -> ImportReport:
    read = files.read_file(path, source=source)
    with audit_context(channel=Channel.IMPORT):
        return directory_import(actor=None, records=read.records, partial=partial)


def command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("directory", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected_lines(report: ImportReport) -> list[str]:
    return [line for r in report.rejected for line in r.lines()]


# --- ORUK 3.0 / HSDS 3 JSON as published ------------------------------------------------


def test_the_fixture_files_begin_with_a_byte_order_mark():
    assert (FEEDS / "oruk3_quirks.json").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (FEEDS / "oruk1_page.json").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_feed_with_no_limit_ages_naive_times_and_phones_without_ids_imports_with_warnings():
    report = run_import(FEEDS / "oruk3_quirks.json")
    assert report.committed, rejected_lines(report)
    assert report.counts["service"]["created"] == 2

    walk = Service.objects.get(uuid=WALKING_GROUP)
    assert (walk.minimum_age, walk.maximum_age) == (None, None)  # -1 means no limit
    # 09:15 on 2 June, London summer time, is 08:15 UTC.
    assert walk.source_last_modified == dt.datetime(2025, 6, 2, 8, 15, tzinfo=dt.UTC)
    assert walk.extra["x_opd_category"] == ["Social groups"]  # vendor extension kept
    numbers = sorted(Phone.objects.filter(contact__service=walk).values_list("number", flat=True))
    assert numbers == ["01632 960001", "01632 960002"]

    knit = Service.objects.get(uuid=KNIT)
    assert knit.email == "" and knit.source_last_modified is None
    warnings = "\n".join(report.warnings)
    assert (
        "record 1 (contents[0]): last_modified: '2025-06-02T09:15:00' has no time zone; "
        "read as UK time (2025-06-02T09:15:00+01:00)"
    ) in warnings
    assert (
        "record 2 (contents[1]): email: 'knit at riverside' is not an email address; left out"
        in warnings
    )
    assert (
        "record 2 (contents[1]): last_modified: 'yesterday-ish' is not a date and time; left out"
        in warnings
    )
    assert "contacts[0].phones[0], contacts[0].phones[1]: no id given" in warnings
    assert "minimum_age" not in warnings  # -1 is what the schema allows for "no limit"


def test_reimporting_a_feed_whose_phones_have_no_ids_changes_nothing():
    run_import(FEEDS / "oruk3_quirks.json")
    phones = set(Phone.objects.values_list("uuid", flat=True))
    events = AuditEvent.objects.count()
    again = run_import(FEEDS / "oruk3_quirks.json")
    assert again.changed == 0
    assert set(Phone.objects.values_list("uuid", flat=True)) == phones
    assert AuditEvent.objects.count() == events


def test_a_broken_record_is_rejected_with_its_position_and_nothing_is_kept_by_default():
    report = run_import(FEEDS / "oruk3_one_broken.json")
    assert not report.committed
    assert rejected_lines(report) == [
        f"record 2 (contents[1]) id={KNIT}: 'name' is a required property"
    ]
    assert Service.objects.count() == 0


def test_a_uk_country_name_is_read_as_gb_with_a_warning():
    page = json.loads((FEEDS / "oruk3_quirks.json").read_text(encoding="utf-8-sig"))
    location = page["contents"][0]["service_at_locations"][0]["location"]
    location["addresses"][0]["country"] = "United Kingdom"
    with audit_context(channel=Channel.IMPORT):
        report = directory_import(actor=None, records=sources.records_from_value(page))
    assert report.committed, rejected_lines(report)
    assert Address.objects.get(location__uuid=location["id"]).country == "GB"
    assert (
        "record 1 (contents[0]): service_at_locations[0].location.addresses[0].country: "
        "'United Kingdom' read as GB (HSDS gives countries as two-letter codes)"
    ) in report.warnings


def test_partial_keeps_the_good_record_of_a_feed_with_a_broken_one():
    report = run_import(FEEDS / "oruk3_one_broken.json", partial=True)
    assert report.committed and len(report.rejected) == 1
    assert list(Service.objects.values_list("uuid", flat=True)) == [uuid.UUID(WALKING_GROUP)]


def test_json_lines_are_read_line_by_line():
    page = json.loads((FEEDS / "oruk3_quirks.json").read_text(encoding="utf-8-sig"))
    text = "\n".join(json.dumps(item) for item in page["contents"]) + "\n"
    records = sources.parse_json(text)
    assert [r.position for r in records] == ["line 1", "line 2"]
    assert all(r.data.get("minimum_age") is None for r in records)


# --- ORUK 1.0 ----------------------------------------------------------------------------


def oruk1_uuid(kind: str, raw: object, source: str = "") -> uuid.UUID:
    return uuid.uuid5(oruk1.ORUK1_ID_NS, f"{source}|{kind}|{raw}")


def test_an_oruk_1_page_is_mapped_to_hsds_3_and_what_could_not_be_mapped_is_reported():
    report = run_import(FEEDS / "oruk1_page.json")
    assert report.committed, rejected_lines(report)
    assert report.counts["service"]["created"] == 2

    walk = Service.objects.get(uuid=oruk1_uuid("service", 11))
    assert walk.name == "Hillside Walk and Talk"
    assert walk.organization.uuid == oruk1_uuid("organization", 301)
    assert walk.organization.website == "https://example.org"
    assert (walk.minimum_age, walk.maximum_age) == (18, None)
    assert walk.eligibility_description == "Adults"
    assert walk.fees_description == "Free"
    schedule = Schedule.objects.get(service=walk)
    assert (schedule.freq, schedule.byday, str(schedule.opens_at)) == ("WEEKLY", "WE", "10:00:00")
    assert str(schedule.dtstart) == "2024-01-03"
    location = Location.objects.get(uuid=oruk1_uuid("location", 1601))
    assert location.service_at_locations.filter(service=walk).exists()
    address = Address.objects.get(location=location)
    assert (address.postal_code, address.country, address.address_type) == (
        "NR2 2BB",
        "GB",
        "physical",
    )
    cost = CostOption.objects.get(service=walk)
    assert (str(cost.amount), cost.currency) == ("2.50", "GBP")
    assert sorted(Language.objects.filter(service=walk).values_list("name", flat=True)) == [
        "English",
        "Polish",
    ]
    assert Phone.objects.get(contact__service=walk).number == "01632 960100"
    assert set(TaxonomyTerm.objects.values_list("name", flat=True)) == {"Activity", "Walking"}
    assert walk.extra["funding"] == [
        {"id": str(oruk1_uuid("funding", 912)), "source": "Made-up lottery grant"}
    ]

    coffee = Service.objects.get(uuid=oruk1_uuid("service", 12))
    assert (coffee.minimum_age, coffee.maximum_age) == (None, None)
    assert (
        "record 1 (content[0], ORUK 1.0 id 11): reviews, deliverable_type, attending_type, "
        "attending_access: no place for them in HSDS 3; not imported"
    ) in report.warnings


def test_reimporting_an_oruk_1_page_changes_nothing():
    run_import(FEEDS / "oruk1_page.json")
    again = run_import(FEEDS / "oruk1_page.json")
    assert again.changed == 0 and again.committed


def test_a_single_oruk_1_service_is_recognised_and_its_ids_depend_on_the_source():
    out, err = command(str(FEEDS / "oruk1_service.json"), "--source", "https://feeds.example.org")
    assert "services: 1 created" in out
    assert "no place for them in HSDS 3" in err
    expected = oruk1_uuid("service", 13, "https://feeds.example.org")
    assert list(Service.objects.values_list("uuid", flat=True)) == [expected]
    assert run_import(FEEDS / "oruk1_service.json").counts["service"]["created"] == 1


def test_an_oruk_1_record_lacking_a_name_is_rejected_with_its_position_and_original_id():
    page = json.loads((FEEDS / "oruk1_page.json").read_text(encoding="utf-8-sig"))
    del page["content"][1]["name"]
    with audit_context(channel=Channel.IMPORT):
        report = directory_import(actor=None, records=sources.records_from_value(page))
    assert not report.committed
    assert rejected_lines(report) == [
        f"record 2 (content[1], ORUK 1.0 id 12) id={oruk1_uuid('service', 12)}: "
        "'name' is a required property"
    ]


# --- HSDS tabular data packages --------------------------------------------------------


def copy_package(tmp_path: Path) -> Path:
    target = tmp_path / "package"
    shutil.copytree(PACKAGE, target)
    return target


def edit_csv(path: Path, row: int, column: str, value: str | None) -> None:
    """Set (or, with None, remove) a column of data row `row` (0 = the first data row)."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    if value is None:
        header.remove(column)
        for r in rows:
            del r[column]
    elif column not in header:
        header.append(column)
        for r in rows:
            r[column] = ""
        rows[row][column] = value
    else:
        rows[row][column] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)


def test_the_official_tabular_package_imports_from_its_directory():
    read = files.read_file(PACKAGE)
    assert "programs.csv: Linkwell does not hold program records; not imported" in read.notes
    with audit_context(channel=Channel.IMPORT):
        report = directory_import(actor=None, records=read.records)
    assert report.committed, rejected_lines(report)
    service = Service.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    assert service.name == "Community Counselling"
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.organization.name == "Example Organization Inc."
    assert Schedule.objects.filter(service=service, byday="TH,FR").exists()
    assert Phone.objects.filter(service=service).exists()
    assert Taxonomy.objects.count() == 1 and TaxonomyTerm.objects.count() == 1
    # A reference to a taxonomy outside the package is kept (the directory may hold it).
    assert TaxonomyTerm.objects.get().extra["taxonomy_id"] == "07ff6aee-a219-438c-b694-d2fcb6c5373b"
    assert any(
        w.startswith("record 4 (services.csv row 2): locations.csv row 2, field organization_id")
        for w in report.warnings
    ), report.warnings


def test_a_package_imports_from_its_descriptor_path_and_from_a_zip_to_the_same_rows(tmp_path):
    first = run_import(PACKAGE / "datapackage.json")
    assert first.committed
    archive = tmp_path / "directory.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in PACKAGE.iterdir():
            zf.write(path, f"hsds/{path.name}")
    again = run_import(archive)
    assert again.committed and again.changed == 0


def test_the_command_imports_a_package_and_prints_its_notes():
    out, err = command(str(PACKAGE))
    assert "services: 1 created" in out
    assert "warning: metadata.csv: Linkwell does not hold metadata records" in err
    assert DirectoryOrganization.objects.filter(name="Example Organization Inc.").exists()


def test_a_bad_optional_value_is_left_out_with_file_row_and_field(tmp_path):
    package = copy_package(tmp_path)
    edit_csv(package / "services.csv", 0, "minimum_age", "twelve")
    report = run_import(package)
    assert report.committed, rejected_lines(report)
    assert Service.objects.get().minimum_age is None
    assert any(
        "record 4 (services.csv row 2): field minimum_age" in w and "left out" in w
        for w in report.warnings
    ), report.warnings


def test_a_missing_required_value_rejects_its_record_with_file_row_and_field(tmp_path):
    package = copy_package(tmp_path)
    edit_csv(package / "phones.csv", 0, "number", "")
    report = run_import(package)
    assert not report.committed
    lines = rejected_lines(report)
    assert any(
        line.startswith(
            "record 4 (services.csv row 2) id=ac148810-d857-441c-9679-408f346de14b: "
            "phones.csv row 2, field number:"
        )
        for line in lines
    ), lines
    assert Service.objects.count() == 0


def test_a_package_may_leave_out_optional_columns_and_add_its_own_but_not_drop_required_ones(
    tmp_path,
):
    package = copy_package(tmp_path)
    edit_csv(package / "services.csv", 0, "alternate_name", None)
    edit_csv(package / "services.csv", 0, "x_council_ref", "FIS-0042")
    services = [r for r in files.read_file(package).records if r.kind == "service"]
    assert "alternate_name" not in services[0].data
    assert services[0].data["x_council_ref"] == "FIS-0042"  # kept, as in JSON feeds
    edit_csv(package / "services.csv", 0, "name", None)
    with pytest.raises(sources.ImportFileError, match=r"services\.csv has no name column"):
        files.read_file(package)


@pytest.mark.parametrize("path", ["https://example.org/services.csv", "../services.csv"])
def test_a_package_pointing_outside_itself_is_refused_and_nothing_is_fetched(tmp_path, path):
    package = copy_package(tmp_path)
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = path
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(sources.ImportFileError, match="is not a file inside the package"):
        files.read_file(package)


def test_the_command_reports_a_broken_package_without_importing(tmp_path):
    package = copy_package(tmp_path)
    edit_csv(package / "phones.csv", 0, "number", "")
    with pytest.raises(CommandError, match="nothing was imported"):
        command(str(package / "datapackage.json"))
    assert Service.objects.count() == 0


def test_a_table_whose_schema_is_not_valid_is_checked_as_text_and_the_rest_imports(tmp_path):
    package = copy_package(tmp_path)
    descriptor = json.loads((package / "datapackage.json").read_text())
    funding = next(r for r in descriptor["resources"] if r["name"] == "funding")
    funding["schema"]["primaryKey"] = "no_such_column"  # as a draft HSDS descriptor has
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    read = files.read_file(package)
    assert any(
        n.startswith("funding.csv: its schema in datapackage.json is not valid") for n in read.notes
    )
    with audit_context(channel=Channel.IMPORT):
        report = directory_import(actor=None, records=read.records)
    assert report.committed, rejected_lines(report)
    assert Service.objects.get().extra["funding"][0]["source"].startswith("This service is funded")
