"""Reports owns `PatientStory` (consented stories for the quarterly report). `DisclosureControl`
only carries the permission that lets a user see figures before disclosure control
(linkwell/analysis/disclosure.py: `can_see_unsuppressed`); administrators grant it to a user or a
group in the admin. It has a real (always empty) table so that everything that walks every model,
`linkwell dumpdata` and the backup check among them, can read it like any other."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linkwell.core.models import PublicIdModel, TimestampedModel, VersionedModel


class DisclosureControl(models.Model):
    class Meta:
        # A home for the permission only: its table stays empty.
        default_permissions = ()
        permissions = [
            (
                "view_unsuppressed",
                "Can see unsuppressed figures (counts of 1-7 and unrounded numbers); audited",
            )
        ]

    def __str__(self) -> str:
        return "Disclosure control"


class PatientStory(PublicIdModel, TimestampedModel, VersionedModel):
    """A person's story for the commissioner report, written by their link worker.

    Published only while `consent_to_publish` is true (the person agreed to its use in
    reports; withdrawing consent sets it false and the story drops out of every later report).
    The text is written de-identified; `linkwell.reports.stories.deidentify` also strips the
    person's names and identifiers when it is shown, in case one slipped in.

    `version` (optimistic concurrency): every write in linkwell/reports/stories.py bumps it, and
    `story_update` refuses a save made from an older version.
    """

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="report_stories"
    )
    link_worker_service = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="report_stories"
    )
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="De-identified: no names, places of residence or dates.")
    consent_to_publish = models.BooleanField(default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["link_worker_service", "created_at"])]

    def __str__(self) -> str:
        return self.title
