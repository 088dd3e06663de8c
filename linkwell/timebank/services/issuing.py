"""Issuing credits for volunteers' logged hours (volunteering `Activity`), once each.

For each volunteer of the organisation with activities in the period not yet credited, one
confirmed exchange from the issuing account, for their minutes rounded to the nearest quarter
hour; each activity it covers is recorded in `CreditedActivity` (unique), so running it again,
for the same or an overlapping period, credits nothing twice. A volunteer whose uncredited time
rounds to nothing (under 8 minutes) keeps it for a later run. Volunteers with no time bank
member yet get one, linked to their volunteer record, with an account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.timebank.models import (
    Account,
    AccountKind,
    Category,
    CreditedActivity,
    TimebankMember,
)
from linkwell.timebank.services.ledger import transfer
from linkwell.timebank.services.members import account_create, member_create
from linkwell.volunteering.models import Activity, ActivityKind

# What a volunteer's activity counts as in the time bank's categories.
ACTIVITY_CATEGORY: dict[str, str] = {
    ActivityKind.HOME_VISIT: Category.BEFRIENDING,
    ActivityKind.MEET_OUT: Category.BEFRIENDING,
    ActivityKind.PHONE: Category.BEFRIENDING,
    ActivityKind.DRIVING: Category.LIFTS,
    ActivityKind.TRAINING: Category.TRAINING,
    ActivityKind.COURSE: Category.TRAINING,
}


@dataclass(frozen=True)
class Issued:
    volunteers: int
    activities: int
    hours: Decimal


def quarter_hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 15).quantize(Decimal("1"), rounding=ROUND_HALF_UP) / 4


def _member_account(actor: User | None, issuing: Account, community_member_id: int) -> Account:
    member = TimebankMember.objects.filter(
        organisation_id=issuing.organisation_id, community_member_id=community_member_id
    ).first()
    if member is None:
        from linkwell.volunteering.models import CommunityMember

        volunteer = CommunityMember.objects.get(pk=community_member_id)
        member = member_create(
            actor=actor,
            organisation=issuing.organisation,
            name=str(volunteer),
            community_member=volunteer,
            user=volunteer.user
            if volunteer.user_id
            and not TimebankMember.objects.filter(
                organisation_id=issuing.organisation_id, user_id=volunteer.user_id
            ).exists()
            else None,
        )
    account = member.accounts.filter(kind=AccountKind.MEMBER).order_by("number").first()
    return account or account_create(actor=actor, member=member)


def volunteer_hours_issue(
    *,
    actor: User | None,
    issuing: Account,
    start: dt.date,
    end: dt.date,
    channel: str | None = None,
) -> Issued:
    if issuing.kind != AccountKind.ISSUING:
        raise ValidationFailed({"issuing": [f"{issuing.reference} is not an issuing account"]})
    if start > end:
        raise ValidationFailed({"start": ["The start of the period is after its end"]})
    activities = (
        Activity.objects.filter(
            member__organisation_id=issuing.organisation_id,
            happened_on__gte=start,
            happened_on__lte=end,
            timebank_credit__isnull=True,
        )
        .order_by("member_id", "happened_on", "id")
        .values_list("id", "member_id", "minutes", "kind")
    )
    by_member: dict[int, list[tuple[int, int, str]]] = {}
    for pk, member_id, minutes, kind in activities:
        by_member.setdefault(member_id, []).append((pk, minutes, kind))
    volunteers = credited = 0
    total = Decimal("0")
    with transaction.atomic():
        for member_id, rows in by_member.items():
            hours = quarter_hours(sum(m for _, m, _ in rows))
            if hours <= 0:
                continue
            kinds = [k for _, _, k in rows]
            category = ACTIVITY_CATEGORY.get(max(set(kinds), key=kinds.count), Category.OTHER)
            account = _member_account(actor, issuing, member_id)
            exchange = transfer(
                actor=actor,
                from_account=issuing,
                to_account=account,
                hours=hours,
                category=category,
                happened_on=end,
                note=f"Volunteering logged {start:%d %b %Y} to {end:%d %b %Y}",
                channel=channel,
            )
            CreditedActivity.objects.bulk_create(
                [CreditedActivity(activity_id=pk, exchange=exchange) for pk, _, _ in rows]
            )
            volunteers += 1
            credited += len(rows)
            total += hours
        audit_record(
            actor=actor,
            action=AuditAction.TIMEBANK_VOLUNTEER_HOURS_ISSUED,
            obj=issuing,
            object_repr=issuing.reference,
            organisation=issuing.organisation,
            detail={
                "from": start.isoformat(),
                "to": end.isoformat(),
                "volunteers": volunteers,
                "activities": credited,
                "hours": str(total),
            },
            channel=channel,
        )
    return Issued(volunteers=volunteers, activities=credited, hours=total)
