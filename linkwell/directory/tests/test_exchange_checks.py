"""What the importer tells a publisher: every problem at once, postcodes turned into
coordinates (or a warning), council cost wording, and files that are not records at all."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.directory import postcodes
from linkwell.directory.exchange import csv_import, sources
from linkwell.directory.exchange.importer import ImportReport, directory_import
from linkwell.directory.models import CostOption, Location, Service

pytestmark = pytest.mark.django_db

HEADER = (
    "service_id,organisation_name,service_name,address_1,city,postcode,latitude,longitude,"
    "min_age,max_age,cost,day,opens_at,closes_at,accepts_referrals,status"
)


def import_csv(*rows: str, partial: bool = False) -> ImportReport:
    records = csv_import.parse_csv("\n".join([HEADER, *rows]) + "\n")
    with audit_context(channel=Channel.IMPORT):
        return directory_import(actor=None, records=records, partial=partial)


def import_json(value: object) -> ImportReport:
    with audit_context(channel=Channel.IMPORT):
        return directory_import(actor=None, records=sources.records_from_value(value))


def messages(report: ImportReport) -> list[str]:
    return [line for r in report.rejected for line in r.lines()]


# --- every problem at once ------------------------------------------------------------------


def test_a_csv_row_with_four_bad_values_is_reported_with_all_four():
    report = import_csv(
        "S1,Good org,Fine,,,,,,,,,MO,10:00,12:00,yes,",
        "S2,Good org,Fine too,,,,,,,,,MO,10:00,12:00,no,",
        "S3,Good org,Broken,,,,,,,,,Funday,25:00,12:00,maybe,closedish",
    )
    assert not report.committed
    assert [r.position for r in report.rejected] == ["line 4"]
    assert report.rejected[0].messages == [
        "status 'closedish' must be one of active, inactive, defunct, temporarily closed",
        "day funday is not a day of the week",
        "opens_at '25:00' is not a time of day like 10:00 or 14:30",
        "accepts_referrals 'maybe' must be yes or no",
    ]
    assert Service.objects.count() == 0


def test_a_csv_row_reports_its_own_problems_and_the_business_rules_together():
    report = import_csv("S1,Good org,Odd,,,,,,70,12,,Funday,,,,")
    assert report.rejected[0].messages == [
        "day funday is not a day of the week",
        "minimum_age 70 is greater than maximum_age 12",
    ]


def test_a_json_record_reports_schema_and_business_rule_errors_together():
    report = import_json(
        {
            "id": "0e0b5d1c-5d0a-4f2b-9d7e-0b2b8f6d1a11",
            "status": "active",
            "organization_id": "0e0b5d1c-5d0a-4f2b-9d7e-0b2b8f6d1a12",
            "minimum_age": 70,
            "maximum_age": 12,
        }
    )
    assert report.rejected[0].messages == [
        "'name' is a required property",
        "minimum_age 70 is greater than maximum_age 12",
    ]


# --- council cost wording -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "option", "amount", "description"),
    [
        ("£2 per session", "Per session", "2.00", "£2 per session"),
        ("£2.50", "Per session", "2.50", "£2.50"),
        ("2.50 per session", "Per session", "2.50", "£2.50 per session"),
        ("£30 per term", "Per term", "30.00", "£30 per term"),
        ("Free", "Free", "0.00", "Free"),
        ("Free; donations welcome", "Free", "0.00", "Free; donations welcome"),
    ],
)
def test_it_reads_council_cost_wording(cost, option, amount, description):
    report = import_csv(f'S1,Good org,Fine,,,,,,,,"{cost}",,,,,')
    assert report.committed, messages(report)
    got = CostOption.objects.get()
    assert (got.option, str(got.amount), got.amount_description) == (option, amount, description)
    assert got.currency == "GBP"


def test_a_cost_it_cannot_read_is_reported_with_the_pound_sign():
    report = import_csv("S1,Good org,Fine,,,,,,,,£two,,,,,")
    assert report.rejected[0].messages == [
        "cost '£two' is not an amount like £2.50, £2 per session or free"
    ]


# --- postcodes -> coordinates ---------------------------------------------------------------


def test_a_csv_postcode_without_coordinates_is_placed_at_the_postcode():
    report = import_csv("S1,Good org,Fine,1 High Street,Oswestry,sy11 1aa,,,,,,,,,,")
    assert report.committed and report.warnings == []
    location = Location.objects.get()
    assert (location.latitude, location.longitude) == postcodes.lookup("SY11 1AA")
    assert location.addresses.get().postal_code == "SY11 1AA"
    assert import_csv("S1,Good org,Fine,1 High Street,Oswestry,sy11 1aa,,,,,,,,,,").changed == 0


def test_given_coordinates_win_over_the_postcode():
    import_csv("S1,Good org,Fine,1 High Street,Oswestry,SY11 1AA,52.5,-2.5,,,,,,,,")
    location = Location.objects.get()
    assert (location.latitude, location.longitude) == (52.5, -2.5)


@pytest.mark.parametrize(
    ("postcode", "reason"),
    [
        ("SY11 9ZZ", "We could not find the postcode SY11 9ZZ"),
        ("NOTAPC", "NOTAPC is not a valid UK postcode"),
    ],
)
def test_an_unknown_postcode_is_a_line_numbered_warning_and_the_row_still_imports(postcode, reason):
    report = import_csv(
        "S1,Good org,Fine,1 High Street,Oswestry,SY11 1AA,,,,,,,,,,",
        f"S2,Good org,Lost,2 High Street,Oswestry,{postcode},,,,,,,,,,",
    )
    assert report.committed
    assert len(report.warnings) == 1
    warning = report.warnings[0]
    assert warning.startswith(f"line 3: no coordinates for postcode '{postcode}' ({reason}")
    assert warning.endswith("; location stored without coordinates")
    lost = Service.objects.get(name="Lost").service_at_locations.get().location
    assert lost.latitude is None and lost.longitude is None


def test_the_command_prints_the_postcode_warning(tmp_path):
    path = tmp_path / "council.csv"
    path.write_text(f"{HEADER}\nS1,Good org,Lost,2 High Street,Oswestry,SY11 9ZZ,,,,,,,,,,\n")
    out, err = StringIO(), StringIO()
    call_command("directory", "import", str(path), stdout=out, stderr=err)
    assert "services: 1 created" in out.getvalue()
    assert "warning: line 2: no coordinates for postcode 'SY11 9ZZ'" in err.getvalue()


def _located(location: dict[str, object]) -> dict[str, object]:
    return {
        "id": "0e0b5d1c-5d0a-4f2b-9d7e-0b2b8f6d1a21",
        "name": "Shed",
        "status": "active",
        "organization": {
            "id": "0e0b5d1c-5d0a-4f2b-9d7e-0b2b8f6d1a22",
            "name": "Shed org",
            "description": "",
        },
        "service_at_locations": [
            {
                "id": "0e0b5d1c-5d0a-4f2b-9d7e-0b2b8f6d1a23",
                "location": {
                    "id": "0e0b5d1c-5d0a-4f2b-9d7e-0b2b8f6d1a24",
                    "location_type": "physical",
                    **location,
                    "addresses": [
                        {
                            "id": "0e0b5d1c-5d0a-4f2b-9d7e-0b2b8f6d1a25",
                            "address_1": "1 High Street",
                            "city": "Oswestry",
                            "state_province": "",
                            "postal_code": "SY11 1AA",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    }


def test_a_json_location_without_coordinates_is_placed_at_its_postcode():
    report = import_json(_located({}))
    assert report.committed and report.warnings == []
    location = Location.objects.get()
    assert (location.latitude, location.longitude) == postcodes.lookup("SY11 1AA")


def test_a_json_location_with_impossible_coordinates_falls_back_to_its_postcode():
    report = import_json(_located({"latitude": 100, "longitude": -3.05}))
    assert report.committed
    assert report.warnings == [
        "record 1 (the top-level object) service_at_locations[0].location: latitude 100 is "
        "outside -90..90; used the coordinates of postcode SY11 1AA instead"
    ]
    location = Location.objects.get()
    assert (location.latitude, location.longitude) == postcodes.lookup("SY11 1AA")


# --- files that hold no records -------------------------------------------------------------

# The official files' shapes (ORUK validator mocks `api_details.json`, HSDS 3.0
# `examples/base.json`, `datapackage.json` and `examples/tabular.json`).
NOT_RECORDS = {
    "api_details": {
        "version": "HSDS-UK-3.0",
        "profile": "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md",
        "openapi_url": "https://docs.openreferraluk.org/en/latest/openapi30.json",
    },
    "base": {
        "version": "3.0",
        "profile": "https://path/to/profile",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
    },
    "datapackage": {
        "name": "human_services_data",
        "profile": "tabular-data-package",
        "version": "3.0.0",
        "resources": [{"name": "organizations", "path": "organizations.csv"}],
    },
    "tabular": {"organizations.csv": [{"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"}]},
}


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("api_details", "API details"),
        ("base", "API details"),
        ("datapackage", "a data package"),
        ("tabular", "the HSDS tabular format"),
    ],
)
def test_a_file_that_is_not_a_record_is_refused_with_what_it_is(name, what):
    with pytest.raises(sources.ImportFileError) as caught:
        sources.parse_json(json.dumps(NOT_RECORDS[name]), name=f"{name}.json")
    message = str(caught.value)
    assert message.startswith(f"{name}.json is not an HSDS record: it is {what}")
    assert "required property" not in message


class _Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_import_and_export_show_progress_on_a_terminal_unless_told_not_to(tmp_path):
    path = tmp_path / "council.csv"
    path.write_text(f"{HEADER}\nS1,Good org,Fine,1 High Street,Oswestry,SY11 1AA,,,,,,,,,,\n")
    err = _Terminal()
    call_command("directory", "import", str(path), stdout=StringIO(), stderr=err)
    assert "Importing" in err.getvalue() and "records" in err.getvalue()
    err, out = _Terminal(), StringIO()
    call_command("directory", "export", stdout=out, stderr=err)
    assert "Exporting" in err.getvalue()
    assert "Exporting" not in out.getvalue()  # the dump on standard output stays clean JSON
    quiet = _Terminal()
    call_command("directory", "export", "--no-progress", stdout=StringIO(), stderr=quiet)
    assert quiet.getvalue() == ""
