"""Support requests from a plan and from a GP or agency referral (services/requests.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from linkwell.accounts.models import Role
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case, WellbeingReview
from linkwell.casework.tests.factories import case_for, make_person
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.people.models import Person
from linkwell.people.services import PersonDetails, PossibleDuplicates
from linkwell.volunteering.models import (
    MatchStatus,
    RequestSource,
    RequestStatus,
    SupportRequest,
    SupportRole,
)
from linkwell.volunteering.services import (
    RequestDetails,
    request_close,
    request_create_by_referral,
    request_create_from_case,
    request_exclude_member,
)
from linkwell.volunteering.tests.factories import VolunteerCast
from linkwell.volunteering.tests.request_helpers import introduce, make_request
from tests.personas import Personas, make_user

pytestmark = pytest.mark.django_db


def _review(case: Case, **fields: Any) -> WellbeingReview:
    return WellbeingReview.objects.create(
        case=case,
        held_on=fields.pop("held_on", timezone.localdate()),
        what_matters=fields.pop("what_matters", "Seeing people again"),
        interests=fields.pop("interests", "Gardening, bowls"),
    )


def test_a_link_worker_refers_in_one_click_with_what_they_enjoy_prefilled(
    personas: Personas, cast: VolunteerCast
) -> None:
    case = case_for(personas)
    _review(case, held_on=timezone.localdate() - dt.timedelta(days=30), interests="Old news")
    _review(case)
    cast.other_service.is_active = False  # one service left that takes referrals
    cast.other_service.save(update_fields=["is_active"])
    row = request_create_from_case(
        actor=personas.link_worker, case_id=case.uuid, details=RequestDetails(organisation=None)
    )
    # Only one service has a writable coordinator: it is preselected.
    assert row.organisation == cast.service
    assert (row.source, row.role, row.status) == (RequestSource.PLAN, "befriender", "waiting")
    assert "Gardening, bowls" in row.about and "Seeing people again" in row.about
    assert "Old news" not in row.about
    event = AuditEvent.objects.get(action=AuditAction.VOLUNTEERING_REQUEST_CREATED)
    assert event.person_id == str(case.person.uuid)


def test_one_open_request_per_person_service_and_kind(
    personas: Personas, cast: VolunteerCast
) -> None:
    case = case_for(personas)
    request_create_from_case(
        actor=personas.link_worker,
        case_id=case.uuid,
        details=RequestDetails(organisation=cast.service),
    )
    with pytest.raises(ValidationFailed) as exc:
        request_create_from_case(
            actor=personas.link_worker,
            case_id=case.uuid,
            details=RequestDetails(organisation=cast.service),
        )
    assert (
        "already has an open request for befriending with Oswestry" in exc.value.errors["role"][0]
    )
    assert SupportRequest.objects.count() == 1
    connector = RequestDetails(organisation=cast.service, role=SupportRole.CONNECTOR)
    request_create_from_case(actor=personas.link_worker, case_id=case.uuid, details=connector)
    assert SupportRequest.objects.count() == 2


def test_a_referral_needs_a_service_that_has_a_coordinator(
    personas: Personas, cast: VolunteerCast
) -> None:
    case = case_for(personas)
    with pytest.raises(ValidationFailed) as exc:
        request_create_from_case(
            actor=personas.link_worker,
            case_id=case.uuid,
            details=RequestDetails(organisation=personas.provider_org),
        )
    assert exc.value.errors["organisation"] == ["Choose the volunteer service to refer to"]
    assert not SupportRequest.objects.exists()


def test_only_the_case_team_may_refer(personas: Personas, cast: VolunteerCast) -> None:
    case = case_for(personas)
    with pytest.raises(Http404):
        request_create_from_case(
            actor=personas.other_team_link_worker,
            case_id=case.uuid,
            details=RequestDetails(organisation=cast.service),
        )
    with pytest.raises(PermissionDenied):
        request_create_from_case(
            actor=personas.read_only_link_worker,
            case_id=case.uuid,
            details=RequestDetails(organisation=cast.service),
        )
    assert not SupportRequest.objects.exists()


def _referral(cast: VolunteerCast, **kw: Any) -> SupportRequest:
    return request_create_by_referral(
        actor=cast.coordinator,
        details=RequestDetails(organisation=cast.service, contact="phone"),
        referrer_name=kw.pop("referrer_name", "Dr Evans"),
        referrer_organisation="Caxton Surgery",
        **kw,
    )


def _joan(**fields: Any) -> PersonDetails:
    return PersonDetails(
        given_name="Joan", family_name="Hughes", date_of_birth=dt.date(1941, 3, 2), **fields
    )


def test_a_coordinator_records_a_gp_referral_for_someone_new(cast: VolunteerCast) -> None:
    row = _referral(cast, new_person=_joan(postcode="sy11 1aa"))
    assert (row.source, row.referrer_name, row.referrer_organisation) == (
        RequestSource.REFERRAL,
        "Dr Evans",
        "Caxton Surgery",
    )
    assert row.person.postcode == "SY11 1AA"
    assert AuditEvent.objects.filter(
        action=AuditAction.PEOPLE_PERSON_CREATED, person_id=str(row.person.uuid)
    ).exists()


def test_a_second_referral_offers_the_person_already_supported(cast: VolunteerCast) -> None:
    first = _referral(cast, new_person=_joan())
    request_close(
        actor=cast.coordinator, request=first, expected_version=first.version, reason="Moved"
    )
    with pytest.raises(PossibleDuplicates) as exc:
        _referral(cast, new_person=_joan())
    assert [c.person for c in exc.value.candidates] == [first.person]
    assert Person.objects.count() == 1
    again = _referral(cast, person=first.person)
    assert again.person == first.person
    new = _referral(cast, new_person=_joan(), confirm_new_person=True)
    assert new.person != first.person


def test_people_other_services_know_are_not_offered(
    personas: Personas, cast: VolunteerCast
) -> None:
    make_person(given_name="Joan", family_name="Hughes", date_of_birth=dt.date(1941, 3, 2))
    row = _referral(cast, new_person=_joan())
    assert Person.objects.count() == 2 and row.person.pk
    stranger = make_person()
    with pytest.raises(ValidationFailed) as exc:
        _referral(cast, person=stranger)
    assert "person" in exc.value.errors


def test_a_referral_needs_who_referred_and_a_valid_person(cast: VolunteerCast) -> None:
    with pytest.raises(ValidationFailed) as exc:
        _referral(cast, referrer_name=" ", new_person=_joan(postcode="NOT A CODE"))
    assert set(exc.value.errors) >= {"referrer_name", "postcode"}
    assert not SupportRequest.objects.exists() and not Person.objects.exists()


def test_only_a_writable_coordinator_records_referrals(
    personas: Personas, cast: VolunteerCast
) -> None:
    for actor in (cast.read_only, personas.link_worker, cast.volunteer):
        with pytest.raises(PermissionDenied):
            request_create_by_referral(
                actor=actor,
                details=RequestDetails(organisation=cast.service),
                referrer_name="Dr Evans",
                referrer_organisation="Caxton",
                new_person=_joan(),
            )
    with pytest.raises(ValidationFailed):  # a coordinator elsewhere cannot pick this service
        request_create_by_referral(
            actor=cast.outsider,
            details=RequestDetails(organisation=cast.service),
            referrer_name="Dr Evans",
            referrer_organisation="Caxton",
            new_person=_joan(),
        )
    assert not SupportRequest.objects.exists()


def test_closing_needs_a_reason_and_ends_live_matches(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    match = introduce(cast.coordinator, request, cast.member)
    request.refresh_from_db()
    with pytest.raises(ValidationFailed):
        request_close(
            actor=cast.coordinator, request=request, expected_version=request.version, reason=""
        )
    request_close(
        actor=cast.coordinator,
        request=request,
        expected_version=request.version,
        reason="Found a lunch club",
    )
    request.refresh_from_db()
    match.refresh_from_db()
    assert (request.status, request.closed_reason) == (RequestStatus.CLOSED, "Found a lunch club")
    assert (match.status, match.end_reason) == (MatchStatus.ENDED, "Found a lunch club")


def test_closing_from_a_stale_page_is_refused(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    with pytest.raises(ConcurrentEditError):
        request_close(
            actor=cast.coordinator,
            request=request,
            expected_version=request.version - 1,
            reason="x",
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.WAITING


def test_excluding_a_volunteer_ends_their_match_and_they_are_not_introduced_again(
    cast: VolunteerCast,
) -> None:
    request = make_request(cast.service)
    match = introduce(cast.coordinator, request, cast.member)
    request.refresh_from_db()
    request_exclude_member(
        actor=cast.coordinator,
        request=request,
        member=cast.member,
        expected_version=request.version,
    )
    request.refresh_from_db()
    match.refresh_from_db()
    assert list(request.excluded_members.all()) == [cast.member]
    assert match.status == MatchStatus.ENDED
    assert request.status == RequestStatus.WAITING
    with pytest.raises(ValidationFailed):
        introduce(cast.coordinator, request, cast.member)


def test_a_coordinator_of_another_service_cannot_exclude(cast: VolunteerCast) -> None:
    request = make_request(cast.service)
    with pytest.raises(PermissionDenied):
        request_exclude_member(
            actor=cast.outsider,
            request=request,
            member=cast.member,
            expected_version=request.version,
        )
    assert not request.excluded_members.exists()


def test_an_administrator_of_the_service_counts_as_coordinator(cast: VolunteerCast) -> None:
    admin = make_user("admin@oswestry.example", cast.service, Role.ADMINISTRATOR)
    request = make_request(cast.service)
    introduce(admin, request, cast.member)
    assert request.matches.count() == 1
