"""Demo patient stories (`linkwell demo`): a few fictional, consented stories for demo cases
with a plan, dated in the last full quarter so the quarterly report shows them, and one
without consent (never published). Idempotent; `reset()` removes them."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from linkwell.casework.models import Case
from linkwell.reports.models import PatientStory
from linkwell.reports.quarterly import previous_quarter, quarter_bounds
from linkwell.reports.stories import story_record

STORIES = [
    (
        "Back to the allotment",
        "After losing their partner they had stopped going out. Their link worker introduced "
        "them to a community allotment group; a year on they run the seed swap.",
        True,
    ),
    (
        "Finding a voice again",
        "A carer who felt invisible joined a carers' choir. They say singing on Thursdays is "
        "the one hour a week that is theirs.",
        True,
    ),
    (
        "From debt worries to a plan",
        "Money advice and a walking group together: the debt is on a repayment plan and the "
        "walks have become a weekly habit with new friends.",
        True,
    ),
    ("A private story", "This person did not agree to publication.", False),
]


def load(*, seed: int = 42) -> int:
    """Add the demo stories once; returns how many were added."""
    if PatientStory.objects.filter(title=STORIES[0][0]).exists():
        return 0
    rng = random.Random(seed)
    cases = list(
        Case.objects.filter(plan__isnull=False, assigned_to__isnull=False)
        .select_related("person", "link_worker_service", "assigned_to")
        .order_by("pk")[:50]
    )
    if not cases:
        return 0
    start, end = quarter_bounds(*previous_quarter(timezone.localdate()))
    added = 0
    for (title, text, consent), case in zip(
        STORIES, rng.sample(cases, min(len(cases), 4)), strict=False
    ):
        story = story_record(
            actor=case.assigned_to, case=case, title=title, text=text, consent_to_publish=consent
        )
        day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(11)))
        PatientStory.objects.filter(pk=story.pk).update(created_at=when, updated_at=when)
        added += 1
    return added


def reset() -> None:
    PatientStory.objects.filter(title__in=[t for t, _text, _c in STORIES]).delete()
