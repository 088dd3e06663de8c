"""The caseload page (/caseload/) and the team page (/team/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from linkwell.accounts.models import Membership, Role, User
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import (
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    Case,
    CaseReferral,
    CaseStatus,
    Complexity,
    FollowUp,
    FollowUpKind,
    SafeguardingConcern,
    Urgency,
)
from linkwell.casework.selectors import caseload_for_worker, team_caseloads
from linkwell.casework.selectors.caseload import CASES_PER_PAGE
from linkwell.casework.tests.factories import case_for, make_case, make_person
from linkwell.referrals.models import Referral, ReferralSource, ReferralStatus
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db

CASELOAD = "/caseload/"
TEAM = "/team/"


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        assert client.login(email=user.email, password=PASSWORD)
    return client


def _today() -> dt.date:
    return timezone.localdate()


def _refer(case: Case, *, days_ago: int, **fields: Any) -> Referral:
    referral = Referral.objects.create(
        person=case.person,
        link_worker_service=case.link_worker_service,
        source=ReferralSource.GP_PRACTICE,
        status=ReferralStatus.ACCEPTED,
        received_at=timezone.now() - dt.timedelta(days=days_ago),
        **fields,
    )
    CaseReferral.objects.create(case=case, referral=referral)
    return referral


def _busy_case(personas: Personas, n: int) -> Case:
    """A case with a referral, a follow-up, an appointment and a concern: every annotation."""
    case = case_for(personas, status=CaseStatus.ACTIVE, next_contact_due=_today())
    _refer(case, days_ago=n % 20, urgency=Urgency.SOON)
    FollowUp.objects.create(
        case=case, kind=FollowUpKind.REVIEW_4_WEEKS, due_on=_today() - dt.timedelta(days=2)
    )
    Appointment.objects.create(
        case=case,
        kind=AppointmentKind.PHONE,
        starts_at=timezone.now() + dt.timedelta(days=2),
        with_user=personas.link_worker,
    )
    SafeguardingConcern.objects.create(case=case, description="x", lead=personas.team_manager)
    return case


def test_the_caseload_shows_who_is_new_who_needs_contact_and_overdue_follow_ups(
    personas: Personas,
) -> None:
    new = case_for(personas, person=make_person(given_name="Nora", family_name="New"))
    _refer(new, days_ago=6, urgency=Urgency.URGENT, safeguarding_concern=True)
    due = case_for(
        personas,
        person=make_person(given_name="Derek", family_name="Due", interpreter_needed=True),
        status=CaseStatus.CONTACTED,
        next_contact_due=_today(),
        complexity=Complexity.COMPLEX,
    )
    overdue = case_for(
        personas,
        person=make_person(given_name="Olive", family_name="Overdue"),
        status=CaseStatus.ACTIVE,
    )
    FollowUp.objects.create(
        case=overdue, kind=FollowUpKind.REVIEW_4_WEEKS, due_on=_today() - dt.timedelta(days=3)
    )
    later = case_for(
        personas,
        person=make_person(given_name="Larry", family_name="Later"),
        status=CaseStatus.ACTIVE,
        next_contact_due=_today() + dt.timedelta(days=5),
    )
    FollowUp.objects.create(case=later, kind=FollowUpKind.CHECK_IN_3_MONTHS, due_on=_today())
    FollowUp.objects.create(
        case=later,
        kind=FollowUpKind.REVIEW_4_WEEKS,
        due_on=_today() - dt.timedelta(days=30),
        completed_at=timezone.now(),
    )
    case_for(
        personas, person=make_person(given_name="Dora", family_name="Dormant"), status="dormant"
    )
    case_for(
        personas,
        worker=personas.link_worker_teammate,
        person=make_person(given_name="Tess", family_name="Teammates"),
    )

    load = caseload_for_worker(user=personas.link_worker, worker=personas.link_worker)

    def names(rows: list[Any]) -> set[str]:
        return {r.case.person.given_name for r in rows}

    assert names(load.rows) == {"Nora", "Derek", "Olive", "Larry"}
    assert names(load.new) == {"Nora"}
    assert names(load.contact_today) == {"Derek", "Olive", "Larry"}
    assert names(load.overdue) == {"Olive"}
    nora = next(r for r in load.rows if r.case == new)
    assert nora.waiting_days == 6
    assert (nora.safeguarding, nora.urgency) == (True, Urgency.URGENT)
    derek = next(r for r in load.rows if r.case == due)
    assert derek.interpreter

    response = _client(personas.link_worker).get(CASELOAD)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Nora1", "Derek", "Olive", "Larry", "Safeguarding", "Urgent", "Interpreter"]:
        assert text.rstrip("1") in html
    assert "Dora" not in html and "Tess" not in html
    assert "Complex" in html
    assert "6 days" in html
    # Each person listed is an access to their record.
    logged = set(
        AuditEvent.objects.filter(action="access", detail__list="caseload").values_list(
            "person_id", flat=True
        )
    )
    assert logged == {str(c.person.uuid) for c in (new, due, overdue, later)}


def test_the_caseload_page_offers_a_private_calendar_link(personas: Personas) -> None:
    html = _client(personas.link_worker).get(CASELOAD).content.decode()
    assert "/caseload/calendar/" in html and ".ics" in html


@pytest.mark.parametrize("count", [5, 50])
def test_the_caseload_takes_a_fixed_number_of_queries(
    personas: Personas, count: int, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for n in range(count):
        _busy_case(personas, n)
    client = _client(personas.link_worker)
    client.get(CASELOAD)  # warm the session and caches
    with django_assert_max_num_queries(16):  # incl. referrals needing attention, measures due (3)
        response = client.get(CASELOAD)
    assert response.status_code == 200
    # The list shows a page of the caseload (25 cases), each with its flags.
    shown = min(count, CASES_PER_PAGE)
    assert response.content.decode().count('tag--red">Safeguarding') == shown
    assert f"Showing 1\N{EN DASH}{shown} of {count} cases" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("link_worker", 200),
        ("link_worker_teammate", 200),
        ("read_only_link_worker", 200),
        ("team_manager", 200),
        ("other_team_link_worker", 200),
        ("commissioner", 403),
        ("owner", 403),
    ],
)
def test_who_may_open_a_caseload(personas: Personas, persona: str, status: int) -> None:
    assert _client(getattr(personas, persona)).get(CASELOAD).status_code == status


def test_another_team_never_sees_our_cases_on_their_caseload(personas: Personas) -> None:
    case_for(personas, person=make_person(given_name="Private"))
    html = _client(personas.other_team_link_worker).get(CASELOAD).content.decode()
    assert "Private" not in html


def test_anonymous_is_sent_to_sign_in(personas: Personas) -> None:
    for url in (CASELOAD, TEAM):
        response = Client().get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_a_team_manager_can_open_a_team_members_caseload_but_a_link_worker_cannot(
    personas: Personas,
) -> None:
    case_for(personas, person=make_person(given_name="Shown"))
    url = f"{CASELOAD}?worker={personas.link_worker.uuid}"
    response = _client(personas.team_manager).get(url)
    assert response.status_code == 200
    assert "Shown" in response.content.decode()
    assert _client(personas.link_worker_teammate).get(url).status_code == 404
    assert _client(personas.other_team_link_worker).get(url).status_code == 404
    assert _client(personas.team_manager).get(f"{CASELOAD}?worker=nonsense").status_code == 404


def _seen(personas: Personas, worker: User, people: int, *, days_ago: int = 10) -> None:
    for _ in range(people):
        case = case_for(personas, worker=worker, status=CaseStatus.ACTIVE)
        Appointment.objects.create(
            case=case,
            kind=AppointmentKind.WELLBEING_REVIEW,
            starts_at=timezone.now() - dt.timedelta(days=days_ago),
            outcome=AppointmentOutcome.ATTENDED,
        )


@override_settings(CASELOAD_SAFE_LEVEL=5)
def test_the_team_page_flags_workers_near_and_over_the_safe_level(personas: Personas) -> None:
    _seen(personas, personas.link_worker, 6)  # over 5
    _seen(personas, personas.link_worker_teammate, 4)  # 80%: near
    _seen(personas, personas.team_manager, 2)
    _seen(personas, personas.team_manager, 3, days_ago=400)  # seen over a year ago: not counted
    make_case(service=personas.link_worker_service, assigned_to=None)  # waiting for triage
    [team] = team_caseloads(user=personas.team_manager)
    by_worker = {load.worker: load for load in team.workers}
    assert by_worker[personas.link_worker].people_seen_12_months == 6
    assert by_worker[personas.link_worker].level == "over"
    assert by_worker[personas.link_worker_teammate].level == "near"
    assert by_worker[personas.team_manager].people_seen_12_months == 2
    assert by_worker[personas.team_manager].level == "ok"
    assert team.unassigned is not None and team.unassigned.open_cases == 1

    response = _client(personas.team_manager).get(TEAM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Over the safe level" in html and "Near the safe level" in html
    assert "safe level is 5 people" in html


def test_a_provider_team_a_manager_also_runs_is_not_a_caseload_team(personas: Personas) -> None:
    """Managing a provider's team (its volunteers, its co-production) is not managing link
    workers: that organisation is neither on the team page nor counted as a caseload."""
    Membership.objects.create(
        user=personas.team_manager, organisation=personas.provider_org, role=Role.TEAM_MANAGER
    )
    teams = team_caseloads(user=personas.team_manager)
    assert [t.team for t in teams] == [personas.link_worker_service]
    html = _client(personas.team_manager).get(TEAM).content.decode()
    assert escape(personas.provider_org.name) not in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("team_manager", 200),
        ("link_worker", 403),
        ("read_only_link_worker", 403),
        ("other_team_link_worker", 403),
        ("commissioner", 403),
    ],
)
def test_only_team_managers_open_the_team_page(
    personas: Personas, persona: str, status: int
) -> None:
    assert _client(getattr(personas, persona)).get(TEAM).status_code == status


def test_the_team_page_takes_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for n in range(30):
        _busy_case(personas, n)
    _seen(personas, personas.link_worker_teammate, 10)
    client = _client(personas.team_manager)
    client.get(TEAM)
    # 14 before the safeguarding link showed its count of open concerns: one more query
    # (selectors.open_concern_count_for_lead).
    with django_assert_max_num_queries(15):
        assert client.get(TEAM).status_code == 200


def test_the_menu_shows_caseload_to_link_workers_and_team_to_managers(
    personas: Personas,
) -> None:
    worker_html = _client(personas.link_worker).get(CASELOAD).content.decode()
    assert 'href="/caseload/"' in worker_html and 'href="/team/"' not in worker_html
    manager_html = _client(personas.team_manager).get(TEAM).content.decode()
    assert 'href="/team/"' in manager_html
