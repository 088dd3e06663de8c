"""The demo's volunteering: volunteers in every status, matches at every stage, and no live match
that the volunteering services would refuse."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from linkwell.accounts.models import Membership, Role
from linkwell.demo import volunteering as volunteering_demo
from linkwell.demo.loader import DEMO_LOGINS, DEMO_PASSWORD, demo_load
from linkwell.directory.postcodes import lookup
from linkwell.volunteering.checks import check_state
from linkwell.volunteering.models import (
    LIVE_MATCH_STATUSES,
    Activity,
    CommunityMember,
    ContactMode,
    DbsLevel,
    Match,
    MatchDecision,
    MatchReview,
    MatchStatus,
    RequestSource,
    RoleKind,
    RoleStatus,
    SupportRequest,
    SupportRole,
    VolunteerRole,
)
from linkwell.volunteering.selectors.reports import volunteering_figures

NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
DOMAIN = "demo.example.org"
KINDS_FOR: dict[str, set[str]] = {
    SupportRole.BEFRIENDER: {RoleKind.BEFRIENDER, RoleKind.TELEPHONE_BEFRIENDER},
    SupportRole.CONNECTOR: {RoleKind.CONNECTOR},
    SupportRole.PEER_SUPPORTER: {RoleKind.PEER_SUPPORTER},
}

# Loads the demo (seconds): `make test-slow`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def _loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[float]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(seed=42, now=NOW)
        started = time.monotonic()
        volunteering_demo.load(seed=42, now=NOW, domain=DOMAIN)
        yield time.monotonic() - started
        transaction.set_rollback(True)


@pytest.fixture
def demo(_loaded: float, db: None) -> float:
    return _loaded


def test_there_are_sixty_volunteers_in_every_role_status_and_kind(demo: float) -> None:
    occ = CommunityMember.objects.filter(organisation__name=volunteering_demo.COORDINATING)
    assert occ.count() >= 60
    roles = VolunteerRole.objects.all()
    assert set(roles.values_list("status", flat=True)) == set(RoleStatus.values)
    assert set(roles.values_list("kind", flat=True)) == set(RoleKind.values)
    left = roles.filter(status=RoleStatus.LEFT)
    assert left.exclude(left_reason="").count() == left.count() > 3
    members = list(CommunityMember.objects.prefetch_related("checks", "supervisions"))
    states = [check_state(m.checks.all(), at=TODAY) for m in members]
    flags = Counter(f.split(" on ")[0] for s in states for f in s.flags)
    assert flags["DBS check lapses"] >= 1 and flags["DBS check lapsed"] >= 1
    assert flags["Safeguarding adults training not done"] >= 1
    assert any(s.dbs is not None and s.dbs.dbs_level == DbsLevel.STANDARD for s in states)
    assert sum(bool(m.supervisions.all()) for m in members) > 20
    languages = {code for m in members for code in m.languages}
    assert {"cy", "pl", "ur", "pa"} <= languages
    assert any("BSL" in m.skills for m in members)
    assert len({(m.given_name, m.family_name) for m in members}) == len(members)
    for postcode in {m.postcode for m in members}:
        assert postcode.startswith(("SY10", "SY11"))
        lookup(postcode)  # the offline lookup knows it


def test_no_live_match_breaks_a_hard_constraint(demo: float) -> None:
    live = list(
        Match.objects.filter(status__in=LIVE_MATCH_STATUSES).select_related("request", "member")
    )
    assert len(live) >= 10
    per_member = Counter(m.member_id for m in live)
    for match in live:
        member = match.member
        active_kinds = set(
            member.roles.filter(status=RoleStatus.ACTIVE).values_list("kind", flat=True)
        )
        assert active_kinds & KINDS_FOR[match.request.role], match.pk
        state = check_state(member.checks.all(), at=TODAY)
        assert state.dbs_valid, member
        if match.request.contact == ContactMode.HOME_VISIT:
            assert state.dbs_enhanced and member.home_visits, member
        assert per_member[member.pk] <= member.max_matches, member
        assert Activity.objects.filter(match=match, happened_on__gt=TODAY).count() == 0
    pairs = Counter((m.request_id, m.member_id) for m in live)
    assert max(pairs.values()) == 1


def test_requests_and_matches_are_at_every_stage(demo: float) -> None:
    requests = SupportRequest.objects.all()
    assert set(requests.values_list("source", flat=True)) == set(RequestSource.values)
    waiting = requests.filter(matches__isnull=True)
    assert waiting.filter(case__isnull=False).exists() and waiting.filter(case__isnull=True)
    assert set(Match.objects.values_list("status", flat=True)) == set(MatchStatus.values)
    ended = Match.objects.filter(status=MatchStatus.ENDED)
    assert ended.exclude(end_reason="").count() == ended.count() >= 3
    assert Match.objects.filter(status=MatchStatus.DECLINED).exclude(decline_reason="").exists()
    assert MatchReview.objects.filter(closing=False).exists()
    assert Match.objects.filter(status=MatchStatus.ACTIVE, review_on__lte=TODAY).exists()
    programme = Match.objects.filter(request__role=SupportRole.CONNECTOR)
    assert programme.exclude(goals=[]).exists()
    assert MatchReview.objects.filter(closing=True, match__in=programme).exclude(now_does="")
    assert MatchDecision.objects.values("decision").distinct().count() == 4
    concern = Activity.objects.exclude(concern="").get()
    assert concern.match is not None and concern.match.request.case_id is None
    assert Activity.objects.exclude(how_it_went="").count() > 5
    # A report for the demo's last quarter publishes real figures.
    raw = volunteering_figures(
        organisation_ids=[concern.member.organisation_id],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 3, 31),
    )
    assert raw.active_at_end >= 20 and raw.people_supported >= 8


def test_the_befriender_signs_in_without_a_staff_role_and_has_work_to_do(demo: float) -> None:
    member = CommunityMember.objects.get(user__email=f"befriender@{DOMAIN}")
    assert not Membership.objects.filter(user=member.user).exists()
    statuses = Counter(member.matches.values_list("status", flat=True))
    assert statuses[MatchStatus.ACTIVE] >= 1 and statuses[MatchStatus.INTRODUCED] >= 1
    assert Activity.objects.filter(member=member, match__status=MatchStatus.ACTIVE).count() > 3
    coordinator = next(x for x in DEMO_LOGINS if x.email == f"coordinator@{DOMAIN}")
    assert coordinator.role == Role.COORDINATOR
    assert Membership.objects.get(user__email=coordinator.email).organisation.name == (
        volunteering_demo.COORDINATING
    )
    client = Client()
    client.post("/accounts/login/", {"email": coordinator.email, "password": DEMO_PASSWORD})
    assert client.get("/volunteering/report/").status_code == 200


def test_it_is_quick_idempotent_and_the_same_each_time(demo: float) -> None:
    assert demo < 3
    ids = sorted(Match.objects.values_list("uuid", flat=True))
    assert volunteering_demo.load(seed=42, now=NOW, domain=DOMAIN) == {}
    volunteering_demo.reset()
    assert not CommunityMember.objects.exists() and not SupportRequest.objects.exists()
    volunteering_demo.load(seed=42, now=NOW, domain=DOMAIN)
    assert sorted(Match.objects.values_list("uuid", flat=True)) == ids
