"""Evidence data the deployer loads: the IMD lookup, GP/hospital activity, practice population
profiles, and the editable unit-cost table. Nothing here duplicates the person record: a
person's IMD decile is looked up from their postcode when a figure is computed (README.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel


class PostcodeImd(models.Model):
    """One postcode's LSOA and its Index of Multiple Deprivation decile (1 = most deprived).

    Loaded by `linkwell evidence imd-import FILE`; `postcode` is stored compact and upper case
    ("SY111AA") so it matches however the person's postcode was typed.
    """

    postcode = models.CharField(max_length=8, unique=True)
    lsoa_code = models.CharField(max_length=9, db_index=True)
    imd_decile = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__gte=1, imd_decile__lte=10),
                name="evidence_imd_decile_1_to_10",
            )
        ]

    def __str__(self) -> str:
        return f"{self.postcode} → {self.lsoa_code} (decile {self.imd_decile})"

    @property
    def imd_quintile(self) -> int:
        return (self.imd_decile + 1) // 2


class ActivityKind(models.TextChoices):
    GP_APPOINTMENT = "gp_appointment", "GP appointment"
    NURSE_APPOINTMENT = "nurse_appointment", "Practice nurse appointment"
    AE_ATTENDANCE = "ae_attendance", "A&E attendance"
    EMERGENCY_ADMISSION = "emergency_admission", "Emergency admission"
    OUTPATIENT = "outpatient", "Outpatient attendance"
    PRESCRIPTION = "prescription", "Prescription item"
    # Beyond the NHS acute and primary care extracts: the mental health trust's contacts
    # (community mental health team, crisis and liaison teams, mental health admissions) and
    # the council's adult social care packages started, each from its own extract.
    MENTAL_HEALTH_CONTACT = "mental_health_contact", "Mental health service contact"
    SOCIAL_CARE_PACKAGE = "social_care_package", "Adult social care package"


class ActivityImport(PublicIdModel, TimestampedModel):
    """One imported GP/hospital activity extract (all its rows, or none)."""

    filename = models.CharField(max_length=255)
    rows = models.PositiveIntegerField()
    # The dates the extract covers, both inclusive (--from/--to, else its first and last row):
    # service-use windows are only counted where they lie inside the covered dates.
    period_start = models.DateField()
    period_end = models.DateField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.filename} ({self.rows} rows)"


class ActivityRecord(models.Model):
    """One contact with a health or care service, from an imported extract (a social care
    package counts once, on the day it started)."""

    source = models.ForeignKey(ActivityImport, on_delete=models.CASCADE, related_name="records")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="activity_records"
    )
    occurred_on = models.DateField()
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)

    class Meta:
        indexes = [models.Index(fields=["person", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class UnitCost(TimestampedModel):
    """The cost of one contact of a kind, as the commissioner has set it.

    Kinds without a row use the shipped default (data/unit_costs.json) — see
    `linkwell.evidence.costs.unit_costs`.
    """

    kind = models.CharField(max_length=30, choices=ActivityKind.choices, unique=True)
    cost = models.DecimalField(max_digits=10, decimal_places=2)
    source = models.TextField(help_text="Where the figure comes from (publication, table, year).")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: £{self.cost}"


class PopulationDimension(models.TextChoices):
    IMD_QUINTILE = "imd_quintile", "IMD quintile"
    ETHNICITY = "ethnicity", "Ethnicity"
    AGE_BAND = "age_band", "Age band"
    SEX = "sex", "Sex"


class PracticePopulation(TimestampedModel):
    """Registered patients of one practice in one category of one dimension (a loaded profile).

    Loading a profile for a practice replaces that practice's previous counts in full.
    """

    practice = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="population_profile"
    )
    dimension = models.CharField(max_length=20, choices=PopulationDimension.choices)
    category = models.CharField(max_length=20)
    count = models.PositiveIntegerField()
    as_of = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "dimension", "category"], name="evidence_one_population_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} {self.dimension}={self.category}: {self.count}"


class GapRecipientKind(models.TextChoices):
    SERVICE = "service", "A service"
    CHAMPION = "champion", "A community champion"


class GapRecipient(PublicIdModel, TimestampedModel):
    """Someone who is sent the gaps in provision of their theme and area (the digest).

    `need` (a directory taxonomy term, its sub-terms included) and `area` narrow what they get;
    empty means every need, every area."""

    name = models.CharField(max_length=200)
    email = models.EmailField()
    kind = models.CharField(max_length=10, choices=GapRecipientKind.choices)
    need = models.ForeignKey(
        "directory.TaxonomyTerm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "accounts.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GapDigest(PublicIdModel, TimestampedModel):
    """One digest sent (or tried) to one recipient for one period: what it said, in published
    (disclosure-controlled) counts, and whether it left."""

    recipient = models.ForeignKey(GapRecipient, on_delete=models.CASCADE, related_name="digests")
    period_start = models.DateField()
    period_end = models.DateField()
    rows = models.JSONField(default=list)  # [{"need": str, "gaps": published count}]
    outcome = models.CharField(max_length=100)
    sent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "period_start", "period_end"], name="evidence_one_digest"
            )
        ]
