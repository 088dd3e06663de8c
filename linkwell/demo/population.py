"""Demo data for invite lists: one small cohort run for Castle Fields Surgery (`linkwell demo`).

The entries' pseudo ids are made from fictional NHS numbers in the 999 range the NHS keeps for
testing (`DEMO_NHS_NUMBERS`, in rank order), with this deployment's pseudonym key, so the confirm
page can be tried with them: the first three are already sent to the practice
(referrer@ the demo domain signs in as its receptionist).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import Organisation, OrganisationKind
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.people.validation import nhs_number_check_digit
from linkwell.population.models import InviteEntry, InviteList, InviteStatus
from linkwell.population.pseudonym import pseudo_id_for_nhs_number, pseudonym_key

DEMO_SERVICE = "Oswestry Community Wellbeing Service"  # demo/catalogue.py ACCOUNTS_ORGS
DEMO_PRACTICE = "Castle Fields Surgery"
DEMO_COHORT = "potential-care-needs"
_REASONS = (
    ["Age 80 or over", "Lives alone", "Electronic frailty index: moderate"],
    ["Age 75-79", "Recently bereaved", "3 or more long-term conditions"],
    ["Age 80 or over", "Housebound", "Carer for a family member"],
    ["Age 70-74", "Lives alone", "Depression recorded", "IMD decile 2"],
    ["Age 65-69", "COPD and heart failure", "2 emergency admissions in 12 months"],
    ["Age 75-79", "Lives alone", "Electronic frailty index: severe"],
)
REQUESTED = 3


def _demo_nhs_numbers(count: int) -> list[str]:
    out: list[str] = []
    n = 999000001
    while len(out) < count:
        check = nhs_number_check_digit(f"{n:09d}")
        if check is not None:
            out.append(f"{n:09d}{check}")
        n += 1
    return out


DEMO_NHS_NUMBERS = _demo_nhs_numbers(12)


def load(*, now: dt.datetime | None = None) -> int:
    """Add the demo invite list once; returns how many entries were made (0 if already there,
    if the demo organisations are missing, or if no pseudonym key is configured)."""
    now = now or timezone.now()
    service = Organisation.objects.filter(
        name=DEMO_SERVICE, kind=OrganisationKind.LINK_WORKER_SERVICE
    ).first()
    practice = Organisation.objects.filter(
        name=DEMO_PRACTICE, kind=OrganisationKind.GP_PRACTICE
    ).first()
    if service is None or practice is None:
        return 0
    if InviteList.objects.filter(link_worker_service=service, cohort=DEMO_COHORT).exists():
        return 0
    try:
        key = pseudonym_key()
    except ImproperlyConfigured:
        return 0
    # Written here rather than by population.services.invite_list_upload, which reads a cohort
    # file and leaves every entry new: the demo's first entries are already requested.
    with transaction.atomic():
        invite_list = InviteList.objects.create(
            link_worker_service=service,
            cohort=DEMO_COHORT,
            cohort_version="1",
            run_date=timezone.localdate(now) - dt.timedelta(days=3),
            filename="demo",
            entry_count=len(DEMO_NHS_NUMBERS),
        )
        InviteEntry.objects.bulk_create(
            InviteEntry(
                invite_list=invite_list,
                practice=practice,
                pseudo_id=pseudo_id_for_nhs_number(nhs, key=key),
                rank=rank,
                score=round(0.95 - rank * 0.04, 2),
                reasons=_REASONS[(rank - 1) % len(_REASONS)],
                status=InviteStatus.REQUESTED if rank <= REQUESTED else InviteStatus.NEW,
                requested_at=now - dt.timedelta(days=1) if rank <= REQUESTED else None,
            )
            for rank, nhs in enumerate(DEMO_NHS_NUMBERS, start=1)
        )
        audit_record(
            actor=None,
            action=AuditAction.POPULATION_INVITE_LIST_UPLOADED,
            obj=invite_list,
            organisation=service,
            detail={"demo": True, "entries": len(DEMO_NHS_NUMBERS)},
        )
    return len(DEMO_NHS_NUMBERS)


def reset() -> int:
    """Remove the demo invite lists (they protect the demo's service and practice)."""
    with transaction.atomic():
        deleted, _ = InviteList.objects.filter(
            link_worker_service__name=DEMO_SERVICE,
            link_worker_service__kind=OrganisationKind.LINK_WORKER_SERVICE,
        ).delete()
    return int(deleted)
