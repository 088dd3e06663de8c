"""Introducing a volunteer, reviewing and ending a match (services/matches.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.volunteering.models import (
    CommunityMember,
    DbsLevel,
    Match,
    MatchDecision,
    MatchStatus,
    RequestStatus,
    RoleStatus,
    SupportRequest,
    SupportRole,
)
from linkwell.volunteering.services import match_end, match_introduce, match_review_record
from linkwell.volunteering.tests.factories import VolunteerCast, make_member
from linkwell.volunteering.tests.request_helpers import introduce, make_request

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _refused(
    cast: VolunteerCast,
    member: CommunityMember,
    request: SupportRequest | None = None,
    **kw: Any,
) -> str:
    request = request or make_request(cast.service)
    with pytest.raises(ValidationFailed) as exc:
        introduce(cast.coordinator, request, member, **kw)
    request.refresh_from_db()
    assert request.status == RequestStatus.WAITING
    assert not Match.objects.filter(request=request, member=member).exists()
    assert not MatchDecision.objects.filter(request=request).exists()
    return " ".join(exc.value.errors["member"])


def test_it_introduces_a_volunteer_and_emails_them_no_personal_data(
    cast: VolunteerCast, django_capture_on_commit_callbacks
) -> None:
    request = make_request(cast.service)
    with django_capture_on_commit_callbacks(execute=True):
        match = introduce(cast.coordinator, request, cast.member, shown=[str(cast.member.uuid)])
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
    assert match.status == MatchStatus.INTRODUCED
    assert match.review_on == TODAY() + dt.timedelta(weeks=6)
    decision = MatchDecision.objects.get(request=request)
    assert (decision.decision, decision.rank_shown, decision.shown) == (
        "introduced",
        1,
        [str(cast.member.uuid)],
    )
    assert len(mail.outbox) == 1
    assert "Joan" not in mail.outbox[0].body and "Hughes" not in mail.outbox[0].body
    assert "/accounts/" in mail.outbox[0].body or "sign" in mail.outbox[0].body.lower()
    event = AuditEvent.objects.get(action=AuditAction.VOLUNTEERING_MATCH_INTRODUCED)
    assert event.person_id == str(request.person.uuid)


def test_a_coordinator_may_choose_another_first_review_date_but_not_a_past_one(
    cast: VolunteerCast,
) -> None:
    request = make_request(cast.service)
    with pytest.raises(ValidationFailed) as exc:
        introduce(cast.coordinator, request, cast.member, review_on=TODAY() - dt.timedelta(days=1))
    assert "today or in the future" in exc.value.errors["review_on"][0]
    match = introduce(
        cast.coordinator, request, cast.member, review_on=TODAY() + dt.timedelta(days=10)
    )
    assert match.review_on == TODAY() + dt.timedelta(days=10)


def test_it_refuses_a_volunteer_whose_dbs_check_lapsed(cast: VolunteerCast) -> None:
    lapsed = make_member(cast.service, dbs_on=TODAY() - dt.timedelta(days=4 * 365))
    message = _refused(cast, lapsed)
    assert "their DBS check (enhanced" in message and "has lapsed" in message


def test_it_refuses_a_standard_dbs_check_for_home_visits(cast: VolunteerCast) -> None:
    standard = make_member(cast.service, dbs_level=DbsLevel.STANDARD)
    message = _refused(cast, standard)
    assert "is not enhanced: home visits to adults need an enhanced check" in message


def test_it_refuses_a_volunteer_at_capacity(cast: VolunteerCast) -> None:
    busy = make_member(cast.service, max_matches=1)
    introduce(cast.coordinator, make_request(cast.service), busy)
    assert "they support 1 person already (their limit is 1)" in _refused(cast, busy)


def test_it_refuses_a_volunteer_outside_their_travel_radius(cast: VolunteerCast) -> None:
    far = make_member(cast.service, postcode="TF1 1AA", travel_radius_km=2)
    assert "beyond the 2 km they travel" in _refused(cast, far)


def test_it_refuses_a_volunteer_who_is_not_active(cast: VolunteerCast) -> None:
    paused = make_member(cast.service, status=RoleStatus.PAUSED)
    assert "they are not active (status: paused)" in _refused(cast, paused)


def test_it_refuses_a_volunteer_the_person_asked_not_to_see(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    request.excluded_members.add(cast.member)
    assert "the person's referral excludes them" in _refused(cast, cast.member, request=request)


def test_it_refuses_a_third_live_match(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    introduce(cast.coordinator, request, cast.member)
    introduce(cast.coordinator, request, cast.other_member)
    third = make_member(cast.service)
    with pytest.raises(ValidationFailed) as exc:
        introduce(cast.coordinator, request, third)
    assert "already has 2 volunteers" in exc.value.errors["member"][0]
    assert request.matches.count() == 2


def test_it_refuses_an_introduction_from_a_stale_page(cast: VolunteerCast) -> None:
    """Two coordinators open the page; the second one's introduction is refused, so together
    they cannot pass the limit."""
    request = make_request(cast.service)
    seen = request.version
    match_introduce(
        actor=cast.coordinator, request=request, member=cast.member, expected_version=seen
    )
    with pytest.raises(ConcurrentEditError):
        match_introduce(
            actor=cast.teammate, request=request, member=cast.other_member, expected_version=seen
        )
    assert request.matches.count() == 1


def test_it_refuses_read_only_and_outsider_coordinators(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    for actor in (cast.read_only, cast.outsider, cast.volunteer):
        with pytest.raises(PermissionDenied):
            introduce(actor, request, cast.member)
    assert not request.matches.exists()


def test_a_connector_match_has_goals_and_a_programme_end(cast: VolunteerCast) -> None:
    connector = make_member(cast.service, roles=("connector",))
    request = make_request(cast.service, role=SupportRole.CONNECTOR, contact="meet_out")
    with pytest.raises(ValidationFailed) as exc:
        introduce(cast.coordinator, request, connector)
    assert "goals" in exc.value.errors
    match = introduce(cast.coordinator, request, connector, goals="Join the walking group\n\nSwim")
    assert match.goals == ["Join the walking group", "Swim"]
    assert match.programme_ends_on == TODAY() + dt.timedelta(weeks=12)


def _active(match: Match) -> Match:
    Match.objects.filter(pk=match.pk).update(status=MatchStatus.ACTIVE)
    match.refresh_from_db()
    return match


def test_a_review_sets_the_next_review_in_six_weeks(cast: VolunteerCast) -> None:
    match = _active(introduce(cast.coordinator, make_request(cast.service), cast.member))
    review = match_review_record(
        actor=cast.coordinator,
        match=match,
        expected_version=match.version,
        how_it_is_going="They garden together on Tuesdays",
    )
    match.refresh_from_db()
    assert review.next_review_on == TODAY() + dt.timedelta(weeks=6)
    assert match.review_on == review.next_review_on
    assert match.status == MatchStatus.ACTIVE


def test_a_review_cannot_be_recorded_before_the_volunteer_accepts(cast: VolunteerCast) -> None:
    match = introduce(cast.coordinator, make_request(cast.service), cast.member)
    with pytest.raises(ValidationFailed):
        match_review_record(
            actor=cast.coordinator,
            match=match,
            expected_version=match.version,
            how_it_is_going="Too soon",
        )
    assert not match.reviews.exists()


def test_a_connector_closing_review_ends_the_programme(cast: VolunteerCast) -> None:
    connector = make_member(cast.service, roles=("connector",))
    request = make_request(cast.service, role=SupportRole.CONNECTOR, contact="meet_out")
    match = _active(introduce(cast.coordinator, request, connector, goals="Walk"))
    with pytest.raises(ValidationFailed) as exc:
        match_review_record(
            actor=cast.coordinator,
            match=match,
            expected_version=match.version,
            how_it_is_going="Done",
            closing=True,
        )
    assert "now_does" in exc.value.errors
    match_review_record(
        actor=cast.coordinator,
        match=match,
        expected_version=match.version,
        how_it_is_going="Twelve good weeks",
        closing=True,
        now_does="Walks with the Tuesday group on her own",
    )
    match.refresh_from_db()
    request.refresh_from_db()
    assert match.status == MatchStatus.ENDED
    assert match.end_reason == "Connector programme completed"
    assert request.status == RequestStatus.WAITING


def test_ending_needs_a_reason_and_puts_the_request_back_to_waiting(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    match = introduce(cast.coordinator, request, cast.member)
    with pytest.raises(ValidationFailed) as exc:
        match_end(actor=cast.coordinator, match=match, expected_version=match.version, reason=" ")
    assert exc.value.errors["reason"] == ["Enter why the match is ending"]
    match.refresh_from_db()
    assert match.status == MatchStatus.INTRODUCED
    match_end(
        actor=cast.coordinator, match=match, expected_version=match.version, reason="Moved away"
    )
    request.refresh_from_db()
    match.refresh_from_db()
    assert (match.status, match.end_reason) == (MatchStatus.ENDED, "Moved away")
    assert request.status == RequestStatus.WAITING
    assert MatchDecision.objects.filter(request=request, decision="ended").count() == 1


def test_ending_one_of_two_matches_keeps_the_request_matched(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    first = introduce(cast.coordinator, request, cast.member)
    introduce(cast.coordinator, request, cast.other_member)
    match_end(actor=cast.coordinator, match=first, expected_version=first.version + 0, reason="x")
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
