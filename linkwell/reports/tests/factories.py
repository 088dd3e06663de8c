"""Test data for the report tests: `quarterly_records`, a small, known set of records in 2025-26 Q1
(April to June 2025)."""

from __future__ import annotations

import datetime as dt

from linkwell.casework.models import (
    Appointment,
    AppointmentOutcome,
    Goal,
    GoalStatus,
    Plan,
    WellbeingReview,
)
from linkwell.connections.models import (
    Attendance,
    Connection,
    ConnectionKind,
    ConnectionStatus,
    ProvisionGap,
)
from linkwell.directory.tests.factories import make_service, make_term, tag
from linkwell.evidence.tests.factories import at, journey, measure
from linkwell.referrals.models import ReferralSource
from linkwell.reports.models import PatientStory
from linkwell.reports.stories import story_record
from tests.personas import Personas

MAY = dt.date(2025, 5, 1)
JUNE = dt.date(2025, 6, 2)
QUARTER = {"quarter": "2025-Q1"}


def quarterly_records(personas: Personas) -> None:
    """9 GP referrals in May at Caxton Surgery (first contact after 3 days, review and an
    attended appointment after 10, PHQ-9 before and after, a goal: 6 achieved, 3 in progress,
    a referral to the shed accepted and attended); one of them also signposted to the shed
    (tagged Physical activity and Social groups); 3 self-referrals in June, not yet contacted;
    1 referral in March (outside); 1 provision gap (Loneliness); one consented story (naming
    the person and a phone number) and one without consent."""
    shed = make_service("Oswestry Men's Shed", owner=personas.provider_org, referrals=True)
    tag(shed, make_term("Physical activity"))
    tag(shed, make_term("Social groups"))
    lws = personas.link_worker_service
    journeys = []
    for i in range(9):
        j = journey(service=lws, received=MAY, practice=personas.practice)
        j.referral.first_contact_at = at(MAY + dt.timedelta(days=3))
        j.referral.save(update_fields=["first_contact_at"])
        WellbeingReview.objects.create(
            case=j.case, held_on=MAY + dt.timedelta(days=10), what_matters="Getting out"
        )
        Appointment.objects.create(
            case=j.case,
            kind="wellbeing_review",
            starts_at=at(MAY + dt.timedelta(days=10)),
            outcome=AppointmentOutcome.ATTENDED,
        )
        plan = Plan.objects.create(case=j.case)
        goal = Goal.objects.create(
            plan=plan, text="Walk", status=GoalStatus.ACHIEVED if i < 6 else GoalStatus.IN_PROGRESS
        )
        Goal.objects.filter(pk=goal.pk).update(created_at=at(MAY + dt.timedelta(days=10)))
        measure(j.case, "phq9", "baseline", MAY + dt.timedelta(days=10), 15 + i % 3)
        measure(j.case, "phq9", "week_4", MAY + dt.timedelta(days=40), 9 + i % 4)
        journeys.append(j)
    for j in journeys:
        conn = Connection.objects.create(
            case=j.case,
            service=shed,
            kind=ConnectionKind.REFERRAL,
            status=ConnectionStatus.ACCEPTED,
            requested_at=at(MAY + dt.timedelta(days=12)),
            responded_at=at(MAY + dt.timedelta(days=13)),
        )
        Connection.objects.filter(pk=conn.pk).update(created_at=at(MAY + dt.timedelta(days=12)))
        Attendance.objects.create(
            connection=conn, session_on=MAY + dt.timedelta(days=20), attended=True
        )
    signpost = Connection.objects.create(
        case=journeys[0].case,
        service=shed,
        kind=ConnectionKind.SIGNPOST,
        status=ConnectionStatus.COMPLETED,
    )
    Connection.objects.filter(pk=signpost.pk).update(created_at=at(MAY + dt.timedelta(days=11)))
    for _ in range(3):
        j = journey(service=lws, received=JUNE, practice=None, seen=False)
        j.referral.source = ReferralSource.SELF
        j.referral.save(update_fields=["source"])
    # Outside the period: not counted anywhere.
    journey(service=lws, received=dt.date(2025, 3, 20), practice=personas.practice)
    gap = ProvisionGap.objects.create(
        description="No men's group in Ellesmere",
        link_worker_service=lws,
        need=make_term("Loneliness"),
    )
    ProvisionGap.objects.filter(pk=gap.pk).update(created_at=at(MAY))
    # Written straight to the table: story_record refuses a name or phone number, and this
    # story checks the report's second line of defence (deidentify), as for a story recorded
    # before the person's name was changed.
    story = PatientStory.objects.create(
        case=journeys[0].case,
        link_worker_service=lws,
        title="Back to the allotment",
        text=f"{journeys[0].person.given_name} joined the shed. Call 07700 900123.",
        consent_to_publish=True,
        consent_recorded_at=at(MAY),
        recorded_by=personas.link_worker,
    )
    PatientStory.objects.filter(pk=story.pk).update(created_at=at(MAY))
    hidden = story_record(
        actor=personas.link_worker,
        case=journeys[1].case,
        title="Not for publication",
        text="Private.",
        consent_to_publish=False,
    )
    type(hidden).objects.filter(pk=hidden.pk).update(created_at=at(MAY))
