"""The follow-up schedule (after the Halton model: a review at about four weeks, phone contact to 12
months).

- `follow_up_schedule_create` runs when a plan is agreed (plan.plan_agree): one FollowUp per
  entry of `settings.FOLLOW_UP_SCHEDULE_DAYS` (env LINKWELL_FOLLOW_UP_SCHEDULE_DAYS, default
  28,91,182,365 days after agreement). Agreeing again while follow-ups are still open adds none.
- `follow_up_complete` records the conversation (the 4-week review's notes), moves an active
  case to "follow-up", and writes the "outcome" message back.
- `follow_ups_due` is the caseload's selector: open follow-ups due by a date, for the user's teams.
- Reminders to the person: `send_follow_up_reminders` (a django-tasks task, queued daily by
  `linkwell casework remind` from cron) hands each follow-up due within
  FOLLOW_UP_REMIND_DAYS_BEFORE days to `follow_up_send_reminder`, which sends by the person's
  preferred method (email, or text if the notify backend can), only if they agreed to be contacted.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django_tasks import task

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.context import audit_context
from linkwell.audit.models import Channel
from linkwell.audit.services import audit_record
from linkwell.casework.access import case_team_ids
from linkwell.casework.message_back import latest_referral, message_back_record
from linkwell.casework.models import Case, CaseStatus, FollowUp, FollowUpKind, MessageBack
from linkwell.casework.services import case_mark_follow_up
from linkwell.core import notify
from linkwell.core.concurrency import lock_versioned
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.people.models import ContactMethod

logger = logging.getLogger(__name__)

MAX_NOTES_LENGTH = 10_000


def _kind_for(days: int, first: bool, used: set[str]) -> str:
    if first:
        kind = FollowUpKind.REVIEW_4_WEEKS
    elif days <= 135:
        kind = FollowUpKind.CHECK_IN_3_MONTHS
    elif days <= 273:
        kind = FollowUpKind.CHECK_IN_6_MONTHS
    elif days <= 400:
        kind = FollowUpKind.CHECK_IN_12_MONTHS
    else:
        kind = FollowUpKind.OTHER
    return FollowUpKind.OTHER if kind in used else kind


def schedule_days() -> list[int]:
    return list(settings.FOLLOW_UP_SCHEDULE_DAYS)


def follow_up_schedule_create(*, actor: User | None, case: Case, start: dt.date) -> list[FollowUp]:
    """Create the schedule from `start` (the day the plan was agreed); [] if one is still open."""
    with transaction.atomic():
        if FollowUp.objects.filter(case=case, completed_at__isnull=True).exists():
            return []
        used: set[str] = set()
        rows = []
        for index, days in enumerate(schedule_days()):
            kind = _kind_for(days, index == 0, used)
            used.add(kind)
            rows.append(FollowUp(case=case, kind=kind, due_on=start + dt.timedelta(days=days)))
        created = FollowUp.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_FOLLOW_UPS_SCHEDULED,
            obj=case,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"from": start, "due": [row.due_on for row in rows]},
        )
    return created


def follow_up_complete(
    *, actor: User | None, follow_up: FollowUp, notes: str, completed_on: dt.date | None = None
) -> FollowUp:
    """Record that the follow-up happened, with what was said."""
    case = follow_up.case
    today = timezone.localdate()
    completed_on = completed_on or today
    errors: dict[str, list[str]] = {}
    if not notes.strip():
        errors["notes"] = ["Enter what you talked about and how things are going"]
    elif len(notes) > MAX_NOTES_LENGTH:
        errors["notes"] = [f"Use {MAX_NOTES_LENGTH:,} characters or fewer"]
    if completed_on > today:
        errors["completed_on"] = ["The date must be today or in the past"]
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    completed_at = now
    if completed_on != today:
        completed_at = timezone.make_aware(dt.datetime.combine(completed_on, dt.time(12)))
    with transaction.atomic():
        done = FollowUp.objects.filter(pk=follow_up.pk, completed_at__isnull=True).update(
            completed_at=completed_at, notes=notes.strip(), updated_at=now
        )
        if done != 1:
            raise ConcurrentEditError(f"The {follow_up.get_kind_display()}")
        follow_up.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_FOLLOW_UP_COMPLETED,
            obj=follow_up,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"completed_at": [None, completed_at]},
            detail={"kind": follow_up.kind},
        )
        # Locked until commit, so the move starts from the status read here (a row lock on
        # PostgreSQL; SQLite runs write transactions one at a time).
        current = lock_versioned(Case, case.pk, expected_version=None, what="The case")
        if current.status == CaseStatus.ACTIVE:
            case_mark_follow_up(
                actor=actor,
                case=case,
                expected_version=current.version,
                reason=f"{follow_up.get_kind_display()} completed",
            )
        message_back_record(
            actor=actor, case=case, stage=MessageBack.Stage.OUTCOME, follow_up=follow_up
        )
    return follow_up


# --- Selectors ---------------------------------------------------------------------------------


def follow_ups_for_case(case: Case) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(case=case).order_by("due_on", "pk")


def get_follow_up_for_case(case: Case, follow_up_id: uuid.UUID) -> FollowUp:
    follow_up = follow_ups_for_case(case).filter(uuid=follow_up_id).first()
    if follow_up is None:
        raise Http404("No such follow-up")
    follow_up.case = case
    return follow_up


def follow_ups_due(*, user: User, on_or_before: dt.date) -> QuerySet[FollowUp]:
    """Open follow-ups due by `on_or_before` on the cases of the user's teams (the caseload)."""
    return (
        FollowUp.objects.filter(
            case__link_worker_service_id__in=case_team_ids(user),
            completed_at__isnull=True,
            due_on__lte=on_or_before,
        )
        .select_related("case__person", "case__assigned_to")
        .order_by("due_on", "pk")
    )


# --- Reminders to the person -------------------------------------------------------------------


def follow_ups_needing_reminder(*, today: dt.date | None = None) -> QuerySet[FollowUp]:
    today = today or timezone.localdate()
    return FollowUp.objects.filter(
        completed_at__isnull=True,
        reminder_sent_at__isnull=True,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=settings.FOLLOW_UP_REMIND_DAYS_BEFORE),
    ).exclude(case__status=CaseStatus.DORMANT)


def reminder_route(case: Case) -> tuple[notify.NotifyChannel, str] | None:
    """(channel, address) for a reminder, or None: no consent, or no usable preferred method.

    Only the person's preferred method is used: someone who asked for letters or phone calls is
    not emailed because an address happens to be on file."""
    referral = latest_referral(case)
    if referral is None or not referral.consent_to_contact:
        return None
    person = case.person
    if person.preferred_contact_method == ContactMethod.EMAIL and person.email:
        return notify.EMAIL, person.email
    if (
        person.preferred_contact_method == ContactMethod.TEXT
        and person.phone
        and notify.can_send(notify.SMS)
    ):
        return notify.SMS, person.phone
    return None


def _reminder_text(follow_up: FollowUp) -> tuple[str, str]:
    case = follow_up.case
    person = case.person
    service = case.link_worker_service.name
    subject = f"Your {follow_up.get_kind_display().lower()} with {service}"
    # Deliberately says nothing about the person's situation: texts and emails are not private.
    body = (
        f"Hello {person.preferred_name or person.given_name},\n\n"
        f"This is a reminder from {service}. Your link worker will be in touch around "
        f"{date_format(follow_up.due_on, 'l j F')} for your "
        f"{follow_up.get_kind_display().lower()}, to see how things are going.\n\n"
        f"If you need to change anything, please contact {service}.\n"
    )
    return subject, body


def follow_up_send_reminder(*, follow_up: FollowUp, now: dt.datetime | None = None) -> bool:
    """Remind the person of a follow-up due soon. False if not due, no consent or no route.

    Claimed with a conditional update before sending, so two workers never both send it; sent
    after the claim commits; undone (and audited) if sending fails, so a later run tries again.
    """
    now = now or timezone.now()
    case = follow_up.case
    route = reminder_route(case)
    if route is None:
        return False
    channel, address = route
    with transaction.atomic():
        claimed = (
            follow_ups_needing_reminder(today=timezone.localdate(now))
            .filter(pk=follow_up.pk)
            .update(reminder_sent_at=now)
        )
    if not claimed:
        return False
    subject, body = _reminder_text(follow_up)
    try:
        notify.notify(channel=channel, to=address, subject=subject, body=body)
    except notify.NotifyError as exc:
        with transaction.atomic():
            FollowUp.objects.filter(pk=follow_up.pk, reminder_sent_at=now).update(
                reminder_sent_at=None
            )
            audit_record(
                actor=None,
                action=AuditAction.CASEWORK_FOLLOW_UP_REMINDER_FAILED,
                obj=follow_up,
                organisation=case.link_worker_service,
                person_id=str(case.person.uuid),
                detail={"channel": channel, "error": str(exc)},
            )
        raise
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.CASEWORK_FOLLOW_UP_REMINDER_SENT,
            obj=follow_up,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"reminder_sent_at": [None, now]},
            detail={"channel": channel},
        )
    return True


@task()
def send_follow_up_reminders(limit: int | None = None) -> int:
    """Send the reminders due today; returns how many went. One failure does not stop the rest."""
    sent = 0
    due = follow_ups_needing_reminder().select_related("case__person", "case__link_worker_service")
    if limit is not None:
        due = due[:limit]
    with audit_context(channel=Channel.SYSTEM):
        for follow_up in due:
            try:
                if follow_up_send_reminder(follow_up=follow_up):
                    sent += 1
            except Exception:
                logger.exception("Could not send a follow-up reminder for %s", follow_up.uuid)
    return sent
