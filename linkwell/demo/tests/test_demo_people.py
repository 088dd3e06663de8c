"""The demo's fictional people: enough of them, in every state, reproducible and harmless."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Iterator
from random import Random
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from linkwell.accounts.models import Organisation, User
from linkwell.analysis.filters import ReportFilter
from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    Case,
    CaseNote,
    CaseStatus,
    FollowUp,
    FollowUpKind,
    Goal,
    GoalProgress,
    MessageBack,
    SafeguardingConcern,
    Strength,
    WellbeingReview,
)
from linkwell.connections.models import Attendance, Connection, ConnectionStatus, ProvisionGap
from linkwell.demo import outcomes as outcomes_demo
from linkwell.demo.catalogue import ACCOUNTS_ORGS, PLACES
from linkwell.demo.directory import DemoIds
from linkwell.demo.loader import demo_load, demo_reset
from linkwell.demo.people import (
    DEMO_PEOPLE,
    OPEN_MIX,
    Team,
    allocate,
    build_people,
    nhs_check_digit,
)
from linkwell.demo.people_catalogue import TOWN_WEIGHTS
from linkwell.directory.models import ReferralMode, Service, ServiceStatus
from linkwell.directory.taxonomies import NEEDS, shipped_terms
from linkwell.people.models import Person
from linkwell.referrals.models import Referral, ReferralSource, ReferralStatus
from linkwell.reports.quarterly import build_report, section_of_table

# The module loads the whole demo once (10-14 s).
pytestmark = pytest.mark.slow


NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
DOMAIN = "demo.example.org"


@pytest.fixture(scope="module")
def _loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo, loaded once for this module and rolled back after it (a load takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(seed=42, now=NOW)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_loaded: None, db: None) -> None:
    """Each test runs in its own savepoint inside the module's load, so a reset is undone."""


def _valid_nhs_number(number: str) -> bool:
    """Independent of the code under test: the NHS Data Dictionary's modulus-11 rule."""
    if not re.fullmatch(r"\d{10}", number):
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(number[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


def test_the_check_digit_matches_the_nhs_example() -> None:
    # The NHS Data Dictionary's worked example: 943 476 5919.
    assert nhs_check_digit("943476591") == 9
    assert _valid_nhs_number("9434765919")
    assert not _valid_nhs_number("9434765918")


def test_allocation_is_exactly_proportional_and_never_drops_a_rare_state() -> None:
    labels = allocate(37, {"a": 90, "b": 9, "c": 1}, Random(1))
    assert len(labels) == 37
    counts = Counter(labels)
    assert counts["c"] == 1 and counts["b"] >= 3


def _fake_team_and_services() -> tuple[Team, list[Service], dict[str, int]]:
    """Unsaved rows with made-up pks: building needs no database."""
    orgs = {
        spec.key: Organisation(pk=i + 1, name=spec.name) for i, spec in enumerate(ACCOUNTS_ORGS)
    }
    workers = [User(pk=i + 1, email=f"lw{i}@{DOMAIN}", full_name=f"LW {i}") for i in range(3)]
    owner = SimpleNamespace(owner_id=orgs["shed"].pk)
    services = []
    for i in range(12):
        service = Service(
            pk=i + 1,
            name=f"Service {i}",
            referral_mode=ReferralMode.ACCEPTS_REFERRALS if i % 3 else ReferralMode.SIGNPOST_ONLY,
            status=ServiceStatus.ACTIVE,
        )
        service._state.fields_cache["organization"] = owner
        services.append(service)
    team = Team(
        service=orgs["lws"],
        link_workers=workers,
        manager=workers[0],
        practices={k: orgs[k] for k in ("gp1", "gp2", "gp3", "gp4")},
    )
    needs = {code: i + 1 for i, (_, code, _) in enumerate(shipped_terms(NEEDS))}
    return team, services, needs


def _build(seed: int, **kwargs: Any) -> Any:
    team, services, needs = _fake_team_and_services()
    return build_people(
        rng=Random(seed),
        today=TODAY,
        count=kwargs.pop("count", 120),
        team=team,
        services=services,
        needs=needs,
        places={town: spec[0] for town, spec in PLACES.items()},
        ids=DemoIds(prefix="test/"),
        **kwargs,
    )


def test_the_same_seed_gives_the_same_people_cases_and_ids() -> None:
    first, again, other = _build(42), _build(42), _build(7)

    def people(rows: Any) -> list[tuple[Any, ...]]:
        return [(p.uuid, str(p), p.date_of_birth, p.nhs_number, p.postcode) for p in rows.people]

    assert people(first) == people(again)
    assert [(c.uuid, c.status) for c in first.cases] == [(c.uuid, c.status) for c in again.cases]
    assert [c.status for c in first.connections] == [c.status for c in again.connections]
    assert people(other) != people(first)


def test_a_busy_service_mix_has_only_open_cases_and_a_triage_queue() -> None:
    rows = _build(5, count=200, mix=OPEN_MIX)
    statuses = {c.status for c in rows.cases}
    assert CaseStatus.DORMANT not in statuses
    assert statuses == set(CaseStatus.values) - {CaseStatus.DORMANT}
    assert any(r.status == ReferralStatus.RECEIVED for r in rows.referrals)


def test_the_demo_has_over_500_people_with_cases_in_every_state(demo: None) -> None:
    assert Person.objects.count() == DEMO_PEOPLE >= 500
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert set(statuses) == set(CaseStatus.values)
    assert all(n >= 10 for n in statuses.values()), statuses
    reopened = Case.objects.exclude(reopened_at=None)
    assert reopened.exists()
    assert all(c.case_referrals.count() == 2 for c in reopened)
    assert set(Referral.objects.values_list("source", flat=True)) == set(ReferralSource.values)
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert set(Connection.objects.values_list("status", flat=True)) == set(ConnectionStatus.values)
    outcomes = set(Appointment.objects.values_list("outcome", flat=True))
    assert outcomes == set(AppointmentOutcome.values)
    assert Appointment.objects.filter(rebooked_from__isnull=False).exists()


def test_demo_cases_carry_reviews_plans_notes_follow_ups_and_messages_back(demo: None) -> None:
    assert CaseNote.objects.filter(sensitive=True).exists()
    assert CaseNote.objects.filter(sensitive=False).exists()
    assert SafeguardingConcern.objects.filter(lead__isnull=False).exists()
    assert WellbeingReview.objects.count() > 200
    assert set(Strength.objects.values_list("kind", flat=True)) >= {"personal", "social"}
    assert Goal.objects.values("plan").distinct().count() > 200
    open_follow_ups = FollowUp.objects.filter(completed_at=None)
    assert open_follow_ups.filter(due_on__lt=TODAY).exists()  # overdue
    assert open_follow_ups.filter(due_on__gte=TODAY).exists()  # coming up
    assert Attendance.objects.filter(attended=False).exists()
    assert Attendance.objects.filter(attended=True).exists()
    assert ProvisionGap.objects.exists()
    stages = set(MessageBack.objects.values_list("stage", flat=True))
    assert stages >= {"seen", "plan_agreed", "connected", "outcome", "declined"}
    # The demo GP receptionist's practice sees what happened to its referrals.
    practice = Organisation.objects.get(name="Castle Fields Surgery")
    assert MessageBack.objects.filter(recipient_organisation=practice).count() > 20


def test_the_demo_link_workers_have_caseloads_and_the_provider_an_inbox(demo: None) -> None:
    lead = User.objects.get(email=f"linkworker@{DOMAIN}")
    team = {c.assigned_to for c in Case.objects.select_related("assigned_to")}
    assert len(team - {None}) >= 3
    assert lead.assigned_cases.count() > 100
    assert Appointment.objects.filter(with_user=lead, starts_at__date=TODAY).count() >= 3
    inbox = Connection.objects.filter(service__organization__owner__name="Oswestry Men's Shed")
    assert inbox.filter(status=ConnectionStatus.REQUESTED).exists()
    assert inbox.filter(status=ConnectionStatus.IN_PROGRESS).exists()


def test_demo_people_look_real_but_are_harmless(demo: None) -> None:
    people = list(Person.objects.select_related("registered_practice"))
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert len(numbers) > 0.8 * len(people)
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("999") and _valid_nhs_number(n) for n in numbers)
    postcodes = {pc for spec in PLACES.values() for pc in spec[0]}
    assert all(p.postcode in postcodes and p.town in TOWN_WEIGHTS for p in people)
    practices = {p.registered_practice.name for p in people if p.registered_practice}
    assert practices == {
        "Castle Fields Surgery",
        "Gobowen Road Medical Practice",
        "Ellesmere Meres Surgery",
        "Whitchurch Highgate Practice",
    }
    assert all(re.fullmatch(r"(07700 900|01632 960)\d{3}", p.phone) for p in people)
    assert all(p.email.endswith("@example.com") for p in people if p.email)
    ages = [(TODAY - p.date_of_birth).days // 365 for p in people]
    assert min(ages) >= 18 and sum(a >= 65 for a in ages) > len(ages) / 2
    assert len({p.ethnicity for p in people}) >= 8
    assert {p.sex for p in people} >= {"female", "male"}
    assert len({p.carer_status for p in people}) >= 4
    assert len({(p.given_name, p.family_name) for p in people}) > 0.9 * len(people)


def test_reset_removes_every_demo_person_and_case(demo: None) -> None:
    demo_reset()
    assert not Person.objects.exists()
    assert not Referral.objects.exists()
    assert not Case.objects.exists()
    assert not User.objects.filter(email__endswith=f"@{DOMAIN}").exists()


def test_the_demo_gives_every_programme_section_of_the_report_figures(demo: None) -> None:
    """Goals at the 4-week review, patient experience, outcome payments and referrers' roles
    come from the demo's own records, so the quarterly report has something in each."""
    assert outcomes_demo.load(seed=42, today=TODAY) > 0
    assert GoalProgress.objects.filter(follow_up__kind=FollowUpKind.REVIEW_4_WEEKS).exists()
    year = ReportFilter(start=TODAY - dt.timedelta(days=365), end=TODAY)
    report = build_report(
        user=None,
        filters=year,
        unsuppressed=True,
        sections=[
            "goals-achieved",
            "patient-experience",
            "outcome-payments-by-provider",
            "referrals-by-professional",
        ],
    )

    def count(table_id: str, row: int, key: str) -> int:
        table = report.table(table_id)
        assert table is not None and table.rows, table_id
        value = table.rows[row][key]
        assert isinstance(value, int), (table_id, value)  # unsuppressed: every count shown
        return value

    assert count("goals-achieved-4-week-review", -1, "total") > 0
    assert count("patient-experience", 0, "n") > 0
    assert count("outcome-payments-by-provider", 0, "people") > 0
    table = report.table("referrals-by-professional")
    assert table is not None
    roles = {str(r["role"]): i for i, r in enumerate(table.rows)}
    assert count("referrals-by-professional", roles["GP"], "referrals") > 0
    assert count("referrals-by-professional", roles["Social worker"], "referrals") > 0
    total = count("referrals-by-professional", roles["Total"], "referrals")
    assert (
        total
        == Referral.objects.filter(
            received_at__date__gte=year.start, received_at__date__lte=year.end
        ).count()
    )


def test_every_table_of_the_report_downloads_on_its_own(demo: None) -> None:
    """Each table's CSV and chart is built from its own section alone, so every table the
    report shows must name the section that publishes it; on the demo, every section has
    tables, and every CSV and chart link on the page answers."""
    assert outcomes_demo.load(seed=42, today=TODAY) > 0
    start = TODAY - dt.timedelta(days=365)
    report = build_report(
        user=None, filters=ReportFilter(start=start, end=TODAY), unsuppressed=True
    )
    placed = {t.id: s.id for s in report.sections for t in s.tables}
    assert len(placed) > 30
    assert {t: section_of_table(t) for t in placed} == placed

    client = Client()
    client.force_login(User.objects.get(email=f"manager@{DOMAIN}"))
    period = {"quarter": "custom", "start": start.isoformat(), "end": TODAY.isoformat()}
    page = client.get(reverse("reports:quarterly"), period)
    assert page.status_code == 200
    links = re.findall(r'href="(/reports/quarterly/tables/[^"]+)"', page.content.decode())
    charts = re.findall(r'src="(/reports/quarterly/charts/[^"]+)"', page.content.decode())
    assert len(links) > 20 and charts
    for link in links + charts:
        response = client.get(html.unescape(link))
        assert response.status_code == 200, link
