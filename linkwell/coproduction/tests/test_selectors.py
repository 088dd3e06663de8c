"""Scores, progress, and the figures counted from Linkwell's own records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.coproduction.questions import CURRENT_VERSION, question_set
from linkwell.coproduction.selectors.assessments import (
    child_team_latest,
    principle_scores,
    team_progress,
)
from linkwell.coproduction.selectors.records import (
    RecordsEvidence,
    records_evidence,
    shown_evidence,
)
from linkwell.coproduction.tests.factories import Teams, all_answers, make_completed
from linkwell.grants.models import PanelMember, Programme, Round
from linkwell.referrals.tests.factories import make_person
from linkwell.volunteering.models import (
    Activity,
    ActivityKind,
    CommunityMember,
    RoleKind,
    RoleStatus,
)
from linkwell.volunteering.tests.factories import make_member
from tests.personas import make_user


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


def _round(teams: Teams, name: str, opens_on: dt.date, closes_on: dt.date) -> Round:
    programme, _ = Programme.objects.get_or_create(organisation=teams.parent, name="Try it")
    return Round.objects.create(
        programme=programme, name=name, opens_on=opens_on, closes_on=closes_on, budget=1000
    )


def _seat(round_: Round, member: CommunityMember | None = None) -> PanelMember:
    user = make_user(f"panel{PanelMember.objects.count()}@example.org", None, None)
    return PanelMember.objects.create(round=round_, user=user, community_member=member)


@pytest.mark.django_db
def test_records_count_community_members_on_grants_panels_of_the_last_12_months(
    teams: Teams,
) -> None:
    org = teams.team
    today = timezone.localdate()
    now = timezone.now()
    current = _round(teams, "Now", today - dt.timedelta(days=20), today + dt.timedelta(days=20))
    recent = _round(teams, "Spring", today - dt.timedelta(days=300), today - dt.timedelta(days=200))
    old = _round(teams, "Long ago", today - dt.timedelta(days=800), today - dt.timedelta(days=700))
    future = _round(teams, "Next", today + dt.timedelta(days=30), today + dt.timedelta(days=60))
    used_a_service = make_member(org, roles=(), person=make_person(), person_link_consent_at=now)
    _seat(current, used_a_service)
    _seat(recent, used_a_service)  # on two panels: counted once
    # Linked to a person supported but without their consent: a community member, not counted
    # as someone who used a service.
    no_consent = make_member(org, roles=(), person=make_person(given_name="Ann"))
    _seat(recent, no_consent)
    _seat(current, make_member(org, roles=(RoleKind.BEFRIENDER,)))
    _seat(
        old,
        make_member(
            org, roles=(), person=make_person(given_name="Bob"), person_link_consent_at=now
        ),
    )
    _seat(future, make_member(org, roles=()))
    _seat(current, make_member(teams.other_team, roles=()))  # another team's member
    _seat(current)  # staff on the panel: not a community member
    make_member(org, roles=(), person=make_person(given_name="Cy"), person_link_consent_at=now)

    figures = records_evidence(organisation=org, on=today)
    assert figures.panel_community_members == 3
    assert figures.panel_members_who_used_services == 1

    snapshot = figures.as_snapshot()
    assert snapshot["panel_community_members"] == 3
    assert snapshot["source"] == "Linkwell's volunteering and grants records"
    inside = shown_evidence(figures, inside=True)
    assert (inside.panel_community_members, inside.panel_members_who_used_services) == (3, 1)
    outside = shown_evidence(figures, inside=False)
    assert outside.panel_community_members == SUPPRESSED
    assert outside.panel_members_who_used_services == SUPPRESSED


@pytest.mark.django_db
def test_a_snapshot_from_before_panels_were_counted_reads_as_not_counted(teams: Teams) -> None:
    data = records_evidence(organisation=teams.team, on=timezone.localdate()).as_snapshot()
    del data["panel_community_members"], data["panel_members_who_used_services"]
    old = RecordsEvidence.from_snapshot(data)
    assert old is not None
    assert old.panel_community_members is None
    assert shown_evidence(old, inside=False).panel_members_who_used_services is None


@pytest.mark.django_db
def test_counting_the_records_takes_the_same_queries_however_many_panels(teams: Teams) -> None:
    today = timezone.localdate()
    current = _round(teams, "Now", today - dt.timedelta(days=20), today + dt.timedelta(days=20))
    _seat(current, make_member(teams.team, roles=()))
    with CaptureQueriesContext(connection) as few:
        records_evidence(organisation=teams.team, on=today)
    for n in range(4):
        _seat(
            current,
            make_member(
                teams.team,
                roles=(),
                person=make_person(given_name=f"P{n}"),
                person_link_consent_at=timezone.now(),
            ),
        )
    with CaptureQueriesContext(connection) as many:
        assert records_evidence(organisation=teams.team, on=today).panel_community_members == 5
    assert len(many.captured_queries) == len(few.captured_queries)
