"""Outcome pages with every persona: the case's measures, recording (and the PHQ-9 risk
prompt), self-completion on a phone, the caseload's measures due, schedules, local measures."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.html import escape

from linkwell.accounts.models import Membership, Role
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case, Goal, Plan, SafeguardingConcern, WellbeingReview
from linkwell.casework.tests.factories import referred_case
from linkwell.outcomes.models import (
    CompletedBy,
    LocalMeasure,
    MeasureAdministration,
    MeasureSchedule,
    SelfCompletionLink,
    Timepoint,
)
from linkwell.outcomes.registry import shipped_definitions
from linkwell.outcomes.services import MeasureInput, measure_record
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def _client(user: object | None) -> Client:
    client = Client()
    if user is not None:
        client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _outcomes(case: Case) -> str:
    return f"/outcomes/cases/{case.uuid}/"


def _record(case: Case, instrument: str) -> str:
    return f"/outcomes/cases/{case.uuid}/record/{instrument}/"


def _post(values: dict[str, Any], **answers: int | str) -> dict[str, Any]:
    data = {
        "timepoint": "baseline",
        "administered_on": timezone.localdate().isoformat(),
        "completed_by": "link_worker",
        **values,
    }
    data.update({f"item_{k}": v for k, v in answers.items()})
    return data


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("link_worker", 200, 200),
        ("link_worker_teammate", 200, 200),
        ("team_manager", 200, 200),
        ("read_only_link_worker", 200, 403),
        ("other_team_link_worker", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_case_pages_by_persona(personas: Personas, persona: str, read: int, write: int) -> None:
    case = referred_case(personas)
    client = _client(getattr(personas, persona))
    assert client.get(_outcomes(case)).status_code == read
    assert client.get(_record(case, "phq9")).status_code == write
    response = client.post(
        _record(case, "ucla3"), _post({}, companionship=1, left_out=1, isolated=1)
    )
    assert response.status_code == (302 if write == 200 else write)
    assert MeasureAdministration.objects.count() == (1 if write == 200 else 0)


def test_anonymous_visitors_are_sent_to_sign_in(personas: Personas) -> None:
    case = referred_case(personas)
    for url in (
        _outcomes(case),
        _record(case, "phq9"),
        "/outcomes/measures/",
        "/outcomes/schedules/",
    ):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_measure_is_404(personas: Personas) -> None:
    case = referred_case(personas)
    assert _client(personas.link_worker).get(_record(case, "nope")).status_code == 404


def test_the_form_shows_each_question_and_records_the_score(personas: Personas) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    html = client.get(_record(case, "gad7")).content.decode()
    assert "Not being able to stop or control worrying" in html
    assert html.count('type="radio"') == 7 * 5 + 2  # 4 options + "Not answered" each; completed by
    answers = {f"gad7_{n}": 2 for n in range(1, 8)}
    response = client.post(_record(case, "gad7"), _post({}, **answers))
    assert response.status_code == 302 and response["Location"] == _outcomes(case)
    row = MeasureAdministration.objects.get()
    assert (row.score, row.band, row.recorded_by) == (14, "Moderate", personas.link_worker)
    page = client.get(_outcomes(case)).content.decode()
    assert "GAD-7" in page and "14 (Moderate)" in page
    assert AuditEvent.objects.filter(action="access", object_id=str(case.uuid)).exists()


def test_bad_answers_show_the_error_summary_and_save_nothing(personas: Personas) -> None:
    case = referred_case(personas)
    answers = {f"phq9_{n}": 1 for n in range(1, 4)}  # six of nine missing
    response = _client(personas.link_worker).post(_record(case, "phq9"), _post({}, **answers))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "6 item(s) not answered" in html
    assert not MeasureAdministration.objects.exists()


def test_phq9_item_9_shows_the_risk_prompt_at_once_and_flags_the_case(personas: Personas) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    answers = {f"phq9_{n}": 0 for n in range(1, 9)} | {"phq9_9": 1}
    response = client.post(_record(case, "phq9"), _post({}, **answers))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thoughts of self-harm or being better off dead" in html
    assert "call 999" in html and "Escalate to the safeguarding lead" in html
    assert SafeguardingConcern.objects.filter(case=case, resolved_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="outcomes.risk_alert_raised").count() == 1
    case_page = client.get(f"/cases/{case.uuid}/").content.decode()
    assert "Open safeguarding concern" in case_page
    caseload = client.get("/caseload/").content.decode()
    assert 'nhsuk-tag--red">Safeguarding' in caseload


def test_phq9_without_item_9_answered_warns_to_ask_it(personas: Personas) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    answers = {f"phq9_{n}": 1 for n in range(1, 9)}
    response = client.post(_record(case, "phq9"), _post({}, **answers), follow=True)
    assert "Question 9 (thoughts of self-harm) was not answered" in response.content.decode()
    assert not SafeguardingConcern.objects.filter(case=case).exists()


def test_a_licensed_measure_without_text_is_entered_from_paper(personas: Personas) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    html = client.get(_record(case, "swemwbs")).content.decode()
    assert "licensed and are not loaded" in html and "Or the total from the paper form" in html
    response = client.post(
        _record(case, "swemwbs"), _post({"completed_by": "paper", "total": "30"})
    )
    assert response.status_code == 302
    row = MeasureAdministration.objects.get()
    assert (row.score, row.total_only, row.completed_by) == (27.03, True, CompletedBy.PAPER)


def test_goal_attainment_lists_the_plan_s_goals(personas: Personas) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    assert "has no goals yet" in client.get(_record(case, "goal-attainment")).content.decode()
    plan = Plan.objects.create(case=case)
    first = Goal.objects.create(plan=plan, text="Walk to the shop")
    second = Goal.objects.create(plan=plan, text="Join the choir")
    html = client.get(_record(case, "goal-attainment")).content.decode()
    assert "Walk to the shop" in html and "Join the choir" in html
    data = _post({"timepoint": "week_4"}, **{str(first.uuid): 10, str(second.uuid): 4})
    assert client.post(_record(case, "goal-attainment"), data).status_code == 302
    row = MeasureAdministration.objects.get()
    assert row.score == 7 and row.item_scores[str(first.uuid)]["score"] == 10


def test_a_baseline_from_the_review_is_linked_to_it(personas: Personas) -> None:
    case = referred_case(personas)
    review = WellbeingReview.objects.create(
        case=case, held_on=timezone.localdate(), what_matters="x"
    )
    client = _client(personas.link_worker)
    page = client.get(_outcomes(case) + f"?review={review.uuid}").content.decode()
    assert f"review={review.uuid}" in page
    data = _post(
        {"review": str(review.uuid)}, life_satisfaction=3, worthwhile=4, happiness=5, anxiety=8
    )
    response = client.post(_record(case, "ons4") + f"?review={review.uuid}", data)
    assert response["Location"] == f"/cases/{case.uuid}/review/{review.uuid}/"
    review_page = client.get(response["Location"]).content.decode()
    assert "Baseline measures" in review_page and "Life satisfaction 3" in review_page


def test_the_outcomes_page_takes_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    client.get(_outcomes(case))

    def add(n: int) -> None:
        for _ in range(n):
            measure_record(
                actor=personas.link_worker,
                case=case,
                data=MeasureInput(
                    instrument_id="ucla3",
                    timepoint=Timepoint.OTHER,
                    administered_on=timezone.localdate(),
                    completed_by=CompletedBy.LINK_WORKER,
                    answers={"companionship": 2, "left_out": 2, "isolated": 2},
                ),
            )

    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get(_outcomes(case))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(_outcomes(case)).content.decode()
    assert html.count("With the link worker") == 12


# --- Self-completion ---------------------------------------------------------------------------


def _make_link(personas: Personas, case: Case, instrument: str = "ucla3") -> str:
    client = _client(personas.link_worker)
    response = client.post(
        f"/outcomes/cases/{case.uuid}/links/", {"instrument": instrument, "timepoint": "week_4"}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    match = re.search(r"http://testserver(/outcomes/m/[^<\s]+/)", html)
    assert match
    return match.group(1)


def test_the_person_completes_a_measure_on_the_link_without_signing_in(personas: Personas) -> None:
    case = referred_case(personas)
    url = _make_link(personas, case)
    phone = Client()
    page = phone.get(url)
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert "How often do you feel left out?" in html
    assert "Joan" not in html and "Church Street" not in html  # nothing about the person
    assert 'name="viewport"' in html
    missing = phone.post(url, {"item_companionship": "2"})
    assert missing.status_code == 400 and "There is a problem" in missing.content.decode()
    done = phone.post(url, {"item_companionship": "2", "item_left_out": "3", "item_isolated": "1"})
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    row = MeasureAdministration.objects.get()
    assert (row.score, row.completed_by, row.timepoint, row.case) == (6, "self", "week_4", case)
    again = phone.get(url)
    assert again.status_code == 410 and "already been completed" in again.content.decode()
    assert (
        phone.post(
            url, {"item_companionship": "1", "item_left_out": "1", "item_isolated": "1"}
        ).status_code
        == 410
    )
    assert MeasureAdministration.objects.count() == 1


def test_expired_wrong_and_cancelled_links_are_refused(personas: Personas) -> None:
    case = referred_case(personas)
    url = _make_link(personas, case)
    assert Client().get(url[:-3] + "xx/").status_code == 410
    link = SelfCompletionLink.objects.get()
    SelfCompletionLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = Client().get(url)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    url2 = _make_link(personas, case)
    link2 = SelfCompletionLink.objects.exclude(pk=link.pk).get()
    response = _client(personas.link_worker).post(
        f"/outcomes/cases/{case.uuid}/links/{link2.uuid}/cancel/"
    )
    assert response.status_code == 302
    assert Client().get(url2).status_code == 410


def test_links_need_write_access_to_the_case(personas: Personas) -> None:
    case = referred_case(personas)
    data = {"instrument": "ons4", "timepoint": "baseline"}
    url = f"/outcomes/cases/{case.uuid}/links/"
    assert _client(personas.read_only_link_worker).post(url, data).status_code == 403
    assert _client(personas.other_team_link_worker).post(url, data).status_code == 404
    assert (
        _client(personas.link_worker)
        .post(url, {"instrument": "swemwbs", "timepoint": "baseline"})
        .status_code
        == 400
    )
    assert not SelfCompletionLink.objects.exists()


def test_the_link_is_sent_by_email_from_the_link_page(personas: Personas) -> None:
    from linkwell.core import notify

    notify.outbox.clear()
    case = referred_case(personas)
    _make_link(personas, case, "ons4")
    link = SelfCompletionLink.objects.get()
    response = _client(personas.link_worker).post(
        f"/outcomes/cases/{case.uuid}/links/{link.uuid}/send/", follow=True
    )
    # The development backend only prints it, and the worker is told so.
    assert "The link was not sent (development backend) by email" in response.content.decode()
    assert "/outcomes/m/" in notify.outbox[-1].body
    with override_settings(NOTIFY_BACKEND="linkwell.core.notify.EmailBackend"):
        response = _client(personas.link_worker).post(
            f"/outcomes/cases/{case.uuid}/links/{link.uuid}/send/", follow=True
        )
    assert "The link was sent by email" in response.content.decode()


# --- Caseload, schedules, measures list, local measures ----------------------------------------


def test_the_caseload_shows_measures_due(personas: Personas) -> None:
    case = referred_case(personas)
    client = _client(personas.link_worker)
    assert "No outcome measures are due" in client.get("/caseload/").content.decode()
    WellbeingReview.objects.create(case=case, held_on=timezone.localdate(), what_matters="x")
    html = client.get("/caseload/").content.decode()
    assert "Outcome measures due" in html
    assert "ONS4 (baseline (wellbeing review))" in html and "SWEMWBS" in html


def test_team_managers_set_their_service_s_schedule(personas: Personas) -> None:
    assert _client(personas.link_worker).get("/outcomes/schedules/").status_code == 403
    manager = _client(personas.team_manager)
    assert "/outcomes/schedules/" in manager.get("/team/").content.decode()
    assert manager.get("/outcomes/schedules/").status_code == 200
    url = f"/outcomes/schedules/{personas.link_worker_service.uuid}/"
    assert manager.get(f"/outcomes/schedules/{personas.other_team.uuid}/").status_code == 404
    bad = manager.post(url, {"instruments": ["phq9"], "timepoints": ["week_4"]})
    assert bad.status_code == 400 and "must start with a baseline" in bad.content.decode()
    good = manager.post(
        url, {"instruments": ["phq9", "gad7"], "timepoints": ["baseline", "month_3"]}
    )
    assert good.status_code == 302
    assert MeasureSchedule.objects.get().instruments == ["phq9", "gad7"]


def test_the_schedules_list_only_the_link_worker_services_they_manage_in_words(
    personas: Personas,
) -> None:
    """A manager who also manages a provider's team sees only their link-worker service:
    every schedule listed can be opened, and it reads as measures and times, not codes."""
    Membership.objects.create(
        user=personas.team_manager, organisation=personas.provider_org, role=Role.TEAM_MANAGER
    )
    manager = _client(personas.team_manager)
    html = manager.get("/outcomes/schedules/").content.decode()
    assert personas.link_worker_service.name in html
    assert escape(personas.provider_org.name) not in html
    for link in re.findall(r'href="(/outcomes/schedules/[^"]+/)"', html):
        assert manager.get(link).status_code == 200, link
    assert "Measures: ONS4, SWEMWBS." in html
    assert "Taken at: Baseline (wellbeing review), About 4 weeks, 3 months" in html
    assert "week_4" not in html


def test_team_managers_enter_practice_staff_ratings(personas: Personas) -> None:
    url = f"/outcomes/schedules/{personas.link_worker_service.uuid}/staff-survey/"
    manager = _client(personas.team_manager)
    data = {
        "practice": str(personas.practice.uuid),
        "administered_on": timezone.localdate().isoformat(),
        "ratings": "8, 9, 11",
    }
    bad = manager.post(url, data)
    assert bad.status_code == 400 and "11 is not allowed" in bad.content.decode()
    assert not MeasureAdministration.objects.exists()
    assert manager.post(url, {**data, "ratings": "8, 9, 6"}).status_code == 302
    scores = MeasureAdministration.objects.order_by("score").values_list("score", flat=True)
    assert list(scores) == [6, 8, 9]
    assert _client(personas.link_worker).get(url).status_code == 404


def test_administrators_add_local_measures_with_specific_messages(personas: Personas) -> None:
    definition = dict(shipped_definitions()["ucla3"], id="local-belonging", title="Belonging")
    assert _client(personas.link_worker).get("/outcomes/measures/add/").status_code == 403
    admin = _client(personas.admin)
    assert "Add a local measure" in admin.get("/outcomes/measures/").content.decode()
    bad = admin.post(
        "/outcomes/measures/add/",
        {"definition": json.dumps({**definition, "range": {"min": 1, "max": 9}})},
    )
    assert (
        bad.status_code == 400
        and "range: the items give 3 to 9, not 1 to 9" in bad.content.decode()
    )
    broken = admin.post("/outcomes/measures/add/", {"definition": "{oops"})
    assert "not valid JSON (line 1, column 2" in broken.content.decode()
    good = admin.post("/outcomes/measures/add/", {"definition": json.dumps(definition)})
    assert good.status_code == 302
    assert LocalMeasure.objects.get().instrument_id == "local-belonging"
    case = referred_case(personas)
    assert "Belonging" in _client(personas.link_worker).get(_outcomes(case)).content.decode()


def test_a_team_manager_enters_staff_ratings_with_comments(personas: Personas) -> None:
    from django.urls import reverse

    url = reverse("outcomes:staff_survey", kwargs={"team_id": personas.link_worker_service.uuid})
    client = _client(personas.team_manager)
    assert "Comments (optional)" in client.get(url).content.decode()
    post = {
        "practice": str(personas.practice.uuid),
        "administered_on": "2025-06-10",
        "ratings": "8, 9",
        "comments": "Quick to respond\n\n",
    }
    # More comments than ratings: refused, nothing saved.
    response = client.post(url, {**post, "comments": "One\nTwo\nThree"})
    assert response.status_code == 400
    assert "at most one comment per rating" in response.content.decode()
    assert not MeasureAdministration.objects.filter(instrument_id="staff-satisfaction").exists()
    assert client.post(url, post).status_code == 302
    saved = list(
        MeasureAdministration.objects.filter(instrument_id="staff-satisfaction")
        .order_by("pk")
        .values_list("score", "notes", "respondent_organisation")
    )
    assert saved == [
        (8.0, {"comment": "Quick to respond"}, personas.practice.pk),
        (9.0, {}, personas.practice.pk),
    ]
