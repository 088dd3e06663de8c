"""Test data for the matching tests.

For the engine (no database): `svc`, `place`, `session` build services near a fixed point
(`HOME`, Oswestry), `person` a profile there, `AT` a fixed time.
For the plan screen: `reviewed_case` (a case with a review, a plan and referral reasons) and
`directory` (a small directory around the person's postcode, `HOME_POSTCODE`), and `login`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.casework.models import Case, Goal, Plan, Strength, StrengthKind, WellbeingReview
from linkwell.casework.tests.factories import referred_case
from linkwell.directory.models import Service
from linkwell.directory.tests.factories import make_service, make_term
from linkwell.matching.documents import Place, ServiceDoc, Session
from linkwell.matching.profile import Profile, profile_from_json
from linkwell.referrals.models import Referral
from tests.personas import PASSWORD, Personas

# Oswestry (SY11 1AA): a real GB postcode, so profiles may use it offline.
HOME = (52.85935, -3.05602)
KM_PER_DEGREE_LAT = 111.2


def place(km_north: float = 0.0, **fields: Any) -> Place:
    return Place(latitude=HOME[0] + km_north / KM_PER_DEGREE_LAT, longitude=HOME[1], **fields)


def session(
    day: str, opens: str | None = None, closes: str | None = None, **fields: Any
) -> Session:
    return Session(
        day=day,
        opens=dt.time.fromisoformat(opens) if opens else None,
        closes=dt.time.fromisoformat(closes) if closes else None,
        **fields,
    )


def svc(sid: str, name: str = "", *, km: float | None = 1.0, **fields: Any) -> ServiceDoc:
    """A service `km` north of HOME (None: no venue)."""
    locations = fields.pop("locations", (place(km),) if km is not None else ())
    return ServiceDoc(id=sid, name=name or f"Service {sid}", locations=locations, **fields)


def person(**fields: Any) -> Profile:
    data = {"id": "p", "latitude": HOME[0], "longitude": HOME[1], **fields}
    return profile_from_json({k: v for k, v in data.items() if v is not None})


AT = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)

HOME_POSTCODE = "SY11 2SP"


def login(client: Client, user: User) -> Client:
    assert client.login(email=user.email, password=PASSWORD)
    return client


def reviewed_case(personas: Personas, **kwargs: Any) -> Case:
    """Joan: referred for loneliness; her review says gardening and singing; a plan goal."""
    case = referred_case(personas, **kwargs)
    referral = Referral.objects.get(case_link__case=case)
    referral.reasons.add(make_term("Loneliness or isolation", taxonomy="needs"))
    Referral.objects.filter(pk=referral.pk).update(
        accessibility_needs="Wheelchair user", language_needs="Welsh"
    )
    review = WellbeingReview.objects.create(
        case=case,
        held_on=timezone.localdate() - dt.timedelta(days=2),
        recorded_by=personas.link_worker,
        what_matters="Getting out of the house and seeing people again.",
        interests="Gardening, singing and hymns",
        life_areas={
            "loneliness": {"score": 2, "priority": True, "notes": "Nobody most days."},
            "money": {"score": 8, "priority": False, "notes": ""},
            "physical_health": {"score": 5, "priority": False, "notes": "COPD; arthritis"},
        },
    )
    Strength.objects.create(review=review, kind=StrengthKind.PERSONAL, description="Baking")
    Strength.objects.create(review=review, kind=StrengthKind.SOCIAL, description="Her daughter")
    plan = Plan.objects.create(case=case)
    Goal.objects.create(plan=plan, text="Join a walking group")
    Goal.objects.create(plan=plan, text="Old goal", status="achieved")
    return case


def directory(personas: Personas) -> dict[str, Service]:
    """Four running services near the person, one closed one."""
    return {
        "garden": make_service(
            "Community garden club",
            owner=personas.provider_org,
            postcode=HOME_POSTCODE,
            description="Gardening together on the allotments. Tea and a chat.",
            byday="TU",
            opens="10:00",
            closes="12:00",
            free=True,
            referrals=True,
            capacity_available=4,
            capacity_maximum=12,
            accessible="Wheelchair accessible",
        ),
        "choir": make_service(
            "Singing for lung health",
            owner=personas.provider_org,
            postcode=HOME_POSTCODE,
            description="A friendly choir singing hymns and songs, for people with COPD.",
            referrals=True,
            capacity_available=0,
            capacity_maximum=15,
            accessible="Wheelchair accessible",
        ),
        "walk": make_service(
            "Walking group",
            owner=personas.other_provider_org,
            postcode=HOME_POSTCODE,
            description="Gentle walks for all, with a cafe stop.",
            referrals=False,
            accessible="Wheelchair accessible",
        ),
        "lunch": make_service(
            "Lunch club",
            owner=personas.other_provider_org,
            postcode=HOME_POSTCODE,
            description="A lunch club for lonely older people: company and a hot meal.",
            referrals=True,
            accessible="Wheelchair accessible",
        ),
        "closed": make_service(
            "Closed gardening group",
            owner=personas.provider_org,
            postcode=HOME_POSTCODE,
            description="Gardening.",
            status="inactive",
            referrals=True,
        ),
    }
