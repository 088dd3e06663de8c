"""Receiving, accepting (open/reopen a case), returning and declining referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from linkwell.accounts.models import Membership, Role
from linkwell.audit.models import AuditEvent
from linkwell.casework.models import Case, CaseReferral, CaseStatus
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.people.services import PersonDetails, PossibleDuplicates
from linkwell.referrals.models import (
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING,
    SNOMED_SOCIAL_PRESCRIBING_DECLINED,
    LinkWorkerCoverage,
    Referral,
    ReferralSource,
    ReferralStatus,
)
from linkwell.referrals.routing import link_worker_services_for
from linkwell.referrals.selectors import allocation_options
from linkwell.referrals.services import (
    ReferralDetails,
    referral_accept,
    referral_create,
    referral_decline,
    referral_record_first_contact,
    referral_return,
)
from linkwell.referrals.tests.factories import make_person, make_referral, needs
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def referral_details(personas: Any, **overrides: Any) -> ReferralDetails:
    data: dict[str, Any] = {
        "link_worker_service": personas.link_worker_service,
        "source": ReferralSource.GP_PRACTICE,
        "reasons": needs("loneliness"),
        "consent_to_contact": True,
        "referrer_organisation": personas.practice,
    }
    data.update(overrides)
    return ReferralDetails(**data)


def new_person(**overrides: Any) -> PersonDetails:
    data: dict[str, Any] = {
        "given_name": "Bob",
        "family_name": "Hughes",
        "date_of_birth": dt.date(1950, 1, 2),
    }
    data.update(overrides)
    return PersonDetails(**data)


def test_it_receives_a_referral_and_creates_the_person_in_one_step(personas):
    referral = referral_create(
        actor=personas.referrer, referral=referral_details(personas), new_person=new_person()
    )
    assert referral.status == ReferralStatus.RECEIVED
    assert referral.referrer == personas.referrer
    assert [t.code for t in referral.reasons.all()] == ["loneliness"]
    event = AuditEvent.objects.get(action="referrals.referral_received")
    assert event.person_id == str(referral.person.uuid)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent_to_contact": False}, "consent_to_contact"),
        ({"consent_to_share": True, "share_with": " "}, "share_with"),
        ({"reasons": [], "details": ""}, "reasons"),
        ({"safeguarding_concern": True}, "safeguarding_details"),
        ({"urgency": "whenever"}, "urgency"),
    ],
)
def test_it_refuses_an_incomplete_referral_and_writes_nothing(personas, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        referral_create(
            actor=personas.referrer,
            referral=referral_details(personas, **overrides),
            new_person=new_person(),
        )
    assert field in exc.value.errors
    assert not Referral.objects.exists()


def test_it_reports_person_and_referral_problems_together(personas):
    with pytest.raises(ValidationFailed) as exc:
        referral_create(
            actor=personas.referrer,
            referral=referral_details(personas, consent_to_contact=False),
            new_person=new_person(nhs_number="1234567890"),
        )
    assert {"nhs_number", "consent_to_contact"} <= set(exc.value.errors)


def test_it_refuses_reasons_that_are_not_needs(personas):
    from linkwell.directory.models import TaxonomyTerm

    other = TaxonomyTerm.objects.create(name="Knitting")
    with pytest.raises(ValidationFailed) as exc:
        referral_create(
            actor=personas.referrer,
            referral=referral_details(personas, reasons=[other]),
            new_person=new_person(),
        )
    assert exc.value.errors["reasons"] == ["Choose reasons from the list"]


def test_it_offers_a_possible_duplicate_before_creating_a_second_person(personas):
    existing = make_person(
        given_name="Bob", family_name="Hughes", date_of_birth=dt.date(1950, 1, 2)
    )
    make_referral(existing, personas.link_worker_service, referrer_organisation=personas.practice)
    with pytest.raises(PossibleDuplicates):
        referral_create(
            actor=personas.referrer, referral=referral_details(personas), new_person=new_person()
        )
    assert Referral.objects.count() == 1
    referral = referral_create(
        actor=personas.referrer, referral=referral_details(personas), person=existing
    )
    assert referral.person == existing


# --- routing and allocation --------------------------------------------------------------------


def test_a_practice_goes_to_the_services_covering_it_or_else_those_in_its_area(personas):
    assert set(link_worker_services_for(personas.practice)) == {
        personas.link_worker_service,
        personas.other_team,
    }
    LinkWorkerCoverage.objects.create(
        link_worker_service=personas.link_worker_service,
        practice=personas.practice,
        link_worker=personas.link_worker,
    )
    assert link_worker_services_for(personas.practice) == [personas.link_worker_service]


def test_it_suggests_the_covering_worker_with_the_smallest_caseload(personas):
    service = personas.link_worker_service
    person = make_person(registered_practice=personas.practice)
    busy = make_person(given_name="X", date_of_birth=dt.date(1960, 1, 1))
    Case.objects.create(
        person=busy,
        link_worker_service=service,
        assigned_to=personas.link_worker,
        opened_at=timezone.now(),
    )
    options = allocation_options(team=service, person=person)
    # No coverage: the emptiest caseload in the team first; read-only members never offered.
    assert options[0].user != personas.link_worker
    assert personas.read_only_link_worker not in [o.user for o in options]
    LinkWorkerCoverage.objects.create(
        link_worker_service=service, practice=personas.practice, link_worker=personas.link_worker
    )
    options = allocation_options(team=service, person=person)
    assert options[0].user == personas.link_worker and options[0].covers_practice
    assert options[0].open_cases == 1


# --- accept / return / decline -----------------------------------------------------------------


@pytest.fixture
def referral(personas):
    return make_referral(make_person(), personas.link_worker_service, days_ago=3)


def test_accepting_opens_an_allocated_case_and_audits_both(personas, referral):
    case = referral_accept(
        actor=personas.link_worker,
        referral=referral,
        assign_to=personas.link_worker_teammate,
        complexity="moderate",
        expected_version=referral.version,
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.triaged_at
    assert (case.assigned_to, case.complexity, case.status) == (
        personas.link_worker_teammate,
        "moderate",
        CaseStatus.NEW,
    )
    assert CaseReferral.objects.get(referral=referral).case == case
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"referrals.referral_accepted", "casework.case_opened"} <= actions


def test_accepting_a_returning_person_reopens_their_case_with_its_history(personas, referral):
    old = Case.objects.create(
        person=referral.person,
        link_worker_service=personas.link_worker_service,
        status=CaseStatus.DORMANT,
        opened_at=timezone.now() - dt.timedelta(days=400),
    )
    case = referral_accept(
        actor=personas.link_worker,
        referral=referral,
        assign_to=personas.link_worker,
        complexity="simple",
        expected_version=referral.version,
    )
    assert case.pk == old.pk
    assert case.status == CaseStatus.NEW and case.reopened_at is not None
    assert case.version > old.version
    assert case.assigned_to == personas.link_worker
    assert AuditEvent.objects.get(action="casework.case_reopened").changes["status"] == [
        "dormant",
        "new",
    ]


def test_accepting_with_a_stale_version_is_refused_and_changes_nothing(personas, referral):
    with pytest.raises(ConcurrentEditError):
        referral_accept(
            actor=personas.link_worker,
            referral=referral,
            assign_to=personas.link_worker,
            complexity="simple",
            expected_version=referral.version - 1,
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED
    assert not Case.objects.exists()


def test_a_referral_cannot_be_accepted_twice(personas, referral):
    kwargs = {
        "actor": personas.link_worker,
        "assign_to": personas.link_worker,
        "complexity": "simple",
    }
    referral_accept(referral=referral, expected_version=referral.version, **kwargs)
    referral.refresh_from_db()
    with pytest.raises(ValidationFailed, match="already been accepted"):
        referral_accept(referral=referral, expected_version=referral.version, **kwargs)


@pytest.mark.parametrize("who", ["other_team_link_worker", "read_only_link_worker", "referrer"])
def test_it_only_allocates_to_writable_workers_of_the_team(personas, referral, who):
    with pytest.raises(ValidationFailed) as exc:
        referral_accept(
            actor=personas.link_worker,
            referral=referral,
            assign_to=getattr(personas, who),
            complexity="simple",
            expected_version=referral.version,
        )
    assert "assign_to" in exc.value.errors


def test_it_requires_a_complexity(personas, referral):
    with pytest.raises(ValidationFailed) as exc:
        referral_accept(
            actor=personas.link_worker,
            referral=referral,
            assign_to=personas.link_worker,
            complexity="",
            expected_version=referral.version,
        )
    assert "complexity" in exc.value.errors


def test_returning_needs_a_reason_the_referrer_will_see(personas, referral):
    with pytest.raises(ValidationFailed):
        referral_return(
            actor=personas.link_worker, referral=referral, reason=" ", expected_version=1
        )
    returned = referral_return(
        actor=personas.link_worker,
        referral=referral,
        reason="Needs a mental health crisis service",
        expected_version=referral.version,
    )
    assert returned.status == ReferralStatus.RETURNED
    assert returned.returned_reason == "Needs a mental health crisis service"
    assert AuditEvent.objects.filter(action="referrals.referral_returned").exists()


def test_declining_records_the_snomed_concept(personas, referral):
    declined = referral_decline(
        actor=personas.link_worker,
        referral=referral,
        reason="Does not want help now",
        expected_version=referral.version,
    )
    assert declined.status == ReferralStatus.DECLINED
    assert declined.snomed_code == SNOMED_SOCIAL_PRESCRIBING_DECLINED
    assert declined.declined_at is not None


def test_first_contact_records_the_referral_concept_once(personas, referral):
    case = referral_accept(
        actor=personas.link_worker,
        referral=referral,
        assign_to=personas.link_worker,
        complexity="simple",
        expected_version=referral.version,
    )
    coded = referral_record_first_contact(actor=personas.link_worker, case=case)
    assert [r.pk for r in coded] == [referral.pk]
    assert coded[0].snomed_code == SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING
    assert coded[0].first_contact_at is not None
    assert referral_record_first_contact(actor=personas.link_worker, case=case) == []


def test_a_team_manager_can_be_allocated_but_not_a_new_member_without_a_role(personas, referral):
    stranger = make_user("visitor@sp.example", personas.link_worker_service, Role.VOLUNTEER)
    with pytest.raises(ValidationFailed):
        referral_accept(
            actor=personas.link_worker,
            referral=referral,
            assign_to=stranger,
            complexity="simple",
            expected_version=referral.version,
        )
    case = referral_accept(
        actor=personas.link_worker,
        referral=referral,
        assign_to=personas.team_manager,
        complexity="complex",
        expected_version=referral.version,
    )
    assert case.assigned_to == personas.team_manager


def test_accepting_for_a_person_whose_case_is_still_open_adds_an_episode(personas, referral):
    open_case = Case.objects.create(
        person=referral.person,
        link_worker_service=personas.link_worker_service,
        status=CaseStatus.ACTIVE,
        assigned_to=personas.link_worker,
        opened_at=timezone.now(),
    )
    case = referral_accept(
        actor=personas.link_worker,
        referral=referral,
        assign_to=personas.link_worker,
        complexity="moderate",
        expected_version=referral.version,
    )
    assert case.pk == open_case.pk and case.status == CaseStatus.ACTIVE
    assert case.reopened_at is None
    assert CaseReferral.objects.filter(case=case).count() == 1
    assert AuditEvent.objects.filter(action="casework.case_episode_added").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"details": "x" * 5001}, "details"),
        (
            {"safeguarding_concern": True, "safeguarding_details": "x" * 5001},
            "safeguarding_details",
        ),
        ({"accessibility_needs": "x" * 1001}, "accessibility_needs"),
        ({"consent_to_share": True, "share_with": "x" * 501}, "share_with"),
        ({"referrer_contact": "x" * 201}, "referrer_contact"),
    ],
)
def test_it_refuses_over_long_text_from_any_caller(personas, overrides, field):
    with pytest.raises(ValidationFailed) as exc:
        referral_create(
            actor=personas.referrer,
            referral=referral_details(personas, **overrides),
            new_person=new_person(),
        )
    assert "characters or fewer" in exc.value.errors[field][0]
    assert not Referral.objects.exists()


def test_it_refuses_over_long_access_needs_on_the_new_person(personas):
    with pytest.raises(ValidationFailed) as exc:
        referral_create(
            actor=personas.referrer,
            referral=referral_details(personas),
            new_person=new_person(accessibility_needs="x" * 2_000_000),
        )
    assert "accessibility_needs" in exc.value.errors
    assert not Referral.objects.exists()


def test_a_return_or_decline_reason_is_held_to_a_length(personas, referral):
    with pytest.raises(ValidationFailed):
        referral_return(
            actor=personas.link_worker,
            referral=referral,
            reason="x" * 2001,
            expected_version=referral.version,
        )
    with pytest.raises(ValidationFailed):
        referral_decline(
            actor=personas.link_worker,
            referral=referral,
            reason="x" * 2001,
            expected_version=referral.version,
        )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED


def test_the_suggested_worker_is_a_link_worker_not_the_manager(personas):
    """Managers have the emptiest caseloads: they are offered last, not suggested."""
    service = personas.link_worker_service
    for i, worker in enumerate([personas.link_worker, personas.link_worker_teammate]):
        Case.objects.create(
            person=make_person(given_name=f"Busy{i}"),
            link_worker_service=service,
            assigned_to=worker,
            opened_at=timezone.now(),
        )
    Case.objects.create(
        person=make_person(given_name="Busier"),
        link_worker_service=service,
        assigned_to=personas.link_worker,
        opened_at=timezone.now(),
    )
    options = allocation_options(team=service, person=make_person())
    assert [o.user for o in options] == [
        personas.link_worker_teammate,
        personas.link_worker,
        personas.team_manager,
    ]
    assert options[-1].open_cases == 0 and not options[-1].is_link_worker


def test_a_manager_is_suggested_when_they_are_the_only_one(personas):
    Membership.objects.filter(
        organisation=personas.link_worker_service, role=Role.LINK_WORKER
    ).update(is_active=False)
    options = allocation_options(team=personas.link_worker_service, person=make_person())
    assert [o.user for o in options] == [personas.team_manager]
