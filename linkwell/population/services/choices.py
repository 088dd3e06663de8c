"""The link worker's choices on an invite list: ask the practices to confirm the chosen entries
(new -> requested), or set them aside with a reason (new -> not suitable).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record
from linkwell.core.concurrency import bump_versions
from linkwell.core.exceptions import ValidationFailed
from linkwell.population.models import InviteEntry, InviteList, InviteStatus


def _chosen(invite_list: InviteList, entry_ids: list[uuid.UUID]) -> list[InviteEntry]:
    if not entry_ids:
        raise ValidationFailed({"entries": ["Choose at least one person on the list"]})
    entries = list(
        InviteEntry.objects.select_for_update()
        .filter(invite_list=invite_list, uuid__in=entry_ids)
        .order_by("rank")
    )
    if len(entries) != len(set(entry_ids)):
        raise ValidationFailed({"entries": ["Choose people from this list only"]})
    done = [e for e in entries if e.status != InviteStatus.NEW]
    if done:
        ranks = ", ".join(str(e.rank) for e in done[:10])
        raise ValidationFailed(
            {
                "entries": [
                    f"{len(done)} of the people chosen (rank {ranks}) were already sent to the "
                    "practice or closed: reload the list and choose again"
                ]
            }
        )
    return entries


def invite_entries_request(
    *, actor: User, invite_list: InviteList, entry_ids: list[uuid.UUID]
) -> list[InviteEntry]:
    """Ask each entry's practice to re-identify the person and confirm (new -> requested)."""
    return _move_chosen(
        actor=actor,
        invite_list=invite_list,
        entry_ids=entry_ids,
        to=InviteStatus.REQUESTED,
        stamp="requested",
        action=AuditAction.POPULATION_INVITE_ENTRIES_REQUESTED,
        detail=lambda entries: {
            "practices": dict(Counter(str(e.practice_id) for e in entries)),
        },
    )


def invite_entries_not_suitable(
    *, actor: User, invite_list: InviteList, entry_ids: list[uuid.UUID], reason: str
) -> list[InviteEntry]:
    """The link worker sets chosen new entries aside, with a reason (new -> not suitable)."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": ["Say why these people are not suitable"]})
    return _move_chosen(
        actor=actor,
        invite_list=invite_list,
        entry_ids=entry_ids,
        to=InviteStatus.NOT_SUITABLE,
        stamp="resolved",
        fields={"outcome_reason": reason},
        action=AuditAction.POPULATION_INVITE_ENTRIES_NOT_SUITABLE,
        detail=lambda entries: {"reason": reason},
    )


def _move_chosen(
    *,
    actor: User,
    invite_list: InviteList,
    entry_ids: list[uuid.UUID],
    to: InviteStatus,
    stamp: str,
    action: AuditAction,
    detail: Callable[[list[InviteEntry]], dict[str, Any]],
    fields: Mapping[str, Any] | None = None,
) -> list[InviteEntry]:
    """Move the chosen new entries to `to`, stamped `<stamp>_at` and `<stamp>_by`, and audit it
    on the list with the entries and `detail(entries)`, in one transaction."""
    with transaction.atomic():
        entries = _chosen(invite_list, entry_ids)
        now = timezone.now()
        bump_versions(
            InviteEntry.objects.filter(pk__in=[e.pk for e in entries]),
            status=to,
            **{f"{stamp}_at": now, f"{stamp}_by": actor},
            **(fields or {}),
            updated_at=now,
        )
        audit_record(
            actor=actor,
            action=action,
            obj=invite_list,
            organisation=invite_list.link_worker_service,
            changes={"status": [InviteStatus.NEW, to]},
            detail={"entries": [str(e.uuid) for e in entries], **detail(entries)},
        )
    return entries
