"""The triage queue as a team meets it every morning: honest waiting times, pages of 25 with the
most urgent first, and allocation that suggests the right link worker."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Membership, Role
from linkwell.casework.models import Case
from linkwell.referrals.models import LinkWorkerCoverage
from linkwell.referrals.selectors import waiting_days
from linkwell.referrals.tests.factories import make_person, make_referral
from linkwell.referrals.views import TRIAGE_PAGE_SIZE

pytestmark = pytest.mark.django_db

TRIAGE = reverse("referrals:triage")


def waiting_cells(page: str) -> list[str]:
    return re.findall(r'<td class="nhsuk-table__cell">(-?\d+ days?)</td>', page)


# --- waiting time ------------------------------------------------------------------------------


def test_a_referral_stamped_a_little_ahead_of_our_clock_waits_0_days_not_minus_1(client, personas):
    make_referral(
        make_person(),
        personas.link_worker_service,
        received_at=timezone.now() + dt.timedelta(hours=2),
    )
    client.force_login(personas.link_worker)
    page = client.get(TRIAGE).content.decode()
    assert waiting_cells(page) == ["0 days"]
    assert "-1 day" not in page


def test_waiting_days_count_local_calendar_days():
    tz = timezone.get_current_timezone()
    late_last_night = dt.datetime(2025, 3, 3, 23, 30, tzinfo=tz)
    assert waiting_days(late_last_night, today=dt.date(2025, 3, 4)) == 1
    assert waiting_days(late_last_night, today=dt.date(2025, 3, 3)) == 0
    assert waiting_days(late_last_night, today=dt.date(2025, 3, 2)) == 0


def test_the_referral_page_shows_the_same_honest_wait(client, personas):
    referral = make_referral(
        make_person(),
        personas.link_worker_service,
        received_at=timezone.now() + dt.timedelta(hours=2),
    )
    client.force_login(personas.link_worker)
    page = client.get(reverse("referrals:triage_referral", kwargs={"referral_id": referral.uuid}))
    assert page.context["waiting_days"] == 0


# --- pages -------------------------------------------------------------------------------------


def test_the_queue_comes_in_pages_with_the_most_urgent_first(client, personas):
    for i in range(TRIAGE_PAGE_SIZE + 4):
        make_referral(
            make_person(given_name=f"Routine{i:02d}"), personas.link_worker_service, days_ago=30 - i
        )
    make_referral(make_person(given_name="Urgent"), personas.link_worker_service, urgency="urgent")
    client.force_login(personas.link_worker)
    first = client.get(TRIAGE)
    rows = first.context["rows"]
    assert len(rows) == TRIAGE_PAGE_SIZE
    assert rows[0]["referral"].person.given_name == "Urgent"
    # Then the longest wait.
    assert rows[1]["referral"].person.given_name == "Routine00"
    page = first.content.decode()
    assert "30 referrals waiting, most urgent first." in page
    assert 'class="nhsuk-pagination"' in page and 'href="?page=2"' in page
    second = client.get(TRIAGE, {"page": 2})
    assert [r["referral"].person.given_name for r in second.context["rows"]] == [
        f"Routine{i:02d}" for i in range(TRIAGE_PAGE_SIZE - 1, TRIAGE_PAGE_SIZE + 4)
    ]


def test_pages_keep_the_team_chosen(client, personas):
    Membership.objects.create(
        user=personas.link_worker, organisation=personas.other_team, role=Role.LINK_WORKER
    )
    for i in range(TRIAGE_PAGE_SIZE + 1):
        make_referral(make_person(given_name=f"T{i}"), personas.other_team)
    client.force_login(personas.link_worker)
    page = client.get(TRIAGE, {"team": str(personas.other_team.uuid)}).content.decode()
    assert f'href="?page=2&amp;team={personas.other_team.uuid}"' in page


# --- allocation --------------------------------------------------------------------------------


def _busy(worker, service, n: int) -> None:
    for i in range(n):
        Case.objects.create(
            person=make_person(given_name=f"{worker.pk}-{i}"),
            link_worker_service=service,
            assigned_to=worker,
            opened_at=timezone.now(),
        )


def test_allocation_defaults_to_the_link_worker_covering_the_persons_practice(client, personas):
    service = personas.link_worker_service
    _busy(personas.link_worker, service, 3)
    _busy(personas.link_worker_teammate, service, 1)
    LinkWorkerCoverage.objects.create(
        link_worker_service=service, practice=personas.practice, link_worker=personas.link_worker
    )
    referral = make_referral(make_person(registered_practice=personas.practice), service)
    client.force_login(personas.team_manager)
    page = client.get(reverse("referrals:triage_referral", kwargs={"referral_id": referral.uuid}))
    assert page.context["accept_form"]["assign_to"].value() == str(personas.link_worker.uuid)


def test_without_coverage_allocation_defaults_to_the_smallest_caseload_never_the_manager(
    client, personas
):
    service = personas.link_worker_service
    _busy(personas.link_worker, service, 3)
    _busy(personas.link_worker_teammate, service, 1)
    referral = make_referral(make_person(), service)
    client.force_login(personas.team_manager)
    response = client.get(
        reverse("referrals:triage_referral", kwargs={"referral_id": referral.uuid})
    )
    assert response.context["accept_form"]["assign_to"].value() == str(
        personas.link_worker_teammate.uuid
    )
    assert "Manager — 0 open — team manager" in response.content.decode()
