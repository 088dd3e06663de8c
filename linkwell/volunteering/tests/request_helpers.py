"""Shared test data for support requests and matches."""

from __future__ import annotations

from typing import Any

from linkwell.accounts.models import Organisation, User
from linkwell.casework.tests.factories import make_person
from linkwell.people.models import Person, Sex
from linkwell.volunteering.models import (
    CommunityMember,
    ContactMode,
    Match,
    RequestSource,
    SupportRequest,
    SupportRole,
)
from linkwell.volunteering.services import match_introduce


def make_request(
    organisation: Organisation,
    *,
    person: Person | None = None,
    role: str = SupportRole.BEFRIENDER,
    contact: str = ContactMode.HOME_VISIT,
    **fields: Any,
) -> SupportRequest:
    """A waiting request (a GP referral) for a woman in Oswestry (SY11 1AA) who enjoys gardening."""
    return SupportRequest.objects.create(
        person=person or make_person(sex=Sex.FEMALE, given_name="Joan", family_name="Hughes"),
        organisation=organisation,
        role=role,
        contact=contact,
        about=fields.pop("about", "Gardening and a cup of tea"),
        source=fields.pop("source", RequestSource.REFERRAL),
        referrer_name=fields.pop("referrer_name", "Dr Evans"),
        referrer_organisation=fields.pop("referrer_organisation", "Caxton Surgery"),
        **fields,
    )


def introduce(actor: User, request: SupportRequest, member: CommunityMember, **kw: Any) -> Match:
    request.refresh_from_db()
    return match_introduce(
        actor=actor, request=request, member=member, expected_version=request.version, **kw
    )
