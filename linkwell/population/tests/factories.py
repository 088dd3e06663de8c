"""Test data for the invite-list tests: NHS numbers and pseudo ids, cohort files, lists and
entries."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.people.validation import nhs_number_check_digit
from linkwell.population.models import InviteEntry, InviteList, InviteStatus
from linkwell.population.pseudonym import pseudo_id_for_nhs_number

TEST_KEY = "test-pseudonym-key-0123456789abcdef"
HEADER = "cohort,cohort_version,rank,pseudo_id,practice,score,reasons"


def nhs_numbers(count: int, start: int = 400000000) -> list[str]:
    """`count` valid NHS numbers (modulus 11), deterministic."""
    out: list[str] = []
    n = start
    while len(out) < count:
        nine = f"{n:09d}"
        check = nhs_number_check_digit(nine)
        if check is not None:
            out.append(nine + str(check))
        n += 1
    return out


def pid(nhs_number: str) -> str:
    return pseudo_id_for_nhs_number(nhs_number)


def csv_row(
    rank: int,
    pseudo_id: str,
    practice: str = "M82015",
    *,
    cohort: str = "potential-care-needs",
    version: str = "1",
    score: Any = 0.9,
    reasons: Any = None,
) -> str:
    reasons = ["Lives alone", "Age 80 or over"] if reasons is None else reasons
    text = reasons if isinstance(reasons, str) else json.dumps(reasons)
    return f'{cohort},{version},{rank},{pseudo_id},{practice},{score},"{text.replace(chr(34), chr(34) * 2)}"'


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def make_practice(name: str = "Plas Ffynnon", ods: str = "M82020") -> Organisation:
    return Organisation.objects.create(name=name, kind=OrganisationKind.GP_PRACTICE, ods_code=ods)


def make_list(service: Organisation, **overrides: Any) -> InviteList:
    data: dict[str, Any] = {
        "link_worker_service": service,
        "cohort": "potential-care-needs",
        "cohort_version": "1",
        "run_date": dt.date(2026, 11, 20),
        "entry_count": 0,
    }
    data.update(overrides)
    return InviteList.objects.create(**data)


def make_entry(
    invite_list: InviteList,
    practice: Organisation,
    rank: int,
    *,
    nhs: str | None = None,
    **extra: Any,
) -> InviteEntry:
    data: dict[str, Any] = {
        "invite_list": invite_list,
        "practice": practice,
        "pseudo_id": pid(nhs) if nhs else f"synthetic-{rank:05d}",
        "rank": rank,
        "score": 1.0 / rank,
        "reasons": ["Lives alone", "Frailty: moderate"],
        "status": InviteStatus.NEW,
    }
    data.update(extra)
    return InviteEntry.objects.create(**data)
