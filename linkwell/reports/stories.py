"""Consented patient stories: recording them, and removing identifiers before they are shown.

A story is written de-identified by the link worker. Two lines of defence:

1. `story_problems` / `identifiers_in` (when a story is written or edited): the services below
   refuse a title or text that contains the person's own names, a line of their address, or
   anything shaped like an NHS number, phone number, email address, UK postcode or full date.
   Names are matched as `deidentify` matches them (whole words, any case), so what a link
   worker saves is what the report shows.
2. `deidentify` (whenever a story is published: linkwell/reports/quarterly/evidence_sections.py)
   replaces the person's names and those identifier shapes again, in case a name changed since
   or a story predates the check.

Services here are the only writers of `PatientStory`: keyword-only, atomic, audited in the same
transaction with the person's id; `version` is bumped on every write (optimistic concurrency).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff
from linkwell.casework.models import Case
from linkwell.core.concurrency import bump_versions, update_versioned
from linkwell.core.exceptions import ValidationFailed
from linkwell.reports.models import PatientStory

REDACTED = "[removed]"
TITLE_MAX = 200  # PatientStory.title max_length
TEXT_MAX = 4000  # about a page of the report: a story, not a case history

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# (what it looks like, for the message a link worker sees; the pattern). Order matters: an
# earlier pattern's match is reported once, not again by a later overlapping one.
_IDENTIFIERS: list[tuple[str, re.Pattern[str]]] = [
    # NHS number (3-3-4) and many phone numbers
    ("an NHS number or phone number", re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b")),
    ("a phone number", re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b")),
    ("an email address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("a postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)),
    ("a date", re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")),  # 3/4/2025
    (
        "a date",  # 3 March 2025, 3rd Mar. 2025, March 3, 2025
        re.compile(
            rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}"
            rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b",
            re.IGNORECASE,
        ),
    ),
]
_PATTERNS = [pattern for _what, pattern in _IDENTIFIERS]


def _clean_names(names: Iterable[str]) -> list[str]:
    return sorted({n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True)


def _name_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)


def deidentify(text: str, *, names: Iterable[str]) -> str:
    out = text
    for name in _clean_names(names):
        out = _name_re(name).sub("the person", out)
    for pattern in _PATTERNS:
        out = pattern.sub(REDACTED, out)
    return out


def identifiers_in(
    text: str, *, names: Iterable[str], places: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """What in `text` looks like it identifies the person: `(what, the text found)` pairs in
    the order they appear, each stretch of text reported once. `names` as for `deidentify`;
    `places` are lines of the person's address (matched whole, any case)."""
    found: list[tuple[int, int, str, str]] = []

    def add(what: str, pattern: re.Pattern[str]) -> None:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(start < e and s < end for s, e, _w, _f in found):
                found.append((start, end, what, match.group(0)))

    # Whole identifiers first, so "joan.h@example.com" is an email address, not a name.
    for what, pattern in _IDENTIFIERS:
        add(what, pattern)
    for place in _clean_names(p for p in places if len(p.strip()) > 3):
        add("a line of the person's address", _name_re(place))
    for name in _clean_names(names):
        add("the person's name", _name_re(name))
    return [(what, text_found) for _s, _e, what, text_found in sorted(found)]


def _person_names(case: Case) -> list[str]:
    p = case.person
    return [p.given_name, p.family_name, p.preferred_name]


def _person_places(case: Case) -> list[str]:
    p = case.person
    return [p.address_line_1, p.address_line_2]


def story_problems(*, case: Case, title: str, text: str) -> dict[str, list[str]]:
    """Why `title`/`text` cannot be saved for `case`, per field (empty when they can)."""
    errors: dict[str, list[str]] = {}
    for field, label, value, limit in (
        ("title", "title", title, TITLE_MAX),
        ("text", "story", text, TEXT_MAX),
    ):
        if not value:
            errors[field] = [f"Enter the {label}"]
        elif len(value) > limit:
            errors[field] = [
                f"The {label} must be {limit:,} characters or fewer (it has {len(value):,})"
            ]
        else:
            found = identifiers_in(value, names=_person_names(case), places=_person_places(case))
            if found:
                errors[field] = [
                    f"The {label} contains {what} (“{bit}”): remove it, so that the story "
                    "does not identify the person"
                    for what, bit in found
                ]
    return errors


def story_record(
    *, actor: User | None, case: Case, title: str, text: str, consent_to_publish: bool
) -> PatientStory:
    """Record a story for `case` (its person's consent to publication as they gave it).

    Raises ValidationFailed (per field) for an empty or too long title or text, or one that
    identifies the person (`story_problems`); nothing is saved then.
    """
    title, text = title.strip(), text.strip()
    errors = story_problems(case=case, title=title, text=text)
    if errors:
        raise ValidationFailed(errors)
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
            action=AuditAction.PATIENT_STORY_RECORDED,
            obj=story,
            organisation=case.link_worker_service,
            person_id=str(case.person.uuid),
            detail={"consent_to_publish": consent_to_publish},
        )
    return story


def story_update(
    *,
    actor: User | None,
    story: PatientStory,
    title: str,
    text: str,
    expected_version: int,
    give_consent: bool = False,
) -> PatientStory:
    """Change a story's title and text; with `give_consent`, also record that the person has
    now agreed to its use in reports (ignored when consent is already recorded).

    Raises ValidationFailed as `story_record`, and ConcurrentEditError when the story changed
    (edited, or consent withdrawn) since `expected_version` was read. Withdrawing consent is
    not an edit: `story_withdraw_consent`.
    """
    case = story.case
    title, text = title.strip(), text.strip()
    errors = story_problems(case=case, title=title, text=text)
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    fields: dict[str, Any] = {"title": title, "text": text}
    if give_consent and not story.consent_to_publish:
        fields.update(consent_to_publish=True, consent_recorded_at=now)
    with transaction.atomic():
        before = {name: getattr(story, name) for name in fields}
        update_versioned(
            story, expected_version=expected_version, what="This story", updated_at=now, **fields
        )
        audit_record(
            actor=actor,
            action=AuditAction.PATIENT_STORY_UPDATED,
            obj=story,
            organisation=story.link_worker_service,
            person_id=str(case.person.uuid),
            changes=diff(before, fields),
        )
    story.refresh_from_db()
    return story


def story_withdraw_consent(*, actor: User | None, story: PatientStory) -> PatientStory:
    """The person withdrew consent: the story is no longer published in any report built from
    now on (reports already downloaded cannot be recalled).

    Not version-checked: a withdrawal must win over any edit in progress (and the version bump
    makes an edit form opened before it refuse to save). Raises ValidationFailed when consent
    is not (or no longer) recorded.
    """
    case = story.case
    now = timezone.now()
    with transaction.atomic():
        # Conditional, so two withdrawals at once write one change and one audit row.
        updated = bump_versions(
            PatientStory.objects.filter(pk=story.pk, consent_to_publish=True),
            consent_to_publish=False,
            consent_recorded_at=now,
            updated_at=now,
        )
        if updated != 1:
            raise ValidationFailed(
                "The person's consent to this story was already withdrawn (or never recorded): "
                "it is not used in reports."
            )
        audit_record(
            actor=actor,
            action=AuditAction.PATIENT_STORY_CONSENT_WITHDRAWN,
            obj=story,
            organisation=story.link_worker_service,
            person_id=str(case.person.uuid),
            changes={"consent_to_publish": [True, False]},
        )
    story.refresh_from_db()
    return story
