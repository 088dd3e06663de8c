"""The volunteering report's figures: what each counts, and how they are published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.analysis.disclosure import SUPPRESSED
from linkwell.people.models import Person
from linkwell.volunteering.models import (
    Activity,
    ActivityKind,
    CommunityMember,
    Match,
    MatchStatus,
    RequestSource,
    RoleKind,
    RoleStatus,
    RoleStatusChange,
    SupportRequest,
    VolunteerRole,
)
from linkwell.volunteering.selectors.reports import (
    months_before,
    publish_report,
    volunteering_figures,
    volunteering_report,
)
from linkwell.volunteering.tests.factories import VolunteerCast, make_member

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)
START = dt.date(2025, 4, 1)


def _history(role: VolunteerRole, *steps: tuple[str, dt.date, str]) -> None:
    previous = ""
    for to_status, on, reason in steps:
        RoleStatusChange.objects.create(
            role=role, from_status=previous, to_status=to_status, changed_on=on, reason=reason
        )
        previous = to_status
    last = steps[-1]
    role.status = last[0]
    role.started_on = steps[0][1]
    if last[0] == RoleStatus.LEFT:
        role.ended_on, role.left_reason = last[1], last[2]
    role.save()


def _recruit(
    org: Organisation, active_on: dt.date, *, then: tuple[str, dt.date, str] | None = None
) -> CommunityMember:
    member = make_member(org, status=RoleStatus.ACTIVE)
    role = member.roles.get()
    steps: list[tuple[str, dt.date, str]] = [
        (RoleStatus.ENQUIRY, active_on - dt.timedelta(days=60), ""),
        (RoleStatus.APPLICATION, active_on - dt.timedelta(days=50), ""),
        (RoleStatus.CHECKS, active_on - dt.timedelta(days=40), ""),
        (RoleStatus.TRAINING, active_on - dt.timedelta(days=20), ""),
        (RoleStatus.ACTIVE, active_on, ""),
    ]
    if then is not None:
        steps.append(then)
    _history(role, *steps)
    return member


def _person(n: int) -> Person:
    return Person.objects.create(
        given_name=f"Person{n}", family_name="Test", date_of_birth=dt.date(1940, 1, 1)
    )


def _request(
    org: Organisation, person: Person, created: dt.date, first: dt.date | None
) -> SupportRequest:
    request = SupportRequest.objects.create(
        person=person, organisation=org, source=RequestSource.REFERRAL, first_contact_on=first
    )
    when = timezone.make_aware(dt.datetime.combine(created, dt.time(10)))
    SupportRequest.objects.filter(pk=request.pk).update(created_at=when)
    return request


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def test_it_counts_volunteers_active_recruited_and_left_from_the_role_history(
    cast: VolunteerCast,
) -> None:
    org = cast.service
    VolunteerRole.objects.filter(organisation=org).delete()  # the cast's own two members
    for _ in range(4):
        _recruit(org, dt.date(2024, 6, 1))  # active before the period, still active
    for _ in range(3):
        _recruit(org, dt.date(2025, 5, 1))  # recruited in the period
    _recruit(org, dt.date(2024, 1, 1), then=(RoleStatus.LEFT, dt.date(2025, 5, 20), "moved away"))
    _recruit(org, dt.date(2024, 1, 1), then=(RoleStatus.LEFT, dt.date(2025, 6, 1), "Moved away."))
    _recruit(org, dt.date(2024, 1, 1), then=(RoleStatus.LEFT, dt.date(2025, 1, 1), "Work"))
    _recruit(org, dt.date(2024, 1, 1), then=(RoleStatus.PAUSED, dt.date(2025, 6, 10), ""))

    raw = volunteering_figures(organisation_ids=[org.pk], start=START, end=TODAY)

    assert raw.active_at_end == 7
    assert raw.recruited == 3
    assert raw.left_roles == 2
    assert raw.left_reasons == {"Moved away": 2}
    assert raw.by_role_status[RoleKind.BEFRIENDER][RoleStatus.ACTIVE] == 7
    assert raw.by_role_status[RoleKind.BEFRIENDER][RoleStatus.PAUSED] == 1
    assert raw.by_role_status[RoleKind.BEFRIENDER][RoleStatus.LEFT] == 3
    # Status on an earlier day comes from the history, not today's status.
    earlier = volunteering_figures(
        organisation_ids=[org.pk], start=dt.date(2024, 4, 1), end=dt.date(2024, 6, 30)
    )
    assert earlier.active_at_end == 8  # 4 since June 2024 and the 4 recruited in January


def test_retention_is_the_share_of_a_cohort_still_active_at_the_period_end(
    cast: VolunteerCast,
) -> None:
    org = cast.service
    VolunteerRole.objects.filter(organisation=org).delete()
    # Became active 7-17 months before the end: in the 6-month cohort (and some in the 12's).
    for _ in range(6):
        _recruit(org, dt.date(2024, 9, 1))
    for _ in range(4):
        _recruit(org, dt.date(2024, 9, 1), then=(RoleStatus.LEFT, dt.date(2025, 2, 1), "Health"))

    raw = volunteering_figures(organisation_ids=[org.pk], start=START, end=TODAY)

    six = next(r for r in raw.retention if r.months == 6)
    assert (six.cohort, six.still_active) == (10, 6)
    published = publish_report(raw, scope="test")
    retention = next(t for t in published.tables if t.id == "retention")
    assert retention.rows[0][1] == 10
    # 6 of 10 still active, 4 left: both groups are small, so the share is withheld.
    assert retention.rows[0][2] == SUPPRESSED
    assert months_before(dt.date(2025, 8, 31), 6) == dt.date(2025, 2, 28)


def test_hours_matches_people_and_waiting_times(cast: VolunteerCast) -> None:
    org = cast.service
    days_waited = [3, 5, 8, 10, 12, 15, 20, 30, 40, 50]
    for i, wait in enumerate(days_waited):
        created = dt.date(2025, 4, 1) + dt.timedelta(days=i)
        request = _request(org, _person(i), created, created + dt.timedelta(days=wait))
        match = Match.objects.create(
            request=request,
            member=cast.member if i % 2 else cast.other_member,
            status=MatchStatus.ACTIVE if i < 8 else MatchStatus.ENDED,
            introduced_at=_at(created),
            responded_at=_at(created + dt.timedelta(days=1)),
            ended_at=_at(dt.date(2025, 6, 1)) if i >= 8 else None,
            end_reason="The person moved into a care home" if i >= 8 else "",
        )
        Activity.objects.create(
            member=match.member,
            match=match,
            kind=ActivityKind.HOME_VISIT,
            happened_on=dt.date(2025, 5, 1),
            minutes=90,
        )
    # Before the period: not counted anywhere.
    Activity.objects.create(
        member=cast.member, kind=ActivityKind.PHONE, happened_on=dt.date(2025, 3, 1), minutes=600
    )

    raw = volunteering_figures(organisation_ids=[org.pk], start=START, end=TODAY)

    visits = next(k for k in raw.hours if k.kind == ActivityKind.HOME_VISIT)
    assert (visits.activities, visits.volunteers, visits.minutes) == (10, 2, 900)
    assert next(k for k in raw.hours if k.kind == ActivityKind.PHONE).minutes == 0
    assert (raw.made, raw.ended, raw.people_supported) == (10, 2, 10)
    assert raw.end_reasons == {"The person moved into a care home": 2}
    assert sorted(raw.first_visit_days) == days_waited

    report = publish_report(raw, scope="test")
    waits = {row[0]: row[1] for row in next(t for t in report.tables if t.id == "first-visit").rows}
    assert waits["Median days"] == 13.5
    assert waits["Lower quartile (days)"] == 8.5
    assert waits["Upper quartile (days)"] == 27.5
    hours = next(t for t in report.tables if t.id == "hours")
    # 15 hours given by 2 volunteers: withheld (fewer than 8 people behind it).
    assert hours.rows[0][3] == SUPPRESSED
    assert report.headline["people_supported"] == 10


def test_a_count_of_three_is_published_as_a_star(cast: VolunteerCast) -> None:
    org = cast.service
    make_member(org)  # with the cast's two: 3 active volunteers

    report = volunteering_report(organisations=[org], start=START, end=timezone.localdate())

    assert report.headline["active"] == SUPPRESSED
    assert report.tables[0].rows[0][1] == SUPPRESSED
    for _ in range(9):
        make_member(org)
    report = volunteering_report(organisations=[org], start=START, end=timezone.localdate())
    assert report.headline["active"] == 10  # 12 rounded to 5


def test_the_roles_table_keeps_a_small_cell_from_being_worked_out_from_the_totals(
    cast: VolunteerCast,
) -> None:
    org = cast.service
    for _ in range(18):
        make_member(org)  # 20 active befrienders with the cast's two
    for _ in range(3):
        make_member(org, status=RoleStatus.PAUSED)
    for _ in range(12):
        make_member(org, roles=(RoleKind.DRIVER,))
    for _ in range(10):
        make_member(org, roles=(RoleKind.DRIVER,), status=RoleStatus.TRAINING)

    report = volunteering_report(organisations=[org], start=START, end=timezone.localdate())

    table = next(t for t in report.tables if t.id == "roles")
    paused = table.header.index("Paused")
    befriender = next(row for row in table.rows if row[0] == "Befriender")
    assert befriender[paused] == SUPPRESSED
    # The befriender row and the paused column each hide at least one more cell, so the 3
    # cannot be recovered by subtraction from a total.
    assert sum(cell == SUPPRESSED for cell in befriender[1:]) >= 2
    assert sum(row[paused] == SUPPRESSED for row in table.rows) >= 2
    cells = [cell for row in table.rows for cell in row[1:]]
    assert not [c for c in cells if isinstance(c, int) and 1 <= c <= 7]


def test_the_number_of_queries_does_not_grow_with_volunteers(cast: VolunteerCast) -> None:
    org = cast.service

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            volunteering_report(organisations=[org], start=START, end=timezone.localdate())
        return len(ctx.captured_queries)

    before = queries()
    for i in range(15):
        member = make_member(org, roles=(RoleKind.BEFRIENDER, RoleKind.DRIVER))
        Activity.objects.create(
            member=member, kind=ActivityKind.DRIVING, happened_on=timezone.localdate(), minutes=30
        )
        request = _request(org, _person(100 + i), START, START + dt.timedelta(days=4))
        Match.objects.create(
            request=request,
            member=member,
            status=MatchStatus.ACTIVE,
            introduced_at=_at(START),
            responded_at=_at(START),
        )
    assert queries() == before
