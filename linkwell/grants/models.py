"""Community grants: programmes, rounds, tiers, criteria, panels, applications, scores,
conflicts of interest, payments and monitoring reports. Workflows live in `services/`."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class WhoMayApply(models.TextChoices):
    ANYONE = "anyone", "Anyone living or working locally (the public form)"
    PRACTICE_STAFF = "practice_staff", "GP practice staff (signed in to Linkwell)"


class Programme(PublicIdModel, TimestampedModel):
    """A grants programme run by one organisation (whose managers decide its awards)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="grant_programmes"
    )
    name = models.CharField(max_length=200)
    summary = models.TextField(max_length=2000, blank=True)
    eligibility = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="grants_programme_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Tier(PublicIdModel, TimestampedModel):
    """A level of award within a programme ("Try it", up to £500), and who may ask for it."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    minimum_amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    maximum_amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    who_may_apply = models.CharField(
        max_length=20, choices=WhoMayApply.choices, default=WhoMayApply.ANYONE
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "maximum_amount"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="grants_tier_unique_name"),
            models.CheckConstraint(
                condition=models.Q(maximum_amount__gte=models.F("minimum_amount")),
                name="grants_tier_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Round(PublicIdModel, TimestampedModel, VersionedModel):
    """A funding round: open between two dates, with a budget that awards never exceed.

    Decisions and payments lock this row (`services/decisions.py`) so two at once cannot pass
    the budget."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=100)
    opens_on = models.DateField()
    closes_on = models.DateField()
    budget = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["programme", "-opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="grants_round_unique_name"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="grants_round_opens_before_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}: {self.name}"


class Criterion(PublicIdModel, TimestampedModel):
    """A published assessment criterion of a round: scored 0..max_score, weighted."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=1000, blank=True)
    max_score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    weight = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="grants_criterion_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PanelMember(PublicIdModel, TimestampedModel):
    """A user who assesses a round's applications: staff, or a community member (people who
    use services sit on panels), linked to their volunteering record when they are one."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_panels"
    )
    community_member = models.ForeignKey(
        "volunteering.CommunityMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grant_panels",
    )

    class Meta:
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="grants_panel_unique_user")
        ]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    AWARDED = "awarded", "Awarded"
    DECLINED = "declined", "Declined"


class Application(PublicIdModel, TimestampedModel, VersionedModel):
    """An idea asking for a grant: from the public form or from staff signed in."""

    reference = models.CharField(max_length=20, unique=True)  # GR-2026-0042
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    # Who applies (private: the panel and managers see it; figures never do).
    applicant_name = models.CharField(max_length=100)
    applicant_email = models.EmailField()
    applicant_phone = models.CharField(max_length=30, blank=True)
    group_name = models.CharField(max_length=200, blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grant_applications",
    )
    # The idea.
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=4000)
    place = models.CharField(max_length=200, blank=True)
    amount_requested = models.DecimalField(max_digits=10, decimal_places=2)
    people_to_reach = models.PositiveIntegerField()
    who_it_reaches = models.CharField(max_length=500)
    gaps = models.ManyToManyField("connections.ProvisionGap", blank=True, related_name="+")
    # The decision.
    amount_awarded = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField(max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ReferenceSequence(models.Model):
    """The last application number given in a year (GR-<year>-<number>); locked to issue one."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class ConflictOfInterest(PublicIdModel, TimestampedModel):
    """A panel member's declared interest in an application: they cannot score it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    panel_member = models.ForeignKey(
        PanelMember, on_delete=models.CASCADE, related_name="conflicts"
    )
    reason = models.CharField(max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "panel_member"], name="grants_conflict_unique"
            )
        ]


class Score(PublicIdModel, TimestampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    panel_member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "panel_member", "criterion"], name="grants_score_unique"
            )
        ]


class Payment(PublicIdModel, TimestampedModel):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    paid_on = models.DateField()
    reference = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["paid_on", "pk"]


class MonitoringReport(PublicIdModel, TimestampedModel):
    """What a grant achieved, from the grantee (signed link) or staff on their behalf. A new
    group or activity goes to community moderation as a `Suggestion`; once approved, its
    `service` is the directory listing the grant created."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="monitoring"
    )
    what_happened = models.TextField(max_length=4000)
    people_reached = models.PositiveIntegerField()
    suggestion = models.ForeignKey(
        "community.Suggestion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grant_reports",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
