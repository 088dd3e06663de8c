"""The volunteers list: scoped, filtered, flagged, in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwell.volunteering.models import Course, RoleKind, RoleStatus
from linkwell.volunteering.selectors import member_list_for_user, member_status_counts
from linkwell.volunteering.tests.factories import VolunteerCast, make_member

pytestmark = pytest.mark.django_db
# Read the date when each test runs, not when the module is collected: a run that
# crosses midnight would otherwise compare against yesterday.
TODAY = timezone.localdate


def test_the_list_is_scoped_flagged_and_filtered(cast: VolunteerCast) -> None:
    lapsed = make_member(
        cast.service, given_name="Lapsed", dbs_on=TODAY() - dt.timedelta(days=4 * 365)
    )
    expiring = make_member(
        cast.service, given_name="Expiring", dbs_on=TODAY() - dt.timedelta(days=3 * 365 - 20)
    )
    untrained = make_member(
        cast.service,
        given_name="Untrained",
        courses=(Course.INDUCTION,),
        status=RoleStatus.TRAINING,
        roles=(RoleKind.DRIVER,),
    )
    make_member(cast.other_service, given_name="Elsewhere")
    names = [r.member.given_name for r in member_list_for_user(cast.coordinator)]
    assert "Elsewhere" not in names and "Margaret" in names
    assert [r.member for r in member_list_for_user(cast.coordinator, flag="lapsed")] == [lapsed]
    assert [r.member for r in member_list_for_user(cast.coordinator, flag="expiring")] == [expiring]
    assert [r.member for r in member_list_for_user(cast.coordinator, flag="missing_training")] == [
        untrained
    ]
    assert [r.member for r in member_list_for_user(cast.coordinator, status="training")] == [
        untrained
    ]
    assert [r.member for r in member_list_for_user(cast.coordinator, role="driver")] == [untrained]
    assert [r.member for r in member_list_for_user(cast.coordinator, q="marg")] == [cast.member]
    assert member_list_for_user(cast.outsider) == [] or all(
        r.member.organisation == cast.other_service for r in member_list_for_user(cast.outsider)
    )
    assert member_list_for_user(cast.volunteer) == []
    assert member_status_counts(cast.coordinator)["active"] == 4


def test_the_list_takes_the_same_queries_for_many_volunteers(cast: VolunteerCast) -> None:
    with CaptureQueriesContext(connection) as few:
        rows = member_list_for_user(cast.coordinator)
    assert len(rows) == 2
    for _ in range(8):
        make_member(cast.service, roles=(RoleKind.BEFRIENDER, RoleKind.DRIVER))
    with CaptureQueriesContext(connection) as many:
        rows = member_list_for_user(cast.coordinator)
    assert len(rows) == 10 and all(len(r.roles) in (1, 2) for r in rows)
    assert len(many) == len(few) == 4
