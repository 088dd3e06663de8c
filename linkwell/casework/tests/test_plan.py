"""The personalised plan: saving with version checks, agreeing, printing and sending it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import CaseNote, FollowUp, FollowUpKind, Goal, MessageBack, Plan
from linkwell.casework.plan import (
    ActionInput,
    GoalInput,
    PlanInput,
    action_set_done,
    plan_agree,
    plan_save,
    plan_send_to_person,
)
from linkwell.casework.tests.factories import plan_post, referred_case
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _plan(personas: Personas, case: object = None) -> Plan:
    case = case or referred_case(personas)
    return plan_save(
        actor=personas.link_worker,
        case=case,  # type: ignore[arg-type]
        data=PlanInput(
            moving_forward="The library and my daughter",
            goals=[GoalInput(text="Go to the coffee morning"), GoalInput(text="Walk more")],
            actions=[ActionInput(text="Ring the church", owner="Joan")],
        ),
        expected_version=None,
    )


# --- Services ----------------------------------------------------------------------------------


def test_saving_a_plan_keeps_goals_in_the_persons_words_and_audits(personas: Personas) -> None:
    plan = _plan(personas)
    assert [g.text for g in plan.goals.order_by("created_at")] == [
        "Go to the coffee morning",
        "Walk more",
    ]
    assert AuditEvent.objects.filter(
        action="casework.plan_saved", person_id=str(plan.case.person.uuid)
    ).exists()


def test_a_stale_plan_edit_is_refused_and_changes_nothing(personas: Personas) -> None:
    plan = _plan(personas)
    goal = plan.goals.first()
    assert goal is not None
    plan_save(
        actor=personas.link_worker_teammate,
        case=plan.case,
        data=PlanInput(goals=[GoalInput(id=goal.uuid, text="Teammate's goal")]),
        expected_version=1,
    )
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        plan_save(
            actor=personas.link_worker,
            case=plan.case,
            data=PlanInput(goals=[GoalInput(text="Mine")]),
            expected_version=1,
        )
    assert list(Goal.objects.values_list("text", flat=True)) == ["Teammate's goal"]


def test_it_rejects_a_new_goal_dated_in_the_past(personas: Personas) -> None:
    case = referred_case(personas)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        plan_save(
            actor=personas.link_worker,
            case=case,
            data=PlanInput(
                goals=[GoalInput(text="Walk", target_date=yesterday)],
                actions=[ActionInput(text="Buy shoes", owner="")],
            ),
            expected_version=None,
        )
    assert "today or in the future" in exc.value.errors["goal-1-target_date"][0]
    assert "who will do it" in exc.value.errors["action-1-owner"][0]
    assert not Plan.objects.exists()


@override_settings(FOLLOW_UP_SCHEDULE_DAYS=[28, 91, 182, 365])
def test_agreeing_the_plan_schedules_follow_ups_and_tells_the_referrer(
    personas: Personas,
) -> None:
    plan = _plan(personas)
    agreed = timezone.localdate()
    plan_agree(actor=personas.link_worker, plan=plan, agreed_on=agreed, expected_version=1)
    rows = list(FollowUp.objects.filter(case=plan.case).values_list("kind", "due_on"))
    assert rows == [
        (FollowUpKind.REVIEW_4_WEEKS, agreed + dt.timedelta(days=28)),
        (FollowUpKind.CHECK_IN_3_MONTHS, agreed + dt.timedelta(days=91)),
        (FollowUpKind.CHECK_IN_6_MONTHS, agreed + dt.timedelta(days=182)),
        (FollowUpKind.CHECK_IN_12_MONTHS, agreed + dt.timedelta(days=365)),
    ]
    message = MessageBack.objects.get(stage=MessageBack.Stage.PLAN_AGREED)
    assert "Go to the coffee morning" in " ".join(message.summary["sections"]["plan"])


@override_settings(FOLLOW_UP_SCHEDULE_DAYS=[14, 60])
def test_the_schedule_follows_the_configured_days_and_is_not_doubled(personas: Personas) -> None:
    plan = _plan(personas)
    today = timezone.localdate()
    plan_agree(actor=personas.link_worker, plan=plan, agreed_on=today, expected_version=1)
    plan.refresh_from_db()
    plan_agree(actor=personas.link_worker, plan=plan, agreed_on=today, expected_version=2)
    assert list(FollowUp.objects.values_list("due_on", flat=True)) == [
        today + dt.timedelta(days=14),
        today + dt.timedelta(days=60),
    ]


def test_a_plan_without_goals_cannot_be_agreed(personas: Personas) -> None:
    case = referred_case(personas)
    plan = plan_save(actor=personas.link_worker, case=case, data=PlanInput(), expected_version=None)
    with pytest.raises(ValidationFailed, match="at least one goal"):
        plan_agree(
            actor=personas.link_worker,
            plan=plan,
            agreed_on=timezone.localdate(),
            expected_version=1,
        )
    assert not FollowUp.objects.exists()


def test_ticking_an_action_makes_an_open_edit_form_stale(personas: Personas) -> None:
    plan = _plan(personas)
    action = plan.actions.get()
    action_set_done(
        actor=personas.link_worker, plan=plan, action_id=action.uuid, done=True, expected_version=1
    )
    action.refresh_from_db()
    assert action.done_at is not None
    with pytest.raises(ConcurrentEditError):
        plan_save(
            actor=personas.link_worker_teammate,
            case=plan.case,
            data=PlanInput(actions=[ActionInput(id=action.uuid, text="Ring", owner="Joan")]),
            expected_version=1,
        )


@override_settings(NOTIFY_BACKEND="linkwell.core.notify.EmailBackend")
def test_sending_the_plan_emails_a_person_who_agreed_to_contact(personas: Personas) -> None:
    plan = _plan(personas)
    result = plan_send_to_person(actor=personas.link_worker, plan=plan)
    assert result.method == "email" and result.sent
    assert mail.outbox[-1].to == ["joan@example.org"]
    assert "Go to the coffee morning" in mail.outbox[-1].body
    assert AuditEvent.objects.filter(action="casework.plan_sent").exists()


def test_the_development_backend_says_the_plan_was_not_sent(personas: Personas) -> None:
    plan = _plan(personas)
    result = plan_send_to_person(actor=personas.link_worker, plan=plan)
    assert result.method == "email" and not result.sent
    assert result.outcome == "not sent (development backend)"
    assert not AuditEvent.objects.filter(action="casework.plan_sent").exists()
    [event] = AuditEvent.objects.filter(action="casework.plan_not_sent")
    assert event.detail["outcome"] == "not sent (development backend)"


@pytest.mark.parametrize(
    "case_kwargs", [{"email": ""}, {"consent_to_contact": False}], ids=["no email", "no consent"]
)
def test_without_email_or_consent_the_plan_is_marked_for_post(
    personas: Personas, case_kwargs: dict[str, object]
) -> None:
    plan = _plan(personas, referred_case(personas, **case_kwargs))  # type: ignore[arg-type]
    result = plan_send_to_person(actor=personas.link_worker, plan=plan)
    assert result.method == "post"
    assert "SY11 2SP" in result.to
    assert not mail.outbox
    assert "posted to 3 Church Street" in CaseNote.objects.get(case=plan.case).text
    assert AuditEvent.objects.filter(action="casework.plan_marked_for_post").exists()


# --- Pages -------------------------------------------------------------------------------------


def test_the_link_worker_writes_the_plan_from_the_form(personas: Personas) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    edit = reverse("casework:plan_edit", kwargs={"case_id": case.uuid})
    assert client.get(edit).status_code == 200
    response = client.post(edit, plan_post())
    assert response.status_code == 302
    plan = Plan.objects.get(case=case)
    assert plan.goals.count() == 2 and plan.actions.count() == 1
    page = client.get(reverse("casework:plan_detail", kwargs={"case_id": case.uuid}))
    assert "I want to go to the coffee morning" in page.content.decode()


def test_a_stale_plan_form_is_refused_with_a_clear_message(personas: Personas) -> None:
    plan = _plan(personas)
    client = _client(personas.link_worker)
    edit = reverse("casework:plan_edit", kwargs={"case_id": plan.case.uuid})
    assert client.post(edit, plan_post(version=1)).status_code == 302
    stale = client.post(edit, plan_post(version=1, **{"goal-0-text": "Overwrite"}))
    assert stale.status_code == 409
    assert "changed by someone else" in stale.content.decode()
    assert not Goal.objects.filter(text="Overwrite").exists()


def test_impossible_dates_in_the_plan_form_get_a_specific_message(personas: Personas) -> None:
    case = referred_case(personas)
    response = _client(personas.link_worker).post(
        reverse("casework:plan_edit", kwargs={"case_id": case.uuid}),
        plan_post(**{"goal-0-target_date": "2025-02-30"}),
    )
    assert response.status_code == 400
    assert "Target date must be a real date" in response.content.decode()
    assert not Plan.objects.exists()


def test_agreeing_and_ticking_from_the_plan_page(personas: Personas) -> None:
    plan = _plan(personas)
    client = _client(personas.link_worker_teammate)
    kwargs = {"case_id": plan.case.uuid}
    client.post(
        reverse("casework:plan_agree", kwargs=kwargs),
        {"version": "1", "agreed_on": timezone.localdate().isoformat()},
    )
    assert FollowUp.objects.filter(case=plan.case).count() == 4
    action = plan.actions.get()
    client.post(
        reverse("casework:plan_action_done", kwargs={**kwargs, "action_id": action.uuid}),
        {"version": "2", "done": "1"},
    )
    action.refresh_from_db()
    assert action.done_at is not None


def test_the_printable_plan_is_plain_and_offers_large_print(personas: Personas) -> None:
    plan = _plan(personas)
    client = _client(personas.link_worker)
    url = reverse("casework:plan_print", kwargs={"case_id": plan.case.uuid})
    text = client.get(url + "?large=1").content.decode()
    assert "Your plan, Joan" in text
    assert "app-plan-print--large" in text
    assert "@media print" in text
    assert "Go to the coffee morning" in text


def test_sending_from_the_page_says_where_it_went(personas: Personas) -> None:
    plan = _plan(personas)
    response = _client(personas.link_worker).post(
        reverse("casework:plan_send", kwargs={"case_id": plan.case.uuid}), follow=True
    )
    assert "emailed to joan@example.org" in response.content.decode()


def test_a_read_only_member_sees_the_plan_but_cannot_change_or_send_it(
    personas: Personas,
) -> None:
    plan = _plan(personas)
    client = _client(personas.read_only_link_worker)
    kwargs = {"case_id": plan.case.uuid}
    page = client.get(reverse("casework:plan_detail", kwargs=kwargs))
    assert page.status_code == 200
    assert "Edit the plan" not in page.content.decode()
    assert client.get(reverse("casework:plan_print", kwargs=kwargs)).status_code == 200
    assert client.post(reverse("casework:plan_edit", kwargs=kwargs), plan_post()).status_code == 403
    assert client.post(reverse("casework:plan_send", kwargs=kwargs)).status_code == 403
    assert (
        client.post(
            reverse("casework:plan_agree", kwargs=kwargs),
            {"version": "1", "agreed_on": timezone.localdate().isoformat()},
        ).status_code
        == 403
    )
    assert not mail.outbox and not FollowUp.objects.exists()


@pytest.mark.parametrize("persona", ["other_team_link_worker", "referrer", "commissioner", "owner"])
def test_people_outside_the_team_cannot_find_the_plan(personas: Personas, persona: str) -> None:
    plan = _plan(personas)
    client = _client(getattr(personas, persona))
    kwargs = {"case_id": plan.case.uuid}
    for name in ("plan_detail", "plan_print", "plan_edit"):
        assert client.get(reverse(f"casework:{name}", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("casework:plan_send", kwargs=kwargs)).status_code == 404


def test_anonymous_visitors_cannot_see_a_plan(personas: Personas) -> None:
    plan = _plan(personas)
    response = Client().get(reverse("casework:plan_print", kwargs={"case_id": plan.case.uuid}))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
