"""The demo's co-production self-assessments: three per team over 18 months, showing change,
with evidence and actions; the host's manager compares its teams; quick, idempotent, removable."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from linkwell.accounts.models import Organisation
from linkwell.coproduction.models import Assessment, AssessmentStatus
from linkwell.coproduction.questions import CURRENT_VERSION, question_set
from linkwell.coproduction.selectors.assessments import team_progress
from linkwell.demo import coproduction as coproduction_demo
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.loader import DEMO_PASSWORD, demo_load

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
DOMAIN = "demo.example.org"

# Loads the demo (seconds): `make test-slow`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def _loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[float]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(seed=42, now=NOW)
        volunteering_demo.load(seed=42, now=NOW, domain=DOMAIN)
        started = time.monotonic()
        coproduction_demo.load(seed=42, now=NOW, domain=DOMAIN)
        yield time.monotonic() - started
        transaction.set_rollback(True)


@pytest.fixture
def demo(_loaded: float, db: None) -> float:
    return _loaded


@pytest.mark.parametrize("team", [coproduction_demo.LINK_WORKERS, volunteering_demo.COORDINATING])
def test_each_team_assessed_itself_three_times_over_eighteen_months_and_improved(
    demo: float, team: str
) -> None:
    org = Organisation.objects.get(name=team)
    done = list(Assessment.objects.filter(organisation=org).order_by("held_on"))
    assert [a.status for a in done] == [AssessmentStatus.COMPLETED] * 3
    assert (done[-1].held_on - done[0].held_on).days >= 500
    keys = set(question_set(CURRENT_VERSION).keys)
    for a in done:
        assert set(a.answers) == keys
        assert a.people_count >= 1 and a.staff_count >= 1
        assert a.evidence and a.actions.exists() and a.records_snapshot
    progress = team_progress(org)
    assert sum(r.scores[-1] or 0 for r in progress.rows) > sum(
        r.scores[0] or 0 for r in progress.rows
    )


def test_the_demo_manager_compares_the_hosts_teams(demo: float) -> None:
    client = Client()
    client.post("/accounts/login/", {"email": f"manager@{DOMAIN}", "password": DEMO_PASSWORD})
    host = Organisation.objects.get(name=coproduction_demo.HOST)
    response = client.get(f"/coproduction/compare/{host.uuid}/")
    assert response.status_code == 200
    assert coproduction_demo.THIRD_TEAM in response.content.decode()


def test_it_is_quick_idempotent_and_removable(demo: float) -> None:
    assert demo < 3
    ids = sorted(Assessment.objects.values_list("uuid", flat=True))
    assert coproduction_demo.load(seed=42, now=NOW, domain=DOMAIN) == {}
    coproduction_demo.reset(domain=DOMAIN)
    assert not Assessment.objects.exists()
    assert not Organisation.objects.filter(name=coproduction_demo.THIRD_TEAM).exists()
    coproduction_demo.load(seed=42, now=NOW, domain=DOMAIN)
    assert sorted(Assessment.objects.values_list("uuid", flat=True)) == ids
