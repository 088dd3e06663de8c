"""Self-assessment services: starting, saving, completing, discarding, and actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.coproduction.models import ActionStatus, Assessment, AssessmentStatus
from linkwell.coproduction.questions import CURRENT_VERSION, question_set
from linkwell.coproduction.selectors.assessments import principle_scores
from linkwell.coproduction.services import (
    action_add,
    action_set_status,
    assessment_complete,
    assessment_discard,
    assessment_save,
    assessment_start,
)
from linkwell.coproduction.tests.factories import Teams, all_answers, make_completed
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)


def _start(teams: Teams, **kw: Any) -> Assessment:
    return assessment_start(
        actor=teams.owner, organisation=teams.team, held_on=kw.pop("held_on", TODAY), **kw
    )


def _save(teams: Teams, assessment: Assessment, **kw: Any) -> Assessment:
    values: dict[str, Any] = {
        "held_on": assessment.held_on,
        "staff_count": 3,
        "staff_names": "Team manager\nLink worker",
        "people_count": 4,
        "people_names": "J.\nAmira",
        "answers": all_answers(2),
        "evidence": {"assets": "People ran the listening day."},
    }
    values.update(kw)
    return assessment_save(
        actor=teams.owner,
        assessment=assessment,
        expected_version=kw.pop("expected_version", assessment.version),
        **{k: v for k, v in values.items() if k != "expected_version"},
    )


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def test_it_starts_a_draft_on_the_current_question_set(teams: Teams) -> None:
    draft = _start(teams)
    assert draft.status == AssessmentStatus.DRAFT
    assert draft.question_set_version == CURRENT_VERSION
    assert AuditEvent.objects.filter(
        action=AuditAction.COPRODUCTION_ASSESSMENT_STARTED, object_id=str(draft.uuid)
    ).exists()


def test_a_team_has_one_draft_at_a_time(teams: Teams) -> None:
    _start(teams)
    with pytest.raises(ValidationFailed, match="already has a self-assessment in draft"):
        _start(teams)
    assert Assessment.objects.count() == 1


def test_the_date_cannot_be_in_the_future(teams: Teams) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _start(teams, held_on=TODAY + dt.timedelta(days=1))
    assert exc.value.errors["held_on"] == ["The date the team met must be today or in the past"]


def test_a_new_assessment_can_start_from_the_last_ones_answers(teams: Teams) -> None:
    answers = all_answers(3)
    answers["assets.design"] = 1
    last = make_completed(teams.team, held_on=dt.date(2025, 9, 1), answers=answers)
    make_completed(teams.team, held_on=dt.date(2025, 3, 1), answers=all_answers(0))
    draft = _start(teams, copy_last=True)
    assert draft.answers == answers
    assert draft.evidence == last.evidence
    assert draft.copied_from == last


def test_copying_with_nothing_completed_is_refused(teams: Teams) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _start(teams, copy_last=True)
    assert exc.value.errors["copy_last"] == ["There is no completed self-assessment to copy yet"]
    assert not Assessment.objects.exists()


def test_a_draft_saves_partial_answers(teams: Teams) -> None:
    draft = _start(teams)
    saved = _save(teams, draft, answers={"assets.experience": 4, "capacity.fit": 0})
    assert saved.answers == {"assets.experience": 4, "capacity.fit": 0}
    assert saved.status == AssessmentStatus.DRAFT
    assert saved.version == draft.version + 1


def test_a_score_outside_the_scale_is_refused_and_nothing_changes(teams: Teams) -> None:
    draft = _start(teams)
    with pytest.raises(ValidationFailed) as exc:
        _save(teams, draft, answers={"assets.experience": 5, "capacity.fit": -1})
    assert exc.value.errors["assets.experience"] == ["The score must be from 0 to 4, not 5"]
    assert exc.value.errors["capacity.fit"] == ["The score must be from 0 to 4, not -1"]
    draft.refresh_from_db()
    assert draft.answers == {}
    assert draft.staff_count == 0


def test_a_statement_not_in_the_question_set_is_refused(teams: Teams) -> None:
    draft = _start(teams)
    with pytest.raises(ValidationFailed, match=r"“assets\.made_up” is not a statement"):
        _save(teams, draft, answers={"assets.made_up": 2})


def test_completing_with_unanswered_statements_lists_them_and_saves_nothing(
    teams: Teams,
) -> None:
    draft = _start(teams)
    answers = all_answers(3)
    del answers["networks.peer"]
    del answers["catalysts.enabling"]
    with pytest.raises(ValidationFailed) as exc:
        _save(teams, draft, answers=answers, complete=True)
    message = exc.value.errors["__all__"][0]
    assert "2 not answered yet" in message
    assert "Networks: “Peer support that lets people share" in message
    assert "Catalysts: “We help groups and activities start" in message
    assert "Assets" not in message
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT
    assert draft.answers == {}  # the whole save rolled back


def test_completing_needs_people_who_use_the_service_to_have_taken_part(teams: Teams) -> None:
    draft = _start(teams)
    with pytest.raises(ValidationFailed) as exc:
        _save(teams, draft, people_count=0, complete=True)
    assert "together with them" in exc.value.errors["people_count"][0]


def test_completing_writes_the_scores_and_the_records_snapshot(teams: Teams) -> None:
    draft = _start(teams)
    answers = all_answers(2)
    answers.update({"assets.experience": 4, "assets.design": 3})  # assets: (4+2+3+2)/4
    done = _save(teams, draft, answers=answers, complete=True)
    assert done.status == AssessmentStatus.COMPLETED
    assert done.completed_by == teams.owner
    assert done.scores["assets"] == 2.75
    assert done.scores["catalysts"] == 2.0
    assert done.records_snapshot["on"] == TODAY.isoformat()
    assert done.records_snapshot["source"] == "Linkwell's volunteering and grants records"
    assert AuditEvent.objects.filter(
        action=AuditAction.COPRODUCTION_ASSESSMENT_COMPLETED, object_id=str(done.uuid)
    ).exists()


def test_a_saved_draft_is_completed_as_it_stands(teams: Teams) -> None:
    draft = _save(teams, _start(teams))
    done = assessment_complete(actor=teams.owner, assessment=draft, expected_version=draft.version)
    assert done.status == AssessmentStatus.COMPLETED
    assert done.scores == principle_scores(question_set(CURRENT_VERSION), all_answers(2))


def test_a_completed_assessment_cannot_be_edited_completed_again_or_discarded(
    teams: Teams,
) -> None:
    done = _save(teams, _start(teams), complete=True)
    with pytest.raises(ValidationFailed, match="can no longer be changed"):
        _save(teams, done, answers=all_answers(4))
    with pytest.raises(ValidationFailed, match="can no longer be changed"):
        assessment_complete(actor=teams.owner, assessment=done, expected_version=done.version)
    with pytest.raises(ValidationFailed, match="can no longer be changed"):
        assessment_discard(actor=teams.owner, assessment=done, expected_version=done.version)
    done.refresh_from_db()
    assert done.answers == all_answers(2)


def test_a_stale_version_is_refused(teams: Teams) -> None:
    draft = _start(teams)
    _save(teams, draft)  # a colleague saved first: version moved on
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        _save(teams, draft, expected_version=draft.version, answers=all_answers(4))
    draft.refresh_from_db()
    assert draft.answers == all_answers(2)


def test_a_draft_can_be_discarded(teams: Teams) -> None:
    draft = _start(teams)
    assessment_discard(actor=teams.owner, assessment=draft, expected_version=draft.version)
    assert not Assessment.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.COPRODUCTION_ASSESSMENT_DISCARDED).exists()


def test_actions_are_added_to_drafts_only(teams: Teams) -> None:
    draft = _start(teams)
    action = action_add(
        actor=teams.owner,
        assessment=draft,
        principle="networks",
        what="Start a peer group for carers",
        who="Team manager and two peer supporters",
        due_on=dt.date(2026, 6, 30),
    )
    assert action.status == ActionStatus.PLANNED
    done = _save(teams, draft, complete=True)
    with pytest.raises(ValidationFailed, match="Add new actions to the next self-assessment"):
        action_add(
            actor=teams.owner,
            assessment=done,
            principle="networks",
            what="Another",
            who="Someone",
            due_on=dt.date(2026, 6, 30),
        )
    assert done.actions.count() == 1


def test_an_action_needs_what_who_and_a_date_not_before_the_assessment(teams: Teams) -> None:
    draft = _start(teams)
    with pytest.raises(ValidationFailed) as exc:
        action_add(
            actor=teams.owner,
            assessment=draft,
            principle="nonsense",
            what=" ",
            who="",
            due_on=TODAY - dt.timedelta(days=1),
        )
    assert set(exc.value.errors) == {"principle", "what", "who", "due_on"}


def test_an_actions_status_moves_on_after_completion_with_a_version_check(teams: Teams) -> None:
    draft = _start(teams)
    action = action_add(
        actor=teams.owner,
        assessment=draft,
        principle="catalysts",
        what="Hand the walking group to its members",
        who="Link worker",
        due_on=dt.date(2026, 9, 1),
    )
    _save(teams, draft, complete=True)
    moved = action_set_status(
        actor=teams.owner, action=action, status="in_progress", expected_version=action.version
    )
    assert moved.status == ActionStatus.IN_PROGRESS
    with pytest.raises(ConcurrentEditError):
        action_set_status(
            actor=teams.owner, action=action, status="done", expected_version=action.version
        )
    with pytest.raises(ValidationFailed):
        action_set_status(
            actor=teams.owner, action=action, status="finished", expected_version=moved.version
        )
