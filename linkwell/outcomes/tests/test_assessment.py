"""The holistic assessment: recorded area by area with notes, and the areas needing support
offered as goals on the plan, one click each."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case, Goal
from linkwell.casework.tests.factories import referred_case
from linkwell.core.exceptions import ValidationFailed
from linkwell.outcomes.assessment import (
    assessment_goal_add,
    goal_suggestions,
)
from linkwell.outcomes.models import MeasureAdministration
from linkwell.outcomes.registry import get_instrument
from linkwell.outcomes.services import MeasureInput, measure_record
from linkwell.referrals.models import Referral, ReferralSource
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

AREAS = ["health", "home_safety", "falls", "money", "social_contact", "caring", "what_matters"]


@pytest.fixture
def case(personas: Personas) -> Case:
    return referred_case(personas)


def _assess(personas: Personas, case: Case, **ratings: int) -> MeasureAdministration:
    answers = {area: ratings.get(area, 0) for area in AREAS}
    return measure_record(
        actor=personas.link_worker,
        case=case,
        data=MeasureInput(
            instrument_id="bolton-holistic",
            timepoint="baseline",
            administered_on=timezone.localdate(),
            completed_by="link_worker",
            answers=answers,
            notes={"falls": "Fell twice on the stairs since Christmas", "money": ""},
        ),
    )


def test_the_assessment_has_the_seven_areas_and_no_total() -> None:
    instrument = get_instrument("bolton-holistic")
    assert [i.id for i in instrument.items] == AREAS
    assert instrument.category == "assessment"
    assert not instrument.has_total


def test_each_area_is_recorded_with_its_rating_and_notes(personas: Personas, case: Case) -> None:
    adm = _assess(personas, case, falls=2, money=1)
    assert adm.score is None
    assert adm.item_scores["falls"]["band"] == "Needs support"
    assert adm.item_scores["money"]["band"] == "Keep an eye on it"
    assert adm.notes == {"falls": "Fell twice on the stairs since Christmas"}


def test_areas_needing_support_become_suggested_goals_added_in_one_step(
    personas: Personas, case: Case
) -> None:
    adm = _assess(personas, case, falls=2, social_contact=2, money=1)
    _, suggestions = goal_suggestions(case)
    assert [(s.item_id, s.text) for s in suggestions] == [
        ("falls", "Falls: Fell twice on the stairs since Christmas"),
        ("social_contact", "Social contact: get support with this"),
    ]
    plan = assessment_goal_add(
        actor=personas.link_worker, case=case, administration=adm, item_id="falls"
    )
    assert [g.text for g in plan.goals.all()] == ["Falls: Fell twice on the stairs since Christmas"]
    assert AuditEvent.objects.filter(action="casework.plan_saved").count() == 1
    # Offered no more once on the plan; the other stays.
    assert [s.item_id for s in goal_suggestions(case)[1]] == ["social_contact"]
    with pytest.raises(ValidationFailed):
        assessment_goal_add(
            actor=personas.link_worker, case=case, administration=adm, item_id="falls"
        )
    with pytest.raises(ValidationFailed):  # "keep an eye on it" is not a need
        assessment_goal_add(
            actor=personas.link_worker, case=case, administration=adm, item_id="money"
        )
    assessment_goal_add(
        actor=personas.link_worker, case=case, administration=adm, item_id="social_contact"
    )
    assert Goal.objects.filter(plan__case=case).count() == 2


def test_the_plan_page_offers_the_goals_and_one_click_adds_one(
    personas: Personas, case: Case
) -> None:
    adm = _assess(personas, case, caring=2)
    client = Client()
    assert client.login(email=personas.link_worker.email, password=PASSWORD)
    page = client.get(reverse("casework:plan_detail", kwargs={"case_id": case.uuid}))
    assert "From the holistic assessment" in page.content.decode()
    url = reverse(
        "outcomes:assessment_goal_add",
        kwargs={"case_id": case.uuid, "administration_id": adm.uuid, "item_id": "caring"},
    )
    assert url in page.content.decode()
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Caring: get support with this" in response.content.decode()
    assert Goal.objects.get(plan__case=case).text == "Caring: get support with this"
    # Another team's worker cannot add goals to this case.
    other = Client()
    assert other.login(email=personas.other_team_link_worker.email, password=PASSWORD)
    assert other.post(url).status_code == 404


def test_an_invited_person_without_an_assessment_is_prompted_for_one(
    personas: Personas, case: Case
) -> None:
    client = Client()
    assert client.login(email=personas.link_worker.email, password=PASSWORD)
    url = reverse("casework:plan_detail", kwargs={"case_id": case.uuid})
    assert "Record the holistic assessment" not in client.get(url).content.decode()
    Referral.objects.filter(case_link__case=case).update(source=ReferralSource.PROACTIVE)
    assert "Record the holistic assessment" in client.get(url).content.decode()
