"""Subject access (UK GDPR Article 15): everything Linkwell holds about one person, as one JSON
document and a readable PDF of the same.

The tables come from `person_data.person_models()` (every model a chain of foreign keys ties to
the person), so nothing is left out because somebody forgot to list it. Records merged into the
person's record (`Person.merged_into`) are followed, and every record with the same NHS number
is included. Reading the data and writing the audit event happen in one transaction
(`subject_access_export`): an export that is not recorded did not happen.

The output is for the organisation's data protection officer to review before release: it can
hold information about other people (a volunteer's notes, a referrer's name) and health data
that the Data Protection Act 2018 (Schedule 3, Part 2) asks an appropriate health professional
to look at first. Records needing that look are flagged (`review`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import getpass
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent, Channel, Kind
from linkwell.audit.services import audit_record
from linkwell.core.exceptions import ValidationFailed
from linkwell.ops.person_data import SECTIONS, PersonModel, person_models
from linkwell.people.models import Person
from linkwell.people.validation import format_nhs_number, normalise_nhs_number

# Fields that hold a credential rather than information about the person: never exported.
_SECRET_FIELD = re.compile(r"token|secret|password|hash|otp", re.I)
# Sections whose records the reviewer must read before release (see the module docstring).
REVIEW_SECTIONS = {
    "safeguarding": "safeguarding information: check for third parties and serious harm",
    "volunteering": "written by or about volunteers: check for third parties",
    "community_member": "their volunteer record: other people's details may appear",
    "timebank": "exchanges name the other member: check for third parties",
    "grants": "applications and scores name other people: check for third parties",
    "mdt": "MDT discussions may name other professionals and family: check for third parties",
}


class SubjectAccessError(Exception):
    """The export cannot run; the message says why and what to do."""


@dataclass
class Record:
    model: str  # "casework.CaseNote"
    kind: str  # "case note"
    id: str  # the public UUID, or "" for link tables without one
    via: list[str]  # the lookup paths that tie it to the person
    fields: dict[str, Any]
    review: str = ""  # why the reviewer must read it before release, or ""

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"model": self.model, "kind": self.kind, "id": self.id}
        if self.review:
            out["review_before_release"] = self.review
        out["linked_to_person_through"] = self.via
        out["fields"] = self.fields
        return out


@dataclass
class Section:
    key: str
    title: str
    records: list[Record] = field(default_factory=list)


@dataclass
class SubjectAccessExport:
    generated_at: dt.datetime
    generated_by: str
    nhs_number: str
    person: Person
    people: list[Person]  # the person's record first, then merged-away and same-NHS-number ones
    sections: list[Section]
    consents: list[dict[str, Any]]
    audit_trail: list[dict[str, Any]]

    @property
    def counts(self) -> dict[str, int]:
        return {s.key: len(s.records) for s in self.sections}

    def as_json(self) -> dict[str, Any]:
        return {
            "export": {
                "kind": "Subject access request (UK GDPR Article 15)",
                "generated_at": self.generated_at.isoformat(),
                "generated_by": self.generated_by,
                "nhs_number": self.nhs_number,
                "person": str(self.person.uuid),
                "records_included": [str(p.uuid) for p in self.people],
                "note": (
                    "Review before release: records marked review_before_release may hold "
                    "information about other people or need a health professional's view."
                ),
            },
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "records": [r.as_json() for r in s.records],
                }
                for s in self.sections
            ],
            "consents": self.consents,
            "audit_trail": self.audit_trail,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _exported_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not _SECRET_FIELD.search(f.name)
    ]


def _serialise(obj: models.Model, graph: set[type[models.Model]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in _exported_fields(type(obj)):
        if f.name == "uuid":
            continue
        if f.is_relation:
            related = getattr(obj, f.name)
            if related is None:
                out[f.name] = None
            elif type(related) in graph and hasattr(related, "uuid"):
                out[f.name] = str(related.uuid)  # another record in this export
            else:
                out[f.name] = str(related)
        else:
            out[f.name] = _plain(getattr(obj, f.attname))
    for m2m in obj._meta.many_to_many:
        out[m2m.name] = [str(o) for o in getattr(obj, m2m.name).all()]
    return out


def person_family(people: Iterable[Person]) -> list[Person]:
    """The surviving record of each of `people` and every record merged into those, survivors
    first. A merge keeps the duplicate's row (`merged_into`); its details are still held."""
    roots: dict[int, Person] = {}
    for person in people:
        seen = {person.pk}
        while person.merged_into_id is not None and person.merged_into_id not in seen:
            person = Person.objects.get(pk=person.merged_into_id)
            seen.add(person.pk)
        roots[person.pk] = person
    family = list(roots.values())
    frontier = list(roots)
    while frontier:
        merged = list(Person.objects.filter(merged_into_id__in=frontier).exclude(pk__in=roots))
        for p in merged:
            roots[p.pk] = p
        family += merged
        frontier = [p.pk for p in merged]
    return family


def find_people(*, nhs_number: str | None = None, person_uuid: str | None = None) -> list[Person]:
    """The records the export is about, or SubjectAccessError saying why there are none."""
    if nhs_number is not None:
        try:
            number = normalise_nhs_number(nhs_number)
        except ValidationFailed as exc:
            raise SubjectAccessError("; ".join(exc.errors.get("nhs_number", []))) from exc
        if not number:
            raise SubjectAccessError("Give the NHS number: 10 numbers, like 943 476 5919.")
        found = list(Person.objects.filter(nhs_number=number).order_by("created_at"))
        if not found:
            raise SubjectAccessError(
                f"No person with NHS number {format_nhs_number(number)} is held in Linkwell. "
                "Check the number with the requester; if they were never referred, reply that "
                "no personal data is held (and keep a note of the search)."
            )
        return person_family(found)
    try:
        wanted = uuid.UUID(str(person_uuid))
    except ValueError as exc:
        raise SubjectAccessError(
            f"--person {person_uuid!r} is not a record id: give the UUID shown in the person's "
            "page address, e.g. 3f2b9c0e-...."
        ) from exc
    person = Person.objects.filter(uuid=wanted).first()
    if person is None:
        raise SubjectAccessError(f"No person record has the id {wanted}.")
    return person_family([person])


def _collect(
    pm: PersonModel, pks: list[int], graph: set[type[models.Model]]
) -> list[tuple[models.Model, list[str]]]:
    """Rows of `pm.model` tied to the people `pks`, each with the paths that tie it."""
    model = pm.model
    found: dict[Any, tuple[models.Model, list[str]]] = {}
    relations = [f.name for f in _exported_fields(model) if f.is_relation]
    for path in pm.paths:
        lookup = Q(pk__in=pks) if path == "pk" else Q(**{f"{path}__in": pks})
        qs = model._default_manager.filter(lookup).select_related(*relations).distinct()
        if model._meta.many_to_many:
            qs = qs.prefetch_related(*[m.name for m in model._meta.many_to_many])
        for obj in qs.order_by("pk"):
            entry = found.setdefault(obj.pk, (obj, []))
            entry[1].append("person" if path == "pk" else path)
    return [found[k] for k in sorted(found)]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def subject_access_export(
    *, nhs_number: str | None = None, person_uuid: str | None = None, requested_by: str = ""
) -> SubjectAccessExport:
    """Read everything held about the person and record the export, in one transaction.

    The audit event (`ops.subject_access_exported`, kind access, channel command) names the
    person, the records included, the operating-system account and the count per section.
    """
    if (nhs_number is None) == (person_uuid is None):
        raise SubjectAccessError("Give either --nhs-number or --person, not both.")
    with transaction.atomic():
        people = find_people(nhs_number=nhs_number, person_uuid=person_uuid)
        pks = [p.pk for p in people]
        found = person_models()
        graph = {pm.model for pm in found}
        sections: dict[str, Section] = {}
        for key, title in dict.fromkeys(SECTIONS.values()):
            sections[key] = Section(key, title)
        consents: list[dict[str, Any]] = []
        for pm in found:
            # A table nobody placed still goes out (under its own name) rather than be missed;
            # linkwell/ops/tests/test_person_data.py fails until it is placed.
            key, title = SECTIONS.get(pm.label, (pm.label, str(pm.model._meta.verbose_name)))
            section = sections.setdefault(key, Section(key, title))
            for obj, via in _collect(pm, pks, graph):
                fields = _serialise(obj, graph)
                review = REVIEW_SECTIONS.get(key, "")
                if fields.get("sensitive") is True:
                    review = "a sensitive note: check for serious harm and third parties"
                record = Record(
                    model=pm.label,
                    kind=str(pm.model._meta.verbose_name),
                    id=str(getattr(obj, "uuid", "") or ""),
                    via=via,
                    fields=fields,
                    review=review,
                )
                section.records.append(record)
                consents += [
                    {"record": pm.label, "id": record.id, "consent": name, "value": value}
                    for name, value in fields.items()
                    if "consent" in name
                ]
        person_ids = [str(p.uuid) for p in people]
        audit_trail = [
            {
                "at": _plain(e.at),
                "action": e.action,
                "kind": e.kind,
                "by": e.actor_label,
                "channel": e.channel,
                "record": e.object_type,
                "description": e.object_repr,
            }
            for e in AuditEvent.objects.filter(person_id__in=person_ids).order_by("at", "id")
        ]
        export = SubjectAccessExport(
            generated_at=timezone.now(),
            generated_by=requested_by or _os_user(),
            nhs_number=people[0].nhs_number,
            person=people[0],
            people=people,
            sections=[s for s in sections.values()],
            consents=consents,
            audit_trail=audit_trail,
        )
        audit_record(
            actor=None,
            action=AuditAction.OPS_SUBJECT_ACCESS_EXPORTED,
            obj=people[0],
            person_id=str(people[0].uuid),
            kind=Kind.ACCESS,
            channel=Channel.COMMAND,
            detail={
                "os_user": _os_user(),
                "requested_by": requested_by,
                "looked_up_by": "nhs_number" if nhs_number is not None else "person",
                "records_included": person_ids,
                "counts": {k: v for k, v in export.counts.items() if v},
            },
        )
    return export
