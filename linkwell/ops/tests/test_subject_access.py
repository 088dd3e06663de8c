"""`linkwell export`: a subject access export of everything held about one person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent, Channel, Kind
from linkwell.casework.models import CaseNote, Goal, Plan, SafeguardingConcern
from linkwell.casework.tests.factories import make_person, referred_case
from linkwell.ops import subject_access
from linkwell.ops.subject_access import SubjectAccessError, subject_access_export
from linkwell.people.models import Person
from linkwell.volunteering.models import Activity, Match, SupportRequest
from linkwell.volunteering.tests.factories import make_member

JOAN_NHS = "943 476 5919"


@pytest.fixture
def joan(personas):
    """Joan's case with a note, a sensitive note, a goal, a safeguarding concern, a befriending
    match with a visit, a duplicate record merged into hers, and a volunteer record linked."""
    case = referred_case(personas)
    person = case.person
    CaseNote.objects.create(case=case, text="Rang Joan; she would like a walking group.")
    CaseNote.objects.create(case=case, text="Told me about her son's debts.", sensitive=True)
    plan = Plan.objects.create(case=case)
    Goal.objects.create(plan=plan, text="Get out of the house twice a week")
    SafeguardingConcern.objects.create(case=case, description="Bruising on her arm.")
    request = SupportRequest.objects.create(
        person=person, case=case, organisation=personas.provider_org, source="link_worker"
    )
    volunteer = make_member(personas.provider_org, given_name="Margaret", family_name="Owen")
    match = Match.objects.create(request=request, member=volunteer, introduced_at=timezone.now())
    Activity.objects.create(
        member=volunteer,
        match=match,
        kind="visit",
        happened_on=timezone.localdate(),
        minutes=60,
        how_it_went="Joan showed me her garden.",
    )
    duplicate = make_person(given_name="Joanie", family_name="Hughes", merged_into=person)
    make_member(personas.provider_org, given_name="Joan", family_name="Hughes", person=person)
    return {"case": case, "person": person, "duplicate": duplicate, "volunteer": volunteer}


def _records(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(s for s in document["sections"] if s["key"] == key)["records"]


def test_it_exports_every_kind_of_record_about_the_person(joan) -> None:
    document = subject_access_export(nhs_number=JOAN_NHS).as_json()
    person = _records(document, "person")
    assert [r["fields"]["given_name"] for r in person] == ["Joan", "Joanie"]
    assert _records(document, "referrals")[0]["fields"]["details"].startswith("Lonely")
    notes = {r["fields"]["text"]: r for r in _records(document, "notes")}
    assert "review_before_release" not in notes["Rang Joan; she would like a walking group."]
    assert "sensitive" in notes["Told me about her son's debts."]["review_before_release"]
    assert [r["fields"]["text"] for r in _records(document, "plans") if r["kind"] == "goal"] == [
        "Get out of the house twice a week"
    ]
    assert _records(document, "safeguarding")[0]["fields"]["description"] == (
        "Bruising on her arm."
    )
    kinds = sorted(r["model"] for r in _records(document, "volunteering"))
    assert kinds == ["volunteering.Activity", "volunteering.Match", "volunteering.SupportRequest"]
    members = [r for r in _records(document, "community_member") if r["kind"] == "community member"]
    assert [m["fields"]["given_name"] for m in members] == ["Joan"]
    assert {(c["consent"], c["value"]) for c in document["consents"]} >= {
        ("consent_to_contact", True),
        ("consent_to_share", True),
    }


def test_it_leaves_out_other_peoples_records(joan, personas) -> None:
    other = referred_case(personas, team=personas.other_team, given_name="Joyce")
    Person.objects.filter(pk=other.person.pk).update(nhs_number="")
    CaseNote.objects.create(case=other, text="Joyce's note")
    document = subject_access_export(nhs_number=JOAN_NHS).as_json()
    texts = json.dumps(document)
    assert "Joyce" not in texts
    # The volunteer's own record is another person's: only the link to Joan's support shows.
    assert all(
        m["fields"].get("given_name") != "Margaret" for m in _records(document, "community_member")
    )


def test_the_volunteers_own_checks_are_not_in_the_persons_export(joan) -> None:
    document = subject_access_export(nhs_number=JOAN_NHS).as_json()
    kinds = {r["model"] for r in _records(document, "community_member")}
    # Joan's own volunteer record brings its roles and checks; Margaret's do not come with it.
    member_ids = {
        r["id"] for r in _records(document, "community_member") if r["kind"] == "community member"
    }
    assert str(joan["volunteer"].uuid) not in member_ids
    assert "volunteering.CheckRecord" in kinds


def test_a_merged_away_record_found_by_its_own_nhs_number_leads_to_the_whole_family(
    joan,
) -> None:
    Person.objects.filter(pk=joan["person"].pk).update(nhs_number="")
    Person.objects.filter(pk=joan["duplicate"].pk).update(nhs_number="9434765919")
    export = subject_access_export(nhs_number=JOAN_NHS)
    assert export.person == joan["person"]
    assert [p.given_name for p in export.people] == ["Joan", "Joanie"]
    assert export.counts["notes"] == 2


def test_the_export_is_audited_with_who_which_person_and_the_channel(joan) -> None:
    subject_access_export(nhs_number=JOAN_NHS, requested_by="Data Protection Officer")
    event = AuditEvent.objects.get(action=AuditAction.OPS_SUBJECT_ACCESS_EXPORTED)
    assert event.person_id == str(joan["person"].uuid)
    assert (event.channel, event.kind) == (Channel.COMMAND, Kind.ACCESS)
    assert event.detail["requested_by"] == "Data Protection Officer"
    assert event.detail["os_user"]
    assert event.detail["records_included"] == [
        str(joan["person"].uuid),
        str(joan["duplicate"].uuid),
    ]
    assert event.detail["counts"]["notes"] == 2


def test_the_audit_event_commits_with_the_reads_or_not_at_all(joan, monkeypatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(subject_access, "audit_record", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        subject_access_export(nhs_number=JOAN_NHS)
    assert not AuditEvent.objects.filter(action=AuditAction.OPS_SUBJECT_ACCESS_EXPORTED).exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("943 476 5918", "not a valid NHS number"),
        ("94347659", "must be 10 numbers"),
        ("943-476-591X", "must contain only numbers"),
    ],
)
def test_a_malformed_nhs_number_is_refused_saying_why(db, number: str, message: str) -> None:
    with pytest.raises(SubjectAccessError, match=message):
        subject_access_export(nhs_number=number)
    assert not AuditEvent.objects.exists()


def test_the_command_writes_json_and_pdf_readable_only_by_its_user(joan, tmp_path: Path) -> None:
    call_command("export", "--nhs-number", JOAN_NHS, "--out", str(tmp_path))
    (json_path,) = tmp_path.glob("subject-access-*.json")
    (pdf_path,) = tmp_path.glob("subject-access-*.pdf")
    document = json.loads(json_path.read_text())
    assert document["export"]["person"] == str(joan["person"].uuid)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert json_path.stat().st_mode & 0o777 == 0o600
    assert pdf_path.stat().st_mode & 0o777 == 0o600


def test_the_command_finds_a_person_by_record_id(joan, tmp_path: Path) -> None:
    call_command("export", "--person", str(joan["person"].uuid), "--out", str(tmp_path))
    assert len(list(tmp_path.glob("subject-access-*"))) == 2


def test_an_unknown_nhs_number_exits_non_zero_with_a_specific_message(
    db, tmp_path: Path, capsys
) -> None:
    from linkwell import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["linkwell", "export", "--nhs-number", JOAN_NHS, "--out", str(tmp_path)])
    assert exit_info.value.code != 0
    assert "No person with NHS number 943 476 5919 is held in Linkwell" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_output_folder_is_refused_before_anything_is_read(joan, tmp_path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export", "--nhs-number", JOAN_NHS, "--out", str(tmp_path / "nope"))
    assert not AuditEvent.objects.filter(action=AuditAction.OPS_SUBJECT_ACCESS_EXPORTED).exists()
