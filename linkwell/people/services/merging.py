"""Merging two records of one person: everything pointing at the duplicate moves to the record
kept; the duplicate stays, pointing at it, for the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, snapshot
from linkwell.core.concurrency import bump_versions, check_version
from linkwell.core.exceptions import ValidationFailed
from linkwell.people.models import CarerStatus, Ethnicity, Person, Sex

# Fields a merge copies from the duplicate when the kept record has nothing ("" or "not known").
_FILLABLE_BLANKS: dict[str, Any] = {
    "preferred_name": "",
    "nhs_number": "",
    "address_line_1": "",
    "address_line_2": "",
    "town": "",
    "postcode": "",
    "phone": "",
    "email": "",
    "gender_identity": "",
    "accessibility_needs": "",
    "registered_practice_id": None,
    "sex": Sex.UNKNOWN,
    "ethnicity": Ethnicity.UNKNOWN,
    "carer_status": CarerStatus.UNKNOWN,
}


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[list[str], Any]]:
    """The other fields of each unique rule on `model` that includes `field_name`, with the
    rule's condition (None when unconditional)."""
    out: list[tuple[list[str], Any]] = []
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        if isinstance(constraint, models.UniqueConstraint) and field_name in fields:
            out.append(([f for f in fields if f != field_name], constraint.condition))
    for together in model._meta.unique_together:
        if field_name in together:
            out.append(([f for f in together if f != field_name], None))
    return out


def _describe(obj: models.Model) -> str:
    return f"{obj._meta.verbose_name} “{obj}”"


def _move_related(dup: models.Model, keep: models.Model, report: dict[str, Any]) -> None:
    """Point everything that refers to `dup` at `keep`.

    Generic on purpose: cases, referrals, connections, outcomes and whatever later issues hang on
    a person all move without this code knowing them. Where a unique rule (one case per person
    per service) would be broken, the two rows are merged the same way, recursively, and the
    emptied row is deleted (its values kept in the audit detail). Two one-to-one children (two
    plans on the two cases) cannot be combined: ValidationFailed, and the caller's transaction
    rolls everything back.
    """
    for rel in dup._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete):
            continue
        related_model = rel.related_model
        if related_model is None or related_model._meta.auto_created:
            continue  # auto-created M2M through tables are handled with their ManyToManyRel
        label = related_model._meta.label_lower
        if rel.many_to_many:
            accessor = str(rel.get_accessor_name())  # type: ignore[union-attr]
            items = list(getattr(dup, accessor).all())
            if items:
                getattr(keep, accessor).add(*items)
                getattr(dup, accessor).clear()
                report["moved"][label] = report["moved"].get(label, 0) + len(items)
            continue
        fk_name = rel.field.name  # type: ignore[union-attr]
        manager = related_model._default_manager
        rows = manager.filter(**{fk_name: dup})
        if rel.one_to_one or rel.field.unique:  # type: ignore[union-attr]
            row = rows.first()
            if row is None:
                continue
            if manager.filter(**{fk_name: keep}).exists():
                raise ValidationFailed(
                    f"Both records have a {related_model._meta.verbose_name} for "
                    f"{_describe(keep)}, and Linkwell cannot combine two of them. Resolve this by "
                    "hand first, then merge."
                )
            rows.update(**{fk_name: keep})
            report["moved"][label] = report["moved"].get(label, 0) + 1
            continue
        rules = _unique_sets(related_model, fk_name)
        for row in list(rows):
            target = None
            for others, condition in rules:
                if condition is not None and not manager.filter(condition, pk=row.pk).exists():
                    continue
                lookup: dict[str, Any] = {fk_name: keep}
                for other in others:
                    attname = str(getattr(related_model._meta.get_field(other), "attname", other))
                    lookup[attname] = getattr(row, attname)
                clash = manager.filter(**lookup)
                if condition is not None:
                    clash = clash.filter(condition)
                target = clash.first()
                if target is not None:
                    break
            if target is None:
                manager.filter(pk=row.pk).update(**{fk_name: keep})
                report["moved"][label] = report["moved"].get(label, 0) + 1
                continue
            _move_related(row, target, report)
            if any(f.name == "version" for f in related_model._meta.concrete_fields):
                # Whoever has the surviving row open must reload: it gained history.
                manager.filter(pk=target.pk).update(version=F("version") + 1)
            report["combined"].append(
                {
                    "model": label,
                    "removed": str(getattr(row, "uuid", row.pk)),
                    "into": str(getattr(target, "uuid", target.pk)),
                    "values": model_to_dict(row),
                }
            )
            row.delete()


def person_merge(
    *,
    actor: User | None,
    keep: Person,
    duplicate: Person,
    expected_keep_version: int | None = None,
    expected_duplicate_version: int | None = None,
) -> Person:
    """Fold `duplicate` into `keep`: referrals, cases and everything else move to `keep`; cases
    with the same link-worker service are combined; blanks on `keep` are filled from `duplicate`.
    `duplicate` stays (pointing at `keep` through `merged_into`) so the audit trail still resolves.
    """
    if keep.pk == duplicate.pk:
        raise ValidationFailed("Choose two different records to merge")
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk])
        }
        current_keep, current_dup = locked[keep.pk], locked[duplicate.pk]
        if current_keep.merged_into_id or current_dup.merged_into_id:
            raise ValidationFailed("One of these records has already been merged into another")
        for person, expected in (
            (current_keep, expected_keep_version),
            (current_dup, expected_duplicate_version),
        ):
            check_version(person, expected, what=f"The record for {person}")
        if (
            current_keep.nhs_number
            and current_dup.nhs_number
            and current_keep.nhs_number != current_dup.nhs_number
        ):
            raise ValidationFailed(
                "These records have different NHS numbers, so they are different people"
            )
        report: dict[str, Any] = {"moved": {}, "combined": []}
        _move_related(current_dup, current_keep, report)
        before = snapshot(current_keep, list(_FILLABLE_BLANKS.keys()))
        filled: dict[str, Any] = {}
        for attname, blank in _FILLABLE_BLANKS.items():
            if getattr(current_keep, attname) == blank and getattr(current_dup, attname) != blank:
                filled[attname] = getattr(current_dup, attname)
        now = timezone.now()
        bump_versions(Person.objects.filter(pk=current_keep.pk), updated_at=now, **filled)
        bump_versions(
            Person.objects.filter(pk=current_dup.pk), merged_into=current_keep, updated_at=now
        )
        current_keep.refresh_from_db()
        after = snapshot(current_keep, list(_FILLABLE_BLANKS.keys()))
        audit_record(
            actor=actor,
            action=AuditAction.PEOPLE_PERSON_MERGED,
            obj=current_keep,
            person_id=str(current_keep.uuid),
            changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
            detail={"duplicate": str(current_dup.uuid), **report},
        )
        audit_record(
            actor=actor,
            action=AuditAction.PEOPLE_PERSON_MERGED_AWAY,
            obj=current_dup,
            person_id=str(current_dup.uuid),
            changes={"merged_into": [None, str(current_keep.uuid)]},
            detail={"kept": str(current_keep.uuid)},
        )
    duplicate.refresh_from_db()
    return current_keep
