"""Course runs, their sessions and facilitators, enrolments, registers and moving-forward plans."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel

MIN_WEEKS = 4
MAX_WEEKS = 8


class CourseStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Course(PublicIdModel, TimestampedModel, VersionedModel):
    """One run of a course: 4 to 8 weekly sessions at a venue, run by a team."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="courses",
        help_text="The team running the course: its staff manage it.",
    )
    venue_location = models.ForeignKey(
        "directory.Location",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    venue_text = models.CharField(max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField()
    service = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        help_text="The directory entry people find the course under, if any.",
    )
    start_date = models.DateField()
    session_time = models.TimeField()
    weeks = models.PositiveSmallIntegerField()
    completion_threshold = models.PositiveSmallIntegerField(
        help_text="Sessions attended that suggest a participant completed the course."
    )
    status = models.CharField(
        max_length=20, choices=CourseStatus.choices, default=CourseStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="courses_facilitated"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["start_date", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_date:%d %b %Y})"

    @property
    def venue(self) -> str:
        if self.venue_location_id and self.venue_location is not None:
            return str(self.venue_location)
        return self.venue_text


class CourseSession(PublicIdModel, VersionedModel):
    """One weekly session; its version guards the register (two facilitators saving)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    held_on = models.DateField()
    starts_at = models.TimeField()
    register_taken_at = models.DateTimeField(null=True, blank=True)
    register_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="course_session_number")
        ]

    def __str__(self) -> str:
        return f"Session {self.number} of {self.course.title} ({self.held_on:%d %b %Y})"


class CoFacilitator(PublicIdModel, TimestampedModel):
    """A former participant co-facilitating, through their volunteering role."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="co_facilitators")
    role = models.ForeignKey(
        "volunteering.VolunteerRole", on_delete=models.PROTECT, related_name="co_facilitations"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "role"], name="course_cofacilitator_once")
        ]

    def __str__(self) -> str:
        return f"Co-facilitator {self.role.member.given_name} on {self.course.title}"


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"
    NOT_COMPLETED = "not_completed", "Did not complete"


class Enrolment(PublicIdModel, TimestampedModel, VersionedModel):
    """A person on a course, enrolled from their case (their plan)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, related_name="course_enrolments"
    )
    status = models.CharField(
        max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["course", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "case"], name="course_enrolment_once")
        ]

    def __str__(self) -> str:
        return f"Enrolment {self.uuid} on {self.course.title}"


class Mark(models.TextChoices):
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Absent"
    APOLOGIES = "apologies", "Apologies"


class Attendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="marks")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="marks")
    mark = models.CharField(max_length=20, choices=Mark.choices)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="course_mark_once")
        ]

    def __str__(self) -> str:
        return f"{self.mark} at session {self.session.number}"


class RegisterSave(PublicIdModel):
    """One save of a session's register: what a retried POST finds (core/idempotency.py)."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="saves")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    marks = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Register for {self.session}"


class MovingForwardPlan(PublicIdModel, TimestampedModel, VersionedModel):
    """Written with the participant at the end of the course; the link worker sees it on the case."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="moving_forward"
    )
    keep_doing = models.TextField(help_text="What they will keep doing.")
    next_steps = models.TextField(blank=True)
    groups = models.TextField(blank=True, help_text="Groups and places they will join.")
    people = models.TextField(blank=True, help_text="People who will help them keep going.")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Moving-forward plan {self.uuid}"
