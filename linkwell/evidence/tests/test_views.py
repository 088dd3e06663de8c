"""The evidence pages by persona, with disclosure control on every figure shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linkwell.accounts.models import Membership
from linkwell.audit.models import AuditEvent
from linkwell.connections.models import ConnectionStatus
from linkwell.directory.tests.factories import make_organization, make_service
from linkwell.evidence.models import UnitCost
from linkwell.evidence.services import activity_import, population_profile_import
from linkwell.evidence.tests.factories import at, connect, journey, measure
from tests.personas import PASSWORD, Personas

pytestmark = pytest.mark.django_db
D = dt.date(2025, 5, 1)
PAGES = ["index", "outcomes", "service_use", "equity", "providers", "unit_costs"]


def _client(user: object) -> Client:
    client = Client()
    client.login(email=user.email, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def _grant(user: object) -> None:
    perm = Permission.objects.get(codename="view_unsuppressed", content_type__app_label="reports")
    user.user_permissions.add(perm)  # type: ignore[attr-defined]


def _cohort(personas: Personas, n: int) -> None:
    for i in range(n):
        j = journey(
            service=personas.link_worker_service,
            received=D,
            practice=personas.practice,
            sex="female",
        )
        measure(j.case, "phq9", "baseline", D, 15 + i % 3)
        measure(j.case, "phq9", "week_4", D + dt.timedelta(days=30), 9 + i % 4)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["commissioner", "team_manager", "admin"])
def test_commissioners_managers_and_administrators_see_every_page(
    personas: Personas, who: str, page: str
) -> None:
    response = _client(getattr(personas, who)).get(reverse(f"evidence:{page}"))
    assert response.status_code == 200
    assert b'href="/evidence/"' in response.content  # in the menu


@pytest.mark.parametrize("who", ["owner", "read_only", "outsider", "link_worker", "referrer"])
def test_other_roles_are_refused(personas: Personas, who: str) -> None:
    for page in PAGES:
        assert _client(getattr(personas, who)).get(reverse(f"evidence:{page}")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(reverse("evidence:outcomes"))
    assert response.status_code == 302
    assert "next=/evidence/outcomes/" in response["Location"]


def test_a_team_manager_asking_for_another_teams_service_gets_not_found(personas: Personas) -> None:
    client = _client(personas.team_manager)
    url = reverse("evidence:outcomes")
    other = client.get(url, {"instrument": "phq9", "service": str(personas.other_team.uuid)})
    assert other.status_code == 404
    own = client.get(url, {"instrument": "phq9", "service": str(personas.link_worker_service.uuid)})
    assert own.status_code == 200
    assert client.get(url, {"instrument": "phq9", "service": "not-a-uuid"}).status_code == 404


def test_outcomes_are_suppressed_for_small_groups_and_rounded_otherwise(personas: Personas) -> None:
    _cohort(personas, 12)
    client = _client(personas.commissioner)
    response = client.get(reverse("evidence:outcomes"), {"instrument": "phq9"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="n">10<' in html  # 12 pairs rounded to the nearest 5
    assert "counts of 1 to 7 are shown as *" in html
    by_sex = client.get(reverse("evidence:outcomes"), {"instrument": "phq9", "by": "sex"})
    assert 'data-figure="n">10<' in by_sex.content.decode()
    with_small = client.get(
        reverse("evidence:outcomes"),
        {"instrument": "phq9", "by": "period", "start": "2025-05-01", "end": "2025-05-01"},
    )
    assert with_small.status_code == 200
    # Too few: a group of 3 shows "*" for n and the mean change.
    _cohort_small = journey(service=personas.link_worker_service, received=D, sex="male")
    measure(_cohort_small.case, "phq9", "baseline", D, 20)
    measure(_cohort_small.case, "phq9", "week_4", D + dt.timedelta(days=30), 10)
    rows = client.get(
        reverse("evidence:outcomes"), {"instrument": "phq9", "by": "sex"}
    ).content.decode()
    assert 'data-figure="n">*<' in rows
    assert 'data-figure="mean_change">* (*)' in rows
    assert not AuditEvent.objects.filter(action="unsuppressed_figures_accessed").exists()


def test_a_granted_user_sees_raw_figures_and_that_is_audited(personas: Personas) -> None:
    _cohort(personas, 12)
    _grant(personas.commissioner)
    html = (
        _client(personas.commissioner)
        .get(reverse("evidence:outcomes"), {"instrument": "phq9"})
        .content.decode()
    )
    assert 'data-figure="n">12<' in html
    assert "Unsuppressed figures" in html
    event = AuditEvent.objects.get(action="unsuppressed_figures_accessed")
    assert event.actor_id == personas.commissioner.pk


def test_bad_filters_are_listed_in_an_error_summary(personas: Personas) -> None:
    response = _client(personas.commissioner).get(
        reverse("evidence:service_use"),
        {"start": "2025-06-01", "end": "2025-05-01", "months_before": "0"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "The end date must be on or after the start date" in html
    assert "Enter a number of months from 1 to 36" in html


def test_service_use_page_shows_suppressed_counts(personas: Personas) -> None:
    people = [
        journey(service=personas.link_worker_service, received=dt.date(2025, 6, 15))
        for _ in range(9)
    ]
    lines = "".join(f"{j.person.uuid},2025-03-01,gp_appointment\n" for j in people)
    activity_import(
        actor=None,
        text="person,date,kind\n" + lines,
        period_start=dt.date(2024, 12, 1),
        period_end=dt.date(2025, 12, 31),
    )
    html = _client(personas.commissioner).get(reverse("evidence:service_use")).content.decode()
    assert 'data-figure="n_people">10<' in html
    assert 'data-figure="gp_appointment_before">10<' in html
    assert 'data-figure="ae_attendance_before">0<' in html


def test_equity_page_compares_with_the_registered_population(personas: Personas) -> None:
    population_profile_import(
        actor=None,
        text="practice,dimension,category,count\nM82015,sex,female,2000\nM82015,sex,male,2000\n",
        as_of=D,
    )
    _cohort(personas, 10)
    html = (
        _client(personas.commissioner)
        .get(reverse("evidence:equity"), {"by": "sex"})
        .content.decode()
    )
    assert 'data-figure="referred">10<' in html
    assert "5.00" in html  # 10 per 2,000 = 5 per 1,000


def test_equity_page_shows_each_group_as_its_share_of_everyone_referred(
    personas: Personas,
) -> None:
    population_profile_import(
        actor=None,
        text="practice,dimension,category,count\n"
        + "".join(f"M82015,ethnicity,{c},1000\n" for c in "ABCHN"),
        as_of=D,
    )
    for ethnicity, n in {"A": 16, "B": 6, "C": 6, "H": 6, "N": 6}.items():
        for _ in range(n):
            journey(
                service=personas.link_worker_service,
                received=D,
                practice=personas.practice,
                ethnicity=ethnicity,
            )
    html = (
        _client(personas.commissioner)
        .get(reverse("evidence:equity"), {"by": "ethnicity"})
        .content.decode()
    )
    row = html[html.index("White - British") :]
    row = row[: row.index("</tr>")]
    # 16 of the 40 people referred, although the four other groups (6 each) are withheld: it
    # showed "100.0", a share of the groups left visible.
    assert 'data-figure="referred">15<' in row
    assert 'data-figure="referred_share">40.0<' in row
    assert 'data-figure="population_share">20.0<' in row
    assert 'data-figure="referred_per_1000">16.00<' in row
    assert 'data-figure="referred_share">100.0<' not in html


def test_providers_page_embeds_the_funnel_plot_as_an_image(personas: Personas) -> None:
    shed = make_service("Shed", organization=make_organization("Men's Shed Trust"))
    for i in range(9):
        j = journey(service=personas.link_worker_service, received=D)
        connect(
            j,
            shed,
            status=ConnectionStatus.ACCEPTED if i % 3 else ConnectionStatus.REJECTED,
            sent=at(D),
            answered_after=dt.timedelta(hours=4),
        )
    client = _client(personas.commissioner)
    client.get(reverse("evidence:index"))  # the session's first request does more
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("evidence:providers"))
    # The page's queries do not grow with providers or referrals.
    walk = make_service("Walk", organization=make_organization("Walking for Health"))
    for _ in range(5):
        j = journey(service=personas.link_worker_service, received=D)
        connect(j, walk, status=ConnectionStatus.REQUESTED, sent=at(D))
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("evidence:providers"))
    assert len(more.captured_queries) == len(ctx.captured_queries) <= 25
    html = page.content.decode()
    assert 'src="/evidence/providers/funnel.svg?' in html
    assert 'data-figure="sent">10<' in html
    svg = client.get(reverse("evidence:funnel"))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<script" not in svg.content
    assert _client(personas.outsider).get(reverse("evidence:funnel")).status_code == 403


def test_a_commissioner_changes_a_unit_cost_and_it_is_audited(personas: Personas) -> None:
    client = _client(personas.commissioner)
    url = reverse("evidence:unit_cost_edit", args=["gp_appointment"])
    bad = client.post(url, {"cost": "-3", "source": ""})
    assert bad.status_code == 400
    assert "The cost must be £0 or more" in bad.content.decode()
    assert "Say where the cost comes from" in bad.content.decode()
    assert not UnitCost.objects.exists()
    ok = client.post(url, {"cost": "45.50", "source": "Local GP contract 2025/26"})
    assert ok.status_code == 302
    assert str(UnitCost.objects.get(kind="gp_appointment").cost) == "45.50"
    assert AuditEvent.objects.filter(action="unit_cost_set").count() == 1
    assert client.get(reverse("evidence:unit_cost_edit", args=["dentist"])).status_code == 404


@pytest.mark.parametrize("who", ["team_manager"])
def test_team_managers_and_read_only_commissioners_may_not_change_costs(
    personas: Personas, who: str
) -> None:
    url = reverse("evidence:unit_cost_edit", args=["gp_appointment"])
    assert (
        _client(getattr(personas, who)).post(url, {"cost": "1", "source": "x"}).status_code == 403
    )
    Membership.objects.filter(user=personas.commissioner).update(read_only=True)
    assert _client(personas.commissioner).post(url, {"cost": "1", "source": "x"}).status_code == 403
    assert _client(personas.commissioner).get(reverse("evidence:unit_costs")).status_code == 200
    assert not UnitCost.objects.exists()


def test_a_providers_rate_is_withheld_when_its_numerator_is_small(personas: Personas) -> None:
    shed = make_service("Shed", organization=make_organization("Men's Shed Trust"))
    for i in range(9):
        j = journey(service=personas.link_worker_service, received=D)
        status = ConnectionStatus.ACCEPTED if i < 7 else ConnectionStatus.REJECTED
        connect(j, shed, status=status, sent=at(D), answered_after=dt.timedelta(hours=4))
    html = _client(personas.commissioner).get(reverse("evidence:providers")).content.decode()
    assert "77.8" not in html  # 7 of 9 accepted
    assert 'data-figure="sent">10<' in html


def test_the_outcomes_page_queries_do_not_grow_with_groups(personas: Personas) -> None:
    _cohort(personas, 8)
    client = _client(personas.commissioner)
    url = reverse("evidence:outcomes")
    params = {"instrument": "phq9", "by": "reason"}
    client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        client.get(url, params)
    for _ in range(8):
        j = journey(service=personas.link_worker_service, received=D, sex="male")
        measure(j.case, "phq9", "baseline", D, 20)
        measure(j.case, "phq9", "week_4", D + dt.timedelta(days=30), 12)
    with CaptureQueriesContext(connection) as more:
        client.get(url, params)
    assert len(more.captured_queries) == len(few.captured_queries)
