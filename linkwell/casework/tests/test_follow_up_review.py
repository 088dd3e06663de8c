"""Recording a follow-up as link workers run it: each goal's progress, the measures due at this
point, what changes in the plan and the next contact (follow_up_review.py, views/follow_up.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.follow_up_review import (
    FollowUpReviewInput,
    GoalProgressInput,
    follow_up_review_record,
)
from linkwell.casework.followup import follow_up_arrange
from linkwell.casework.models import (
    Case,
    FollowUp,
    FollowUpKind,
    Goal,
    GoalProgress,
    GoalStatus,
    MessageBack,
    Plan,
    WellbeingReview,
)
from linkwell.casework.plan import ActionInput, GoalInput, PlanInput, plan_agree, plan_save
from linkwell.casework.tests.factories import referred_case
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


@override_settings(FOLLOW_UP_SCHEDULE_DAYS=[28, 91, 182, 365])
def _agreed(personas: Personas) -> tuple[Case, Plan, FollowUp]:
    """Joan's case with a plan of two goals and one action, agreed today (so scheduled)."""
    case = referred_case(personas)
    plan = plan_save(
        actor=personas.link_worker,
        case=case,
        data=PlanInput(
            goals=[GoalInput(text="Go to the coffee morning"), GoalInput(text="Walk more")],
            actions=[ActionInput(text="Ring the church", owner="Joan")],
        ),
        expected_version=None,
    )
    plan = plan_agree(
        actor=personas.link_worker,
        plan=plan,
        agreed_on=timezone.localdate(),
        expected_version=plan.version,
    )
    review = FollowUp.objects.get(case=case, kind=FollowUpKind.REVIEW_4_WEEKS)
    return case, plan, review


def _goals(plan: Plan) -> list[Goal]:
    return list(plan.goals.order_by("created_at", "pk"))


def _input(plan: Plan, **overrides: object) -> FollowUpReviewInput:
    coffee, walk = _goals(plan)
    values: dict[str, object] = {
        "completed_on": timezone.localdate(),
        "notes": "Feels more like herself.",
        "progress": [
            GoalProgressInput(coffee.uuid, GoalStatus.ACHIEVED, "I go every Thursday now"),
            GoalProgressInput(walk.uuid, GoalStatus.IN_PROGRESS, "Knee still bad"),
        ],
        "new_goals": [GoalInput(text="Join the choir")],
        "new_actions": [ActionInput(text="Ask about the choir", owner="Link worker")],
        "next_contact_kind": FollowUpKind.CHECK_IN_3_MONTHS,
        "next_contact_on": timezone.localdate() + dt.timedelta(days=60),
    }
    values.update(overrides)
    return FollowUpReviewInput(**values)  # type: ignore[arg-type]


# --- Service -----------------------------------------------------------------------------------


def test_the_4_week_review_records_each_goal_changes_the_plan_and_arranges_the_next_contact(
    personas: Personas,
) -> None:
    case, plan, review = _agreed(personas)
    next_on = timezone.localdate() + dt.timedelta(days=60)
    follow_up_review_record(
        actor=personas.link_worker,
        follow_up=review,
        data=_input(plan),
        expected_version=review.version,
        plan_version=plan.version,
    )
    review.refresh_from_db()
    assert review.completed_at is not None and review.recorded_by == personas.link_worker
    assert [(p.goal_text, p.status, p.in_their_words) for p in review.goal_progress.all()] == [
        ("Go to the coffee morning", GoalStatus.ACHIEVED, "I go every Thursday now"),
        ("Walk more", GoalStatus.IN_PROGRESS, "Knee still bad"),
    ]
    # The plan moved with it: the goal closed, one goal and one action added.
    assert sorted(plan.goals.values_list("text", "status")) == [
        ("Go to the coffee morning", GoalStatus.ACHIEVED),
        ("Join the choir", GoalStatus.NOT_STARTED),
        ("Walk more", GoalStatus.IN_PROGRESS),
    ]
    assert sorted(plan.actions.values_list("text", flat=True)) == [
        "Ask about the choir",
        "Ring the church",
    ]
    assert review.plan_changes == {
        "goals_added": ["Join the choir"],
        "goals_closed": ["Go to the coffee morning"],
        "actions_added": ["Ask about the choir"],
    }
    # The next contact moved the scheduled 3-month check-in; no second one was added.
    [check_in] = FollowUp.objects.filter(case=case, kind=FollowUpKind.CHECK_IN_3_MONTHS)
    assert check_in.due_on == next_on and review.next_follow_up == check_in
    case.refresh_from_db()
    assert case.next_contact_due == next_on
    # The letter to the GP carries the goals' progress in the person's words.
    message = MessageBack.objects.get(case=case, stage=MessageBack.Stage.OUTCOME)
    outcome = message.summary["sections"]["outcome"]
    assert "Go to the coffee morning: achieved. “I go every Thursday now”" in outcome
    assert "Feels more like herself." in outcome
    actions = list(
        AuditEvent.objects.filter(person_id=str(case.person.uuid))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert {
        "casework.follow_up_completed",
        "casework.plan_saved",
        "casework.follow_ups_scheduled",
        "casework.case_next_contact_set",
        "casework.message_back_written",
    } <= set(actions)
    event = AuditEvent.objects.get(action="casework.follow_up_completed")
    assert event.detail["plan_changes"] == {"goals_added": 1, "goals_closed": 1, "actions_added": 1}
    assert "Thursday" not in str(event.detail)  # the person's words stay out of the audit trail


def test_an_other_next_contact_adds_a_follow_up(personas: Personas) -> None:
    case, plan, review = _agreed(personas)
    on = timezone.localdate() + dt.timedelta(days=14)
    follow_up_review_record(
        actor=personas.link_worker,
        follow_up=review,
        data=_input(plan, next_contact_kind=FollowUpKind.OTHER, next_contact_on=on),
        expected_version=review.version,
        plan_version=plan.version,
    )
    assert FollowUp.objects.get(case=case, kind=FollowUpKind.OTHER, due_on=on)


def test_every_problem_with_the_review_is_reported_at_once_and_nothing_is_written(
    personas: Personas,
) -> None:
    _case, plan, review = _agreed(personas)
    coffee, walk = _goals(plan)
    data = _input(
        plan,
        notes=" ",
        progress=[GoalProgressInput(coffee.uuid, "", ""), GoalProgressInput(walk.uuid, "")],
        new_actions=[ActionInput(text="Ask about the choir", owner=" ")],
        new_goals=[GoalInput(text="Old", target_date=timezone.localdate() - dt.timedelta(days=1))],
        next_contact_on=timezone.localdate() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationFailed) as exc:
        follow_up_review_record(
            actor=personas.link_worker,
            follow_up=review,
            data=data,
            expected_version=review.version,
            plan_version=plan.version,
        )
    errors = exc.value.errors
    assert errors["notes"] == ["Enter what you talked about and how things are going"]
    assert errors[f"goal-{coffee.uuid}-status"] == [
        "Goal 1: choose how “Go to the coffee morning” is going"
    ]
    assert errors[f"goal-{walk.uuid}-status"] == ["Goal 2: choose how “Walk more” is going"]
    assert errors["new_action-1-owner"] == ["New action 1: say who will do it"]
    assert errors["new_goal-1-target_date"] == [
        "New goal 1: the target date must be today or in the future"
    ]
    assert errors["next_contact_on"] == [
        "The next contact must be after today and this conversation"
    ]
    review.refresh_from_db()
    assert review.completed_at is None
    assert not GoalProgress.objects.exists()
    assert not AuditEvent.objects.filter(action="casework.follow_up_completed").exists()


def test_a_next_contact_needs_both_a_kind_and_a_date(personas: Personas) -> None:
    _, plan, review = _agreed(personas)
    with pytest.raises(ValidationFailed) as exc:
        follow_up_review_record(
            actor=personas.link_worker,
            follow_up=review,
            data=_input(plan, next_contact_on=None),
            expected_version=review.version,
            plan_version=plan.version,
        )
    assert exc.value.errors == {
        "next_contact_on": ["Enter the date of the next contact, or choose none"]
    }


def test_a_review_opened_before_someone_moved_the_follow_up_is_refused(
    personas: Personas,
) -> None:
    case, plan, review = _agreed(personas)
    opened_on = review.version
    follow_up_arrange(
        actor=personas.link_worker_teammate,
        case=case,
        kind=FollowUpKind.REVIEW_4_WEEKS,
        due_on=review.due_on + dt.timedelta(days=3),
    )
    with pytest.raises(ConcurrentEditError):
        follow_up_review_record(
            actor=personas.link_worker,
            follow_up=review,
            data=_input(plan),
            expected_version=opened_on,
            plan_version=plan.version,
        )
    review.refresh_from_db()
    assert review.completed_at is None
    assert plan.goals.count() == 2


def test_a_review_opened_before_the_plan_was_edited_is_refused_and_writes_nothing(
    personas: Personas,
) -> None:
    _, plan, review = _agreed(personas)
    Plan.objects.filter(pk=plan.pk).update(version=plan.version + 1)  # a colleague saved it
    for data in (
        _input(plan),
        _input(
            plan,
            new_goals=[],
            new_actions=[],
            progress=[GoalProgressInput(g.uuid, g.status) for g in _goals(plan)],
        ),
    ):
        with pytest.raises(ConcurrentEditError):
            follow_up_review_record(
                actor=personas.link_worker,
                follow_up=review,
                data=data,
                expected_version=review.version,
                plan_version=plan.version,
            )
    review.refresh_from_db()
    assert review.completed_at is None
    assert not GoalProgress.objects.exists()
    assert not MessageBack.objects.filter(stage=MessageBack.Stage.OUTCOME).exists()


# --- Pages -------------------------------------------------------------------------------------


def _urls(case: Case, follow_up: FollowUp) -> tuple[str, str]:
    kwargs = {"case_id": case.uuid, "follow_up_id": follow_up.uuid}
    return (
        reverse("casework:follow_up_complete", kwargs=kwargs),
        reverse("casework:follow_up_detail", kwargs=kwargs),
    )


def _post(plan: Plan, review: FollowUp, **overrides: str) -> dict[str, str]:
    coffee, walk = _goals(plan)
    data = {
        "version": str(review.version),
        "plan_version": str(plan.version),
        "completed_on": timezone.localdate().isoformat(),
        "notes": "Goes to the coffee morning weekly.",
        f"goal-{coffee.uuid}-status": "achieved",
        f"goal-{coffee.uuid}-words": "I love it",
        f"goal-{walk.uuid}-status": "in_progress",
        f"goal-{walk.uuid}-words": "",
        "new_goal-1-text": "",
        "new_goal-1-target_date": "",
        "new_action-1-text": "Find a walking group",
        "new_action-1-owner": "Joan",
        "new_action-1-due_on": "",
        "next_contact_kind": FollowUpKind.CHECK_IN_3_MONTHS,
        "next_contact_on": (timezone.localdate() + dt.timedelta(days=50)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_link_worker_records_the_4_week_review_goal_by_goal(personas: Personas) -> None:
    case, plan, review = _agreed(personas)
    form_url, detail_url = _urls(case, review)
    client = _client(personas.link_worker)
    page = client.get(form_url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Goal 1: Go to the coffee morning" in text and "Goal 2: Walk more" in text
    assert "Next contact" in text
    # The next scheduled contact is offered.
    assert 'value="checkin_3m" selected' in text
    response = client.post(form_url, _post(plan, review))
    assert response.status_code == 302 and response["Location"] == detail_url
    detail = client.get(detail_url).content.decode()
    assert "I love it" in detail
    assert "Action added: Find a walking group" in detail
    assert "3-month check-in" in detail


def test_a_teammate_records_it_and_the_read_only_member_only_reads_it(personas: Personas) -> None:
    case, plan, review = _agreed(personas)
    form_url, detail_url = _urls(case, review)
    read_only = _client(personas.read_only_link_worker)
    assert read_only.get(form_url).status_code == 403
    assert read_only.post(form_url, _post(plan, review)).status_code == 403
    assert (
        _client(personas.link_worker_teammate).post(form_url, _post(plan, review)).status_code
        == 302
    )
    assert read_only.get(detail_url).status_code == 200


def test_outsiders_get_404_and_anonymous_visitors_sign_in(personas: Personas) -> None:
    case, plan, review = _agreed(personas)
    form_url, detail_url = _urls(case, review)
    for persona in (personas.other_team_link_worker, personas.referrer, personas.commissioner):
        client = _client(persona)
        assert client.get(form_url).status_code == 404
        assert client.post(form_url, _post(plan, review)).status_code == 404
        assert client.get(detail_url).status_code == 404
    for url in (form_url, detail_url):
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    review.refresh_from_db()
    assert review.completed_at is None


def test_a_wrong_form_comes_back_with_an_error_summary_naming_each_problem(
    personas: Personas,
) -> None:
    case, plan, review = _agreed(personas)
    form_url, _ = _urls(case, review)
    coffee, _walk = _goals(plan)
    response = _client(personas.link_worker).post(
        form_url,
        _post(
            plan,
            review,
            notes="",
            **{f"goal-{coffee.uuid}-status": "", "new_action-1-owner": "", "next_contact_on": ""},
        ),
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in text
    assert "Enter what you talked about and how things are going" in text
    assert "Choose how “Go to the coffee morning” is going" in text
    review.refresh_from_db()
    assert review.completed_at is None


def test_the_service_errors_reach_the_summary_too(personas: Personas) -> None:
    case, plan, review = _agreed(personas)
    form_url, _ = _urls(case, review)
    response = _client(personas.link_worker).post(
        form_url, _post(plan, review, **{"new_action-1-owner": " "})
    )
    assert response.status_code == 400
    assert "New action 1: say who will do it" in response.content.decode()


def test_a_stale_review_form_is_refused_with_409(personas: Personas) -> None:
    case, plan, review = _agreed(personas)
    form_url, _ = _urls(case, review)
    stale = _post(plan, review)
    Plan.objects.filter(pk=plan.pk).update(version=plan.version + 1)
    response = _client(personas.link_worker).post(form_url, stale)
    assert response.status_code == 409
    assert "reload" in response.content.decode().lower()
    review.refresh_from_db()
    assert review.completed_at is None


def test_the_measures_due_at_this_point_are_offered_in_place(personas: Personas) -> None:
    case, _plan, review = _agreed(personas)
    WellbeingReview.objects.create(
        case=case, held_on=timezone.localdate() - dt.timedelta(days=28), what_matters="People"
    )
    form_url, _ = _urls(case, review)
    client = _client(personas.link_worker)
    text = client.get(form_url).content.decode()
    assert "Outcome measures at this point" in text
    record = reverse("outcomes:measure_new", kwargs={"case_id": case.uuid, "instrument_id": "ons4"})
    assert f'href="{record}?timepoint=week_4&amp;next=' in text
    # Recording it there comes back to the review, which then lists it as recorded.
    response = client.post(
        f"{record}?timepoint=week_4&next={form_url}",
        {
            "timepoint": "week_4",
            "administered_on": timezone.localdate().isoformat(),
            "completed_by": "link_worker",
            "life_satisfaction": "7",
            "worthwhile": "7",
            "happiness": "6",
            "anxiety": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == form_url
    again = client.get(form_url).content.decode()
    assert "Recorded at this point" in again


def test_an_offsite_next_address_is_not_followed(personas: Personas) -> None:
    case, _plan, _review = _agreed(personas)
    record = reverse("outcomes:measure_new", kwargs={"case_id": case.uuid, "instrument_id": "ons4"})
    response = _client(personas.link_worker).post(
        f"{record}?next=https://evil.example/",
        {
            "timepoint": "week_4",
            "administered_on": timezone.localdate().isoformat(),
            "completed_by": "link_worker",
            "life_satisfaction": "7",
            "worthwhile": "7",
            "happiness": "6",
            "anxiety": "3",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:case_outcomes", kwargs={"case_id": case.uuid})


def test_a_follow_up_recorded_as_free_text_before_stays_readable(personas: Personas) -> None:
    case, _plan, review = _agreed(personas)
    FollowUp.objects.filter(pk=review.pk).update(
        completed_at=timezone.now(), notes="Spoke on the phone; all well."
    )
    _, detail_url = _urls(case, review)
    text = _client(personas.read_only_link_worker).get(detail_url).content.decode()
    assert "What was talked about" in text
    assert "Spoke on the phone; all well." in text
    plan_page = _client(personas.link_worker).get(
        reverse("casework:plan_detail", kwargs={"case_id": case.uuid})
    )
    assert detail_url in plan_page.content.decode()


def test_without_a_scheduled_check_in_the_usual_next_one_is_offered_undated(
    personas: Personas,
) -> None:
    case, _plan, review = _agreed(personas)
    FollowUp.objects.filter(case=case).exclude(pk=review.pk).delete()
    form_url, _ = _urls(case, review)
    text = _client(personas.link_worker).get(form_url).content.decode()
    assert 'value="checkin_3m" selected' in text
    [date_input] = re.findall(r"<input[^>]*name=\"next_contact_on\"[^>]*>", text)
    assert "value=" not in date_input
