"""Support requests and matches made directly with the models, for the volunteer's side tests
(the introducing service belongs to the requests part of the app)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from linkwell.casework.models import Case
from linkwell.casework.tests.factories import make_person
from linkwell.people.models import Person
from linkwell.volunteering.models import (
    CommunityMember,
    ContactMode,
    Match,
    MatchStatus,
    RequestSource,
    RequestStatus,
    SupportRequest,
)
from linkwell.volunteering.tests.factories import VolunteerCast


def make_request(
    cast: VolunteerCast, *, person: Person | None = None, case: Case | None = None, **fields: Any
) -> SupportRequest:
    defaults: dict[str, Any] = {
        "role": "befriender",
        "contact": ContactMode.HOME_VISIT,
        "about": "Loves gardening and talking about the war years.",
        "safety_notes": "A dog lives in the house; knock loudly.",
        "source": RequestSource.PLAN if case else RequestSource.REFERRAL,
        "status": RequestStatus.WAITING,
    }
    defaults.update(fields)
    return SupportRequest.objects.create(
        person=person or (case.person if case else None) or make_person(),
        case=case,
        organisation=cast.service,
        **defaults,
    )


def make_match(
    cast: VolunteerCast,
    *,
    member: CommunityMember | None = None,
    request: SupportRequest | None = None,
    status: str = MatchStatus.ACTIVE,
    introduced_days_ago: int = 30,
    **fields: Any,
) -> Match:
    """A match for `member` (the cast's volunteer by default), introduced some days ago; an
    active one has been accepted and has a review date, and its request is matched."""
    request = request or make_request(cast)
    introduced_at = timezone.now() - dt.timedelta(days=introduced_days_ago)
    defaults: dict[str, Any] = {"introduced_by": cast.coordinator, "introduced_at": introduced_at}
    if status != MatchStatus.INTRODUCED:
        defaults["responded_at"] = introduced_at + dt.timedelta(days=1)
    if status == MatchStatus.ACTIVE:
        defaults["review_on"] = timezone.localdate() + dt.timedelta(days=14)
        SupportRequest.objects.filter(pk=request.pk).update(status=RequestStatus.MATCHED)
    defaults.update(fields)
    return Match.objects.create(
        request=request, member=member or cast.member, status=status, **defaults
    )
