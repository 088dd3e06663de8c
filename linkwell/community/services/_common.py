"""Shared by the suggestion writers: lock a suggestion, and refuse one already decided."""

from __future__ import annotations

from linkwell.community.models import Suggestion, SuggestionStatus
from linkwell.core.concurrency import lock_versioned
from linkwell.core.exceptions import ValidationFailed


def _lock(suggestion: Suggestion, expected_version: int | None) -> Suggestion:
    return lock_versioned(
        Suggestion,
        suggestion.pk,
        expected_version=expected_version,
        what=lambda s: f"The suggestion “{s.name}”",
    )


def _require_pending(suggestion: Suggestion) -> None:
    if suggestion.status != SuggestionStatus.PENDING:
        raise ValidationFailed(
            f"This suggestion has already been decided ({suggestion.get_status_display().lower()})."
        )
