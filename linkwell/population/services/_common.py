"""Helpers shared by the practice's writes (outcomes.py, confirmation.py)."""

from __future__ import annotations

from linkwell.core.concurrency import check_version, lock_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.population.models import InviteEntry, InviteStatus


def _lock_requested(entry: InviteEntry, expected_version: int) -> InviteEntry:
    current = lock_versioned(
        InviteEntry.objects.select_related(
            "invite_list", "invite_list__link_worker_service", "practice"
        ),
        entry.pk,
        expected_version=None,
        what="This invite",
    )
    # An invite already closed says so, rather than "changed by someone else".
    if current.status != InviteStatus.REQUESTED:
        raise ValidationFailed(
            f"This invite has already been closed: {current.get_status_display().lower()}"
        )
    return check_version(current, expected_version, what="This invite")
