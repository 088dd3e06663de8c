"""`linkwell population_invites exclusions`."""

from __future__ import annotations

import csv

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linkwell.audit.models import AuditEvent, Channel, Kind
from linkwell.casework.models import Case
from linkwell.population.tests.factories import TEST_KEY, nhs_numbers, pid
from linkwell.referrals.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _key(settings):
    settings.PSEUDONYM_KEY = TEST_KEY


def test_it_writes_the_exclusions_file_and_audits_the_export(personas, tmp_path, capsys):
    nhs = nhs_numbers(1)[0]
    for person in (make_person(nhs_number=nhs), make_person(family_name="Nonumber")):
        Case.objects.create(
            person=person,
            link_worker_service=personas.link_worker_service,
            opened_at=timezone.now(),
        )
    out = tmp_path / "exclude.csv"
    call_command(
        "population_invites",
        "exclusions",
        "--out",
        str(out),
        "--service",
        str(personas.link_worker_service.uuid),
    )
    with out.open() as fh:
        assert list(csv.reader(fh)) == [["pseudo_id", "reason"], [pid(nhs), "on_caseload"]]
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    err = capsys.readouterr().err
    assert "Wrote 1 exclusion" in err
    assert "1 person to exclude has no NHS number" in err
    event = AuditEvent.objects.get(action="population.exclusions_exported")
    assert event.kind == Kind.ACCESS and event.channel == Channel.COMMAND
    assert event.detail["rows"] == 1 and event.detail["without_nhs_number"] == 1
    assert TEST_KEY not in str(event.detail) and TEST_KEY not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "not-a-uuid"], "is not a UUID"),
        (["--service", "00000000-0000-0000-0000-000000000000"], "no organisation has this id"),
        (["--declined-months", "-1"], "must be 0 or more"),
    ],
)
def test_bad_options_are_refused_and_write_nothing(personas, tmp_path, args, message):
    out = tmp_path / "exclude.csv"
    with pytest.raises(CommandError, match=message):
        call_command("population_invites", "exclusions", "--out", str(out), *args)
    assert (
        not out.exists() and not AuditEvent.objects.filter(action__startswith="population").exists()
    )


def test_a_missing_key_outside_debug_is_a_clear_error(settings, tmp_path):
    settings.PSEUDONYM_KEY = ""
    settings.DEBUG = False
    out = tmp_path / "exclude.csv"
    with pytest.raises(CommandError, match="LINKWELL_PSEUDONYM_KEY is not set"):
        call_command("population_invites", "exclusions", "--out", str(out))
    assert not out.exists()


def test_a_service_that_is_not_a_link_worker_service_is_refused(personas, tmp_path):
    with pytest.raises(CommandError, match="is not a link-worker service"):
        call_command(
            "population_invites",
            "exclusions",
            "--out",
            str(tmp_path / "x.csv"),
            "--service",
            str(personas.practice.uuid),
        )
    assert not (tmp_path / "x.csv").exists()
