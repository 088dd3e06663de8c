"""Fixtures for the plan-screen suggestion tests: a case with a review, a plan and referral
reasons, and a small directory around Oswestry (SY11 2SP is the person's postcode)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.casework.models import AssetKind, Case, Goal, Plan, Strength, WellbeingReview
from linkwell.casework.tests.journey_support import make_case
from linkwell.directory.models import Service
from linkwell.directory.tests.factories import make_service, make_term
from linkwell.matching import cache as matcher_cache
from linkwell.referrals.models import Referral
from tests.personas import PASSWORD, Personas

HOME = "SY11 2SP"


@pytest.fixture(autouse=True)
def no_encoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The per-process Matcher outlives a test's transaction; embedding costs seconds.
    monkeypatch.setattr(matcher_cache, "MATCHER_ENCODER", None)
    matcher_cache.clear_cache()
    yield
    matcher_cache.clear_cache()


def login(client: Client, user: User) -> Client:
    assert client.login(email=user.email, password=PASSWORD)
    return client


def reviewed_case(personas: Personas, **kwargs: Any) -> Case:
    """Joan: referred for loneliness; her review says gardening and singing; a plan goal."""
    case = make_case(personas, **kwargs)
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
    Strength.objects.create(review=review, kind=AssetKind.PERSONAL, description="Baking")
    Strength.objects.create(review=review, kind=AssetKind.SOCIAL, description="Her daughter")
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
            postcode=HOME,
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
            postcode=HOME,
            description="A friendly choir singing hymns and songs, for people with COPD.",
            referrals=True,
            capacity_available=0,
            capacity_maximum=15,
            accessible="Wheelchair accessible",
        ),
        "walk": make_service(
            "Walking group",
            owner=personas.other_provider_org,
            postcode=HOME,
            description="Gentle walks for all, with a cafe stop.",
            referrals=False,
            accessible="Wheelchair accessible",
        ),
        "lunch": make_service(
            "Lunch club",
            owner=personas.other_provider_org,
            postcode=HOME,
            description="A lunch club for lonely older people: company and a hot meal.",
            referrals=True,
            accessible="Wheelchair accessible",
        ),
        "closed": make_service(
            "Closed gardening group",
            owner=personas.provider_org,
            postcode=HOME,
            description="Gardening.",
            status="inactive",
            referrals=True,
        ),
    }
