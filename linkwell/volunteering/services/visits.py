"""The volunteer's side: answering an introduction, logging visits, calls and other volunteering,
and the concerns volunteers raise with them (README.md, "The volunteer's side").

Rules worth knowing before changing anything here:

- Only the volunteer who holds a match (`match.member.user`) answers it or logs on it; the
  services check this again although the views reach matches only through
  `access.get_match_for_volunteer`.
- A match "started" on the day it was introduced: a volunteer who met the person at the
  introduction and pressed Accept later can still log that first meeting.
- Logging is retry-safe: the form carries a one-time `submission_key`; a second submission with
  the same key (a retried POST after a timeout, a double tap) returns the first activity and
  writes nothing. Two submissions racing each other meet at the unique constraint on the key:
  the loser's insert fails inside a savepoint and it returns the winner's row.
- A concern typed with a visit goes to a named person at once. When the request came from a
  link worker's case, it is raised in casework's safeguarding flow (`safeguarding_concern_raise`)
  to the first of the case team's team managers by name (`safeguarding_leads`, the one rule
  the case page's own form offers); it then appears in that lead's /safeguarding/ list. When the
  request has no case (a GP or self-referral), or the case team has no team manager, the
  concern's lead is the organisation's first coordinator by name (`organisation_coordinators`),
  who is emailed a link; every coordinator of the organisation sees it on /volunteering/concerns/
  and one of them resolves it with an outcome (`activity_concern_resolve`).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.casework.services import safeguarding_concern_raise, safeguarding_leads
from linkwell.casework.services.notes import MAX_NOTE_LENGTH
from linkwell.core.concurrency import bump_versions, lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.volunteering.access import coordinator_org_ids
from linkwell.volunteering.models import (
    CONTACT_KINDS,
    LIVE_MATCH_STATUSES,
    Activity,
    ActivityKind,
    CommunityMember,
    Match,
    MatchDecision,
    MatchDecisionKind,
    MatchStatus,
    RequestStatus,
    SupportRequest,
)
from linkwell.volunteering.tasks import (
    notify_coordinator_of_concern,
    notify_coordinators_of_answer,
    organisation_coordinators,
)

MIN_MINUTES = 5
MAX_MINUTES = 720
MAX_HOW_IT_WENT = 2_000
MAX_DECLINE_REASON = 300
# The concern is passed on with a line saying who raised it after what; casework's limit on a
# concern's description is MAX_NOTE_LENGTH, so the volunteer's own words stop short of it.
MAX_CONCERN = MAX_NOTE_LENGTH - 500


def _what(match: Match) -> str:
    return "This introduction"


def _refuse_unless_holder(actor: User, match: Match) -> None:
    if match.member.user_id is None or match.member.user_id != actor.pk:
        raise ValidationFailed("This introduction is not one of yours")


def _answerable(match: Match, *, answer: str) -> None:
    """Refuse an answer to a match that is no longer waiting for one, saying why."""
    if match.status == MatchStatus.INTRODUCED:
        return
    if match.status == MatchStatus.ACTIVE:
        raise ValidationFailed(
            "You have already accepted this introduction"
            + ("" if answer == "accept" else ". To stop, talk to your coordinator")
        )
    if match.status == MatchStatus.DECLINED:
        raise ValidationFailed("You have already declined this introduction")
    if match.responded_at is None:
        raise ValidationFailed("This introduction was withdrawn by your coordinator")
    raise ValidationFailed("This match has ended")


def _notify_on_commit(match_id: int) -> None:
    transaction.on_commit(lambda: notify_coordinators_of_answer.enqueue(match_id))


def match_accept(*, actor: User, match: Match, expected_version: int | None = None) -> Match:
    """The volunteer accepts an introduction: the match becomes active with its first review
    due in `LINKWELL_MATCH_REVIEW_WEEKS`, the request is matched, the decision is logged and
    the coordinators are emailed once it is committed."""
    _refuse_unless_holder(actor, match)
    with transaction.atomic():
        locked = lock_versioned(
            Match.objects.select_related("request", "member"),
            match.pk,
            expected_version=expected_version,
            what=_what,
        )
        _answerable(locked, answer="accept")
        now = timezone.now()
        today = timezone.localdate()
        locked.status = MatchStatus.ACTIVE
        locked.responded_at = now
        if locked.review_on is None:
            locked.review_on = today + dt.timedelta(weeks=settings.LINKWELL_MATCH_REVIEW_WEEKS)
        save_versioned(locked, update_fields=["status", "responded_at", "review_on"])
        request = locked.request
        bump_versions(
            SupportRequest.objects.filter(pk=request.pk, status=RequestStatus.WAITING),
            status=RequestStatus.MATCHED,
        )
        MatchDecision.objects.create(
            request=request,
            member=locked.member,
            decision=MatchDecisionKind.ACCEPTED,
            score=locked.score,
            decided_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MATCH_ACCEPTED,
            obj=locked,
            object_repr=f"Introduction {locked.uuid}",
            organisation=request.organisation,
            person_id=str(request.person.uuid),
            changes={"status": [MatchStatus.INTRODUCED, MatchStatus.ACTIVE]},
            detail={"review_on": locked.review_on},
        )
        _notify_on_commit(locked.pk)
    return locked


def match_decline(
    *, actor: User, match: Match, reason: str, expected_version: int | None = None
) -> Match:
    """The volunteer declines an introduction with a reason. The request goes back to waiting
    when no other live match remains on it; the coordinators are emailed once committed."""
    _refuse_unless_holder(actor, match)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": ["Tell your coordinator why, in a few words"]})
    if len(reason) > MAX_DECLINE_REASON:
        raise ValidationFailed({"reason": [f"Use {MAX_DECLINE_REASON} characters or fewer"]})
    with transaction.atomic():
        locked = lock_versioned(
            Match.objects.select_related("request", "member"),
            match.pk,
            expected_version=expected_version,
            what=_what,
        )
        _answerable(locked, answer="decline")
        locked.status = MatchStatus.DECLINED
        locked.responded_at = timezone.now()
        locked.decline_reason = reason
        save_versioned(locked, update_fields=["status", "responded_at", "decline_reason"])
        request = locked.request
        still_live = (
            Match.objects.filter(request=request, status__in=LIVE_MATCH_STATUSES)
            .exclude(pk=locked.pk)
            .exists()
        )
        if not still_live:
            bump_versions(
                SupportRequest.objects.filter(pk=request.pk, status=RequestStatus.MATCHED),
                status=RequestStatus.WAITING,
            )
        MatchDecision.objects.create(
            request=request,
            member=locked.member,
            decision=MatchDecisionKind.DECLINED,
            score=locked.score,
            reason=reason,
            decided_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MATCH_DECLINED,
            obj=locked,
            object_repr=f"Introduction {locked.uuid}",
            organisation=request.organisation,
            person_id=str(request.person.uuid),
            changes={"status": [MatchStatus.INTRODUCED, MatchStatus.DECLINED]},
            detail={"reason_length": len(reason), "request_waiting_again": not still_live},
        )
        _notify_on_commit(locked.pk)
    return locked


def match_started_on(match: Match) -> dt.date:
    """The first day a visit on `match` can be logged for (the module docstring)."""
    return timezone.localdate(match.introduced_at)


def _validate_activity(
    *,
    actor: User,
    member: CommunityMember,
    match: Match | None,
    kind: str,
    happened_on: dt.date,
    minutes: int,
    how_it_went: str,
    concern: str,
    today: dt.date,
) -> None:
    if member.user_id is None or member.user_id != actor.pk:
        raise ValidationFailed("You can log only your own volunteering")
    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = ["Choose what you did"]
    elif kind in CONTACT_KINDS and match is None:
        errors["kind"] = ["Log a visit, meeting or call from the page of the person you support"]
    elif kind not in CONTACT_KINDS and match is not None:
        errors["kind"] = ["Choose a visit, a meeting out or a phone call"]
    if match is not None:
        if match.member_id != member.pk:
            raise ValidationFailed("This is not one of your matches")
        if match.status == MatchStatus.INTRODUCED:
            raise ValidationFailed("Accept the introduction before logging a visit or call")
        if match.status == MatchStatus.DECLINED:
            raise ValidationFailed("You declined this introduction, so nothing can be logged on it")
        if match.status == MatchStatus.ENDED:
            raise ValidationFailed("This match has ended, so nothing more can be logged on it")
    if happened_on > today:
        errors["happened_on"] = ["The date must be today or in the past"]
    elif match is not None and happened_on < match_started_on(match):
        errors["happened_on"] = [
            f"The date must be on or after {match_started_on(match):%-d %B %Y}, "
            "when you were introduced"
        ]
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["minutes"] = [
            f"Enter the time in minutes, from {MIN_MINUTES} to {MAX_MINUTES} (12 hours)"
        ]
    if len(how_it_went) > MAX_HOW_IT_WENT:
        errors["how_it_went"] = [f"Use {MAX_HOW_IT_WENT:,} characters or fewer"]
    if len(concern) > MAX_CONCERN:
        errors["concern"] = [f"Use {MAX_CONCERN:,} characters or fewer"]
    if errors:
        raise ValidationFailed(errors)


def activity_log(
    *,
    actor: User,
    member: CommunityMember,
    match: Match | None = None,
    kind: str,
    happened_on: dt.date,
    minutes: int,
    how_it_went: str = "",
    concern: str = "",
    submission_key: uuid.UUID | None = None,
    today: dt.date | None = None,
) -> Activity:
    """Log a visit, a meeting out or a phone call on the volunteer's own active match, or other
    volunteering with no match. Retry-safe by `submission_key`; a `concern` goes straight to a
    named lead (the module docstring)."""
    if submission_key is not None:
        earlier = Activity.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return _same_submission(earlier, member)
    how_it_went = how_it_went.strip()
    concern = concern.strip()
    _validate_activity(
        actor=actor,
        member=member,
        match=match,
        kind=kind,
        happened_on=happened_on,
        minutes=minutes,
        how_it_went=how_it_went,
        concern=concern,
        today=today or timezone.localdate(),
    )
    with transaction.atomic():
        request: SupportRequest | None = None
        if match is not None:
            # Lock the match so a coordinator ending it now cannot slip in between the check
            # above and the insert; read its status again under the lock.
            match = lock_versioned(
                Match.objects.select_related(
                    "request__case__link_worker_service", "request__person", "member"
                ),
                match.pk,
                expected_version=None,
                what=_what,
            )
            if match.status != MatchStatus.ACTIVE:
                raise ValidationFailed("This match has ended, so nothing more can be logged on it")
            request = match.request
        try:
            with transaction.atomic():
                activity = Activity.objects.create(
                    member=member,
                    match=match,
                    kind=kind,
                    happened_on=happened_on,
                    minutes=minutes,
                    how_it_went=how_it_went,
                    concern=concern,
                    recorded_by=actor,
                    submission_key=submission_key,
                )
        except IntegrityError:
            earlier = Activity.objects.filter(submission_key=submission_key).first()
            if submission_key is None or earlier is None:
                raise
            return _same_submission(earlier, member)
        if request is not None and kind in CONTACT_KINDS:
            # The first contact is the earliest one logged, whatever order they are logged in.
            bump_versions(
                SupportRequest.objects.filter(
                    Q(first_contact_on__isnull=True) | Q(first_contact_on__gt=happened_on),
                    pk=request.pk,
                ),
                first_contact_on=happened_on,
            )
        person_id = str(request.person.uuid) if request is not None else ""
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_ACTIVITY_LOGGED,
            obj=activity,
            object_repr=f"{activity.get_kind_display()} on {happened_on}",
            organisation=member.organisation,
            person_id=person_id,
            detail={
                "kind": kind,
                "minutes": minutes,
                "happened_on": happened_on,
                "match": str(match.uuid) if match is not None else None,
                "concern": bool(concern),
            },
        )
        if concern:
            _raise_concern(actor=actor, activity=activity, request=request, person_id=person_id)
    return activity


def _same_submission(earlier: Activity, member: CommunityMember) -> Activity:
    if earlier.member_id != member.pk:
        # A key is a fresh UUID per form; another member's row with it means a forged form.
        raise ValidationFailed("This form has already been used. Open it again to log more")
    return earlier


def _raise_concern(
    *, actor: User, activity: Activity, request: SupportRequest | None, person_id: str
) -> None:
    case = request.case if request is not None else None
    leads = safeguarding_leads(case) if case is not None else []
    if case is not None and leads:
        member = activity.member
        description = (
            f"Raised by {member.given_name}, a volunteer with "
            f"{member.organisation.name}, after a {activity.get_kind_display().lower()} on "
            f"{activity.happened_on:%-d %B %Y}:\n\n{activity.concern}"
        )
        raised = safeguarding_concern_raise(
            actor=actor, case=case, description=description, lead=leads[0]
        )
        activity.safeguarding_concern = raised
        activity.save(update_fields=["safeguarding_concern", "updated_at"])
        return
    coordinators = organisation_coordinators(activity.member.organisation_id)
    activity.concern_lead = coordinators[0] if coordinators else None
    activity.save(update_fields=["concern_lead", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.VOLUNTEERING_ACTIVITY_CONCERN_RAISED,
        obj=activity,
        object_repr=f"Volunteer's concern {activity.uuid}",
        organisation=activity.member.organisation,
        person_id=person_id,
        detail={
            "lead": str(activity.concern_lead.uuid) if activity.concern_lead else None,
            "case": str(case.uuid) if case is not None else None,
            "length": len(activity.concern),
        },
    )
    activity_id = activity.pk
    transaction.on_commit(lambda: notify_coordinator_of_concern.enqueue(activity_id))


def activity_concern_resolve(*, actor: User, activity: Activity, outcome: str) -> Activity:
    """A coordinator records what was done about a volunteer's concern on a request with no
    case. Exactly one of two coordinators resolving at once wins (a conditional update, as
    casework's `safeguarding_concern_resolve`); the other is told, and nothing of theirs is
    saved. The audit row records that an outcome was written, not what it says."""
    if activity.member.organisation_id not in coordinator_org_ids(actor, write=True):
        raise ValidationFailed("Only the organisation's coordinators resolve its concerns")
    if not activity.concern or activity.safeguarding_concern_id is not None:
        raise ValidationFailed(
            "This concern went to the case's safeguarding lead: it is resolved there"
            if activity.safeguarding_concern_id
            else "There is no concern on this visit to resolve"
        )
    outcome = outcome.strip()
    if not outcome:
        raise ValidationFailed({"outcome": ["Enter the outcome: what was done about the concern"]})
    if len(outcome) > MAX_NOTE_LENGTH:
        raise ValidationFailed({"outcome": [f"Use {MAX_NOTE_LENGTH:,} characters or fewer"]})
    now = timezone.now()
    with transaction.atomic():
        updated = Activity.objects.filter(pk=activity.pk, concern_resolved_at__isnull=True).update(
            concern_resolved_at=now, concern_outcome=outcome, updated_at=now
        )
        if updated != 1:
            raise ValidationFailed(
                {
                    "__all__": [
                        "This concern has already been resolved, so your outcome was not saved"
                    ]
                }
            )
        activity.refresh_from_db()
        request = activity.match.request if activity.match is not None else None
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_ACTIVITY_CONCERN_RESOLVED,
            obj=activity,
            object_repr=f"Volunteer's concern {activity.uuid}",
            organisation=activity.member.organisation,
            person_id=str(request.person.uuid) if request is not None else "",
            changes={"concern_resolved_at": [None, now]},
            detail={"length": len(outcome)},
        )
    return activity
