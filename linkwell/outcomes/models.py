"""Outcome measures: administrations (a measure taken), schedules, self-completion links, and the
local measures administrators add. Instrument definitions themselves are data
(`instruments/*.json`, plus `LocalMeasure` rows); see engine.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel


class Timepoint(models.TextChoices):
    BASELINE = "baseline", "Baseline (wellbeing review)"
    WEEK_4 = "week_4", "About 4 weeks"
    MONTH_3 = "month_3", "3 months"
    MONTH_6 = "month_6", "6 months"
    MONTH_12 = "month_12", "12 months"
    OTHER = "other", "Other"


# Days after the baseline each timepoint falls due (the Halton model: a review at about four weeks,
# then 3, 6 and 12 months). Used by schedule.py; `other` is never scheduled.
TIMEPOINT_DAYS: dict[str, int] = {
    Timepoint.BASELINE: 0,
    Timepoint.WEEK_4: 28,
    Timepoint.MONTH_3: 91,
    Timepoint.MONTH_6: 182,
    Timepoint.MONTH_12: 365,
}


class CompletedBy(models.TextChoices):
    LINK_WORKER = "link_worker", "With the link worker"
    SELF = "self", "By the person themself (online)"
    PAPER = "paper", "On a paper form"
    STAFF = "staff", "Practice staff survey"


class MeasureAdministration(PublicIdModel, TimestampedModel):
    """One completed measure: the answers as given and the score the engine made of them.

    `score`/`band` are null for item-by-item measures (ONS4); `item_scores` then holds each item.
    `total_only` marks a total copied from paper without item answers. Scores are stored, not
    recomputed, so a later definition version never changes a past result; the instrument
    version is kept with it.
    """

    case = models.ForeignKey(
        "casework.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measure_administrations",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="measure_administrations"
    )
    # The GP practice whose staff answered (staff satisfaction surveys have no case).
    respondent_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    instrument_id = models.CharField(max_length=40, db_index=True)
    instrument_version = models.CharField(max_length=20)
    timepoint = models.CharField(
        max_length=10, choices=Timepoint.choices, default=Timepoint.OTHER, db_index=True
    )
    administered_on = models.DateField(db_index=True)
    answers = models.JSONField(default=dict, blank=True)
    raw = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=60, blank=True)
    item_scores = models.JSONField(default=dict, blank=True)
    missing_items = models.JSONField(default=list, blank=True)
    prorated = models.BooleanField(default=False)
    total_only = models.BooleanField(default=False)
    alerts = models.JSONField(default=list, blank=True)
    completed_by = models.CharField(max_length=12, choices=CompletedBy.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review = models.ForeignKey(
        "casework.WellbeingReview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measure_administrations",
    )
    # Free text the person gives with the measure (MYCaW concerns in their words).
    notes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-administered_on", "-created_at"]
        indexes = [models.Index(fields=["case", "instrument_id", "timepoint"])]

    def __str__(self) -> str:
        result = self.band or ""
        if self.score is not None:
            score = int(self.score) if float(self.score).is_integer() else self.score
            result = f"{score}" + (f" ({self.band})" if self.band else "")
        elif self.item_scores:
            result = ", ".join(
                f"{v.get('label', k)} {v.get('score')}" for k, v in self.item_scores.items()
            )
        return f"{self.instrument_id.upper()}: {result} — {self.get_timepoint_display()}, " + (
            f"{self.administered_on:%-d %B %Y}"
        )


class MeasureSchedule(TimestampedModel):
    """Which measures a link-worker service takes, and when (defaults: settings)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="measure_schedule"
    )
    instruments = models.JSONField(default=list)
    timepoints = models.JSONField(default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Measure schedule of {self.organisation}"


class SelfCompletionLink(PublicIdModel, TimestampedModel):
    """A signed, expiring, single-use link for the person to complete one measure on a phone.

    The URL carries `TimestampSigner(salt=...).sign(uuid)`; expiry is checked from the
    signature's age (settings.OUTCOMES_SELF_LINK_DAYS) and `used_at` makes it single use.
    """

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="self_completion_links"
    )
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    timepoint = models.CharField(max_length=10, choices=Timepoint.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    administration = models.OneToOneField(
        MeasureAdministration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="self_completion_link",
    )

    class Meta:
        ordering = ["-created_at"]


class LocalMeasure(PublicIdModel, TimestampedModel):
    """A measure an administrator added (validated JSON definition)."""

    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    definition = models.JSONField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_id", "instrument_version"], name="one_local_measure_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}@{self.instrument_version}"
