"""Deciding a suggestion: approve (publish it), reject (optionally telling the suggester), merge."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.community.models import PartnerDecision, Suggestion, SuggestionStatus
from linkwell.community.services._common import _lock, _require_pending
from linkwell.community.services.contact_confirmation import _send_contact_confirmation_quietly
from linkwell.community.services.publishing import _create_listing
from linkwell.core.concurrency import save_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.core.notify import EMAIL, NotifyError, notify
from linkwell.directory.models import Service

logger = logging.getLogger(__name__)


_DECISION_FIELDS = ("status", "decided_by", "decided_at")


def _decide(
    current: Suggestion,
    *,
    actor: User | None,
    status: SuggestionStatus,
    action: AuditAction,
    also_saved: str,
    detail: dict[str, Any],
) -> None:
    """Record the decision on a locked, pending suggestion (with `also_saved`, the field the
    decision set) and audit it, in the caller's transaction."""
    current.status = status
    current.decided_by = actor
    current.decided_at = timezone.now()
    save_versioned(current, update_fields=[*_DECISION_FIELDS, also_saved])
    audit_record(
        actor=actor,
        action=action,
        obj=current,
        changes={"status": [SuggestionStatus.PENDING, status]},
        detail=detail,
    )


def suggestion_approve(
    *, actor: User | None, suggestion: Suggestion, expected_version: int | None = None
) -> Service:
    """Publish the suggestion as a directory listing (organisation, service, venue, schedule,
    cost) with provenance. Refused while a partner's venue approval is missing. The contact's
    confirmation email goes out after the commit."""
    with transaction.atomic():
        current = _lock(suggestion, expected_version)
        _require_pending(current)
        if current.partner_decision == PartnerDecision.PENDING:
            raise ValidationFailed(
                f"{current.partner_organisation} owns the venue at {current.address_1}: they must "
                "agree before this can be listed there. It is waiting in their venue requests."
            )
        if current.partner_decision == PartnerDecision.DECLINED:
            raise ValidationFailed(
                f"{current.partner_organisation} did not agree to this being listed at their "
                "venue. Change the venue, or reject the suggestion."
            )
        service = _create_listing(current, actor=actor)
        current.service = service
        _decide(
            current,
            actor=actor,
            status=SuggestionStatus.APPROVED,
            action=AuditAction.COMMUNITY_SUGGESTION_APPROVED,
            also_saved="service",
            detail={"service": str(service.uuid)},
        )
        if current.contact_email:
            transaction.on_commit(lambda: _send_contact_confirmation_quietly(current.pk))
    return service


def suggestion_reject(
    *,
    actor: User | None,
    suggestion: Suggestion,
    reason: str,
    tell_suggester: bool = False,
    expected_version: int | None = None,
) -> Suggestion:
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": ["Enter the reason for rejecting the suggestion"]})
    if len(reason) > 2000:
        raise ValidationFailed({"reason": ["The reason must be 2000 characters or fewer"]})
    if tell_suggester and not suggestion.suggester_email:
        raise ValidationFailed(
            {"tell_suggester": ["The person who suggested it left no email address"]}
        )
    with transaction.atomic():
        current = _lock(suggestion, expected_version)
        _require_pending(current)
        current.rejection_reason = reason
        _decide(
            current,
            actor=actor,
            status=SuggestionStatus.REJECTED,
            action=AuditAction.COMMUNITY_SUGGESTION_REJECTED,
            also_saved="rejection_reason",
            detail={"reason": reason, "suggester_told": tell_suggester},
        )
        if tell_suggester:
            transaction.on_commit(lambda: _tell_suggester_quietly(current.pk))
    return current


def suggestion_merge(
    *,
    actor: User | None,
    suggestion: Suggestion,
    service: Service,
    expected_version: int | None = None,
) -> Suggestion:
    """The group is already listed: record the suggestion against that listing (provenance);
    the listing itself is edited, if at all, through the directory's edit page."""
    with transaction.atomic():
        current = _lock(suggestion, expected_version)
        _require_pending(current)
        current.service = service
        _decide(
            current,
            actor=actor,
            status=SuggestionStatus.MERGED,
            action=AuditAction.COMMUNITY_SUGGESTION_MERGED,
            also_saved="service",
            detail={"service": str(service.uuid)},
        )
    return current


def _tell_suggester_quietly(pk: int) -> None:
    suggestion = Suggestion.objects.get(pk=pk)
    try:
        notify(
            channel=EMAIL,
            to=suggestion.suggester_email,
            subject=f"Your suggestion: {suggestion.name}",
            body=(
                f"Hello{(' ' + suggestion.suggester_name) if suggestion.suggester_name else ''},\n\n"
                f"Thank you for suggesting “{suggestion.name}” for the community directory. "
                "We have not listed it, for this reason:\n\n"
                f"{suggestion.rejection_reason}\n\n"
                "If anything changes, you are welcome to suggest it again.\n"
            ),
        )
    except NotifyError:
        logger.exception("Could not email the suggester of %s", suggestion.uuid)
