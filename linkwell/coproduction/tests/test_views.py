"""Self-assessment pages by persona: editors, link workers and read-only members who look,
outsiders (404), anonymous visitors (sign in), and a parent organisation's manager."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.coproduction.forms import answer_field_name
from linkwell.coproduction.models import Assessment, AssessmentStatus
from linkwell.coproduction.questions import CURRENT_VERSION, question_set
from linkwell.coproduction.tests.factories import Teams, all_answers, make_completed
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

EDITORS = ["owner", "teammate"]
LOOKERS = ["link_worker", "read_only"]


def _client(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _draft(teams: Teams, **fields: Any) -> Assessment:
    return Assessment.objects.create(
        organisation=teams.team,
        question_set_version=CURRENT_VERSION,
        held_on=fields.pop("held_on", timezone.localdate()),
        **fields,
    )


def _form_data(assessment: Assessment, answers: dict[str, int], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": assessment.version,
        "held_on": assessment.held_on.isoformat(),
        "staff_count": "3",
        "staff_names": "Team manager",
        "people_count": "5",
        "people_names": "J, Amira",
        "evidence_networks": "Two peer groups started this year.",
    }
    data.update({answer_field_name(k): str(v) for k, v in answers.items()})
    data.update(extra)
    return data


# --- Who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", EDITORS + LOOKERS + ["parent_manager"])
def test_members_of_the_team_and_the_parent_manager_see_its_assessments(
    teams: Teams, who: str
) -> None:
    done = make_completed(teams.team, held_on=dt.date(2025, 6, 1))
    client = _client(getattr(teams, who))
    assert client.get(reverse("coproduction:team", args=[teams.team.uuid])).status_code == 200
    assert client.get(reverse("coproduction:detail", args=[done.uuid])).status_code == 200
    assert client.get(reverse("coproduction:progress", args=[teams.team.uuid])).status_code == 200


@pytest.mark.parametrize("who", EDITORS)
def test_editors_start_an_assessment(teams: Teams, who: str) -> None:
    response = _client(getattr(teams, who)).post(
        reverse("coproduction:team", args=[teams.team.uuid]),
        {"held_on": timezone.localdate().strftime("%d/%m/%Y")},
    )
    draft = Assessment.objects.get(organisation=teams.team)
    assert response.status_code == 302
    assert response["Location"] == reverse("coproduction:edit", args=[draft.uuid])


@pytest.mark.parametrize("who", [*LOOKERS, "parent_manager"])
def test_link_workers_read_only_members_and_the_parent_manager_cannot_change_anything(
    teams: Teams, who: str
) -> None:
    draft = _draft(teams)
    client = _client(getattr(teams, who))
    start = client.post(
        reverse("coproduction:team", args=[teams.team.uuid]),
        {"held_on": timezone.localdate().isoformat()},
    )
    assert start.status_code == 403
    assert client.get(reverse("coproduction:edit", args=[draft.uuid])).status_code == 403
    complete = client.post(reverse("coproduction:complete", args=[draft.uuid]), {"version": 1})
    assert complete.status_code == 403
    assert Assessment.objects.get().status == AssessmentStatus.DRAFT


def test_outsiders_get_not_found_everywhere(teams: Teams) -> None:
    draft = _draft(teams)
    client = _client(teams.outsider)
    for url in (
        reverse("coproduction:team", args=[teams.team.uuid]),
        reverse("coproduction:progress", args=[teams.team.uuid]),
        reverse("coproduction:progress_chart", args=[teams.team.uuid]),
        reverse("coproduction:detail", args=[draft.uuid]),
        reverse("coproduction:edit", args=[draft.uuid]),
        reverse("coproduction:compare", args=[teams.parent.uuid]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("coproduction:discard", args=[draft.uuid])).status_code == 404
    assert Assessment.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in(teams: Teams) -> None:
    response = Client().get(reverse("coproduction:team", args=[teams.team.uuid]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_teams_own_manager_cannot_compare_the_parents_teams(teams: Teams) -> None:
    response = _client(teams.owner).get(reverse("coproduction:compare", args=[teams.parent.uuid]))
    assert response.status_code == 404


# --- Filling in and completing ------------------------------------------------------------------


def test_a_draft_saves_and_comes_back_later(teams: Teams) -> None:
    draft = _draft(teams)
    client = _client(teams.owner)
    url = reverse("coproduction:edit", args=[draft.uuid])
    response = client.post(url, _form_data(draft, {"assets.experience": 3}, action="save"))
    assert response.status_code == 302
    page = client.get(url)
    assert page.context["form"][answer_field_name("assets.experience")].value() == 3
    draft.refresh_from_db()
    assert draft.answers == {"assets.experience": 3}
    assert draft.status == AssessmentStatus.DRAFT


def test_a_score_outside_the_scale_is_shown_on_its_statement(teams: Teams) -> None:
    draft = _draft(teams)
    response = _client(teams.owner).post(
        reverse("coproduction:edit", args=[draft.uuid]),
        _form_data(draft, {"assets.experience": 7}, action="save"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors[answer_field_name("assets.experience")] == [
        "Choose a score from the list"
    ]
    draft.refresh_from_db()
    assert draft.answers == {}


def test_completing_with_statements_unanswered_lists_them(teams: Teams) -> None:
    draft = _draft(teams)
    answers = all_answers(2)
    del answers["blurring_roles.rewards"]
    response = _client(teams.owner).post(
        reverse("coproduction:edit", args=[draft.uuid]),
        _form_data(draft, answers, action="complete"),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "1 not answered yet" in content
    assert "Blurring roles: “People can choose rewards" in content
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


def test_completing_locks_the_assessment(teams: Teams) -> None:
    draft = _draft(teams)
    client = _client(teams.owner)
    response = client.post(
        reverse("coproduction:edit", args=[draft.uuid]),
        _form_data(draft, all_answers(3), action="complete"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.COMPLETED
    assert draft.scores["assets"] == 3.0
    # The edit page now sends the team to the locked record; a posted edit changes nothing.
    edit = client.post(
        reverse("coproduction:edit", args=[draft.uuid]),
        _form_data(draft, all_answers(0), action="save"),
    )
    assert edit.status_code == 302
    assert edit["Location"] == reverse("coproduction:detail", args=[draft.uuid])
    draft.refresh_from_db()
    assert draft.answers == all_answers(3)


def test_a_stale_form_gets_409_and_changes_nothing(teams: Teams) -> None:
    draft = _draft(teams)
    client = _client(teams.owner)
    url = reverse("coproduction:edit", args=[draft.uuid])
    stale = _form_data(draft, {"assets.experience": 1}, action="save")
    assert (
        client.post(url, _form_data(draft, {"assets.experience": 4}, action="save")).status_code
        == 302
    )
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {"assets.experience": 4}


def test_a_stale_complete_button_gets_409(teams: Teams) -> None:
    draft = _draft(teams, answers=all_answers(2), staff_count=2, people_count=2)
    response = _client(teams.owner).post(
        reverse("coproduction:complete", args=[draft.uuid]), {"version": draft.version + 5}
    )
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.DRAFT


def test_an_action_is_added_and_followed_up(teams: Teams) -> None:
    draft = _draft(teams)
    client = _client(teams.owner)
    response = client.post(
        reverse("coproduction:action_new", args=[draft.uuid]),
        {
            "principle": "networks",
            "what": "Start a carers' peer group",
            "who": "Amira and J",
            "due_on": "30/06/2027",
        },
    )
    assert response.status_code == 302
    action = draft.actions.get()
    response = client.post(
        reverse("coproduction:action_status", args=[action.uuid]),
        {"status": "done", "version": action.version},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    detail = client.get(reverse("coproduction:detail", args=[draft.uuid]))
    assert "Start a carers&#x27; peer group" in detail.content.decode()


# --- Progress, comparison and Linkwell's figures ------------------------------------------------


def test_progress_shows_both_dates_and_the_change(teams: Teams) -> None:
    make_completed(teams.team, held_on=dt.date(2025, 3, 1), answers=all_answers(1))
    later = all_answers(1)
    later.update({k: 3 for k in question_set(CURRENT_VERSION).keys if k.startswith("networks.")})
    make_completed(teams.team, held_on=dt.date(2025, 9, 1), answers=later)
    response = _client(teams.link_worker).get(
        reverse("coproduction:progress", args=[teams.team.uuid])
    )
    content = response.content.decode()
    assert "1 Mar 2025" in content and "1 Sep 2025" in content
    assert "+2.0" in content
    chart = _client(teams.link_worker).get(
        reverse("coproduction:progress_chart", args=[teams.team.uuid])
    )
    assert chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content


def test_figures_are_plain_inside_the_team_and_protected_outside(teams: Teams) -> None:
    snapshot = {
        "on": "2025-09-01",
        "people_who_used_services_volunteering": 3,
        "co_facilitators": 2,
        "peer_roles": 1,
        "volunteers_active": 12,
        "hours_given": 40.0,
        "hours_volunteers": 5,
        "source": "Linkwell's volunteering records",
    }
    done = make_completed(teams.team, held_on=dt.date(2025, 9, 1), records=snapshot)
    url = reverse("coproduction:detail", args=[done.uuid])
    page = _client(teams.owner).get(url)
    inside = page.context["figures"]
    assert inside.people_who_used_services_volunteering == 3
    # Taken before grant panels were counted: said so, not shown as 0.
    assert "Grant panel members: not counted when" in page.content.decode()
    assert inside.panel_community_members is None
    assert not inside.protected
    outside = _client(teams.parent_manager).get(url).context["figures"]
    assert outside.people_who_used_services_volunteering == "*"
    assert outside.volunteers_active == 10
    assert outside.hours_given == "*"
    compare = _client(teams.parent_manager).get(
        reverse("coproduction:compare", args=[teams.parent.uuid])
    )
    assert compare.status_code == 200
    content = compare.content.decode()
    assert teams.team.name in content and teams.other_team.name in content
    assert "No completed self-assessment" in content


# --- Query counts -------------------------------------------------------------------------------


def test_panel_figures_in_a_snapshot_are_shown_beside_blurring_roles(teams: Teams) -> None:
    snapshot = {
        "on": "2025-09-01",
        "people_who_used_services_volunteering": 3,
        "co_facilitators": 2,
        "peer_roles": 1,
        "volunteers_active": 12,
        "hours_given": 40.0,
        "hours_volunteers": 5,
        "panel_members_who_used_services": 9,
        "panel_community_members": 11,
    }
    done = make_completed(teams.team, held_on=dt.date(2025, 9, 1), records=snapshot)
    url = reverse("coproduction:detail", args=[done.uuid])
    inside = _client(teams.owner).get(url).content.decode()
    assert (
        "sit on a grants panel (rounds open in the 12 months before): <strong>11</strong>" in inside
    )
    assert "Of them, people who used a service: <strong>9</strong>" in inside
    outside = _client(teams.parent_manager).get(url).context["figures"]
    assert (outside.panel_community_members, outside.panel_members_who_used_services) == (10, 10)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "page", ["coproduction:team", "coproduction:progress", "coproduction:compare"]
)
def test_pages_make_the_same_number_of_queries_whatever_the_history(
    teams: Teams, page: str
) -> None:
    client = _client(teams.parent_manager)
    arg = teams.parent.uuid if page == "coproduction:compare" else teams.team.uuid
    url = reverse(page, args=[arg])
    make_completed(teams.team, held_on=dt.date(2024, 3, 1))
    _queries(client, url)  # the first request also touches the session
    one = _queries(client, url)
    for month in (6, 9, 12):
        make_completed(teams.team, held_on=dt.date(2024, month, 1))
        make_completed(teams.other_team, held_on=dt.date(2024, month, 1))
    assert _queries(client, url) == one
    assert one <= 12


# --- Finding the pages --------------------------------------------------------------------------


def test_a_member_of_one_team_goes_straight_to_it(teams: Teams) -> None:
    response = _client(teams.link_worker).get(reverse("coproduction:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("coproduction:team", args=[teams.team.uuid])


def test_the_parent_manager_sees_the_child_teams_and_the_comparison(teams: Teams) -> None:
    response = _client(teams.parent_manager).get(reverse("coproduction:index"))
    assert response.status_code == 200
    # Their own organisation may assess itself too; the child teams are read-only to them.
    seen = {t.organisation: t for t in response.context["teams"]}
    assert list(seen) == [teams.parent, teams.team, teams.other_team]
    assert seen[teams.parent].can_edit and seen[teams.parent].inside
    assert not seen[teams.team].can_edit and not seen[teams.team].inside
    assert response.context["parents"] == [teams.parent]
    assert reverse("coproduction:compare", args=[teams.parent.uuid]) in response.content.decode()


def test_the_home_page_offers_the_self_assessment_to_staff(teams: Teams) -> None:
    page = _client(teams.link_worker).get("/").content.decode()
    assert 'data-testid="coproduction-card"' in page
