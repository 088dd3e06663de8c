"""Cases, contacts and appointments, notes, safeguarding, wellbeing review, plan and follow-up.

A case is never closed for good (the Shropshire social prescribing business case): dormant cases
reopen with their history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class Urgency(models.TextChoices):
    """How soon the link-worker team should reach the person: set on each referral
    (`referrals.Referral.urgency`), it orders the caseload."""

    ROUTINE = "routine", "Routine"
    SOON = "soon", "Soon (within a week)"
    URGENT = "urgent", "Urgent (within 2 working days)"


class Complexity(models.TextChoices):
    SIMPLE = "simple", "Simple"
    MODERATE = "moderate", "Moderate"
    COMPLEX = "complex", "Complex"


class CaseStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    REVIEW_BOOKED = "review_booked", "Review booked"
    ACTIVE = "active", "Active"
    FOLLOW_UP = "follow_up", "Follow-up"
    DORMANT = "dormant", "Dormant"


class Case(PublicIdModel, TimestampedModel, VersionedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    link_worker_service = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    status = models.CharField(
        max_length=15, choices=CaseStatus.choices, default=CaseStatus.NEW, db_index=True
    )
    complexity = models.CharField(max_length=10, choices=Complexity.choices, blank=True)
    opened_at = models.DateTimeField()
    reopened_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    next_contact_due = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "link_worker_service"], name="one_case_per_person_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"Case for {self.person}"


class CaseReferral(models.Model):
    """The referrals (episodes) a case has received; a returning person adds one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_referrals")
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="case_link"
    )

    def __str__(self) -> str:
        return f"{self.case} <- {self.referral}"


class AppointmentKind(models.TextChoices):
    WELLBEING_REVIEW = "wellbeing_review", "Wellbeing review"
    FOLLOW_UP = "follow_up", "Follow-up"
    PHONE = "phone", "Phone call"
    HOME_VISIT = "home_visit", "Home visit"
    GROUP_SESSION = "group_session", "Group session"


class AppointmentOutcome(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "dna", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class Appointment(PublicIdModel, TimestampedModel, VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    with_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(default=45)
    venue = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(
        max_length=10, choices=AppointmentOutcome.choices, default=AppointmentOutcome.BOOKED
    )
    rebooked_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rebooked_as"
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at"]


class CaseNote(PublicIdModel, TimestampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    # Sensitive notes are readable only by their author, the assigned link worker and team managers.
    sensitive = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]


class SafeguardingConcern(PublicIdModel, TimestampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safeguarding_concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField()
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="safeguarding_leads",
        help_text="The named safeguarding lead it was escalated to.",
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who recorded the outcome (services.safeguarding_concern_resolve).",
    )
    outcome = models.TextField(blank=True)


class LifeArea(models.TextChoices):
    HOUSING = "housing", "Housing"
    MONEY = "money", "Money"
    RELATIONSHIPS = "relationships", "Relationships"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    MENTAL_WELLBEING = "mental_wellbeing", "Mental wellbeing"
    WORK_LEARNING = "work_learning", "Work and learning"
    LONELINESS = "loneliness", "Loneliness"
    CARING = "caring", "Caring"
    PRACTICAL_NEEDS = "practical_needs", "Practical needs"


class WellbeingReview(PublicIdModel, TimestampedModel, VersionedModel):
    """The "what matters to me" conversation (45 minutes, as in Halton)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="review"
    )
    held_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    what_matters = models.TextField(help_text="In the person's own words.")
    # {life_area: {"score": 0-10 or null, "priority": bool, "notes": str}}
    life_areas = models.JSONField(default=dict, blank=True)
    # Five Ways to Wellbeing: {"connect": str, "be_active": str, ...} what the person does/could do.
    five_ways = models.JSONField(default=dict, blank=True)
    interests = models.TextField(blank=True)
    # Hook for baseline outcome measures (Outcomes issue).


class StrengthKind(models.TextChoices):
    """The four kinds of a person's assets (strengths) in asset-based community development.
    Not `community.models.AssetKind`, which says what a suggested community asset is."""

    PERSONAL = "personal", "Personal (skills, interests, experience)"
    SOCIAL = "social", "Social (family, friends, neighbours)"
    COMMUNITY = "community", "Community (groups, organisations)"
    NEIGHBOURHOOD = "neighbourhood", "Neighbourhood (places)"


class Strength(models.Model):
    review = models.ForeignKey(WellbeingReview, on_delete=models.CASCADE, related_name="strengths")
    kind = models.CharField(max_length=15, choices=StrengthKind.choices)
    description = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class Plan(PublicIdModel, TimestampedModel, VersionedModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    moving_forward = models.TextField(
        blank=True, help_text="The people and places that will help the person stay well."
    )
    agreed_on = models.DateField(null=True, blank=True)


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    CHANGED = "changed", "Changed"


class Goal(PublicIdModel, TimestampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=500, help_text="In the person's words.")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )


class Action(PublicIdModel, TimestampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    text = models.CharField(max_length=500)
    owner = models.CharField(
        max_length=100, help_text="Who will do it: the person, a name, a role."
    )
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)


class FollowUpKind(models.TextChoices):
    REVIEW_4_WEEKS = "review_4w", "4-week review"
    CHECK_IN_3_MONTHS = "checkin_3m", "3-month check-in"
    CHECK_IN_6_MONTHS = "checkin_6m", "6-month check-in"
    CHECK_IN_12_MONTHS = "checkin_12m", "12-month check-in"
    OTHER = "other", "Other"


class FollowUp(PublicIdModel, TimestampedModel, VersionedModel):
    """A planned contact after the plan is agreed (followup.py); the 4-week review is the first.

    Recording one (follow_up_review.py) keeps, besides `notes` (how things are going, overall),
    each goal's progress (`GoalProgress`), what changed in the plan (`plan_changes`) and the next
    contact arranged (`next_follow_up`). Follow-ups recorded before that structure have `notes`
    only, and are shown as they were written."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=12, choices=FollowUpKind.choices)
    due_on = models.DateField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"goals_added": [text], "goals_closed": [text], "actions_added": [text]}: what the review
    # changed in the plan, as worded then (the plan itself is changed through plan.plan_save).
    plan_changes = models.JSONField(default=dict, blank=True)
    next_follow_up = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The next contact arranged at this one.",
    )

    class Meta:
        ordering = ["due_on"]


class GoalProgress(models.Model):
    """How one goal of the plan stood at a follow-up: its status then, and a line in the
    person's own words. `goal_text` keeps the goal as worded then: the plan may later change."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="goal_progress")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="progress"
    )
    goal_text = models.CharField(max_length=500)
    status = models.CharField(max_length=12, choices=GoalStatus.choices)
    in_their_words = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "goal"], name="one_progress_per_goal")
        ]

    def __str__(self) -> str:
        return f"{self.goal_text}: {self.get_status_display()}"


class MessageBackLetter(PublicIdModel, TimestampedModel):
    """One letter to one organisation about one case on one day: the messages back (stage
    changes) written that day for that person and recipient, gathered so a practice gets one
    letter however many things happened (message_back.py)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="message_back_letters")
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "recipient_organisation", "written_on"],
                name="one_letter_per_case_recipient_day",
            )
        ]


class MessageBackDelivery(PublicIdModel, TimestampedModel):
    """How a letter travelled electronically into the recipient's record: one per letter, written
    through `casework.services.delivery` by the transport that carries it (MESH, linkwell/mesh).
    A letter without one is the printable letter, as for a practice without a MESH mailbox."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        ACKNOWLEDGED = "acknowledged", "Received by the practice"
        FAILED = "failed", "Failed"

    letter = models.OneToOneField(
        MessageBackLetter, on_delete=models.CASCADE, related_name="delivery"
    )
    mailbox = models.CharField(max_length=20, help_text="The recipient's MESH mailbox.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # MESH message ids: the letter as a PDF, and its FHIR document. Each is recorded as soon as
    # MESH accepts it, so a retry sends only what is missing.
    letter_message_id = models.CharField(max_length=100, blank=True)
    document_message_id = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="msgback_delivery_status")]

    def __str__(self) -> str:
        return f"Message back to MESH mailbox {self.mailbox}: {self.get_status_display()}"


class MessageBack(PublicIdModel, TimestampedModel):
    """A structured summary to the referrer / GP record (PRSB social prescribing standard)."""

    class Stage(models.TextChoices):
        SEEN = "seen", "Seen"
        PLAN_AGREED = "plan_agreed", "Plan agreed"
        CONNECTED = "connected", "Connected"
        OUTCOME = "outcome", "Outcome"
        DECLINED = "declined", "Declined"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages_back")
    referral = models.ForeignKey(
        "referrals.Referral", null=True, on_delete=models.SET_NULL, related_name="messages_back"
    )
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="messages_back"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices)
    summary = models.JSONField(default=dict, help_text="Structured content of the letter.")
    snomed_codes = models.JSONField(default=list, blank=True)
    letter = models.ForeignKey(
        MessageBackLetter, null=True, on_delete=models.CASCADE, related_name="entries"
    )
    written_on = models.DateField(null=True)
    # Which stage change this is, beyond its stage: a connection's id and state, a follow-up's
    # id; empty for the once-per-episode stages. With the unique constraint below, recording the
    # same change twice on one day (a retry, a double submit) writes one entry.
    change_key = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "stage", "recipient_organisation", "written_on", "change_key"],
                name="one_message_back_per_change_recipient_day",
            )
        ]
