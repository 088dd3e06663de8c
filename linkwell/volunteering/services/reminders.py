"""Lapsing DBS checks: each organisation's coordinators are emailed the volunteers whose DBS
check lapses within LINKWELL_CHECK_WARNING_DAYS, or has lapsed (`linkwell volunteering remind`,
run daily).

Each volunteer is in an email once per state of their check ("lapses on 3 May" and, later,
"lapsed on 3 May"), not every day: what was sent is recorded as an audit event per volunteer
with the state in its detail, and a state already recorded is not sent again. A new DBS check
gives a new lapse date, so its own reminders follow in time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Organisation
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_record
from linkwell.core.notify import EMAIL, NotifyError, notify, render_text
from linkwell.volunteering.checks import check_state, warning_days
from linkwell.volunteering.models import CheckKind, CheckRecord, CommunityMember, RoleStatus
from linkwell.volunteering.services.notifications import coordinator_emails

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueReminder:
    member: CommunityMember
    state: str  # "lapsing:2027-01-15" or "lapsed:2027-01-15"
    flag: str


def reminders_due(*, at: dt.date | None = None) -> dict[Organisation, list[DueReminder]]:
    """Volunteers with an open role whose DBS check lapses within the warning period or has
    lapsed, and who have not been in a reminder for that state, by organisation."""
    at = at or timezone.localdate()
    members = (
        CommunityMember.objects.filter(
            pk__in=CommunityMember.objects.filter(
                roles__status__in=[s for s in RoleStatus.values if s != RoleStatus.LEFT]
            ).values("pk")
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch("checks", queryset=CheckRecord.objects.filter(kind=CheckKind.DBS))
        )
        .order_by("organisation_id", "given_name", "family_name")
    )
    candidates: list[DueReminder] = []
    for member in members:
        state = check_state(member.checks.all(), at=at)
        expires = state.dbs_expires_on
        if expires is None or (expires - at).days > warning_days():
            continue
        key = f"{'lapsed' if expires <= at else 'lapsing'}:{expires.isoformat()}"
        flag = next(f for f in state.flags if f.startswith("DBS"))
        candidates.append(DueReminder(member=member, state=key, flag=flag))
    sent = set(
        AuditEvent.objects.filter(
            action=AuditAction.VOLUNTEERING_CHECK_REMINDER_SENT,
            object_id__in=[str(c.member.uuid) for c in candidates],
        ).values_list("object_id", "detail__state")
    )
    due: dict[Organisation, list[DueReminder]] = defaultdict(list)
    for c in candidates:
        if (str(c.member.uuid), c.state) not in sent:
            due[c.member.organisation].append(c)
    return dict(due)


def checks_remind(*, at: dt.date | None = None) -> int:
    """Send the due reminders, one email per coordinator per organisation; returns how many
    organisations were emailed. An organisation whose email fails is tried again next run."""
    emailed = 0
    for organisation, rows in reminders_due(at=at).items():
        recipients = coordinator_emails(organisation)
        if not recipients:
            continue
        context = {
            "organisation": organisation.name,
            "rows": [
                {
                    "name": f"{r.member.given_name} {r.member.family_name[:1]}".strip(),
                    "flag": r.flag,
                    "link": settings.SITE_URL
                    + reverse("volunteering:member_detail", kwargs={"member_id": r.member.uuid}),
                }
                for r in rows
            ],
        }
        subject = render_text("volunteering/email/checks_reminder_subject.txt", context)
        body = render_text("volunteering/email/checks_reminder.txt", context)
        try:
            outcomes = {
                notify(channel=EMAIL, to=address, subject=subject, body=body).outcome
                for address in recipients
            }
        except NotifyError:
            logger.warning(
                "Could not send the checks reminder for organisation %s", organisation.pk
            )
            continue
        with transaction.atomic():
            for r in rows:
                audit_record(
                    actor=None,
                    action=AuditAction.VOLUNTEERING_CHECK_REMINDER_SENT,
                    obj=r.member,
                    organisation=organisation,
                    detail={
                        "state": r.state,
                        "recipients": len(recipients),
                        # "not sent (…)" when the development backend only printed it
                        "outcome": "sent" if outcomes == {"sent"} else min(outcomes - {"sent"}),
                    },
                )
        emailed += 1
    return emailed
