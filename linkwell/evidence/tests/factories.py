"""Test data for the evidence tests, small and explicit: a referral journey (person, referral,
case), measures and connections."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.casework.models import Case, CaseReferral
from linkwell.casework.tests.factories import make_case, make_person
from linkwell.connections.models import Attendance, Connection, ConnectionKind
from linkwell.directory.models import Service
from linkwell.outcomes.models import CompletedBy, MeasureAdministration
from linkwell.people.models import Person
from linkwell.referrals.models import Referral, ReferralSource


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@dataclass
class Journey:
    person: Person
    referral: Referral
    case: Case
    connections: list[Connection] = field(default_factory=list)


def journey(
    *,
    service: Organisation,
    received: dt.date,
    practice: Organisation | None = None,
    seen: bool = True,
    **person_fields: Any,
) -> Journey:
    person = make_person(registered_practice=practice, **person_fields)
    referral = Referral.objects.create(
        person=person,
        link_worker_service=service,
        source=ReferralSource.GP_PRACTICE,
        received_at=at(received),
    )
    case = make_case(service=service, person=person, opened_at=at(received))
    if seen:
        case.first_contact_at = at(received + dt.timedelta(days=3))
        case.save(update_fields=["first_contact_at"])
    CaseReferral.objects.create(case=case, referral=referral)
    return Journey(person, referral, case)


def measure(
    case: Case,
    instrument: str,
    timepoint: str,
    on: dt.date,
    score: float | None,
    *,
    item_scores: dict[str, Any] | None = None,
) -> MeasureAdministration:
    return MeasureAdministration.objects.create(
        case=case,
        organisation=case.link_worker_service,
        instrument_id=instrument,
        instrument_version="1",
        timepoint=timepoint,
        administered_on=on,
        score=score,
        raw=score,
        item_scores=item_scores or {},
        completed_by=CompletedBy.LINK_WORKER,
    )


def connect(
    j: Journey,
    service: Service,
    *,
    status: str,
    sent: dt.datetime,
    answered_after: dt.timedelta | None = None,
    attended: bool | None = None,
) -> Connection:
    conn = Connection.objects.create(
        case=j.case,
        service=service,
        kind=ConnectionKind.REFERRAL,
        status=status,
        requested_at=sent,
        responded_at=None if answered_after is None else sent + answered_after,
    )
    if attended is not None:
        Attendance.objects.create(
            connection=conn, session_on=(sent + dt.timedelta(days=7)).date(), attended=attended
        )
    j.connections.append(conn)
    return conn
