"""Scores, progress, and the figures counted from Linkwell's own records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.coproduction.questions import CURRENT_VERSION, question_set
from linkwell.coproduction.selectors.assessments import (
    child_team_latest,
    principle_scores,
    team_progress,
)
from linkwell.coproduction.selectors.records import records_evidence, shown_evidence
from linkwell.coproduction.tests.factories import Teams, all_answers, make_completed
from linkwell.referrals.tests.factories import make_person
from linkwell.volunteering.models import Activity, ActivityKind, RoleKind, RoleStatus
from linkwell.volunteering.tests.factories import make_member


def test_a_principles_score_is_the_mean_of_its_statements_and_none_until_all_answered() -> None:
    qs = question_set(CURRENT_VERSION)
    answers = all_answers(1)
    answers["mutuality.asking"] = 4  # mutuality: (1+1+4+1)/4
    del answers["networks.local"]
    scores = principle_scores(qs, answers)
    assert scores["mutuality"] == 1.75
    assert scores["assets"] == 1.0
    assert scores["networks"] is None


@pytest.mark.django_db
def test_progress_is_oldest_first_with_the_change_since_the_one_before(teams: Teams) -> None:
    make_completed(teams.team, held_on=dt.date(2025, 9, 1), answers=all_answers(3))
    make_completed(teams.team, held_on=dt.date(2025, 3, 1), answers=all_answers(1))
    make_completed(teams.other_team, held_on=dt.date(2025, 6, 1), answers=all_answers(4))
    progress = team_progress(teams.team)
    assert progress.dates == [dt.date(2025, 3, 1), dt.date(2025, 9, 1)]
    assets = next(r for r in progress.rows if r.principle == "assets")
    assert assets.scores == [1.0, 3.0]
    assert assets.change == 2.0


@pytest.mark.django_db
def test_the_comparison_takes_each_child_teams_latest_assessment(teams: Teams) -> None:
    make_completed(teams.team, held_on=dt.date(2025, 3, 1), answers=all_answers(1))
    make_completed(teams.team, held_on=dt.date(2025, 9, 1), answers=all_answers(3))
    latest = {t.organisation: t for t in child_team_latest(teams.parent)}
    assert latest[teams.team].scores["assets"] == 3.0
    assert latest[teams.other_team].assessment is None


@pytest.mark.django_db
def test_records_count_former_users_in_roles_co_facilitators_and_hours(teams: Teams) -> None:
    org = teams.team
    now = timezone.now()
    linked = make_member(
        org,
        roles=(RoleKind.CO_FACILITATOR,),
        person=make_person(),
        person_link_consent_at=now,
    )
    make_member(
        org,
        roles=(RoleKind.PEER_SUPPORTER,),
        person=make_person(given_name="Ann"),
        person_link_consent_at=now,
    )
    make_member(org, roles=(RoleKind.BEFRIENDER,))  # never used a service
    make_member(
        org,
        roles=(RoleKind.CO_FACILITATOR,),
        status=RoleStatus.LEFT,
        person=make_person(given_name="Bob"),
        person_link_consent_at=now,
    )
    make_member(teams.other_team, roles=(RoleKind.CO_FACILITATOR,))  # another team
    today = timezone.localdate()
    Activity.objects.create(
        member=linked,
        kind=ActivityKind.OTHER,
        happened_on=today - dt.timedelta(days=30),
        minutes=90,
    )
    Activity.objects.create(
        member=linked,
        kind=ActivityKind.OTHER,
        happened_on=today - dt.timedelta(days=400),
        minutes=600,
    )  # more than a year before
    figures = records_evidence(organisation=org, on=today)
    assert figures.people_who_used_services_volunteering == 2
    assert figures.co_facilitators == 1
    assert figures.peer_roles == 1
    assert figures.volunteers_active == 3
    assert figures.hours_given == 1.5

    inside = shown_evidence(figures, inside=True)
    assert inside.people_who_used_services_volunteering == 2
    outside = shown_evidence(figures, inside=False)
    assert outside.people_who_used_services_volunteering == SUPPRESSED
    assert outside.hours_given == SUPPRESSED  # one volunteer gave them
    assert outside.protected
