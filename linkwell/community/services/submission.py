"""Submitting a suggestion (from anyone) and a moderator tidying its draft before deciding."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from linkwell.accounts.models import Membership, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff, snapshot
from linkwell.community.models import PartnerDecision, Suggestion
from linkwell.community.services._common import _lock, _require_pending
from linkwell.community.services.partner_venues import (
    _PARTNER_FIELDS,
    _apply_partner,
    _tell_partner_quietly,
)
from linkwell.community.services.validation import (
    SUGGESTION_FIELDS,
    normalise_data,
    suggestion_errors,
)
from linkwell.core.concurrency import save_versioned
from linkwell.core.exceptions import ValidationFailed


def _role_of(actor: User | AnonymousUser | None) -> str:
    if actor is None or not actor.is_authenticated:
        return "community member"
    membership = Membership.objects.filter(user=actor, is_active=True).order_by("id").first()
    return membership.get_role_display() if membership else "community member"


def suggestion_submit(*, actor: User | AnonymousUser | None, data: Mapping[str, Any]) -> Suggestion:
    """Record a suggestion from the public (or staff) for moderation. Nothing is published."""
    clean = normalise_data(data)
    errors = suggestion_errors(clean)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        suggestion = Suggestion(
            **clean,
            suggested_by=actor if actor is not None and actor.is_authenticated else None,
            suggester_role=_role_of(actor),
        )
        _apply_partner(suggestion)
        suggestion.save()
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_SUGGESTION_SUBMITTED,
            obj=suggestion,
            changes={"status": [None, suggestion.status]},
            detail={
                "partner_approval_needed": suggestion.needs_partner,
                "partner_organisation": str(suggestion.partner_organisation or ""),
            },
        )
        if suggestion.partner_decision == PartnerDecision.PENDING:
            transaction.on_commit(lambda: _tell_partner_quietly(suggestion.pk))
    return suggestion


def suggestion_update(
    *, actor: User | None, suggestion: Suggestion, data: Mapping[str, Any], expected_version: int
) -> Suggestion:
    """A moderator tidies the draft before deciding. A new address re-checks the partner venue."""
    clean = normalise_data(data)
    errors = suggestion_errors(clean)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = _lock(suggestion, expected_version)
        _require_pending(current)
        fields = list(SUGGESTION_FIELDS)
        before = snapshot(current, [*fields, "partner_decision"])
        for key, value in clean.items():
            setattr(current, key, value)
        _apply_partner(current)
        after = snapshot(current, [*fields, "partner_decision"])
        changes = diff(before, after)
        if not changes:
            return current
        save_versioned(current, update_fields=[*fields, *_PARTNER_FIELDS])
        audit_record(
            actor=actor,
            action=AuditAction.COMMUNITY_SUGGESTION_UPDATED,
            obj=current,
            changes=changes,
        )
    return current
