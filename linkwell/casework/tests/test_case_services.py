"""The case status machine, complexity, reassignment, notes and safeguarding (services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from linkwell.audit.models import AuditEvent
from linkwell.casework import services
from linkwell.casework.models import Case, CaseStatus, Complexity, SafeguardingConcern
from linkwell.casework.tests.factories import case_for
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def test_a_new_case_can_be_marked_contacted_and_records_the_first_contact(
    personas: Personas,
) -> None:
    case = case_for(personas)
    services.case_mark_contacted(
        actor=personas.link_worker, case=case, expected_version=case.version
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED
    assert case.first_contact_at is not None
    event = AuditEvent.objects.get(action="casework.case_status_changed", object_id=str(case.uuid))
    assert event.person_id == str(case.person.uuid)
    assert event.changes["status"] == ["new", "contacted"]


def test_it_refuses_an_illegal_move_with_a_specific_message_and_changes_nothing(
    personas: Personas,
) -> None:
    case = case_for(personas)
    with pytest.raises(ValidationFailed) as exc:
        services.case_mark_follow_up(
            actor=personas.link_worker, case=case, expected_version=case.version
        )
    assert "A case that is new cannot be moved to follow-up" in str(exc.value)
    case.refresh_from_db()
    assert (case.status, case.version) == (CaseStatus.NEW, 1)
    assert not AuditEvent.objects.filter(action="casework.case_status_changed").exists()


def test_a_dormant_case_must_be_reopened_before_anything_else(personas: Personas) -> None:
    case = case_for(personas, status=CaseStatus.DORMANT)
    with pytest.raises(ValidationFailed) as exc:
        services.case_mark_contacted(
            actor=personas.link_worker, case=case, expected_version=case.version
        )
    assert "reopen it first" in str(exc.value)


def test_making_a_case_dormant_needs_a_reason_and_keeps_its_history(personas: Personas) -> None:
    case = case_for(personas, status=CaseStatus.ACTIVE, next_contact_due=timezone.localdate())
    services.case_note_add(actor=personas.link_worker, case=case, text="Doing well.")
    with pytest.raises(ValidationFailed) as exc:
        services.case_make_dormant(
            actor=personas.link_worker, case=case, expected_version=case.version, reason=" "
        )
    assert "Say why" in str(exc.value)
    services.case_make_dormant(
        actor=personas.link_worker,
        case=case,
        expected_version=case.version,
        reason="Settled into the walking group.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.DORMANT
    assert case.next_contact_due is None
    assert case.notes.count() == 1


def test_reopening_a_dormant_case_brings_it_back_as_new_with_its_history(
    personas: Personas,
) -> None:
    case = case_for(personas, status=CaseStatus.DORMANT)
    services.case_note_add(actor=personas.link_worker, case=case, text="Moved away.")
    services.case_reopen(
        actor=personas.link_worker,
        case=case,
        expected_version=case.version,
        reason="Back in the area and lonely again.",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert case.reopened_at is not None
    assert case.next_contact_due == timezone.localdate()
    assert case.notes.count() == 1
    assert AuditEvent.objects.filter(action="casework.case_reopened").count() == 1


def test_only_a_dormant_case_can_be_reopened(personas: Personas) -> None:
    case = case_for(personas, status=CaseStatus.ACTIVE)
    with pytest.raises(ValidationFailed, match="Only a dormant case can be reopened"):
        services.case_reopen(
            actor=personas.link_worker, case=case, expected_version=case.version, reason="x"
        )


def test_a_stale_status_change_is_refused_and_changes_nothing(personas: Personas) -> None:
    case = case_for(personas)
    stale = case.version
    services.case_set_complexity(
        actor=personas.team_manager,
        case=Case.objects.get(pk=case.pk),
        complexity=Complexity.COMPLEX,
        expected_version=stale,
    )
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        services.case_mark_contacted(actor=personas.link_worker, case=case, expected_version=stale)
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    assert case.first_contact_at is None


def test_complexity_changes_are_audited_with_old_and_new_values(personas: Personas) -> None:
    case = case_for(personas, complexity=Complexity.SIMPLE)
    services.case_set_complexity(
        actor=personas.link_worker,
        case=case,
        complexity=Complexity.MODERATE,
        expected_version=case.version,
    )
    event = AuditEvent.objects.get(action="casework.case_complexity_changed")
    assert event.changes == {"complexity": ["simple", "moderate"]}
    assert event.person_id == str(case.person.uuid)


def test_it_refuses_an_unknown_complexity(personas: Personas) -> None:
    case = case_for(personas)
    with pytest.raises(ValidationFailed, match="Choose simple, moderate or complex"):
        services.case_set_complexity(
            actor=personas.link_worker, case=case, complexity="extreme", expected_version=1
        )


def test_a_case_can_be_reassigned_to_a_teammate_but_not_to_another_team(
    personas: Personas,
) -> None:
    case = case_for(personas)
    with pytest.raises(ValidationFailed, match="is not a link worker in Shropshire"):
        services.case_reassign(
            actor=personas.team_manager,
            case=case,
            assigned_to=personas.other_team_link_worker,
            expected_version=case.version,
        )
    with pytest.raises(ValidationFailed):
        services.case_reassign(
            actor=personas.team_manager,
            case=case,
            assigned_to=personas.read_only_link_worker,
            expected_version=case.version,
        )
    services.case_reassign(
        actor=personas.team_manager,
        case=case,
        assigned_to=personas.link_worker_teammate,
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert case.assigned_to == personas.link_worker_teammate
    event = AuditEvent.objects.get(action="casework.case_reassigned")
    assert event.changes["assigned_to"] == [
        str(personas.link_worker.uuid),
        str(personas.link_worker_teammate.uuid),
    ]


def test_the_next_contact_date_must_be_a_sensible_date(personas: Personas) -> None:
    case = case_for(personas)
    with pytest.raises(ValidationFailed, match="within two years"):
        services.case_set_next_contact(
            actor=personas.link_worker,
            case=case,
            next_contact_due=timezone.localdate() + dt.timedelta(days=3000),
            expected_version=case.version,
        )


def test_notes_are_audited_without_their_text(personas: Personas) -> None:
    case = case_for(personas)
    services.case_note_add(
        actor=personas.link_worker,
        case=case,
        text="Disclosed debts to a loan shark.",
        sensitive=True,
    )
    event = AuditEvent.objects.get(action="casework.case_note_added")
    assert "loan shark" not in str(event.detail) + event.object_repr
    assert event.detail["sensitive"] is True


def test_an_empty_note_is_refused(personas: Personas) -> None:
    case = case_for(personas)
    with pytest.raises(ValidationFailed, match="Enter the note"):
        services.case_note_add(actor=personas.link_worker, case=case, text="   ")


def test_a_safeguarding_concern_is_escalated_to_the_named_lead_by_email(
    personas: Personas, django_capture_on_commit_callbacks: object
) -> None:
    case = case_for(personas)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        concern = services.safeguarding_concern_raise(
            actor=personas.link_worker,
            case=case,
            description="Bruising on both arms; said she fell.",
            lead=personas.team_manager,
        )
    assert concern.lead == personas.team_manager
    assert concern.escalated_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [personas.team_manager.email]
    # No personal data in the email: a reference and a link to sign in.
    assert case.person.family_name not in message.body
    assert "Bruising" not in message.body
    assert str(case.uuid) in message.body
    event = AuditEvent.objects.get(action="casework.safeguarding_concern_raised")
    assert event.person_id == str(case.person.uuid)
    assert event.detail["lead"] == str(personas.team_manager.uuid)


def test_a_safeguarding_lead_must_be_a_manager_of_the_team(personas: Personas) -> None:
    case = case_for(personas)
    with pytest.raises(ValidationFailed, match="is not a team manager"):
        services.safeguarding_concern_raise(
            actor=personas.link_worker,
            case=case,
            description="Worried.",
            lead=personas.link_worker_teammate,
        )
    with pytest.raises(ValidationFailed, match="Choose the safeguarding lead"):
        services.safeguarding_concern_raise(
            actor=personas.link_worker, case=case, description="Worried.", lead=None
        )
    assert not SafeguardingConcern.objects.exists()
    assert not mail.outbox


def test_a_concern_is_resolved_once(personas: Personas) -> None:
    case = case_for(personas)
    concern = services.safeguarding_concern_raise(
        actor=personas.link_worker, case=case, description="Worried.", lead=personas.team_manager
    )
    services.safeguarding_concern_resolve(
        actor=personas.team_manager, concern=concern, outcome="Referred to adult social care."
    )
    with pytest.raises(ValidationFailed, match="already been resolved"):
        services.safeguarding_concern_resolve(
            actor=personas.team_manager, concern=concern, outcome="Again."
        )
