"""Test factories for people and cases (shared: referrals, review/plan and connections tests use them)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.casework.models import Case, CaseStatus
from linkwell.people.models import Person

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
