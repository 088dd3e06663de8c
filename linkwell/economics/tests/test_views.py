"""The commissioner's economic models page, by persona."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import Membership
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Goal, GoalStatus, Plan
from linkwell.casework.tests.factories import make_case
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

INDEX = reverse("economics:index")
FALLS = reverse("economics:model", args=["falls-prevention"])


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize("who", ["commissioner", "team_manager", "admin"])
def test_commissioners_managers_and_administrators_see_the_models(
    personas: Personas, who: str
) -> None:
    client = _client(getattr(personas, who))
    response = client.get(INDEX)
    assert response.status_code == 200
    assert b"Falls prevention" in response.content
    assert b'href="/economics/"' in response.content  # in the menu


def test_a_read_only_commissioner_may_use_the_models(personas: Personas) -> None:
    Membership.objects.filter(user=personas.commissioner).update(read_only=True)
    assert _client(personas.commissioner).get(FALLS + "?reduction_pct=20").status_code == 200


@pytest.mark.parametrize("who", ["outsider", "owner", "read_only", "link_worker", "referrer"])
def test_other_roles_are_refused(personas: Personas, who: str) -> None:
    client = _client(getattr(personas, who))
    assert client.get(INDEX).status_code == 403
    assert client.get(FALLS).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(FALLS)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_an_unknown_model_is_not_found(personas: Personas) -> None:
    assert _client(personas.commissioner).get("/economics/no-such-model/").status_code == 404


def test_the_page_shows_default_results_sources_caveats_and_the_checks(
    personas: Personas, django_assert_max_num_queries: object
) -> None:
    client = _client(personas.commissioner)
    # Session, user, role checks, the menu and the idle-timeout session save: none per model.
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(FALLS)
    html = response.content.decode()
    assert "£438,500" in html
    assert "£1,090,125" in html
    assert "1,254 emergency hospital admissions p.a. (2014-15 data)" in html  # a cited source
    assert "count the same saving twice" in html  # the double-counting caveat
    assert "Source inconsistent" in html  # the £7.5m over five years
    assert 'class="nhsuk-error-summary"' not in html


def test_changing_an_input_recomputes(personas: Personas) -> None:
    response = _client(personas.commissioner).get(
        FALLS,
        {
            "admissions_per_year": "1000",
            "reduction_pct": "20",
            "nhs_cost_per_admission": "3508",
            "social_care_cost_per_admission": "8721",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "£701,600" in html  # 200 x £3,508
    assert "Worked out with the inputs you set." in html


def test_bad_inputs_are_listed_in_an_error_summary_and_nothing_is_shown(
    personas: Personas,
) -> None:
    response = _client(personas.commissioner).get(
        FALLS,
        {
            "admissions_per_year": "lots",
            "reduction_pct": "150",
            "nhs_cost_per_admission": "",
            "social_care_cost_per_admission": "8721",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="nhsuk-error-summary"' in html
    assert "&#x27;lots&#x27; is not a number" in html
    assert "must be at most 100" in html
    assert "Enter the nhs cost per admission" in html
    assert 'href="#id_reduction_pct"' in html
    assert "Correct the inputs to see results." in html


def test_a_model_check_failure_is_shown_in_the_summary(personas: Personas) -> None:
    url = reverse("economics:model", args=["outcome-payments"])
    response = _client(personas.commissioner).get(
        url,
        {
            "cohort_average_improvement": "1",
            "threshold": "0.5",
            "cap_per_person": "492.50",
            "cap_improvement": "0.5",
            "cohort_size": "100",
        },
    )
    assert response.status_code == 400
    assert b"must be greater than the threshold" in response.content


def _goals(personas: Personas, people: int) -> None:
    for _ in range(people):
        plan = Plan.objects.create(case=make_case(service=personas.link_worker_service))
        Goal.objects.create(plan=plan, text="Walk to the shops", status=GoalStatus.ACHIEVED)


def test_cost_per_outcome_uses_linkwells_records_with_disclosure_control(
    personas: Personas,
) -> None:
    _goals(personas, 12)
    url = reverse("economics:model", args=["cost-per-outcome"])
    html = _client(personas.commissioner).get(url).content.decode()
    assert "rounded to the nearest 5" in html
    assert "£25,000" in html  # £250,000 / 10 (12 rounded)
    assert not AuditEvent.objects.filter(action="unsuppressed_figures_accessed").exists()


def test_a_granted_user_sees_the_raw_count_and_it_is_audited(personas: Personas) -> None:
    _goals(personas, 12)
    perm = Permission.objects.get(codename="view_unsuppressed", content_type__app_label="reports")
    personas.commissioner.user_permissions.add(perm)
    url = reverse("economics:model", args=["cost-per-outcome"])
    html = _client(personas.commissioner).get(url).content.decode()
    assert "£20,833.33" in html  # £250,000 / 12
    event = AuditEvent.objects.get(action="unsuppressed_figures_accessed")
    assert event.actor_id == personas.commissioner.pk


def test_a_team_manager_counts_only_their_own_teams_records(personas: Personas) -> None:
    for _ in range(9):
        plan = Plan.objects.create(case=make_case(service=personas.other_team))
        Goal.objects.create(plan=plan, text="Cook a meal", status=GoalStatus.ACHIEVED)
    url = reverse("economics:model", args=["cost-per-outcome"])
    html = _client(personas.team_manager).get(url).content.decode()
    assert "none recorded yet" in html  # the other team's 9 are not theirs
