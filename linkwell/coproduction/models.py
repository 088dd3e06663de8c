"""Co-production self-assessments: a team's answers, who took part, evidence and actions.

Workflows live in services/; see README.md for the rules (one open draft per team, completed
assessments are locked, scores and Linkwell's own figures are snapshotted on completion).
"""

from __future__ import annotations

from django.db import models

from linkwell.coproduction.questions import Principle
from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"


class Assessment(PublicIdModel, TimestampedModel, VersionedModel):
    """One self-assessment by a team (an `Organisation`) with the people who use its service."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="coproduction_assessments"
    )
    question_set_version = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    held_on = models.DateField(help_text="The day the team and participants met to assess.")
    # Who took part. No personal data is needed: counts, and for staff names or roles, for
    # people who use the service first names or initials only if they want to be named.
    staff_count = models.PositiveSmallIntegerField(default=0)
    staff_names = models.TextField(blank=True)
    people_count = models.PositiveSmallIntegerField(default=0)
    people_names = models.TextField(blank=True)
    # {statement key: 0..4}; only keys of the assessment's question set (services check).
    answers = models.JSONField(default=dict, blank=True)
    # {principle: free text}
    evidence = models.JSONField(default=dict, blank=True)
    # Written on completion and never again: {principle: mean 0..4} and Linkwell's own figures
    # (selectors.records.RecordsEvidence.as_snapshot()).
    scores = models.JSONField(default=dict, blank=True)
    records_snapshot = models.JSONField(default=dict, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="draft"),
                name="coproduction_one_draft_per_team",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(completed_at__isnull=False),
                name="coproduction_completed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Co-production self-assessment of {self.held_on:%-d %B %Y}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Action(PublicIdModel, TimestampedModel, VersionedModel):
    """Something the team agreed to do to deepen one principle: what, who, by when.

    Added while the assessment is a draft; its status moves on afterwards too (following the
    action up is not changing the assessment)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    principle = models.CharField(max_length=20, choices=Principle.choices)
    what = models.CharField(max_length=300)
    who = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.what
