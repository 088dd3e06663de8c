"""Records for the practice tests: the personas' team covering their practice, people
registered there with cases, and what flags them for the MDT."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from linkwell.casework.models import (
    Appointment,
    AppointmentKind,
    AppointmentOutcome,
    Case,
    CaseStatus,
    FollowUp,
    FollowUpKind,
    SafeguardingConcern,
)
from linkwell.casework.tests.factories import make_case, make_person
from linkwell.outcomes.models import CompletedBy, MeasureAdministration
from linkwell.referrals.models import LinkWorkerCoverage
from tests.personas import Personas


def cover(personas: Personas) -> None:
    """The personas' link-worker service covers their GP practice."""
    LinkWorkerCoverage.objects.create(
        link_worker_service=personas.link_worker_service,
        practice=personas.practice,
        link_worker=personas.link_worker,
    )


def patient_case(
    personas: Personas, *, team: Any = None, practice: Any = None, **fields: Any
) -> Case:
    """A case, contacted last week, for someone registered at the personas' practice."""
    person = make_person(registered_practice=practice or personas.practice)
    fields.setdefault("status", CaseStatus.ACTIVE)
    fields.setdefault("first_contact_at", timezone.now() - dt.timedelta(days=7))
    return make_case(
        service=team or personas.link_worker_service,
        person=person,
        assigned_to=personas.link_worker,
        **fields,
    )


def concern(case: Case, personas: Personas) -> SafeguardingConcern:
    return SafeguardingConcern.objects.create(
        case=case, raised_by=personas.link_worker, description="Bruising seen at the home visit."
    )


def missed(case: Case, days_ago: int) -> Appointment:
    return Appointment.objects.create(
        case=case,
        kind=AppointmentKind.FOLLOW_UP,
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
        outcome=AppointmentOutcome.DID_NOT_ATTEND,
    )


def gad7(case: Case, score: float, days_ago: int) -> MeasureAdministration:
    return MeasureAdministration.objects.create(
        case=case,
        organisation=case.link_worker_service,
        instrument_id="gad7",
        instrument_version="1",
        administered_on=timezone.localdate() - dt.timedelta(days=days_ago),
        score=score,
        raw=score,
        completed_by=CompletedBy.LINK_WORKER,
    )


def follow_up_due(case: Case, days_ago: int) -> FollowUp:
    return FollowUp.objects.create(
        case=case,
        kind=FollowUpKind.REVIEW_4_WEEKS,
        due_on=timezone.localdate() - dt.timedelta(days=days_ago),
    )
