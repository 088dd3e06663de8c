"""Practice action plans: actions with owners and dates, reviews over time, and the practice's
own figures beside them (suppressed for practice staff outside the team)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.analysis.periods import quarter_bounds, quarter_containing
from linkwell.audit.models import AuditEvent
from linkwell.casework.tests.factories import make_person
from linkwell.core.exceptions import ValidationFailed
from linkwell.practice.models import ActionStatus, PracticeAction
from linkwell.practice.selectors.figures import practice_figures
from linkwell.practice.services.plans import practice_action_add, practice_action_review
from linkwell.practice.tests.factories import gad7, patient_case
from linkwell.referrals.tests.factories import make_referral
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _action(p: Personas) -> PracticeAction:
    return practice_action_add(
        actor=p.link_worker,
        practice=p.practice,
        title="Promote the flu jab at the men's breakfast",
        owner="Sam (community wellbeing officer)",
        due_on=timezone.localdate() + dt.timedelta(days=30),
        why="Few referrals of men over 65",
    )


def test_an_action_needs_a_title_owner_and_a_due_date_not_past(covered: Personas) -> None:
    with pytest.raises(ValidationFailed) as refused:
        practice_action_add(
            actor=covered.link_worker,
            practice=covered.practice,
            title="",
            owner="",
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert refused.value.errors == {
        "title": ["Enter the action"],
        "owner": ["Say who owns the action"],
        "due_on": ["The due date must be today or later"],
    }
    assert not PracticeAction.objects.exists()


def test_reviews_keep_the_history_and_the_latest_sets_the_status(covered: Personas) -> None:
    p = covered
    action = _action(p)
    today = timezone.localdate()
    practice_action_review(
        actor=p.link_worker,
        action=action,
        reviewed_on=today,
        status="in_progress",
        notes="Posters up; breakfast booked",
    )
    # A review recorded late, dated before the latest, is history and leaves the status.
    PracticeAction.objects.filter(pk=action.pk).update(
        created_at=timezone.now() - dt.timedelta(days=20)
    )
    action.refresh_from_db()
    practice_action_review(
        actor=p.referrer,
        action=action,
        reviewed_on=today - dt.timedelta(days=10),
        status="not_started",
        notes="Agreed at the practice meeting",
    )
    action.refresh_from_db()

    assert action.status == ActionStatus.IN_PROGRESS
    assert [r.notes for r in action.reviews.order_by("reviewed_on")] == [
        "Agreed at the practice meeting",
        "Posters up; breakfast booked",
    ]
    assert AuditEvent.objects.filter(action="practice.action_reviewed").count() == 2


def test_a_review_needs_notes_and_a_date_not_in_the_future(covered: Personas) -> None:
    action = _action(covered)
    with pytest.raises(ValidationFailed) as refused:
        practice_action_review(
            actor=covered.link_worker,
            action=action,
            reviewed_on=timezone.localdate() + dt.timedelta(days=1),
            status="done",
            notes="",
        )
    assert refused.value.errors == {
        "notes": ["Enter what the review found"],
        "reviewed_on": ["The review date cannot be in the future"],
    }
    assert not action.reviews.exists()


def _quarter_start() -> dt.datetime:
    start, _ = quarter_bounds(*quarter_containing(timezone.localdate()))
    return timezone.make_aware(dt.datetime.combine(start, dt.time(0, 30)))


def _known_figures(p: Personas) -> None:
    """This quarter: 9 referrals of the practice's patients, 3 with a first contact after 2, 4
    and 9 days (median 4); one of another practice. Measures: 2 people measured twice, one
    better and one worse (50% improved)."""
    start = _quarter_start()
    for n in range(9):
        person = make_person(registered_practice=p.practice)
        contact = {0: 2, 1: 4, 2: 9}.get(n)
        make_referral(
            person,
            p.link_worker_service,
            received_at=start,
            first_contact_at=start + dt.timedelta(days=contact) if contact else None,
        )
    make_referral(make_person(registered_practice=p.other_provider_org), p.link_worker_service)
    better, worse = patient_case(p), patient_case(p)
    days = (timezone.localdate() - start.date()).days
    gad7(better, 12, days + 200)
    gad7(better, 4, days)
    gad7(worse, 4, days + 200)
    gad7(worse, 12, days)


def test_the_team_sees_the_practice_figures_as_recorded(covered: Personas) -> None:
    _known_figures(covered)
    current = practice_figures(practice=covered.practice, suppressed=False).periods[0]
    assert current.referrals == 9
    assert current.waited == 3
    assert current.median_wait_days == 4.0
    assert current.measured == 2
    assert current.improved_percent == 50


def test_practice_staff_see_the_figures_suppressed(covered: Personas) -> None:
    _known_figures(covered)
    current = practice_figures(practice=covered.practice, suppressed=True).periods[0]
    assert current.referrals == 10  # 9 rounded to 5
    assert current.waited == "*"
    assert current.median_wait_days == "*"
    assert current.measured == "*"
    assert current.improved_percent == "*"


def test_the_plan_page_shows_staff_suppressed_figures_and_the_team_true_ones(
    covered: Personas,
) -> None:
    p = covered
    _known_figures(p)
    url = reverse("practice:plan", args=[p.practice.uuid])
    staff = _client(p.referrer).get(url).content.decode()
    team = _client(p.link_worker).get(url).content.decode()
    assert "Counts of 1 to 7 are shown as *" in staff
    assert '<td class="nhsuk-table__cell">4.0</td>' in team
    assert "4.0" not in staff


@pytest.mark.parametrize("who", ["other_team_link_worker", "outsider", "commissioner"])
def test_others_get_not_found(covered: Personas, who: str) -> None:
    p = covered
    action = _action(p)
    client = _client(getattr(p, who))
    assert client.get(reverse("practice:plan", args=[p.practice.uuid])).status_code == 404
    assert client.post(reverse("practice:action_review", args=[action.uuid]), {}).status_code == 404


def test_anonymous_is_sent_to_sign_in(covered: Personas) -> None:
    response = Client().get(reverse("practice:plan", args=[covered.practice.uuid]))
    assert response.status_code == 302


def test_read_only_looks_but_cannot_change(covered: Personas) -> None:
    p = covered
    action = _action(p)
    client = _client(p.read_only_link_worker)
    page = client.get(reverse("practice:plan", args=[p.practice.uuid]))
    assert page.status_code == 200
    assert "Promote the flu jab" in page.content.decode()
    assert "Add an action" not in page.content.decode()
    review = client.post(
        reverse("practice:action_review", args=[action.uuid]),
        {"reviewed_on": timezone.localdate().isoformat(), "status": "done", "notes": "x"},
    )
    assert review.status_code == 403
    assert not action.reviews.exists()


def test_practice_staff_add_an_action_and_review_it(covered: Personas) -> None:
    p = covered
    client = _client(p.referrer)
    refused = client.post(reverse("practice:action_new", args=[p.practice.uuid]), {"title": "x"})
    assert refused.status_code == 400
    assert "Say who owns the action" in refused.content.decode()
    added = client.post(
        reverse("practice:action_new", args=[p.practice.uuid]),
        {
            "title": "Carers' clinic once a month",
            "owner": "Practice manager",
            "due_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        },
    )
    assert added.status_code == 302
    action = PracticeAction.objects.get()
    reviewed = client.post(
        reverse("practice:action_review", args=[action.uuid]),
        {
            "reviewed_on": timezone.localdate().isoformat(),
            "status": "in_progress",
            "notes": "Room booked",
        },
    )
    assert reviewed.status_code == 302
    page = client.get(reverse("practice:plan", args=[p.practice.uuid])).content.decode()
    assert "Room booked" in page
    assert "In progress" in page
