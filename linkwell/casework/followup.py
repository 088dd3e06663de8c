"""The follow-up schedule (after the Halton model: a review at about four weeks, phone contact to 12
months).

- `follow_up_schedule_create` runs when a plan is agreed (plan.plan_agree): one FollowUp per
  entry of `settings.FOLLOW_UP_SCHEDULE_DAYS` (env LINKWELL_FOLLOW_UP_SCHEDULE_DAYS, default
  28,91,182,365 days after agreement). Agreeing again while follow-ups are still open adds none.
- `follow_up_complete` records the conversation in a line of notes, moves an active case to
  "follow-up", and writes the "outcome" message back. The follow-up page records it with its
  structure (each goal's progress, what changes in the plan, the next contact) through
  `follow_up_review.follow_up_review_record`, which uses the same steps:
  `follow_up_errors`, `follow_up_mark_done` (a conditional update: of two people recording
  the same follow-up, one wins; the version makes a form opened before a reschedule stale) and
  `follow_up_announce_done` (the status move and the message back).
- `follow_up_arrange` sets the next contact: it moves the open follow-up of that kind to the
  new date, or adds one.
- `follow_ups_due` is the caseload's selector: open follow-ups due by a date, for the user's teams.
- Reminders to the person: `send_follow_up_reminders` (a django-tasks task, queued daily by
  `linkwell casework remind` from cron) hands each follow-up due within
  FOLLOW_UP_REMIND_DAYS_BEFORE days to `follow_up_send_reminder`, which sends by the person's
  preferred method (email, or text if the notify backend can), only if they agreed to be contacted.
  A number that texts could not be delivered to (flagged on the person from GOV.UK Notify's
  receipt) is not texted again: the reminder goes by email if there is an address, otherwise the
  link worker phones. The audit says "sent" only when the message left Linkwell; the development
  backend's reminders are audited as not sent. The follow-up page shows how the last reminder went
  (`follow_up_reminder_message`).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

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
from linkwell.core.concurrency import bump_versions, lock_versioned
from linkwell.core.exceptions import ConcurrentEditError, ValidationFailed
from linkwell.notifications.models import NotifyMessage
from linkwell.notifications.selectors import about_ref, latest_message_about
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


def follow_up_errors(*, notes: str, completed_on: dt.date) -> dict[str, list[str]]:
    """Every problem with the conversation's notes and date, keyed by form field name."""
    errors: dict[str, list[str]] = {}
    if not notes.strip():
        errors["notes"] = ["Enter what you talked about and how things are going"]
    elif len(notes) > MAX_NOTES_LENGTH:
        errors["notes"] = [f"Use {MAX_NOTES_LENGTH:,} characters or fewer"]
    if completed_on > timezone.localdate():
        errors["completed_on"] = ["The date must be today or in the past"]
    return errors


def _completed_at(completed_on: dt.date) -> dt.datetime:
    if completed_on == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(completed_on, dt.time(12)))


def follow_up_mark_done(
    *,
    actor: User | None,
    follow_up: FollowUp,
    notes: str,
    completed_on: dt.date,
    expected_version: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Mark the follow-up done, audited; in the caller's transaction. Refused (ConcurrentEditError)
    if it was recorded already, or changed since `expected_version` (when given)."""
    case = follow_up.case
    completed_at = _completed_at(completed_on)
    rows = FollowUp.objects.filter(pk=follow_up.pk, completed_at__isnull=True)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    done = bump_versions(rows, completed_at=completed_at, notes=notes.strip(), recorded_by=actor)
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
        detail={"kind": follow_up.kind, **(detail or {})},
    )


def follow_up_announce_done(*, actor: User | None, follow_up: FollowUp) -> None:
    """After a follow-up is recorded, in the same transaction: an active case moves to
    "follow-up" (through its status service), and the "outcome" message back is written."""
    case = follow_up.case
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


def follow_up_complete(
    *,
    actor: User | None,
    follow_up: FollowUp,
    notes: str,
    completed_on: dt.date | None = None,
    expected_version: int | None = None,
) -> FollowUp:
    """Record that the follow-up happened, with what was said."""
    completed_on = completed_on or timezone.localdate()
    errors = follow_up_errors(notes=notes, completed_on=completed_on)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        follow_up_mark_done(
            actor=actor,
            follow_up=follow_up,
            notes=notes,
            completed_on=completed_on,
            expected_version=expected_version,
        )
        follow_up_announce_done(actor=actor, follow_up=follow_up)
    return follow_up


def follow_up_arrange(*, actor: User | None, case: Case, kind: str, due_on: dt.date) -> FollowUp:
    """The next contact: move the case's open follow-up of `kind` to `due_on` (its reminder
    goes again for the new date), or add one if there is none (or `kind` is "other").
    Audited as a scheduling; in the caller's transaction."""
    with transaction.atomic():
        existing = None
        if kind != FollowUpKind.OTHER:
            existing = (
                FollowUp.objects.select_for_update()
                .filter(case=case, kind=kind, completed_at__isnull=True)
                .order_by("due_on", "pk")
                .first()
            )
        if existing is not None:
            if existing.due_on != due_on:
                before = existing.due_on
                bump_versions(
                    FollowUp.objects.filter(pk=existing.pk), due_on=due_on, reminder_sent_at=None
                )
                existing.refresh_from_db()
                audit_record(
                    actor=actor,
                    action=AuditAction.CASEWORK_FOLLOW_UPS_SCHEDULED,
                    obj=existing,
                    organisation=case.link_worker_service,
                    person_id=str(case.person.uuid),
                    changes={"due_on": [before, due_on]},
                    detail={"kind": kind},
                )
            return existing
        created = FollowUp.objects.create(case=case, kind=kind, due_on=due_on)
        audit_record(
            actor=actor,
            action=AuditAction.CASEWORK_FOLLOW_UPS_SCHEDULED,
            obj=created,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"kind": kind, "due": [due_on]},
        )
    return created


# The kind of contact that usually follows each one (the Halton model's schedule).
NEXT_KIND: dict[str, str] = {
    FollowUpKind.REVIEW_4_WEEKS: FollowUpKind.CHECK_IN_3_MONTHS,
    FollowUpKind.CHECK_IN_3_MONTHS: FollowUpKind.CHECK_IN_6_MONTHS,
    FollowUpKind.CHECK_IN_6_MONTHS: FollowUpKind.CHECK_IN_12_MONTHS,
}


def next_contact_offer(case: Case, *, after: FollowUp) -> tuple[str, dt.date | None]:
    """The next contact a follow-up's form offers: the open follow-up due next (kind and date),
    else the kind that usually follows, with no date (the worker agrees one with the person)."""
    upcoming = (
        follow_ups_for_case(case)
        .filter(completed_at__isnull=True, due_on__gte=after.due_on)
        .exclude(pk=after.pk)
        .first()
    )
    if upcoming is not None:
        return upcoming.kind, upcoming.due_on
    return NEXT_KIND.get(after.kind, ""), None


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
    if person.preferred_contact_method == ContactMethod.TEXT and person.phone:
        if person.sms_unreachable:
            # Texts to this number were not delivered: email if we can, else the worker phones.
            return (notify.EMAIL, person.email) if person.email else None
        if notify.can_send(notify.SMS):
            return notify.SMS, person.phone
    return None


def follow_up_reminder_message(follow_up: FollowUp) -> NotifyMessage | None:
    """The record of the last reminder that went through GOV.UK Notify for this follow-up, with
    its delivery status (None with another backend, or before any reminder)."""
    return latest_message_about(follow_up)


@dataclass(frozen=True)
class ReminderStatus:
    """How the reminder to the person went, in words for the link worker; `failed` when they
    should contact the person another way."""

    text: str
    failed: bool = False


def follow_up_reminder_status(follow_up: FollowUp) -> ReminderStatus | None:
    """None before any reminder. Otherwise what the follow-up's pages say about it."""
    message = follow_up_reminder_message(follow_up)
    if message is not None:
        how = {"sms": "text message", "email": "email", "letter": "letter"}.get(
            message.channel, message.channel
        )
        when = date_format(timezone.localtime(message.created_at), "j F Y")
        if message.failed:
            return ReminderStatus(
                text=f"Reminder by {how} on {when} was not delivered: "
                f"{message.failure_reason or message.get_status_display()}. "
                "Contact them another way.",
                failed=True,
            )
        status = message.get_status_display()
        return ReminderStatus(text=f"Reminder by {how} on {when}: {status[0].lower()}{status[1:]}.")
    if follow_up.reminder_sent_at is None:
        return None
    when = date_format(timezone.localtime(follow_up.reminder_sent_at), "j F Y")
    if notify.is_development_backend():
        return ReminderStatus(text=f"Reminder on {when}: not sent (development backend).")
    return ReminderStatus(text=f"Reminder sent on {when}.")


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


def follow_up_send_reminder(
    *, follow_up: FollowUp, now: dt.datetime | None = None
) -> notify.NotifyResult | None:
    """Remind the person of a follow-up due soon. None if not due, no consent or no route;
    otherwise what happened to the message (`result.sent` only if it left Linkwell).

    Claimed with a conditional update before sending, so two workers never both send it; sent
    after the claim commits; undone (and audited) if sending fails, so a later run tries again.
    A message the development backend handled stays claimed (it is not tried again) and is
    audited as not sent.
    """
    now = now or timezone.now()
    case = follow_up.case
    route = reminder_route(case)
    if route is None:
        return None
    channel, address = route
    with transaction.atomic():
        claimed = (
            follow_ups_needing_reminder(today=timezone.localdate(now))
            .filter(pk=follow_up.pk)
            .update(reminder_sent_at=now)
        )
    if not claimed:
        return None
    subject, body = _reminder_text(follow_up)
    try:
        result = notify.notify(
            channel=channel,
            to=address,
            subject=subject,
            body=body,
            kind=notify.MessageKind.FOLLOW_UP_REMINDER,
            person_id=case.person.pk,
            about=about_ref(follow_up),
        )
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
            action=(
                AuditAction.CASEWORK_FOLLOW_UP_REMINDER_SENT
                if result.sent
                else AuditAction.CASEWORK_FOLLOW_UP_REMINDER_NOT_SENT
            ),
            obj=follow_up,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"reminder_sent_at": [None, now]},
            detail={"channel": channel, "outcome": result.outcome, "reference": result.reference},
        )
    return result


@task()
def send_follow_up_reminders(limit: int | None = None) -> int:
    """Send the reminders due today; returns how many really left Linkwell (the development
    backend's count as handled, not sent). One failure does not stop the rest."""
    sent = 0
    due = follow_ups_needing_reminder().select_related("case__person", "case__link_worker_service")
    if limit is not None:
        due = due[:limit]
    with audit_context(channel=Channel.SYSTEM):
        for follow_up in due:
            try:
                result = follow_up_send_reminder(follow_up=follow_up)
                if result is not None and result.sent:
                    sent += 1
            except Exception:
                logger.exception("Could not send a follow-up reminder for %s", follow_up.uuid)
    return sent
