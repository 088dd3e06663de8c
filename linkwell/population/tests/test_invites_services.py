"""Invite lists: upload, the link worker's choices, the practice's confirmation, exclusions."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case, CaseStatus
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.people.models import Person
from linkwell.people.services import PersonDetails, PossibleDuplicates
from linkwell.population.models import InviteEntry, InviteList, InviteStatus
from linkwell.population.pseudonym import pseudo_id_for_nhs_number, pseudonym_key
from linkwell.population.selectors import exclusion_rows, months_before
from linkwell.population.services import (
    InviteListRejected,
    invite_entries_not_suitable,
    invite_entries_request,
    invite_entry_confirm,
    invite_entry_record_outcome,
    invite_list_upload,
)
from linkwell.population.tests.factories import (
    TEST_KEY,
    csv_file,
    csv_row,
    make_entry,
    make_list,
    make_practice,
    nhs_numbers,
    pid,
)
from linkwell.referrals.models import ReferralSource, ReferralStatus
from linkwell.referrals.tests.factories import make_person, make_referral, needs

pytestmark = pytest.mark.django_db
RUN = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _key(settings):
    settings.PSEUDONYM_KEY = TEST_KEY


def upload(personas, data: bytes, filename: str = "cohort.csv", **kw) -> InviteList:
    return invite_list_upload(
        actor=personas.link_worker,
        service=kw.pop("service", personas.link_worker_service),
        filename=filename,
        data=data,
        run_date=kw.pop("run_date", RUN),
    )


def details(nhs: str, **overrides: Any) -> PersonDetails:
    data: dict[str, Any] = {
        "given_name": "Edith",
        "family_name": "Morgan",
        "date_of_birth": dt.date(1940, 5, 2),
        "nhs_number": nhs,
        "postcode": "SY11 2AB",
        "phone": "01691 222222",
    }
    data.update(overrides)
    return PersonDetails(**data)


def requested(personas, nhs: str, rank: int = 1) -> InviteEntry:
    invite_list = make_list(personas.link_worker_service)
    entry = make_entry(invite_list, personas.practice, rank, nhs=nhs)
    invite_entries_request(
        actor=personas.link_worker, invite_list=invite_list, entry_ids=[entry.uuid]
    )
    entry.refresh_from_db()
    return entry


# --- pseudonym -------------------------------------------------------------------------------


def test_a_pseudo_id_is_the_keyed_hash_of_the_normalised_nhs_number(settings):
    a = pseudo_id_for_nhs_number("943 476 5919")
    assert a == pseudo_id_for_nhs_number("9434765919")
    assert len(a) == 64 and a != pseudo_id_for_nhs_number("4010232137")
    settings.PSEUDONYM_KEY = "another-key-another-key-another-key"
    assert pseudo_id_for_nhs_number("9434765919") != a


def test_without_a_key_outside_debug_it_refuses_and_never_shows_a_key(settings):
    settings.PSEUDONYM_KEY = ""
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="LINKWELL_PSEUDONYM_KEY is not set"):
        pseudonym_key()


def test_an_invalid_nhs_number_has_no_pseudo_id():
    with pytest.raises(ValidationFailed, match="not a valid NHS number"):
        pseudo_id_for_nhs_number("943 476 5918")


# --- upload ----------------------------------------------------------------------------------


def test_an_upload_stores_the_list_grouped_by_practice_without_identifiers(personas):
    other = make_practice()
    nhs = nhs_numbers(3)
    data = csv_file(
        csv_row(1, pid(nhs[0])),
        csv_row(2, pid(nhs[1]), "m82020", reasons=["HbA1c 44 mmol/mol"]),
        csv_row(3, pid(nhs[2])),
    )
    invite_list = upload(personas, data)
    assert (invite_list.cohort, invite_list.cohort_version, invite_list.entry_count) == (
        "potential-care-needs",
        "1",
        3,
    )
    assert invite_list.uploaded_by == personas.link_worker
    entries = list(invite_list.entries.order_by("rank"))
    assert [e.practice for e in entries] == [personas.practice, other, personas.practice]
    assert entries[1].reasons == ["HbA1c 44 mmol/mol"]
    assert all(e.status == InviteStatus.NEW for e in entries)
    stored = json.dumps(list(InviteEntry.objects.values()), default=str)
    assert all(n not in stored for n in nhs)
    event = AuditEvent.objects.get(action="population.invite_list_uploaded")
    assert event.detail["entries"] == 3


def test_every_rejected_row_is_reported_with_its_line_and_nothing_is_stored(personas):
    good = pid(nhs_numbers(1)[0])
    data = csv_file(
        csv_row(1, good),
        csv_row(2, good),  # duplicate
        csv_row(0, "abc"),  # rank
        csv_row(4, "def", "Z99999"),  # unknown practice
        csv_row(5, "ghi", score="high"),
        csv_row(6, "jkl", reasons="Lives alone"),  # not JSON
        csv_row(7, "9434765919"),  # an NHS number, not a pseudo id
        csv_row(8, "mno", "Z99999"),
    )
    with pytest.raises(InviteListRejected) as caught:
        upload(personas, data)
    rejected = caught.value
    lines = {p.line: p.message for p in rejected.problems}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9]
    assert "appears twice (first on line 2)" in lines[3]
    assert "rank '0'" in lines[4]
    assert "unknown practice code Z99999" in lines[5]
    assert "score 'high' is not a number" in lines[6]
    assert "JSON array of strings" in lines[7]
    assert "looks like an NHS number" in lines[8]
    assert rejected.unknown_practices == {"Z99999": 2}
    assert "7 rows rejected" in rejected.summary
    assert "Line 5: unknown practice code Z99999" in "\n".join(rejected.report_lines())
    assert not InviteList.objects.exists() and not InviteEntry.objects.exists()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("cohort,cohort_version,rank,pseudo_id,practice,score", "missing column reasons"),
        (
            "cohort,cohort_version,rank,pseudo_id,practice,score,reasons,nhs_number",
            "must never carry names, dates of birth or NHS numbers",
        ),
    ],
)
def test_wrong_columns_are_named(personas, header, message):
    with pytest.raises(InviteListRejected, match=message):
        upload(personas, (header + "\nx,1,1,a,M82015,1,[]\n").encode())


def test_mixed_cohorts_empty_files_and_other_formats_are_refused(personas):
    with pytest.raises(InviteListRejected) as caught:
        upload(personas, csv_file(csv_row(1, "a"), csv_row(2, "b", cohort="frequent-attenders")))
    assert "upload one cohort per file" in caught.value.problems[0].message
    with pytest.raises(InviteListRejected, match="no entries"):
        upload(personas, csv_file())
    with pytest.raises(InviteListRejected, match=r"\.csv or \.parquet"):
        upload(personas, b"{}", filename="cohort.json")


def test_the_same_run_cannot_be_uploaded_twice_nor_dated_in_the_future(personas):
    upload(personas, csv_file(csv_row(1, "a")))
    with pytest.raises(ValidationFailed, match="already been uploaded"):
        upload(personas, csv_file(csv_row(1, "a")))
    with pytest.raises(ValidationFailed, match="today or in the past"):
        upload(personas, csv_file(csv_row(1, "a")), run_date=timezone.localdate() + dt.timedelta(1))


def test_a_parquet_file_is_read_too_with_rows_numbered(personas):
    table = pa.table(
        {
            "cohort": ["loneliness", "loneliness"],
            "cohort_version": ["2", "2"],
            "rank": [1, 2],
            "pseudo_id": ["p1", "p2"],
            "practice": ["M82015", "M82015"],
            "score": [0.8, 0.7],
            "reasons": [json.dumps(["Lives alone"]), json.dumps(["Recently bereaved"])],
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    invite_list = upload(personas, buf.getvalue(), filename="out.parquet")
    assert invite_list.entry_count == 2 and invite_list.cohort_version == "2"
    bad = table.set_column(3, "pseudo_id", pa.array(["p1", "p1"]))
    buf = io.BytesIO()
    pq.write_table(bad, buf)
    with pytest.raises(InviteListRejected) as caught:
        upload(personas, buf.getvalue(), filename="bad.parquet", run_date=dt.date(2026, 1, 1))
    assert caught.value.report_lines()[1].startswith(
        "Row 2: pseudo_id appears twice (first on row 1)"
    )


# --- the link worker's choices -------------------------------------------------------------------


def test_requesting_moves_new_entries_to_the_practice_and_refuses_closed_ones(personas):
    invite_list = make_list(personas.link_worker_service)
    a, b = (make_entry(invite_list, personas.practice, r) for r in (1, 2))
    invite_entries_request(actor=personas.link_worker, invite_list=invite_list, entry_ids=[a.uuid])
    a.refresh_from_db()
    assert a.status == InviteStatus.REQUESTED and a.requested_by == personas.link_worker
    with pytest.raises(ValidationFailed, match="already sent to the practice or closed"):
        invite_entries_request(
            actor=personas.link_worker, invite_list=invite_list, entry_ids=[a.uuid, b.uuid]
        )
    b.refresh_from_db()
    assert b.status == InviteStatus.NEW  # nothing half-done
    with pytest.raises(ValidationFailed, match="at least one"):
        invite_entries_request(actor=personas.link_worker, invite_list=invite_list, entry_ids=[])


def test_entries_of_another_list_cannot_be_chosen(personas):
    mine = make_list(personas.link_worker_service)
    theirs = make_list(personas.other_team)
    entry = make_entry(theirs, personas.practice, 1)
    with pytest.raises(ValidationFailed, match="from this list only"):
        invite_entries_request(actor=personas.link_worker, invite_list=mine, entry_ids=[entry.uuid])


def test_the_link_worker_can_set_entries_aside_with_a_reason(personas):
    invite_list = make_list(personas.link_worker_service)
    entry = make_entry(invite_list, personas.practice, 1)
    with pytest.raises(ValidationFailed, match="Say why"):
        invite_entries_not_suitable(
            actor=personas.link_worker, invite_list=invite_list, entry_ids=[entry.uuid], reason=" "
        )
    invite_entries_not_suitable(
        actor=personas.link_worker,
        invite_list=invite_list,
        entry_ids=[entry.uuid],
        reason="Already known to the district nurses",
    )
    entry.refresh_from_db()
    assert entry.status == InviteStatus.NOT_SUITABLE
    assert entry.outcome_reason == "Already known to the district nurses"


# --- the practice ------------------------------------------------------------------------------


def test_confirming_identity_creates_a_proactive_referral_in_triage(personas):
    needs()
    nhs = nhs_numbers(1)[0]
    entry = requested(personas, nhs)
    referral = invite_entry_confirm(
        actor=personas.referrer,
        entry=entry,
        details=details(nhs),
        consent_to_contact=True,
        expected_version=entry.version,
    )
    assert referral.source == ReferralSource.PROACTIVE
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.link_worker_service == personas.link_worker_service
    assert referral.referrer_organisation == personas.practice
    assert "Lives alone" in referral.details and "potential-care-needs" in referral.details
    assert {t.code for t in referral.reasons.all()} == {"loneliness", "falls-risk"}
    assert referral.person.nhs_number == nhs
    assert referral.person.registered_practice == personas.practice
    entry.refresh_from_db()
    assert entry.status == InviteStatus.CONFIRMED and entry.referral == referral
    event = AuditEvent.objects.get(action="population.invite_entry_confirmed")
    assert event.person_id == str(referral.person.uuid)


def test_a_typo_or_the_wrong_patient_is_caught_by_the_pseudo_id(personas):
    nhs, other = nhs_numbers(2)
    entry = requested(personas, nhs)
    with pytest.raises(ValidationFailed) as caught:
        invite_entry_confirm(
            actor=personas.referrer,
            entry=entry,
            details=details(other),
            consent_to_contact=True,
            expected_version=entry.version,
        )
    assert caught.value.errors["nhs_number"] == [
        "This NHS number is not the one behind this invite. Check that you have the right "
        "patient and that the number is typed correctly."
    ]
    entry.refresh_from_db()
    assert entry.status == InviteStatus.REQUESTED
    assert not Person.objects.exists()


def test_all_problems_are_reported_together(personas):
    entry = requested(personas, nhs_numbers(1)[0])
    with pytest.raises(ValidationFailed) as caught:
        invite_entry_confirm(
            actor=personas.referrer,
            entry=entry,
            details=details("943 476 5918", given_name=" "),
            consent_to_contact=False,
            expected_version=entry.version,
        )
    assert set(caught.value.errors) == {"nhs_number", "given_name", "consent_to_contact"}
    assert "is not a valid NHS number" in caught.value.errors["nhs_number"][0]
    with pytest.raises(ValidationFailed, match="Enter the person's NHS number"):
        invite_entry_confirm(
            actor=personas.referrer,
            entry=entry,
            details=details(""),
            consent_to_contact=True,
            expected_version=entry.version,
        )


def test_a_known_person_is_offered_before_a_second_record_is_made(personas):
    needs()
    nhs = nhs_numbers(1)[0]
    existing = make_person(nhs_number=nhs, registered_practice=personas.practice)
    entry = requested(personas, nhs)
    with pytest.raises(PossibleDuplicates) as caught:
        invite_entry_confirm(
            actor=personas.referrer,
            entry=entry,
            details=details(nhs),
            consent_to_contact=True,
            expected_version=entry.version,
        )
    assert [c.person for c in caught.value.candidates] == [existing]
    entry.refresh_from_db()
    assert entry.status == InviteStatus.REQUESTED
    referral = invite_entry_confirm(
        actor=personas.referrer,
        entry=entry,
        details=details(nhs),
        consent_to_contact=True,
        expected_version=entry.version,
        person=existing,
    )
    assert referral.person == existing and Person.objects.count() == 1


def test_a_stale_form_or_a_closed_entry_is_refused(personas):
    nhs = nhs_numbers(1)[0]
    entry = requested(personas, nhs)
    with pytest.raises(ConcurrentEditError):
        invite_entry_record_outcome(
            actor=personas.referrer,
            entry=entry,
            outcome=InviteStatus.DECLINED,
            expected_version=entry.version - 1,
        )
    invite_entry_record_outcome(
        actor=personas.referrer,
        entry=entry,
        outcome=InviteStatus.DECLINED,
        expected_version=entry.version,
    )
    entry.refresh_from_db()
    assert entry.status == InviteStatus.DECLINED and entry.resolved_by == personas.referrer
    with pytest.raises(ValidationFailed, match="already been closed: declined"):
        invite_entry_confirm(
            actor=personas.referrer,
            entry=entry,
            details=details(nhs),
            consent_to_contact=True,
            expected_version=entry.version,
        )


def test_not_suitable_at_the_practice_needs_a_reason(personas):
    entry = requested(personas, nhs_numbers(1)[0])
    with pytest.raises(ValidationFailed, match="not suitable"):
        invite_entry_record_outcome(
            actor=personas.referrer,
            entry=entry,
            outcome=InviteStatus.NOT_SUITABLE,
            expected_version=entry.version,
        )


# --- exclusions --------------------------------------------------------------------------------


def test_months_before_clamps_to_the_end_of_the_month():
    when = dt.datetime(2026, 8, 31, 12, tzinfo=dt.UTC)
    assert months_before(when, 6) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)
    assert months_before(when, 8) == dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)


def test_exclusions_cover_open_cases_and_recent_declines_by_pseudo_id(personas):
    on_case, declined, old_decline, dormant = nhs_numbers(4)
    service = personas.link_worker_service
    Case.objects.create(
        person=make_person(nhs_number=on_case),
        link_worker_service=service,
        opened_at=timezone.now(),
    )
    Case.objects.create(
        person=make_person(nhs_number=dormant, family_name="Dormant"),
        link_worker_service=service,
        opened_at=timezone.now(),
        status=CaseStatus.DORMANT,
    )
    Case.objects.create(
        person=make_person(nhs_number="", family_name="NoNumber"),
        link_worker_service=service,
        opened_at=timezone.now(),
    )
    now = timezone.now()
    make_referral(
        make_person(nhs_number=declined, family_name="Recent"),
        service,
        status=ReferralStatus.DECLINED,
        declined_at=now - dt.timedelta(days=30),
    )
    make_referral(
        make_person(nhs_number=old_decline, family_name="Old"),
        service,
        status=ReferralStatus.DECLINED,
        declined_at=now - dt.timedelta(days=300),
    )
    waiting = nhs_numbers(1, start=500000000)[0]
    make_referral(make_person(nhs_number=waiting, family_name="Waiting"), service)
    invite_list = make_list(service)
    make_entry(
        invite_list,
        personas.practice,
        1,
        pseudo_id="declined-at-practice",
        status=InviteStatus.DECLINED,
        resolved_at=now,
    )
    make_entry(invite_list, personas.practice, 2, pseudo_id="at-the-practice", status="requested")
    make_entry(invite_list, personas.practice, 3, pseudo_id="not-yet-sent")
    found = exclusion_rows(declined_months=6)
    assert dict(found.rows) == {
        pid(on_case): "on_caseload",
        pid(declined): "declined",
        pid(waiting): "referred",
        "declined-at-practice": "declined",
        "at-the-practice": "invited",
    }
    assert found.invited == 1
    assert found.without_nhs_number == 1
    assert dict(exclusion_rows(declined_months=12).rows).get(pid(old_decline)) == "declined"
    assert exclusion_rows(service=personas.other_team).rows == []


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        (
            ["Non-diabetic hyperglycaemia recorded", "HbA1c nearer the diabetes threshold"],
            {"pre-diabetes"},
        ),
        (["Two or more A&E attendances in the last 12 months"], set()),
        (["More than 12 GP appointments in the last 12 months"], {"frequent-attendance"}),
        (
            ["Lives alone", "Heart failure", "Bereaved in the last 12 months"],
            {"loneliness", "long-term-condition", "bereavement"},
        ),
    ],
)
def test_cohort_reasons_point_at_the_needs_they_describe(reasons, expected):
    from linkwell.population.services import reasons_to_needs

    needs()
    assert {term.code for term in reasons_to_needs(reasons)} == expected


def test_the_parquet_file_a_cohort_run_writes_is_accepted(personas, tmp_path):
    from linkwell.population import engines, synth

    frame = next(synth.chunks(300, seed=8, practices=1, chunk=300)).to_pandas()
    frame["practice"] = personas.practice.ods_code
    frame.to_parquet(tmp_path / "register.parquet")
    out = tmp_path / "lonely.parquet"
    result = engines.run("loneliness-risk", tmp_path / "register.parquet", out=out)
    assert result.rows > 0
    invite_list = upload(personas, out.read_bytes(), filename=out.name)
    assert invite_list.entry_count == result.rows
    assert (invite_list.cohort, invite_list.cohort_version) == ("loneliness-risk", "1")
    first = invite_list.entries.order_by("rank").first()
    assert first is not None and first.rank == 1 and "Aged 18 or over" in first.reasons
