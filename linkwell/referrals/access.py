"""The access helper for referrals in triage.

A referral belongs to the link-worker service that received it: that team's link workers, team
managers and administrators see it (read-only members: 403 on writes); anyone else gets 404.
Referrers see their own referrals only through `referrals_sent_by` (no detail page).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from linkwell.accounts.models import User
from linkwell.casework.access import case_team_ids
from linkwell.referrals.models import Referral


def get_referral_for_triage(user: User, referral_id: uuid.UUID, *, write: bool = False) -> Referral:
    teams = case_team_ids(user)
    referral = (
        Referral.objects.select_related(
            "person", "link_worker_service", "referrer", "referrer_organisation"
        )
        .filter(uuid=referral_id, link_worker_service_id__in=teams)
        .first()
    )
    if referral is None:
        raise Http404("No such referral")
    if write and referral.link_worker_service_id not in case_team_ids(user, write=True):
        raise PermissionDenied("You have read-only access to this team's referrals.")
    return referral
