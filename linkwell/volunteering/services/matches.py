"""Matches: a coordinator introduces a volunteer to a person, reviews how it is going, and ends
it. (The volunteer's own accept or decline is on the volunteer's pages.)

Invariants (README "Requests, matching and reviews"):
- a volunteer is introduced only when the engine's `hard_constraint_failures` is empty for
  them: otherwise the refusal lists every rule they break and nothing is written;
- at most `MAX_LIVE_MATCHES` live (introduced or active) matches per request: the request row is
  locked and its version checked (`lock_versioned`), so two coordinators introducing at once
  cannot pass the limit together (the second one's form is stale);
- a request is `matched` while it has a live match, `waiting` when the last one ends (unless
  closed);
- every introduction and ending is a `MatchDecision`, with the ranking shown for introductions.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.concurrency import lock_versioned, save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.volunteering import checks
from linkwell.volunteering.access import coordinator_org_ids
from linkwell.volunteering.engine import hard_constraint_failures
from linkwell.volunteering.models import (
    LIVE_MATCH_STATUSES,
    CommunityMember,
    Match,
    MatchDecision,
    MatchDecisionKind,
    MatchReview,
    MatchStatus,
    RequestStatus,
    SupportRequest,
    SupportRole,
)
from linkwell.volunteering.selectors.ranking import (
    member_profiles,
    person_profile,
    suggestion_for_member,
)

logger = logging.getLogger(__name__)

MAX_LIVE_MATCHES = 2
TEXT_LIMIT = 2000
REASON_LIMIT = 300


def review_weeks() -> int:
    return int(getattr(settings, "LINKWELL_MATCH_REVIEW_WEEKS", 6))


def connector_weeks() -> int:
    return int(getattr(settings, "LINKWELL_CONNECTOR_WEEKS", 12))


def _check_coordinator(actor: User, request: SupportRequest) -> None:
    if request.organisation_id not in coordinator_org_ids(actor, write=True):
        raise PermissionDenied("Only a coordinator of this service can change its matches.")


def _request_what(_request: SupportRequest) -> str:
    return "This request"


def _match_what(_match: Match) -> str:
    return "This match"


def settle_request_status(request: SupportRequest) -> None:
    """Set `request.status` from its live matches (caller saves it): matched while one is
    live, waiting otherwise; a closed request stays closed."""
    if request.status == RequestStatus.CLOSED:
        return
    live = request.matches.filter(status__in=LIVE_MATCH_STATUSES).exists()
    request.status = RequestStatus.MATCHED if live else RequestStatus.WAITING


def _goals(goals: str | list[str]) -> list[str]:
    lines = goals.splitlines() if isinstance(goals, str) else goals
    return [" ".join(g.split()) for g in lines if g.strip()]


def _email_volunteer(match_id: int) -> None:
    """Tell the volunteer they have an introduction: no personal data, a link to sign in."""
    match = Match.objects.select_related("member", "request__organisation").get(pk=match_id)
    email = match.member.email or (match.member.user.email if match.member.user else "")
    if not email:
        return
    link = f"{settings.SITE_URL}{reverse(settings.LOGIN_URL)}"
    body = (
        f"Hello {match.member.given_name},\n\n"
        f"{match.request.organisation.name} would like to introduce you to someone new.\n"
        f"Sign in to Linkwell to read about them and to accept or decline:\n{link}\n"
    )
    try:
        send_mail(
            "A new introduction from your volunteer coordinator",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    except Exception:  # a mail failure must not undo a committed introduction
        logger.exception("Could not email the volunteer about match %s", match_id)


def match_introduce(
    *,
    actor: User,
    request: SupportRequest,
    member: CommunityMember,
    expected_version: int | None,
    shown: list[str] | None = None,
    review_on: dt.date | None = None,
    goals: str | list[str] = "",
    at: dt.date | None = None,
) -> Match:
    """Introduce `member` to the request's person. Refused (ValidationFailed on "member",
    nothing written) when the engine finds a hard constraint the volunteer breaks, when the
    request already has two live matches or holds one with this volunteer, or is closed."""
    _check_coordinator(actor, request)
    today = at or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if member.organisation_id != request.organisation_id:
        raise ValidationFailed({"member": ["Choose a volunteer of this service"]})
    if review_on is not None and review_on < today:
        errors["review_on"] = ["The first review date must be today or in the future"]
    goal_list = _goals(goals)
    if request.role == SupportRole.CONNECTOR and not goal_list:
        errors["goals"] = ["Enter the person's goals for the connector programme, one a line"]
    if any(len(g) > REASON_LIMIT for g in goal_list):
        errors["goals"] = ["Each goal must be 300 characters or fewer"]
    if errors:
        raise ValidationFailed(errors)
    shown = [str(s) for s in (shown or [])]
    with transaction.atomic():
        current = lock_versioned(
            SupportRequest.objects.select_related("person", "case", "organisation"),
            request.pk,
            expected_version=expected_version,
            what=_request_what,
            required=True,
        )
        if current.status == RequestStatus.CLOSED:
            raise ValidationFailed({"member": ["This request is closed"]})
        live = list(current.matches.filter(status__in=LIVE_MATCH_STATUSES))
        if any(m.member_id == member.pk for m in live):
            raise ValidationFailed(
                {"member": [f"{member.given_name} is already introduced to this person"]}
            )
        if len(live) >= MAX_LIVE_MATCHES:
            raise ValidationFailed(
                {
                    "member": [
                        f"This person already has {MAX_LIVE_MATCHES} volunteers: end a match "
                        "before introducing another"
                    ]
                }
            )
        pairs = member_profiles(current.organisation, at=today, member_ids=[member.pk])
        if not pairs:
            raise ValidationFailed({"member": ["Choose a volunteer of this service"]})
        volunteer = pairs[0][1]
        profile, wanted = person_profile(current, actor=actor)
        failures = hard_constraint_failures(
            profile, wanted, volunteer, at=today, dbs_renewal_years=checks.renewal_years()
        )
        if failures:
            raise ValidationFailed(
                {
                    "member": [
                        f"{member.given_name} cannot be introduced: {f[:1].lower()}{f[1:]}"
                        for f in failures
                    ]
                }
            )
        suggestion = suggestion_for_member(current, member, profile, wanted, at=today)
        score = float(suggestion.score) if suggestion else None
        key = str(member.uuid)
        rank_shown = shown.index(key) + 1 if key in shown else None
        connector = current.role == SupportRole.CONNECTOR
        match = Match.objects.create(
            request=current,
            member=member,
            status=MatchStatus.INTRODUCED,
            introduced_by=actor,
            introduced_at=timezone.now(),
            score=score,
            reasons=list(suggestion.reasons) if suggestion else [],
            review_on=review_on or today + dt.timedelta(weeks=review_weeks()),
            goals=goal_list if connector else [],
            programme_ends_on=today + dt.timedelta(weeks=connector_weeks()) if connector else None,
        )
        MatchDecision.objects.create(
            request=current,
            member=member,
            decision=MatchDecisionKind.INTRODUCED,
            rank_shown=rank_shown,
            score=score,
            shown=shown,
            decided_by=actor,
        )
        old = current.status
        current.status = RequestStatus.MATCHED
        save_versioned(current, update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MATCH_INTRODUCED,
            obj=match,
            object_repr=f"Introduction of {member.given_name}",
            organisation=current.organisation,
            person_id=str(current.person.uuid),
            changes={"request_status": [old, current.status]},
            detail={
                "request": str(current.uuid),
                "member": key,
                "rank_shown": rank_shown,
                "score": score,
                "review_on": match.review_on,
                "programme_ends_on": match.programme_ends_on,
            },
        )
        match_id = match.pk
        transaction.on_commit(lambda: _email_volunteer(match_id))
    return match


def end_live_match(*, actor: User, match: Match, reason: str) -> Match:
    """End a live match inside the caller's atomic block (the request is the caller's to
    settle): status, who and why, the `ended` decision and the audit event."""
    match.status = MatchStatus.ENDED
    match.ended_at = timezone.now()
    match.ended_by = actor
    match.end_reason = reason
    match.review_on = None  # an ended match has no review due (the queue reads review_on)
    save_versioned(
        match, update_fields=["status", "ended_at", "ended_by", "end_reason", "review_on"]
    )
    MatchDecision.objects.create(
        request_id=match.request_id,
        member_id=match.member_id,
        decision=MatchDecisionKind.ENDED,
        reason=reason,
        decided_by=actor,
    )
    request = SupportRequest.objects.select_related("person", "organisation").get(
        pk=match.request_id
    )
    audit_record(
        actor=actor,
        action=AuditAction.VOLUNTEERING_MATCH_ENDED,
        obj=match,
        object_repr=f"Match with {match.member.given_name}",
        organisation=request.organisation,
        person_id=str(request.person.uuid),
        changes={"status": ["live", MatchStatus.ENDED]},
        detail={"reason": reason, "request": str(request.uuid)},
    )
    return match


def _lock_live_match(match: Match, expected_version: int | None) -> Match:
    current = lock_versioned(
        Match.objects.select_related("member", "request"),
        match.pk,
        expected_version=expected_version,
        what=_match_what,
        required=True,
    )
    if current.status not in LIVE_MATCH_STATUSES:
        raise ValidationFailed({"__all__": ["This match has already ended"]})
    return current


def match_end(*, actor: User, match: Match, expected_version: int | None, reason: str) -> Match:
    """End a live match with a reason. The request goes back to waiting when no live match
    remains, unless it is closed."""
    _check_coordinator(actor, match.request)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": ["Enter why the match is ending"]})
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed({"reason": ["The reason must be 300 characters or fewer"]})
    with transaction.atomic():
        current = _lock_live_match(match, expected_version)
        end_live_match(actor=actor, match=current, reason=reason)
        _settle(current.request_id)
    return current


def _settle(request_pk: int) -> None:
    request = lock_versioned(SupportRequest, request_pk, expected_version=None, what=_request_what)
    before = request.status
    settle_request_status(request)
    if request.status != before:
        save_versioned(request, update_fields=["status"])


def match_review_record(
    *,
    actor: User,
    match: Match,
    expected_version: int | None,
    how_it_is_going: str,
    continues: bool = True,
    held_on: dt.date | None = None,
    next_review_on: dt.date | None = None,
    closing: bool = False,
    now_does: str = "",
) -> MatchReview:
    """Record a review of a live match. It continues (next review on `next_review_on`, by default
    in `LINKWELL_MATCH_REVIEW_WEEKS` weeks) or ends here. A connector's closing review records
    what the person now does on their own and ends the programme."""
    _check_coordinator(actor, match.request)
    today = timezone.localdate()
    held_on = held_on or today
    errors: dict[str, list[str]] = {}
    text = how_it_is_going.strip()
    if not text:
        errors["how_it_is_going"] = ["Enter how the match is going"]
    elif len(text) > TEXT_LIMIT:
        errors["how_it_is_going"] = ["How it is going must be 2,000 characters or fewer"]
    if held_on > today:
        errors["held_on"] = ["The review date cannot be in the future"]
    if closing:
        if match.request.role != SupportRole.CONNECTOR:
            errors["closing"] = ["Only a connector programme has a closing review"]
        if not now_does.strip():
            errors["now_does"] = ["Enter what they now do on their own"]
        elif len(now_does.strip()) > TEXT_LIMIT:
            errors["now_does"] = ["This must be 2,000 characters or fewer"]
    elif continues:
        next_review_on = next_review_on or held_on + dt.timedelta(weeks=review_weeks())
        if next_review_on <= held_on:
            errors["next_review_on"] = ["The next review must be after this one"]
    if errors:
        raise ValidationFailed(errors)
    ends = closing or not continues
    with transaction.atomic():
        current = _lock_live_match(match, expected_version)
        if current.status != MatchStatus.ACTIVE:
            raise ValidationFailed(
                {"__all__": ["The volunteer has not accepted the introduction yet"]}
            )
        review = MatchReview.objects.create(
            match=current,
            held_on=held_on,
            recorded_by=actor,
            how_it_is_going=text,
            continues=not ends,
            next_review_on=None if ends else next_review_on,
            closing=closing,
            now_does=now_does.strip() if closing else "",
        )
        request = SupportRequest.objects.select_related("person", "organisation").get(
            pk=current.request_id
        )
        audit_record(
            actor=actor,
            action=AuditAction.VOLUNTEERING_MATCH_REVIEWED,
            obj=current,
            object_repr=f"Review of the match with {current.member.given_name}",
            organisation=request.organisation,
            person_id=str(request.person.uuid),
            changes={"review_on": [current.review_on, None if ends else next_review_on]},
            detail={"review": str(review.uuid), "continues": not ends, "closing": closing},
        )
        if ends:
            reason = (
                "Connector programme completed"
                if closing
                else f"Ended at the review on {held_on:%-d %B %Y}"
            )
            end_live_match(actor=actor, match=current, reason=reason)
            _settle(current.request_id)
        else:
            current.review_on = next_review_on
            save_versioned(current, update_fields=["review_on"])
    return review
