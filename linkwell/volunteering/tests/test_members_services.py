"""Member, role and check services: each bad input gets a specific message and changes
nothing; the pipeline; lapsed checks block active; stale edits are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.volunteering.models import (
    CheckKind,
    CommunityMember,
    Course,
    DbsLevel,
    RoleKind,
    RoleStatus,
    RoleStatusChange,
    VolunteerRole,
)
from linkwell.volunteering.services import (
    check_record,
    member_create,
    member_update,
    role_add,
    role_move,
    supervision_record,
)
from linkwell.volunteering.tests.factories import VolunteerCast, make_member
from tests.dates import FromToday, on_the_day

pytestmark = pytest.mark.django_db

# Read the date when each test runs, not when the module is collected: a run that
# crosses midnight would otherwise compare against yesterday.
TODAY = timezone.localdate


def good(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": " Gwen ",
        "family_name": "Ellis",
        "email": "Gwen@Example.org",
        "phone": "01691 123456",
        "postcode": "sy11 1aa",
        "date_of_birth": dt.date(1960, 5, 1),
        "gender": "female",
        "offer": "A chat and a cuppa",
        "interests": "gardening, birdwatching\nbaking",
        "skills": "driving",
        "lived_experience": "",
        "languages": ["cy", "en"],
        "availability": [{"day": "TU", "from": "14:00", "to": "17:00"}],
        "travel": "car",
        "travel_radius_km": "8",
        "home_visits": True,
        "max_matches": "",
        "pref_person_gender": "",
        "pref_person_min_age": "60",
        "pref_person_max_age": "",
        "consent": True,
    }
    data.update(overrides)
    return data


def test_a_coordinator_adds_a_member_normalised_and_audited(cast: VolunteerCast) -> None:
    member = member_create(actor=cast.coordinator, organisation=cast.service, data=good())
    assert member.given_name == "Gwen" and member.email == "gwen@example.org"
    assert member.postcode == "SY11 1AA"
    assert member.interests == ["gardening", "birdwatching", "baking"]
    assert member.languages == ["cy", "en"] and member.max_matches == 2
    assert member.consent_at is not None
    assert AuditEvent.objects.filter(
        action="volunteering.member_created", object_id=str(member.uuid)
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"given_name": ""}, "given_name", "Enter their first name"),
        ({"given_name": "x" * 101}, "given_name", "First name must be 100 characters or fewer"),
        ({"postcode": "nonsense"}, "postcode", "Enter a real UK postcode, like SY11 1AA"),
        ({"email": "not-an-email"}, "email", "Enter an email address like name@example.org"),
        ({"date_of_birth": FromToday(1)}, "date_of_birth", "must be in the past"),
        ({"languages": ["xx"]}, "languages", "Choose languages from the list"),
        ({"interests": ", ".join(f"i{n}" for n in range(31))}, "interests", "at most 30"),
        ({"skills": "x" * 61}, "skills", "60 characters or fewer"),
        ({"max_matches": "11"}, "max_matches", "from 0 to 10"),
        ({"travel": "teleport"}, "travel", "Choose how they get about"),
        (
            {"availability": [{"day": "TU", "from": "17:00", "to": "14:00"}]},
            "availability",
            "The time on Tuesday must end after it starts",
        ),
        (
            {"pref_person_min_age": "70", "pref_person_max_age": "60"},
            "pref_person_max_age",
            "Oldest",
        ),
        ({"offer": "x" * 2001}, "offer", "2000 characters or fewer"),
        ({"consent": False}, "consent", "Confirm they agreed"),
    ],
)
def test_each_bad_input_is_named_and_nothing_is_saved(
    cast: VolunteerCast, overrides: dict[str, Any], field: str, message: str
) -> None:
    before = CommunityMember.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        member_create(
            actor=cast.coordinator, organisation=cast.service, data=good(**on_the_day(overrides))
        )
    assert any(message in m for m in exc.value.errors[field])
    assert CommunityMember.objects.count() == before


def test_an_edit_is_audited_and_a_stale_one_refused(cast: VolunteerCast) -> None:
    member = cast.member
    seen = member.version
    member_update(
        actor=cast.coordinator, member=member, data=good(given_name="Peggy"), expected_version=seen
    )
    member.refresh_from_db()
    assert member.given_name == "Peggy" and member.version == seen + 1
    with pytest.raises(ConcurrentEditError):
        member_update(
            actor=cast.teammate, member=member, data=good(given_name="Meg"), expected_version=seen
        )
    member.refresh_from_db()
    assert member.given_name == "Peggy"
    event = AuditEvent.objects.get(action="volunteering.member_updated")
    assert event.changes["given_name"] == ["Margaret", "Peggy"]


def test_a_role_moves_only_along_the_pipeline_with_history(cast: VolunteerCast) -> None:
    member = make_member(cast.service, roles=())
    role = role_add(actor=cast.coordinator, member=member, kind=RoleKind.CONNECTOR)
    assert role.status == RoleStatus.ENQUIRY
    with pytest.raises(ValidationFailed) as exc:
        role_move(
            actor=cast.coordinator,
            role=role,
            to_status=RoleStatus.TRAINING,
            expected_version=role.version,
        )
    assert exc.value.errors["to_status"] == ["A role at enquiry cannot move to training"]
    role = role_move(
        actor=cast.coordinator,
        role=role,
        to_status=RoleStatus.APPLICATION,
        expected_version=role.version,
    )
    assert [c.to_status for c in RoleStatusChange.objects.filter(role=role)] == [
        "enquiry",
        "application",
    ]
    assert AuditEvent.objects.filter(action="volunteering.role_moved").count() == 1


def test_leaving_needs_a_reason_and_ends_the_role(cast: VolunteerCast) -> None:
    role = cast.member.roles.get()
    with pytest.raises(ValidationFailed) as exc:
        role_move(
            actor=cast.coordinator,
            role=role,
            to_status=RoleStatus.LEFT,
            expected_version=role.version,
        )
    assert exc.value.errors["reason"] == ["Enter why they are leaving this role"]
    role.refresh_from_db()
    assert role.status == RoleStatus.ACTIVE
    role = role_move(
        actor=cast.coordinator,
        role=role,
        to_status=RoleStatus.LEFT,
        reason="Moved away",
        expected_version=role.version,
    )
    assert role.ended_on == TODAY() and role.left_reason == "Moved away"


def test_a_lapsed_dbs_or_missing_training_blocks_active(cast: VolunteerCast) -> None:
    lapsed = make_member(
        cast.service, status=RoleStatus.TRAINING, dbs_on=TODAY() - dt.timedelta(days=4 * 365)
    )
    role = lapsed.roles.get()
    with pytest.raises(ValidationFailed) as exc:
        role_move(
            actor=cast.coordinator,
            role=role,
            to_status=RoleStatus.ACTIVE,
            expected_version=role.version,
        )
    assert "DBS check lapsed on" in exc.value.errors["to_status"][0]
    untrained = make_member(cast.service, status=RoleStatus.TRAINING, courses=(Course.INDUCTION,))
    role = untrained.roles.get()
    with pytest.raises(ValidationFailed) as exc:
        role_move(
            actor=cast.coordinator,
            role=role,
            to_status=RoleStatus.ACTIVE,
            expected_version=role.version,
        )
    assert exc.value.errors["to_status"] == [
        "Record their safeguarding adults training before making them active"
    ]
    role.refresh_from_db()
    assert role.status == RoleStatus.TRAINING
    check_record(
        actor=cast.coordinator,
        member=untrained,
        kind=CheckKind.TRAINING,
        course=Course.SAFEGUARDING_ADULTS,
        done_on=TODAY(),
    )
    assert (
        role_move(
            actor=cast.coordinator,
            role=role,
            to_status=RoleStatus.ACTIVE,
            expected_version=role.version,
        ).status
        == "active"
    )


def test_a_stale_move_is_refused(cast: VolunteerCast) -> None:
    role = cast.member.roles.get()
    seen = role.version
    role_move(actor=cast.coordinator, role=role, to_status=RoleStatus.PAUSED, expected_version=seen)
    with pytest.raises(ConcurrentEditError):
        role_move(
            actor=cast.teammate,
            role=role,
            to_status=RoleStatus.LEFT,
            reason="x",
            expected_version=seen,
        )
    role.refresh_from_db()
    assert role.status == RoleStatus.PAUSED


def test_bringing_in_an_existing_volunteer_part_way_needs_a_reason(cast: VolunteerCast) -> None:
    member = make_member(cast.service, roles=())
    with pytest.raises(ValidationFailed) as exc:
        role_add(
            actor=cast.coordinator, member=member, kind=RoleKind.DRIVER, status=RoleStatus.ACTIVE
        )
    assert "Enter why they start at this stage" in exc.value.errors["reason"][0]
    role = role_add(
        actor=cast.coordinator,
        member=member,
        kind=RoleKind.DRIVER,
        status=RoleStatus.ACTIVE,
        reason="Drove for us for years",
    )
    assert role.changes.get().reason == "Drove for us for years"
    with pytest.raises(ValidationFailed) as exc:
        role_add(actor=cast.coordinator, member=member, kind=RoleKind.DRIVER)
    assert exc.value.errors["kind"] == ["They already have an open driver role"]
    assert VolunteerRole.objects.filter(member=member).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"kind": CheckKind.DBS, "done_on": FromToday(0)},
            "dbs_level",
            "Choose the level of the DBS check",
        ),
        (
            {
                "kind": CheckKind.DBS,
                "dbs_level": DbsLevel.ENHANCED,
                "done_on": FromToday(1),
            },
            "done_on",
            "The date it was checked cannot be in the future",
        ),
        (
            {"kind": CheckKind.REFERENCE, "done_on": dt.date(1989, 12, 31)},
            "done_on",
            "The date it was received must be in 1990 or later",
        ),
        (
            {"kind": CheckKind.TRAINING, "course": "juggling", "done_on": FromToday(0)},
            "course",
            "Choose the training course",
        ),
        (
            {"kind": CheckKind.TRAINING, "course": Course.BEFRIENDING, "done_on": None},
            "done_on",
            "Enter the date it was completed",
        ),
    ],
)
def test_bad_checks_are_refused(
    cast: VolunteerCast, kwargs: dict[str, Any], field: str, message: str
) -> None:
    before = cast.member.checks.count()
    with pytest.raises(ValidationFailed) as exc:
        check_record(actor=cast.coordinator, member=cast.member, **on_the_day(kwargs))
    assert exc.value.errors[field] == [message]
    assert cast.member.checks.count() == before


def test_supervision_is_recorded_and_dated_sensibly(cast: VolunteerCast) -> None:
    with pytest.raises(ValidationFailed) as exc:
        supervision_record(
            actor=cast.coordinator, member=cast.member, held_on=TODAY() + dt.timedelta(days=2)
        )
    assert exc.value.errors["held_on"] == ["The date it was held cannot be in the future"]
    session = supervision_record(
        actor=cast.coordinator, member=cast.member, held_on=TODAY(), notes="Going well"
    )
    assert session.held_by == cast.coordinator
    assert AuditEvent.objects.filter(action="volunteering.supervision_recorded").count() == 1
