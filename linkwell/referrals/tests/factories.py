"""Test data for referrals and people: needs terms, people, referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.directory.models import TaxonomyTerm
from linkwell.directory.taxonomies import NEEDS, taxonomy_seed, taxonomy_uuid
from linkwell.people.models import Person
from linkwell.referrals.models import Referral, ReferralSource

VALID_NHS = "9434765919"
OTHER_VALID_NHS = "4010232137"


def needs(*codes: str) -> list[TaxonomyTerm]:
    if not TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(NEEDS)).exists():
        taxonomy_seed()
    terms = TaxonomyTerm.objects.filter(taxonomy__uuid=taxonomy_uuid(NEEDS)).order_by("name")
    if codes:
        terms = terms.filter(code__in=codes)
    return list(terms)


def make_person(**overrides: Any) -> Person:
    data: dict[str, Any] = {
        "given_name": "Margaret",
        "family_name": "Evans",
        "date_of_birth": dt.date(1948, 3, 15),
        "postcode": "SY11 1AA",
        "phone": "01691 000000",
    }
    data.update(overrides)
    return Person.objects.create(**data)


def make_referral(
    person: Person, service: Organisation, *, days_ago: int = 0, **overrides: Any
) -> Referral:
    data: dict[str, Any] = {
        "person": person,
        "link_worker_service": service,
        "source": ReferralSource.GP_PRACTICE,
        "consent_to_contact": True,
        "received_at": timezone.now() - dt.timedelta(days=days_ago),
    }
    data.update(overrides)
    return Referral.objects.create(**data)
