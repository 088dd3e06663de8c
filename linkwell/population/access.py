"""Access helpers for invite lists and their entries.

- An invite list belongs to a link-worker service: its link workers, team managers and
  administrators see it (casework/access.py `case_team_ids`); read-only members may look but not
  change (403 on writes); anyone else gets 404.
- An entry the service has sent to a practice is seen by that practice's staff (Role.REFERRER
  at the entry's GP practice): they confirm identity or record an outcome. Read-only members
  403 on writes; anyone else (another practice, the entry not yet sent) 404.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import User
from linkwell.casework.access import case_team_ids
from linkwell.people.access import referrer_organisation_ids
from linkwell.population.models import InviteEntry, InviteList


def invite_team_ids(user: User, *, write: bool = False) -> list[int]:
    """Link-worker services whose invite lists this user works with."""
    return case_team_ids(user, write=write)


def practice_ids(user: User, *, write: bool = False) -> list[int]:
    """Organisations where the user is practice (referrer) staff."""
    return referrer_organisation_ids(user, write=write)


def get_invite_list_for_user(user: User, list_id: uuid.UUID, *, write: bool = False) -> InviteList:
    invite_list = (
        InviteList.objects.select_related("link_worker_service", "uploaded_by")
        .filter(uuid=list_id, link_worker_service_id__in=invite_team_ids(user))
        .first()
    )
    if invite_list is None:
        raise Http404("No such invite list")
    if write and invite_list.link_worker_service_id not in invite_team_ids(user, write=True):
        raise PermissionDenied("You have read-only access to this team's invite lists.")
    return invite_list


def get_invite_entry_for_practice(
    user: User, entry_id: uuid.UUID, *, write: bool = False
) -> InviteEntry:
    """An entry sent to (or already handled by) one of the user's practices."""
    entry = (
        InviteEntry.objects.select_related(
            "invite_list", "invite_list__link_worker_service", "practice", "referral"
        )
        .filter(uuid=entry_id, practice_id__in=practice_ids(user), requested_at__isnull=False)
        .first()
    )
    if entry is None:
        raise Http404("No such invite")
    if write and entry.practice_id not in practice_ids(user, write=True):
        raise PermissionDenied("You have read-only access to your practice's invites.")
    return entry
