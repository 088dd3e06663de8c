"""`linkwell match_decisions report`: the ranking against real decisions, disclosure-controlled."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from linkwell.casework.tests.factories import referred_case
from linkwell.connections.services import connection_signpost
from linkwell.directory.tests.factories import make_service
from linkwell.matching.models import DecisionAction, DecisionVia, MatchDecision, MatchRun
from linkwell.matching.suggestions import decision_report

pytestmark = pytest.mark.django_db

A = DecisionAction


def fixture(personas, *, connections: int = 12) -> None:
    """10 chosen services — 5 at rank 1, 3 at rank 2, 1 at rank 7, 1 not suggested — and one
    dismissal; 8 of the choices were made on the suggestions page, out of `connections`."""
    case = referred_case(personas)
    service = make_service("Community garden club", referrals=True)
    made = [
        connection_signpost(actor=personas.link_worker, case=case, service=service)
        for _ in range(connections)
    ]
    run = MatchRun.objects.create(case=case, created_at=timezone.now(), engine="test", shown=[])
    plan = (
        [(1, A.SIGNPOSTED)] * 5
        + [(2, A.REFERRED)] * 3
        + [(7, A.SIGNPOSTED), (None, A.CHOSE_UNSUGGESTED)]
    )
    for i, (rank, action) in enumerate(plan):
        MatchDecision.objects.create(
            run=run,
            service=service,
            service_uuid=str(service.uuid),
            rank=rank,
            action=action,
            via=DecisionVia.SUGGESTIONS if i < 8 else DecisionVia.SEARCH,
            connection=made[i],
            created_at=timezone.now(),
        )
    MatchDecision.objects.create(
        run=run,
        service_uuid=str(service.uuid),
        rank=3,
        action=A.DISMISSED,
        created_at=timezone.now(),
    )


def test_it_reports_hit_rate_mrr_and_the_share_from_suggestions(personas):
    fixture(personas)
    report = decision_report()
    assert report.hit_rate == 0.8  # 8 of 10 chosen services were in the top 5
    assert report.mrr == round((5 * 1 + 3 * 0.5 + 1 / 7 + 0) / 10, 3)  # 0.664
    assert report.suggestion_share == round(8 / 12, 3)
    # Counts leave the system rounded to 5, small ones suppressed.
    assert (report.chosen, report.connections, report.from_suggestions) == (10, 10, 10)
    assert report.runs == "*" and report.dismissed == "*"


def test_rates_over_fewer_than_eight_decisions_are_withheld(personas):
    case = referred_case(personas)
    service = make_service("Lunch club")
    run = MatchRun.objects.create(case=case, created_at=timezone.now(), engine="test", shown=[])
    for _ in range(3):
        MatchDecision.objects.create(
            run=run, service_uuid=str(service.uuid), rank=1, action=A.SIGNPOSTED,
            created_at=timezone.now(),
        )  # fmt: skip
    report = decision_report()
    assert report.chosen == "*" and report.hit_rate == "*" and report.mrr == "*"
    assert report.suggestion_share is None  # no connections at all


def test_a_rate_is_withheld_when_the_count_behind_it_is_small(personas):
    # 12 connections, 10 choices, but only 1 made from the suggestions page and only 2 in the
    # top 5: publishing 0.083 of "10" connections (or 0.2 of "10" choices) would give away the
    # "*" printed for the count behind it.
    case = referred_case(personas)
    service = make_service("Lunch club")
    made = [
        connection_signpost(actor=personas.link_worker, case=case, service=service)
        for _ in range(12)
    ]
    run = MatchRun.objects.create(case=case, created_at=timezone.now(), engine="test", shown=[])
    for i, rank in enumerate([1, 2, *[None] * 8]):
        MatchDecision.objects.create(
            run=run, service_uuid=str(service.uuid), rank=rank,
            action=A.SIGNPOSTED if rank else A.CHOSE_UNSUGGESTED,
            via=DecisionVia.SUGGESTIONS if i == 0 else DecisionVia.SEARCH,
            connection=made[i], created_at=timezone.now(),
        )  # fmt: skip
    report = decision_report()
    assert report.chosen == 10 and report.connections == 10
    assert report.from_suggestions == "*" and report.suggestion_share == "*"
    assert report.hit_rate == "*" and report.mrr == "*"


def test_since_leaves_out_older_decisions(personas):
    fixture(personas)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    report = decision_report(since=tomorrow)
    assert (report.chosen, report.hit_rate, report.connections) == (0, None, 0)


def test_the_command_prints_the_report(personas):
    fixture(personas)
    out = StringIO()
    call_command("match_decisions", "report", stdout=out)
    text = out.getvalue()
    assert "Hit rate@5 (chosen service was in the top 5): 0.800" in text
    assert "MRR of chosen services (0 when not suggested): 0.664" in text
    assert "Share of connections that came from suggestions: 0.667" in text
    out = StringIO()
    call_command("match_decisions", "report", "--json", "--since", "2020-01-01", stdout=out)
    data = json.loads(out.getvalue())
    assert data["hit_rate"] == 0.8 and data["since"] == "2020-01-01" and data["runs"] == "*"


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="--since '14/03/2026': not a date"):
        call_command("match_decisions", "report", "--since", "14/03/2026")
