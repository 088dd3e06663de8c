"""A practice's action plan: its actions, each with its reviews oldest first."""

from __future__ import annotations

from django.db.models import Prefetch

from linkwell.accounts.models import Organisation
from linkwell.practice.models import PracticeAction, PracticeActionReview


def practice_actions(*, practice: Organisation) -> list[PracticeAction]:
    return list(
        PracticeAction.objects.filter(practice=practice)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=PracticeActionReview.objects.select_related("recorded_by").order_by(
                    "reviewed_on", "created_at"
                ),
            )
        )
    )
