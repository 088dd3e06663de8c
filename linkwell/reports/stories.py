"""Consented patient stories: recording them, and removing identifiers before they are shown.

A story is written de-identified by the link worker; `deidentify` is a second line of defence
applied whenever a story is published (the quarterly report): it replaces the person's own
names and anything shaped like an NHS number, phone number, email address, UK postcode or a
full date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.audit.services import audit_record
from linkwell.casework.models import Case
from linkwell.reports.models import PatientStory

REDACTED = "[removed]"
_PATTERNS = [
    re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b"),  # NHS number (3-3-4) and many phone numbers
    re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"),  # UK phone numbers
    re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),  # email
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),  # UK postcode
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),  # dates like 3/4/2025
]


def deidentify(text: str, *, names: Iterable[str]) -> str:
    out = text
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True
    ):
        out = re.sub(rf"\b{re.escape(name)}\b", "the person", out, flags=re.IGNORECASE)
    for pattern in _PATTERNS:
        out = pattern.sub(REDACTED, out)
    return out


def story_record(
    *, actor: Any, case: Case, title: str, text: str, consent_to_publish: bool
) -> PatientStory:
    """Record a story for `case` (its person's consent to publication as they gave it)."""
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise ValueError("A story needs a title and its text.")
    with transaction.atomic():
        story = PatientStory.objects.create(
            case=case,
            link_worker_service=case.link_worker_service,
            title=title,
            text=text,
            consent_to_publish=consent_to_publish,
            consent_recorded_at=timezone.now() if consent_to_publish else None,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="patient_story_recorded",
            obj=story,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"consent_to_publish": consent_to_publish},
        )
    return story


def story_withdraw_consent(*, actor: Any, story: PatientStory) -> None:
    """The person withdrew consent: the story is no longer published anywhere."""
    with transaction.atomic():
        story.consent_to_publish = False
        story.consent_recorded_at = timezone.now()
        story.save(update_fields=["consent_to_publish", "consent_recorded_at", "updated_at"])
        audit_record(
            actor=actor,
            action="patient_story_consent_withdrawn",
            obj=story,
            organisation=story.link_worker_service,
            changes={"consent_to_publish": [True, False]},
        )
