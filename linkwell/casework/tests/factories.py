"""Test data for people and cases, shared by every app's tests.

- `make_person`, `make_case`: a person and a case with as little as the models require.
- `case_for`: a case in the personas' link-worker service, assigned to their link worker.
- `referred_case`: Joan Hughes, referred by the personas' GP practice (Caxton Surgery,
  `personas.referrer`) with consent, and her open case assigned to `personas.link_worker`.
- `review_post`, `plan_post`: the wellbeing review and plan forms as a browser posts them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.casework.models import Case, CaseReferral, CaseStatus
from linkwell.people.models import ContactMethod, Person
from linkwell.referrals.models import Referral, ReferralSource
from tests.personas import Personas

_seq = itertools.count(1)


def make_person(**fields: Any) -> Person:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "given_name": f"Alex{n}",
        "family_name": f"Example{n}",
        "date_of_birth": dt.date(1950, 1, 1) + dt.timedelta(days=n),
        "postcode": "SY11 1AA",
    }
    defaults.update(fields)
    return Person.objects.create(**defaults)


def make_case(
    *,
    service: Organisation,
    person: Person | None = None,
    assigned_to: User | None = None,
    status: str = CaseStatus.NEW,
    opened_at: dt.datetime | None = None,
    **fields: Any,
) -> Case:
    return Case.objects.create(
        person=person or make_person(),
        link_worker_service=service,
        assigned_to=assigned_to,
        status=status,
        opened_at=opened_at or timezone.now(),
        **fields,
    )


def case_for(
    personas: Personas, *, worker: User | None = None, person: Person | None = None, **fields: Any
) -> Case:
    """A case in the personas' link-worker service, assigned to `worker` (their link worker by
    default), for `person` (a new one by default)."""
    return make_case(
        service=personas.link_worker_service,
        assigned_to=worker or personas.link_worker,
        person=person,
        **fields,
    )


def referred_case(
    personas: Personas,
    *,
    email: str = "joan@example.org",
    phone: str = "",
    preferred: str = ContactMethod.EMAIL,
    consent_to_contact: bool = True,
    consent_to_share: bool = True,
    status: str = CaseStatus.REVIEW_BOOKED,
    team: Any = None,
    given_name: str = "Joan",
) -> Case:
    """Joan Hughes, referred by the personas' GP practice, with her case opened nine days ago."""
    team = team or personas.link_worker_service
    person = Person.objects.create(
        given_name=given_name,
        family_name="Hughes",
        date_of_birth=dt.date(1948, 5, 17),
        nhs_number="9434765919",
        address_line_1="3 Church Street",
        town="Oswestry",
        postcode="SY11 2SP",
        email=email,
        phone=phone,
        preferred_contact_method=preferred,
        registered_practice=personas.practice,
    )
    referral = Referral.objects.create(
        person=person,
        link_worker_service=team,
        source=ReferralSource.GP_PRACTICE,
        referrer=personas.referrer,
        referrer_organisation=personas.practice,
        details="Lonely since her husband died; stopped going to church.",
        consent_to_contact=consent_to_contact,
        consent_to_share=consent_to_share,
        received_at=timezone.now() - dt.timedelta(days=10),
    )
    case = make_case(
        service=team,
        person=person,
        assigned_to=personas.link_worker,
        status=status,
        opened_at=timezone.now() - dt.timedelta(days=9),
    )
    CaseReferral.objects.create(case=case, referral=referral)
    return case


def review_post(**overrides: Any) -> dict[str, str]:
    """A filled-in wellbeing review form (two strengths, two life areas)."""
    data = {
        "held_on": timezone.localdate().isoformat(),
        "appointment": "",
        "what_matters": "Getting out of the house and seeing people again.",
        "interests": "Gardening, hymns",
        "loneliness-score": "2",
        "loneliness-priority": "on",
        "loneliness-notes": "Nobody to talk to most days.",
        "money-score": "7",
        "money-notes": "",
        "way-connect": "Her daughter rings on Sundays.",
        "way-be_active": "Could walk to the park.",
        "strength-TOTAL_FORMS": "3",
        "strength-INITIAL_FORMS": "0",
        "strength-MIN_NUM_FORMS": "0",
        "strength-MAX_NUM_FORMS": "50",
        "strength-0-kind": "personal",
        "strength-0-description": "Plays the piano",
        "strength-1-kind": "social",
        "strength-1-description": "Daughter visits on Sundays",
        "strength-2-kind": "",
        "strength-2-description": "",
    }
    data.update(overrides)
    return data


def plan_post(*, version: int | str = "", **overrides: Any) -> dict[str, str]:
    """A plan with two goals and one action."""
    soon = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = {
        "version": str(version),
        "moving_forward": "Her daughter, the church coffee morning, the library.",
        "goal-TOTAL_FORMS": "2",
        "goal-INITIAL_FORMS": "0",
        "goal-MIN_NUM_FORMS": "0",
        "goal-MAX_NUM_FORMS": "50",
        "goal-0-id": "",
        "goal-0-text": "I want to go to the coffee morning",
        "goal-0-target_date": soon,
        "goal-0-status": "not_started",
        "goal-1-id": "",
        "goal-1-text": "Walk to the park twice a week",
        "goal-1-target_date": "",
        "goal-1-status": "in_progress",
        "action-TOTAL_FORMS": "1",
        "action-INITIAL_FORMS": "0",
        "action-MIN_NUM_FORMS": "0",
        "action-MAX_NUM_FORMS": "100",
        "action-0-id": "",
        "action-0-text": "Ring the church about the coffee morning",
        "action-0-owner": "Joan",
        "action-0-due_on": soon,
    }
    data.update({k: str(v) for k, v in overrides.items()})
    return data
