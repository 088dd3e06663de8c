from __future__ import annotations

import csv
import datetime as dt
import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from linkwell.audit.actions import AuditAction
from linkwell.audit.export import COLUMNS
from linkwell.audit.models import AuditEvent, Channel, Kind
from linkwell.audit.services import audit_access, audit_record

T0 = dt.datetime(2030, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def trail(personas):
    """Three events on three days: two by the owner (one about person P-1), one by the admin."""
    rows = [
        (T0, personas.owner, AuditAction.DIRECTORY_SERVICE_UPDATED, ""),
        (T0 + dt.timedelta(days=1), personas.owner, AuditAction.ACCESS, "P-1"),
        (T0 + dt.timedelta(days=2), personas.admin, AuditAction.ORGANISATION_UPDATED, ""),
    ]
    for at, actor, action, person in rows:
        with mock.patch("django.utils.timezone.now", return_value=at), transaction.atomic():
            if action == AuditAction.ACCESS:
                audit_access(actor=actor, obj=personas.provider_org, person_id=person)
            else:
                audit_record(
                    actor=actor,
                    action=action,
                    obj=personas.provider_org,
                    changes={"name": ["Old, with comma", 'New "quoted"']},
                )
    return personas


def _export(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("audit", "export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_exports_csv_with_a_header_row_and_every_column(trail) -> None:
    out, err = _export("--all")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0].keys()) == COLUMNS
    assert [r["action"] for r in rows] == [
        "directory.service_updated",
        "access",
        "organisation_updated",
    ]
    assert json.loads(rows[0]["changes"]) == {"name": ["Old, with comma", 'New "quoted"']}
    assert rows[0]["actor_label"] == "owner@shed.example"
    assert "Exported 3 audit events." in err


def test_it_exports_json_as_a_list(trail) -> None:
    out, _ = _export("--user", "owner@shed.example", "--format", "json")
    data = json.loads(out)
    assert isinstance(data, list)
    assert [e["action"] for e in data] == ["directory.service_updated", "access"]
    assert set(data[0]) == set(COLUMNS)


def test_an_empty_json_export_is_an_empty_list(trail) -> None:
    out, _ = _export("--person", "nobody", "--format", "json")
    assert json.loads(out) == []


def test_it_filters_by_person_by_user_id_and_by_date(trail) -> None:
    out, _ = _export("--person", "P-1", "--format", "json")
    assert [e["person_id"] for e in json.loads(out)] == ["P-1"]
    out, _ = _export("--user", str(trail.admin.pk), "--format", "json")
    assert [e["action"] for e in json.loads(out)] == ["organisation_updated"]
    out, _ = _export("--user", str(trail.admin.uuid), "--format", "json")
    assert len(json.loads(out)) == 1
    out, _ = _export("--since", "2030-01-11", "--format", "json")
    assert [e["action"] for e in json.loads(out)] == ["access", "organisation_updated"]
    out, _ = _export("--since", "2030-01-11", "--until", "2030-01-12", "--format", "json")
    assert [e["action"] for e in json.loads(out)] == ["access"]
    out, _ = _export("--since", "2030-01-12T09:00:00+00:00", "--format", "json")
    assert [e["action"] for e in json.loads(out)] == ["organisation_updated"]


def test_it_writes_to_a_file_only_its_owner_can_read(trail, tmp_path) -> None:
    target = tmp_path / "audit.csv"
    _, err = _export("--all", "--out", str(target))
    assert target.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    assert target.stat().st_mode & 0o077 == 0
    assert f"to {target}." in err


def test_running_the_export_is_itself_audited(trail) -> None:
    _export("--person", "P-1")
    event = AuditEvent.objects.get(action="audit_exported")
    assert event.channel == Channel.COMMAND
    assert event.kind == Kind.ACCESS
    assert event.person_id == "P-1"
    assert event.detail["filters"] == {"person": "P-1"}
    assert event.detail["events"] == 1
    # The export's own event is not part of what it exported.
    out, _ = _export("--all", "--format", "json")
    assert [e["action"] for e in json.loads(out)].count("audit_exported") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Say which events to export"),
        (("--since", "2030-13-01"), "--since '2030-13-01' is not a date: use YYYY-MM-DD"),
        (("--since", "last tuesday"), "--since 'last tuesday' is not a date"),
        (("--since", "2030-02-01", "--until", "2030-01-01"), "must be before --until"),
        (
            ("--user", "ghost@example.org"),
            "No user with the email address or id 'ghost@example.org'",
        ),
        (("--user", "999999"), "No user with the email address or id '999999'"),
        (("--all", "--out", "/no/such/folder/a.csv"), "the folder /no/such/folder does not exist"),
    ],
)
def test_bad_arguments_get_a_specific_message_and_export_nothing(trail, args, message) -> None:
    with pytest.raises(CommandError) as exc:
        _export(*args)
    assert message in str(exc.value)
    assert not AuditEvent.objects.filter(action="audit_exported").exists()


def test_a_deleted_users_events_can_still_be_exported_by_email(trail) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=trail.owner.pk).delete()
    out, _ = _export("--user", "owner@shed.example", "--format", "json")
    assert len(json.loads(out)) == 2
