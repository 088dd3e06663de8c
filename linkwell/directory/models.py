"""The community asset directory, shaped on HSDS 3.0 / Open Referral UK 3.0 (+ HSDS 3.1 capacity).

Each HSDS object is a model whose `uuid` is the HSDS `id` (imports match on it). Fields HSDS
defines but Linkwell does not use are kept verbatim in `extra`, so import -> export is lossless.
Fields that are Linkwell's own (staff notes, QA evidence, verification) never leave the system:
the ORUK serialisers in `linkwell/directory/exchange/hsds.py` list exactly what is exported.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class HsdsModel(PublicIdModel):
    extra = models.JSONField(
        default=dict, blank=True, help_text="Unmodelled HSDS fields, verbatim."
    )

    class Meta:
        abstract = True


class Taxonomy(HsdsModel):
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    uri = models.URLField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsModel):
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.PROTECT, related_name="terms"
    )
    # ORUK 3.0 carries a free-text `taxonomy` name when there is no taxonomy object.
    taxonomy_name = models.CharField(max_length=255, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # Parent ids in feeds may point to terms we do not hold; keep the id so export is lossless.
    parent_uuid = models.UUIDField(null=True, blank=True)
    code = models.CharField(max_length=100, blank=True, db_index=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    term = models.CharField(max_length=255, blank=True)
    language = models.CharField(max_length=20, blank=True)
    term_uri = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["taxonomy_id", "name"]

    def __str__(self) -> str:
        return self.name


class DirectoryOrganization(HsdsModel, TimestampedModel, VersionedModel):
    """HSDS `organization`: a provider of services. `owner` links it to the Linkwell tenant whose
    provider staff may edit its listings."""

    owner = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_organizations",
    )
    name = models.CharField(max_length=255, db_index=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    logo = models.URLField(max_length=500, blank=True)
    uri = models.URLField(max_length=500, blank=True)
    legal_status = models.CharField(max_length=255, blank=True)
    year_incorporated = models.PositiveIntegerField(null=True, blank=True)
    parent_organization_uuid = models.UUIDField(null=True, blank=True)
    # Linkwell-only (never exported): who assures this provider.
    assurer_email = models.EmailField(blank=True)
    staff_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QualityCheckKind(models.TextChoices):
    SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy"
    INSURANCE = "insurance", "Public liability insurance"
    DBS_CHECKS = "dbs_checks", "DBS checks"


REQUIRED_QUALITY_CHECKS = tuple(QualityCheckKind.values)


class QualityCheck(PublicIdModel, TimestampedModel):
    """Evidence a provider is safe to refer to: only quality-assured providers get referrals.
    Private."""

    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.CASCADE, related_name="quality_checks"
    )
    kind = models.CharField(max_length=30, choices=QualityCheckKind.choices)
    checked_on = models.DateField()
    expires_on = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    reference = models.CharField(max_length=255, blank=True, help_text="Document or policy ref.")

    class Meta:
        ordering = ["organization_id", "kind", "-expires_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (expires {self.expires_on:%d %b %Y})"


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class ReferralMode(models.TextChoices):
    ACCEPTS_REFERRALS = "referral", "Accepts referrals"
    SIGNPOST_ONLY = "signpost", "Signposting only"


class Service(HsdsModel, TimestampedModel, VersionedModel):
    organization = models.ForeignKey(
        DirectoryOrganization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=255, db_index=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE, db_index=True
    )
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    alert = models.TextField(blank=True)
    # Linkwell's eligibility rule (eligibility.py): the ages above and, of these long-term
    # conditions, at least one; checked at referral only when `eligibility_checked` is set.
    eligibility_checked = models.BooleanField(
        default=False, help_text="Check the age range and conditions when someone is referred."
    )
    required_conditions = models.JSONField(default=list, blank=True)
    # HSDS assured_date/assurer_email as received (imports); exports use the QA record when present.
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    # HSDS last_modified as received from a feed; our own edits use `updated_at`.
    source_last_modified = models.DateTimeField(null=True, blank=True)
    # Linkwell's own fields.
    referral_mode = models.CharField(
        max_length=10, choices=ReferralMode.choices, default=ReferralMode.SIGNPOST_ONLY
    )
    capacity_available = models.PositiveIntegerField(null=True, blank=True)
    capacity_maximum = models.PositiveIntegerField(null=True, blank=True)
    capacity_unit = models.CharField(max_length=50, blank=True, default="places")
    capacity_updated_at = models.DateTimeField(null=True, blank=True)
    last_verified_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Last confirmed correct (not last edited)."
    )
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verification_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    staff_notes = models.TextField(blank=True, help_text="Private to staff; never exported.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_referrals(self) -> bool:
        return self.referral_mode == ReferralMode.ACCEPTS_REFERRALS

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        limit = dt.timedelta(days=settings.DIRECTORY_VERIFY_AFTER_DAYS)
        return self.last_verified_at is None or now - self.last_verified_at > limit


class Location(HsdsModel, TimestampedModel):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    organization = models.ForeignKey(
        DirectoryOrganization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="locations",
    )
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    url = models.URLField(max_length=500, blank=True)
    name = models.CharField(max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True, db_index=True)
    longitude = models.FloatField(null=True, blank=True, db_index=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=50, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.uuid)


class Address(HsdsModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, db_index=True)
    country = models.CharField(max_length=2, default="GB")
    address_type = models.CharField(max_length=20, default="physical")

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in [self.address_1, self.city, self.postal_code] if p)


class ServiceAtLocation(HsdsModel, TimestampedModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Schedule(HsdsModel):
    """RFC 5545-style recurrence (HSDS 3 schedule): weekly sessions, opening hours, term time
    (valid_from/valid_to bound a term)."""

    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.CharField(max_length=10, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, blank=True)
    freq = models.CharField(max_length=10, blank=True)  # WEEKLY / MONTHLY
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=50, blank=True)  # e.g. "MO,WE" or "1MO"
    byweekno = models.CharField(max_length=100, blank=True)
    bymonthday = models.CharField(max_length=100, blank=True)
    byyearday = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.URLField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday} {self.opens_at}-{self.closes_at}"


class Contact(HsdsModel):
    organization = models.ForeignKey(
        DirectoryOrganization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name or self.email or str(self.uuid)


class Phone(HsdsModel):
    organization = models.ForeignKey(
        DirectoryOrganization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="phones",
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.number


class Language(HsdsModel):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or self.code


class Accessibility(HsdsModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self) -> str:
        return self.description[:80]


class CostOption(HsdsModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.option or str(self.amount)


class ServiceArea(HsdsModel):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="service_areas"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_areas",
    )
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


class AttributeLinkEntity(models.TextChoices):
    SERVICE = "service", "Service"
    ORGANIZATION = "organization", "Organization"
    LOCATION = "location", "Location"
    SERVICE_AT_LOCATION = "service_at_location", "Service at location"


class Attribute(HsdsModel):
    """HSDS attribute: links a taxonomy term to any object (category, need, interest, eligibility,
    Five Ways to Wellbeing, asset kind...). `link_type` says how the term applies."""

    link_entity = models.CharField(max_length=30, choices=AttributeLinkEntity.choices)
    link_uuid = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=100, blank=True)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    value = models.TextField(blank=True)
    label = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["link_entity", "link_uuid"])]

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_uuid} -> {self.taxonomy_term_id}"


# --- Harvesting remote feeds and finding the same service twice (linkwell/directory/harvest/) --


class FeedFormat(models.TextChoices):
    ORUK3 = "oruk3", "Open Referral UK 3.0 / HSDS 3 JSON (paged /services)"
    ORUK1 = "oruk1", "Open Referral UK 1.0 JSON (paged /services)"


class HarvestStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class FeedSource(PublicIdModel, TimestampedModel):
    """A remote directory feed harvested on a schedule: a council's or a provider's ORUK API."""

    name = models.CharField(max_length=255, unique=True)
    url = models.URLField(
        max_length=500, help_text="The feed's services endpoint, e.g. https://example.org/services"
    )
    format = models.CharField(max_length=20, choices=FeedFormat.choices, default=FeedFormat.ORUK3)
    supports_modified_after = models.BooleanField(
        default=False, help_text="The feed filters /services by modified_after (incremental)."
    )
    page_size = models.PositiveSmallIntegerField(default=100)
    harvest_at = models.TimeField(
        default=dt.time(3, 0), help_text="Harvested once a day at or after this time."
    )
    full_every_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days between full harvests (which find withdrawn services)."
    )
    licence = models.CharField(max_length=255, blank=True)
    attribution = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Linkwell organisation whose provider staff may edit the harvested providers.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Updated by each harvest run.
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_full_success_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HarvestRun(PublicIdModel):
    """One harvest of one feed: what it fetched and what it changed (or why it failed)."""

    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=HarvestStatus.choices, default=HarvestStatus.RUNNING
    )
    full = models.BooleanField(default=True)
    modified_after = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    # {"created": [{"id", "name"}], "updated": [...], "withdrawn": [...], "unchanged": n}
    changes = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class ServiceProvenance(models.Model):
    """Where a listing came from: one row per (feed, the feed's record id)."""

    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="records")
    record_id = models.CharField(max_length=255)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="provenance")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    source_last_modified = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # False when the record was merged into a listing another source keeps up to date: the
    # harvest notes it is still published but does not write it.
    writes = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="provenance_unique_record")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.record_id} -> {self.service_id}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "To review"
    MERGED = "merged", "Merged"
    NOT_DUPLICATE = "not_duplicate", "Not a duplicate"


class DuplicateCandidate(PublicIdModel, TimestampedModel):
    """Two listings that look like the same service (a pair is stored once, lower pk first)."""

    first = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    kept = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.status})"
