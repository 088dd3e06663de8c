"""Community contributions (suggested groups and activities) and providers' iCal timetable feeds.

A `Suggestion` is private until a moderator approves it: approval creates the directory listing
(services.suggestion_approve) and the suggestion stays as its provenance. Contact details typed
in by the public are never published until the owner of the email confirms (`contact_confirmed_at`).
A suggestion at a venue a partner organisation owns needs that partner's approval first
(`partner_decision`). See README.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class AssetKind(models.TextChoices):
    """What a suggested community asset is. Not `casework.models.StrengthKind`, the kinds of a
    person's own strengths: different values, stored in different columns."""

    SKILL = "skill", "A person's skill or hobby they are happy to share"
    GROUP = "group", "An informal group or club"
    ORGANISATION = "organisation", "A charity, organisation or business"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every other week"
    MONTHLY = "monthly", "Once a month"
    ONCE = "once", "Just once, on one date"
    OTHER = "other", "Something else, or not sure"


class VenueKind(models.TextChoices):
    ADDRESS = "address", "At a place (a hall, café, park, library…)"
    ONLINE = "online", "Online"
    HOME = "home", "At someone's home (we will not publish the address)"


class CostKind(models.TextChoices):
    FREE = "free", "Free"
    PAID = "paid", "There is a charge"
    DONATION = "donation", "Pay what you can, or a donation"
    UNKNOWN = "unknown", "Not sure"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved and listed"
    REJECTED = "rejected", "Rejected"
    MERGED = "merged", "Merged into an existing listing"


class PartnerDecision(models.TextChoices):
    NOT_NEEDED = "", "Not needed"
    PENDING = "pending", "Waiting for the venue's owner"
    APPROVED = "approved", "The venue's owner agreed"
    DECLINED = "declined", "The venue's owner did not agree"


class Suggestion(PublicIdModel, TimestampedModel, VersionedModel):
    """A group, activity or skill somebody suggested for the directory."""

    status = models.CharField(
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
        db_index=True,
    )
    asset_kind = models.CharField(max_length=15, choices=AssetKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=2000)
    organisation_name = models.CharField(max_length=200, blank=True)
    # When
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    day = models.CharField(max_length=2, blank=True)  # MO..SU
    week_of_month = models.SmallIntegerField(null=True, blank=True)  # 1-4, or -1 for last
    on_date = models.DateField(null=True, blank=True)
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)
    when_notes = models.CharField(max_length=500, blank=True)
    # Where
    venue_kind = models.CharField(max_length=10, choices=VenueKind.choices)
    venue_name = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    online_link = models.URLField(max_length=500, blank=True)
    # Cost and who it is for
    cost_kind = models.CharField(max_length=10, choices=CostKind.choices)
    cost_amount = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    cost_notes = models.CharField(max_length=255, blank=True)
    who_for = models.CharField(max_length=500, blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Contact details to publish (only once confirmed by email; see README).
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(max_length=500, blank=True)
    contact_confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    contact_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Who suggested it (private; for replies and provenance).
    suggester_name = models.CharField(max_length=100, blank=True)
    suggester_email = models.EmailField(blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggester_role = models.CharField(max_length=30, default="community member")
    # A venue owned by a partner organisation needs the partner's approval.
    partner_location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_venue_requests",
    )
    partner_decision = models.CharField(
        max_length=10,
        choices=PartnerDecision.choices,
        default=PartnerDecision.NOT_NEEDED,
        blank=True,
    )
    partner_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner_decided_at = models.DateTimeField(null=True, blank=True)
    partner_note = models.CharField(max_length=500, blank=True)
    # The moderator's decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    service = models.ForeignKey(
        "directory.Service",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_suggestions",
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_partner(self) -> bool:
        return self.partner_decision != PartnerDecision.NOT_NEEDED

    @property
    def day_name(self) -> str:
        names = dict(zip(DAY_CODES, DAY_NAMES, strict=True))
        return names.get(self.day, self.day)

    @property
    def week_name(self) -> str:
        return {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}.get(
            self.week_of_month or 0, ""
        )

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_email or self.contact_phone)


class FeedStatus(models.TextChoices):
    NEW = "new", "Not imported yet"
    OK = "ok", "Imported"
    FAILED = "failed", "Last import failed"


class TimetableFeed(PublicIdModel, TimestampedModel):
    """A provider's iCal timetable for one service: a URL fetched on each run, or an uploaded file.

    An import replaces the schedules this feed brought in (FeedSchedule) and nothing else, in one
    transaction; a feed that fails validation changes nothing and records why (`last_error`)."""

    service = models.OneToOneField(
        "directory.Service", on_delete=models.CASCADE, related_name="timetable_feed"
    )
    url = models.URLField(max_length=500, blank=True)
    uploaded = models.TextField(blank=True, help_text="The .ics file's text, when uploaded.")
    uploaded_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=FeedStatus.choices, default=FeedStatus.NEW)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    events_imported = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.url or self.uploaded_name or "uploaded timetable"


class FeedSchedule(models.Model):
    """Which directory schedules a feed owns (an import replaces exactly these)."""

    feed = models.ForeignKey(TimetableFeed, on_delete=models.CASCADE, related_name="links")
    schedule = models.OneToOneField(
        "directory.Schedule", on_delete=models.CASCADE, related_name="community_feed_link"
    )

    def __str__(self) -> str:
        return f"{self.feed_id} -> {self.schedule_id}"
