"""MDT meetings and who was discussed; practice action plans and their reviews; programme
roll-out checklists (README.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel


class MdtReason(models.TextChoices):
    """Why someone is on a practice's MDT list (selectors/mdt.py proposes the first four)."""

    SAFEGUARDING = "safeguarding", "Safeguarding"
    NOT_ENGAGING = "not_engaging", "Not engaging"
    RISING_RISK = "rising_risk", "Rising risk"
    REVIEW_DUE = "review_due", "Review due"
    ADDED = "added", "Added by hand"


class MdtMeeting(PublicIdModel, TimestampedModel):
    """A practice's multidisciplinary team meeting. Held once `held_at` is set: its list is then
    closed and the practice's next list belongs to the next meeting."""

    practice = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="mdt_meetings"
    )
    meeting_on = models.DateField()
    attendees = models.TextField(blank=True, help_text="Who came: names and roles.")
    held_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting_on", "created_at"]

    def __str__(self) -> str:
        return f"MDT at {self.practice} on {self.meeting_on:%-d %B %Y}"


class MdtEntry(PublicIdModel, TimestampedModel):
    """A person on one meeting's list: added by hand (`added_reason`) or proposed from recorded
    data and then discussed. `reasons` keeps the flags as they stood when the entry was written
    ([{"code", "label", "explanation"}]), so the record of the meeting does not change later."""

    meeting = models.ForeignKey(MdtMeeting, on_delete=models.CASCADE, related_name="entries")
    # Not hidden ("+"): merging two people's records moves a case's entries with it
    # (people/services/merging.py walks the visible reverse relations).
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="mdt_entries")
    reasons = models.JSONField(default=list, blank=True)
    added_reason = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discussed_at = models.DateTimeField(null=True, blank=True)
    agreed_actions = models.TextField(blank=True)
    action_owner = models.CharField(max_length=200, blank=True)
    next_step = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_note = models.ForeignKey(
        "casework.CaseNote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="mdt_entry_once_per_meeting")
        ]
        verbose_name_plural = "MDT entries"

    def __str__(self) -> str:
        return f"MDT entry {self.uuid}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Stopped"


class PracticeAction(PublicIdModel, TimestampedModel):
    """One agreed action of a practice's action plan. Its status changes only through a dated
    review (`PracticeActionReview`), so the history of the plan is kept."""

    practice = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="practice_actions"
    )
    title = models.CharField(max_length=300)
    why = models.TextField(blank=True, help_text="The figure or need it answers.")
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return self.title


class PracticeActionReview(PublicIdModel, TimestampedModel):
    action = models.ForeignKey(PracticeAction, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    notes = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["reviewed_on", "created_at"]


class Rollout(PublicIdModel, TimestampedModel):
    """A programme set-up checklist started for an area from the default template
    (rollout_template.json). It belongs to the organisation running the programme, whose
    managers work through it (access.py)."""

    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="rollouts"
    )
    area = models.ForeignKey(
        "accounts.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="rollouts"
    )
    template_version = models.CharField(max_length=20)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class RolloutStage(models.Model):
    rollout = models.ForeignKey(Rollout, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["rollout", "number"], name="rollout_stage_number")
        ]

    def __str__(self) -> str:
        return f"Stage {self.number}: {self.title}"


class RolloutTask(PublicIdModel, TimestampedModel):
    stage = models.ForeignKey(RolloutStage, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)
    # Evidence that the task is done: a note, a link, or the name/location of an uploaded file.
    evidence_note = models.TextField(blank=True)
    evidence_link = models.URLField(max_length=500, blank=True)
    evidence_file = models.CharField(max_length=300, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title
