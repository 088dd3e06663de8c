"""The volunteer's services: answering an introduction, logging time (retry-safe), concerns into
safeguarding, and the hours selectors."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import SafeguardingConcern
from linkwell.casework.tests.factories import case_for
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.volunteering import services
from linkwell.volunteering.models import (
    Activity,
    ActivityKind,
    Match,
    MatchDecision,
    MatchStatus,
    RequestStatus,
    SupportRequest,
)
from linkwell.volunteering.selectors import hours_for_member, volunteer_hours
from linkwell.volunteering.tests.factories import VolunteerCast
from linkwell.volunteering.tests.match_factories import make_match, make_request
from tests.personas import Personas

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _log(cast: VolunteerCast, match: Match | None, **overrides: Any) -> Activity:
    fields: dict[str, Any] = {
        "actor": cast.volunteer,
        "member": cast.member,
        "match": match,
        "kind": ActivityKind.HOME_VISIT if match is not None else ActivityKind.DRIVING,
        "happened_on": TODAY() - dt.timedelta(days=1),
        "minutes": 60,
        "how_it_went": "We potted up tomatoes.",
        "submission_key": uuid.uuid4(),
    }
    fields.update(overrides)
    return services.activity_log(**fields)


def _refused(call: Callable[[], object], message: str) -> None:
    counts = (
        Activity.objects.count(),
        MatchDecision.objects.count(),
        AuditEvent.objects.count(),
        SafeguardingConcern.objects.count(),
    )
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert message in str(exc.value)
    assert counts == (
        Activity.objects.count(),
        MatchDecision.objects.count(),
        AuditEvent.objects.count(),
        SafeguardingConcern.objects.count(),
    )


# --- accept and decline ---------------------------------------------------------------------


def test_accepting_makes_the_match_active_matches_the_request_and_tells_coordinators(
    cast: VolunteerCast, django_capture_on_commit_callbacks: Any
) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_accept(actor=cast.volunteer, match=match, expected_version=match.version)
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE and match.responded_at is not None
    assert match.review_on == TODAY() + dt.timedelta(weeks=6)
    assert match.request.status == RequestStatus.MATCHED
    decision = MatchDecision.objects.get()
    assert (decision.decision, decision.decided_by) == ("accepted", cast.volunteer)
    assert AuditEvent.objects.filter(action=AuditAction.VOLUNTEERING_MATCH_ACCEPTED).count() == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert sorted(email.to) == ["coordinator2@example.org", "coordinator@example.org"]
    assert "accepted" in email.subject
    person = match.request.person
    assert person.family_name not in email.body and person.given_name not in email.body


def test_accepting_twice_is_refused_and_changes_nothing(cast: VolunteerCast) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    services.match_accept(actor=cast.volunteer, match=match)
    match.refresh_from_db()
    version = match.version
    _refused(
        lambda: services.match_accept(actor=cast.volunteer, match=match),
        "You have already accepted",
    )
    match.refresh_from_db()
    assert match.version == version


def test_a_withdrawn_introduction_cannot_be_answered(cast: VolunteerCast) -> None:
    match = make_match(cast, status=MatchStatus.ENDED, responded_at=None)
    _refused(
        lambda: services.match_accept(actor=cast.volunteer, match=match),
        "This introduction was withdrawn",
    )
    _refused(
        lambda: services.match_decline(actor=cast.volunteer, match=match, reason="Busy"),
        "This introduction was withdrawn",
    )


def test_another_volunteer_cannot_answer_the_introduction(cast: VolunteerCast) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    _refused(
        lambda: services.match_accept(actor=cast.other_volunteer, match=match),
        "not one of yours",
    )
    match.refresh_from_db()
    assert match.status == MatchStatus.INTRODUCED


def test_a_stale_answer_is_refused(cast: VolunteerCast) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    with pytest.raises(ConcurrentEditError):
        services.match_accept(actor=cast.volunteer, match=match, expected_version=match.version - 1)
    match.refresh_from_db()
    assert match.status == MatchStatus.INTRODUCED


def test_declining_puts_the_request_back_to_waiting_when_no_live_match_remains(
    cast: VolunteerCast, django_capture_on_commit_callbacks: Any
) -> None:
    request = make_request(cast, status=RequestStatus.MATCHED)
    match = make_match(cast, request=request, status=MatchStatus.INTRODUCED)
    with django_capture_on_commit_callbacks(execute=True):
        services.match_decline(actor=cast.volunteer, match=match, reason="I can't do Tuesdays")
    match.refresh_from_db()
    request.refresh_from_db()
    assert match.status == MatchStatus.DECLINED and match.decline_reason == "I can't do Tuesdays"
    assert request.status == RequestStatus.WAITING
    decision = MatchDecision.objects.get()
    assert (decision.decision, decision.reason) == ("declined", "I can't do Tuesdays")
    assert "declined" in mail.outbox[0].subject


def test_declining_keeps_the_request_matched_while_another_volunteer_holds_it(
    cast: VolunteerCast,
) -> None:
    request = make_request(cast)
    make_match(cast, request=request, member=cast.other_member, status=MatchStatus.ACTIVE)
    match = make_match(cast, request=request, status=MatchStatus.INTRODUCED)
    services.match_decline(actor=cast.volunteer, match=match, reason="Too far for me")
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED


def test_a_decline_needs_a_reason_and_cannot_follow_an_acceptance(cast: VolunteerCast) -> None:
    match = make_match(cast, status=MatchStatus.INTRODUCED)
    _refused(
        lambda: services.match_decline(actor=cast.volunteer, match=match, reason="  "),
        "why",
    )
    services.match_accept(actor=cast.volunteer, match=match)
    _refused(
        lambda: services.match_decline(actor=cast.volunteer, match=match, reason="Changed mind"),
        "You have already accepted",
    )


# --- logging time ---------------------------------------------------------------------------


def test_a_visit_is_logged_audited_and_sets_the_first_contact(cast: VolunteerCast) -> None:
    match = make_match(cast)
    when = TODAY() - dt.timedelta(days=3)
    activity = _log(cast, match, happened_on=when, minutes=75)
    assert (activity.minutes, activity.match, activity.recorded_by) == (75, match, cast.volunteer)
    request = SupportRequest.objects.get(pk=match.request.pk)
    assert request.first_contact_on == when
    event = AuditEvent.objects.get(action=AuditAction.VOLUNTEERING_ACTIVITY_LOGGED)
    assert event.person_id == str(request.person.uuid)
    # A later call does not move the first contact; an earlier one logged late does.
    _log(cast, match, happened_on=TODAY(), kind=ActivityKind.PHONE)
    _log(cast, match, happened_on=when - dt.timedelta(days=2))
    request.refresh_from_db()
    assert request.first_contact_on == when - dt.timedelta(days=2)


def test_other_volunteering_is_logged_with_no_match(cast: VolunteerCast) -> None:
    activity = _log(cast, None, kind=ActivityKind.COURSE, minutes=180)
    assert activity.match is None and activity.kind == ActivityKind.COURSE


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"happened_on": "tomorrow"}, "today or in the past"),
        ({"happened_on": "before"}, "when you were introduced"),
        ({"minutes": 0}, "from 5 to 720"),
        ({"minutes": 721}, "from 5 to 720"),
        ({"how_it_went": "x" * 2001}, "2,000 characters or fewer"),
        ({"kind": ActivityKind.DRIVING}, "Choose a visit, a meeting out or a phone call"),
        ({"kind": "knitting"}, "Choose what you did"),
    ],
)
def test_bad_input_is_refused_with_a_specific_message(
    cast: VolunteerCast, overrides: dict[str, Any], message: str
) -> None:
    match = make_match(cast, introduced_days_ago=10)
    if overrides.get("happened_on") == "tomorrow":
        overrides["happened_on"] = TODAY() + dt.timedelta(days=1)
    elif overrides.get("happened_on") == "before":
        overrides["happened_on"] = TODAY() - dt.timedelta(days=11)
    _refused(lambda: _log(cast, match, **overrides), message)
    assert SupportRequest.objects.get(pk=match.request.pk).first_contact_on is None


def test_a_visit_needs_a_match(cast: VolunteerCast) -> None:
    _refused(
        lambda: _log(cast, None, kind=ActivityKind.HOME_VISIT),
        "from the page of the person you support",
    )


def test_another_volunteers_match_is_refused(cast: VolunteerCast) -> None:
    theirs = make_match(cast, member=cast.other_member)
    _refused(lambda: _log(cast, theirs), "not one of your matches")
    _refused(
        lambda: _log(cast, theirs, actor=cast.volunteer, member=cast.other_member),
        "only your own volunteering",
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (MatchStatus.ENDED, "This match has ended"),
        (MatchStatus.DECLINED, "You declined this introduction"),
        (MatchStatus.INTRODUCED, "Accept the introduction"),
    ],
)
def test_nothing_is_logged_on_a_match_that_is_not_active(
    cast: VolunteerCast, status: str, message: str
) -> None:
    match = make_match(cast, status=status)
    _refused(lambda: _log(cast, match), message)


# --- retry safety ---------------------------------------------------------------------------


def test_a_retried_submission_returns_the_first_activity_and_logs_nothing_more(
    cast: VolunteerCast,
) -> None:
    match = make_match(cast)
    key = uuid.uuid4()
    first = _log(cast, match, submission_key=key, concern="")
    events = AuditEvent.objects.count()
    again = _log(cast, match, submission_key=key, minutes=90)
    assert again.pk == first.pk and again.minutes == 60
    assert Activity.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_a_racing_retry_meets_the_unique_key_and_returns_the_winner(
    cast: VolunteerCast,
) -> None:
    """Two submissions with one key at once: both pass the early look-up before either has
    written; the second's insert then fails on the unique key and it returns the first row."""
    match = make_match(cast)
    key = uuid.uuid4()
    first = _log(cast, match, submission_key=key)
    real_filter = Activity.objects.filter
    calls = {"n": 0}

    def filter_missing_once(*args: Any, **kwargs: Any) -> Any:
        # The early look-up (the first call) does not see the committed row, as in a race.
        if "submission_key" in kwargs and calls["n"] == 0:
            calls["n"] += 1
            return Activity.objects.none()
        return real_filter(*args, **kwargs)

    with mock.patch.object(Activity.objects, "filter", side_effect=filter_missing_once):
        again = _log(cast, match, submission_key=key, minutes=90)
    assert calls["n"] == 1
    assert again.pk == first.pk
    assert Activity.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.VOLUNTEERING_ACTIVITY_LOGGED).count() == 1


def test_without_a_key_the_database_error_is_not_swallowed(cast: VolunteerCast) -> None:
    match = make_match(cast)
    with (
        mock.patch.object(Activity.objects, "create", side_effect=IntegrityError("boom")),
        pytest.raises(IntegrityError),
    ):
        _log(cast, match, submission_key=None)


def test_a_key_used_by_another_volunteer_is_refused(cast: VolunteerCast) -> None:
    key = uuid.uuid4()
    _log(cast, None, submission_key=key)
    _refused(
        lambda: _log(
            cast, None, actor=cast.other_volunteer, member=cast.other_member, submission_key=key
        ),
        "already been used",
    )


# --- concerns -------------------------------------------------------------------------------


def test_a_concern_on_a_case_goes_to_the_case_teams_safeguarding_lead(
    cast: VolunteerCast, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    case = case_for(personas)
    match = make_match(cast, request=make_request(cast, case=case))
    with django_capture_on_commit_callbacks(execute=True):
        activity = _log(cast, match, concern="She had a bad bruise and would not say how.")
    concern = SafeguardingConcern.objects.get()
    assert activity.safeguarding_concern == concern
    assert (concern.case, concern.lead, concern.raised_by) == (
        case,
        personas.team_manager,
        cast.volunteer,
    )
    assert "bad bruise" in concern.description and "Margaret" in concern.description
    assert activity.concern_lead is None
    assert [m.to for m in mail.outbox] == [[personas.team_manager.email]]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        AuditAction.VOLUNTEERING_ACTIVITY_LOGGED,
        AuditAction.CASEWORK_SAFEGUARDING_CONCERN_RAISED,
    } <= actions


def test_a_concern_with_no_case_goes_to_the_first_coordinator(
    cast: VolunteerCast, django_capture_on_commit_callbacks: Any
) -> None:
    match = make_match(cast)
    with django_capture_on_commit_callbacks(execute=True):
        activity = _log(cast, match, concern="He has not eaten for days.")
    activity.refresh_from_db()
    # The coordinators by name: "Coordinator" comes before "Coordinator2".
    assert activity.concern_lead == cast.coordinator
    assert activity.safeguarding_concern is None
    assert not SafeguardingConcern.objects.exists()
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "not eaten" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        action=AuditAction.VOLUNTEERING_ACTIVITY_CONCERN_RAISED
    ).exists()


def test_a_coordinator_resolves_a_concern_once(cast: VolunteerCast) -> None:
    activity = _log(cast, make_match(cast), concern="He has not eaten for days.")
    services.activity_concern_resolve(
        actor=cast.teammate, activity=activity, outcome="Phoned; GP visiting tomorrow."
    )
    activity.refresh_from_db()
    assert activity.concern_resolved_at is not None
    assert activity.concern_outcome == "Phoned; GP visiting tomorrow."
    _refused(
        lambda: services.activity_concern_resolve(
            actor=cast.coordinator, activity=activity, outcome="Another outcome"
        ),
        "already been resolved",
    )
    activity.refresh_from_db()
    assert activity.concern_outcome == "Phoned; GP visiting tomorrow."


@pytest.mark.parametrize("who", ["read_only", "outsider", "volunteer"])
def test_only_writable_coordinators_of_the_organisation_resolve(
    cast: VolunteerCast, who: str
) -> None:
    activity = _log(cast, make_match(cast), concern="Worried.")
    _refused(
        lambda: services.activity_concern_resolve(
            actor=getattr(cast, who), activity=activity, outcome="Done"
        ),
        "Only the organisation's coordinators",
    )


# --- hours ----------------------------------------------------------------------------------


def test_hours_add_up_by_month_year_and_kind(cast: VolunteerCast) -> None:
    today = dt.date(2026, 3, 20)
    match = make_match(cast, introduced_days_ago=800)
    _log(cast, match, happened_on=dt.date(2026, 3, 2), minutes=90, today=today)
    _log(cast, match, happened_on=dt.date(2026, 1, 5), minutes=30, today=today)
    _log(cast, None, kind=ActivityKind.DRIVING, happened_on=dt.date(2025, 12, 1), today=today)
    _log(
        cast,
        None,
        actor=cast.other_volunteer,
        member=cast.other_member,
        happened_on=dt.date(2026, 2, 1),
        today=today,
    )
    hours = hours_for_member(cast.member, today=today)
    assert (hours.month_minutes, hours.year_minutes, hours.total_minutes) == (90, 120, 180)
    assert hours.month_hours == 1.5 and hours.total_hours == 3.0
    assert hours.by_kind == {"Home visit": 120, "Driving": 60}

    everyone = volunteer_hours(organisation=cast.service)
    assert (everyone.minutes, everyone.volunteers, everyone.activities) == (240, 2, 4)
    assert everyone.contact_minutes == 120 and everyone.other_minutes == 120
    this_year = volunteer_hours(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert this_year.minutes == 180
    assert this_year.minutes_by_kind == {"driving": 60, "home_visit": 120}
    assert volunteer_hours(organisation=cast.other_service).minutes == 0
