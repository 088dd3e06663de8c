"""The MDT list: who is proposed and why, hand additions, discussions carried to the case, and
the next meeting's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import CaseNote, CaseStatus
from linkwell.core.exceptions import ValidationFailed
from linkwell.practice.models import MdtMeeting
from linkwell.practice.selectors.mdt import mdt_list
from linkwell.practice.services.mdt import (
    mdt_discussion_record,
    mdt_meeting_hold,
    mdt_meeting_schedule,
    mdt_person_add,
)
from linkwell.practice.tests.factories import (
    concern,
    follow_up_due,
    gad7,
    missed,
    patient_case,
)
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _meeting(p: Personas, days: int = 3) -> MdtMeeting:
    return mdt_meeting_schedule(
        actor=p.link_worker,
        practice=p.practice,
        meeting_on=timezone.localdate() + dt.timedelta(days=days),
    )


def _teams(p: Personas) -> list[int]:
    return [p.link_worker_service.pk]


def _reasons(meeting: MdtMeeting, p: Personas) -> dict[str, dict[str, str]]:
    return {
        str(row.case.person): {f.code: f.explanation for f in row.flags}
        for row in mdt_list(meeting=meeting, team_ids=_teams(p))
    }


def test_each_reason_is_proposed_with_its_explanation(covered: Personas) -> None:
    p = covered
    safeguarding = patient_case(p)
    concern(safeguarding, p)
    dormant = patient_case(p, status=CaseStatus.DORMANT)
    dna = patient_case(p)
    missed(dna, 20)
    missed(dna, 5)
    silent = patient_case(
        p, first_contact_at=None, opened_at=timezone.now() - dt.timedelta(days=30)
    )
    worse = patient_case(p)
    gad7(worse, 5, 40)
    gad7(worse, 12, 3)
    better = patient_case(p)
    gad7(better, 12, 40)
    gad7(better, 5, 3)
    review = patient_case(p)
    follow_up_due(review, 2)
    well = patient_case(p)

    reasons = _reasons(_meeting(p), p)

    assert "1 open safeguarding concern" in reasons[str(safeguarding.person)]["safeguarding"]
    assert "dormant" in reasons[str(dormant.person)]["not_engaging"]
    assert "2 appointments missed" in reasons[str(dna.person)]["not_engaging"]
    assert "No contact made since the case opened" in reasons[str(silent.person)]["not_engaging"]
    assert "GAD-7 worse: 5 on" in reasons[str(worse.person)]["rising_risk"]
    assert "4-week review due" in reasons[str(review.person)]["review_due"]
    assert "(overdue)" in reasons[str(review.person)]["review_due"]
    assert str(better.person) not in reasons
    assert str(well.person) not in reasons


def test_the_list_leaves_out_other_practices_and_teams_the_user_does_not_see(
    covered: Personas,
) -> None:
    p = covered
    elsewhere = patient_case(p, practice=p.other_provider_org)
    concern(elsewhere, p)
    other_team = patient_case(p, team=p.other_team)
    concern(other_team, p)
    mine = patient_case(p)
    concern(mine, p)

    assert list(_reasons(_meeting(p), p)) == [str(mine.person)]


def test_safeguarding_comes_first(covered: Personas) -> None:
    p = covered
    review = patient_case(p)
    follow_up_due(review, 1)
    safeguarding = patient_case(p)
    concern(safeguarding, p)

    rows = mdt_list(meeting=_meeting(p), team_ids=_teams(p))

    assert [r.case for r in rows] == [safeguarding, review]


def test_someone_added_by_hand_needs_a_reason_and_is_listed_with_it(covered: Personas) -> None:
    p = covered
    meeting = _meeting(p)
    case = patient_case(p)
    with pytest.raises(ValidationFailed) as refused:
        mdt_person_add(
            actor=p.referrer, meeting=meeting, case_id=case.uuid, reason=" ", team_ids=_teams(p)
        )
    assert refused.value.errors == {"reason": ["Say why they should be discussed"]}

    mdt_person_add(
        actor=p.referrer,
        meeting=meeting,
        case_id=case.uuid,
        reason="Frequent attender since her husband died",
        team_ids=_teams(p),
    )

    [row] = mdt_list(meeting=meeting, team_ids=_teams(p))
    assert row.case == case
    assert row.entry is not None and row.entry.added_reason.startswith("Frequent attender")
    assert AuditEvent.objects.filter(action="practice.mdt_person_added").count() == 1


def test_someone_from_another_practice_cannot_be_added(covered: Personas) -> None:
    p = covered
    elsewhere = patient_case(p, practice=p.other_provider_org)
    with pytest.raises(ValidationFailed) as refused:
        mdt_person_add(
            actor=p.link_worker,
            meeting=_meeting(p),
            case_id=elsewhere.uuid,
            reason="Worried",
            team_ids=_teams(p),
        )
    assert refused.value.errors == {"case": ["Choose someone registered at this practice"]}


def test_a_discussion_is_carried_to_the_case_as_a_note_and_audited(covered: Personas) -> None:
    p = covered
    case = patient_case(p)
    concern(case, p)
    meeting = _meeting(p)

    entry = mdt_discussion_record(
        actor=p.link_worker,
        meeting=meeting,
        case_id=case.uuid,
        agreed_actions="Joint home visit with the district nurse",
        action_owner="Sam (link worker)",
        next_step="Visit by Friday; report back at the next MDT",
        team_ids=_teams(p),
    )

    note = CaseNote.objects.get(case=case)
    assert "Joint home visit with the district nurse" in note.text
    assert "Sam (link worker)" in note.text
    assert entry.case_note == note
    assert [r["code"] for r in entry.reasons] == ["safeguarding"]
    event = AuditEvent.objects.get(action="practice.mdt_discussion_recorded")
    assert event.person_id == str(case.person.uuid)


def test_a_discussion_needs_each_part_and_someone_on_the_list(covered: Personas) -> None:
    p = covered
    meeting = _meeting(p)
    flagged = patient_case(p)
    concern(flagged, p)
    unflagged = patient_case(p)
    with pytest.raises(ValidationFailed) as refused:
        mdt_discussion_record(
            actor=p.link_worker,
            meeting=meeting,
            case_id=flagged.uuid,
            agreed_actions="",
            action_owner="",
            next_step="",
            team_ids=_teams(p),
        )
    assert set(refused.value.errors) == {"agreed_actions", "action_owner", "next_step"}
    with pytest.raises(ValidationFailed) as not_listed:
        mdt_discussion_record(
            actor=p.link_worker,
            meeting=meeting,
            case_id=unflagged.uuid,
            agreed_actions="Nothing",
            action_owner="Nobody",
            next_step="None",
            team_ids=_teams(p),
        )
    assert "add them with a reason first" in not_listed.value.errors["case"][0]
    assert not CaseNote.objects.exists()


def test_the_next_list_brings_back_only_people_still_flagged(covered: Personas) -> None:
    p = covered
    still = patient_case(p)
    concern(still, p)
    by_hand = patient_case(p)
    first = _meeting(p, days=0)
    mdt_person_add(
        actor=p.link_worker,
        meeting=first,
        case_id=by_hand.uuid,
        reason="GP worried",
        team_ids=_teams(p),
    )
    for case in (still, by_hand):
        mdt_discussion_record(
            actor=p.link_worker,
            meeting=first,
            case_id=case.uuid,
            agreed_actions=f"Call {case.person.given_name}",
            action_owner="Sam",
            next_step="Call this week",
            team_ids=_teams(p),
        )
    with pytest.raises(ValidationFailed):
        mdt_meeting_hold(actor=p.link_worker, meeting=first, attendees="")
    mdt_meeting_hold(actor=p.link_worker, meeting=first, attendees="Dr Patel (GP), Sam")

    second = _meeting(p, days=28)
    rows = mdt_list(meeting=second, team_ids=_teams(p))

    assert [r.case for r in rows] == [still]
    assert rows[0].last_discussed is not None
    assert rows[0].last_discussed.agreed_actions == f"Call {still.person.given_name}"


def test_a_held_meeting_takes_no_more_changes(covered: Personas) -> None:
    p = covered
    case = patient_case(p)
    concern(case, p)
    meeting = _meeting(p, days=0)
    mdt_discussion_record(
        actor=p.link_worker,
        meeting=meeting,
        case_id=case.uuid,
        agreed_actions="Refer on",
        action_owner="Sam",
        next_step="Refer",
        team_ids=_teams(p),
    )
    mdt_meeting_hold(actor=p.link_worker, meeting=meeting, attendees="Dr Patel")
    other = patient_case(p)

    with pytest.raises(ValidationFailed) as refused:
        mdt_person_add(
            actor=p.link_worker,
            meeting=meeting,
            case_id=other.uuid,
            reason="Late addition",
            team_ids=_teams(p),
        )
    assert refused.value.errors == {"__all__": ["This meeting has been held: its list is closed"]}


def test_merging_two_records_keeps_the_mdt_entry_on_the_surviving_case(
    covered: Personas,
) -> None:
    from linkwell.people.services.merging import person_merge

    p = covered
    keep = patient_case(p)
    duplicate = patient_case(p)
    entry = mdt_person_add(
        actor=p.link_worker,
        meeting=_meeting(p),
        case_id=duplicate.uuid,
        reason="Worried about her",
        team_ids=_teams(p),
    )

    person_merge(actor=p.team_manager, keep=keep.person, duplicate=duplicate.person)

    entry.refresh_from_db()
    assert entry.case_id == keep.pk


def test_a_subject_access_export_includes_what_the_mdt_agreed(covered: Personas) -> None:
    from linkwell.ops.subject_access import subject_access_export

    p = covered
    case = patient_case(p)
    concern(case, p)
    mdt_discussion_record(
        actor=p.link_worker,
        meeting=_meeting(p),
        case_id=case.uuid,
        agreed_actions="Joint visit with the district nurse",
        action_owner="Sam",
        next_step="Visit on Friday",
        team_ids=_teams(p),
    )

    document = subject_access_export(person_uuid=str(case.person.uuid)).as_json()

    [section] = [s for s in document["sections"] if s["key"] == "mdt"]
    assert (
        section["records"][0]["fields"]["agreed_actions"] == "Joint visit with the district nurse"
    )
    assert "review_before_release" in section["records"][0]


def test_only_overdue_reviews_and_long_late_contacts_are_proposed(covered: Personas) -> None:
    """A review or contact merely due before the meeting is routine work: only an overdue review,
    or a next contact more than two weeks late, puts someone on the list."""
    p = covered
    today = timezone.localdate()
    overdue = patient_case(p)
    follow_up_due(overdue, 1)
    due_before_meeting = patient_case(p)
    follow_up_due(due_before_meeting, -2)
    contact_late = patient_case(p, next_contact_due=today - dt.timedelta(days=20))
    contact_routine = patient_case(p, next_contact_due=today - dt.timedelta(days=5))
    contact_soon = patient_case(p, next_contact_due=today + dt.timedelta(days=1))

    reasons = _reasons(_meeting(p, days=7), p)

    assert "(overdue)" in reasons[str(overdue.person)]["review_due"]
    assert "20 days ago" in reasons[str(contact_late.person)]["review_due"]
    for routine in (due_before_meeting, contact_routine, contact_soon):
        assert str(routine.person) not in reasons
