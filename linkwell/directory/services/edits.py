"""Editing a listing: the edit form's changes, its running status and its capacity."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff
from linkwell.core.exceptions import ValidationFailed
from linkwell.directory.models import (
    Accessibility,
    Attribute,
    AttributeLinkEntity,
    CostOption,
    Language,
    Phone,
    Schedule,
    Service,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.services._common import _bump, _lock
from linkwell.directory.services.edit_state import (
    COST_FREE,
    COST_PAID,
    COST_UNKNOWN,
    EDITABLE_FIELDS,
    EDITABLE_SERVICE_FIELDS,
    ELIGIBILITY_LINK_TYPE,
    ELIGIBILITY_TERM_CODE,
    _eligibility_attributes,
    _managed_cost,
    _managed_languages,
    _managed_phone,
    _session_key,
    _simple_weekly,
    service_edit_state,
)
from linkwell.directory.services.edit_validation import _normalise, _validate, _validate_capacity
from linkwell.directory.services.venues import (
    SHARED_VENUE_MESSAGE,
    accessibility_location,
    may_edit_venue,
)

_LANGUAGE_CODES = {
    "english": "en",
    "welsh": "cy",
    "polish": "pl",
    "urdu": "ur",
    "punjabi": "pa",
    "bengali": "bn",
    "arabic": "ar",
    "romanian": "ro",
    "british sign language": "bfi",
    "bsl": "bfi",
}


def _eligibility_term() -> TaxonomyTerm:
    term = TaxonomyTerm.objects.filter(code=ELIGIBILITY_TERM_CODE).first()
    if term is None:
        taxonomy, _ = Taxonomy.objects.get_or_create(
            name="Linkwell", defaults={"description": "Terms Linkwell itself defines."}
        )
        term = TaxonomyTerm.objects.create(
            taxonomy=taxonomy,
            code=ELIGIBILITY_TERM_CODE,
            name="Eligibility condition",
            description="Who may use a service, in the provider's words (attribute value).",
        )
    return term


def _write_related(service: Service, after: Mapping[str, Any], changed: set[str]) -> None:
    if "phone" in changed:
        phone = _managed_phone(service)
        if not after["phone"]:
            if phone is not None:
                phone.delete()
        elif phone is None:
            Phone.objects.create(service=service, number=after["phone"])
        else:
            phone.number = after["phone"]
            phone.save(update_fields=["number"])
    if changed & {"cost", "cost_amount"}:
        option = _managed_cost(service)
        if after["cost"] == COST_UNKNOWN:
            if option is not None:
                option.delete()
        else:
            option = option or CostOption(service=service)
            option.currency = "GBP"
            if after["cost"] == COST_FREE:
                option.option, option.amount = "Free", Decimal("0")
            else:
                option.option = "" if option.option.strip().lower() == "free" else option.option
                option.amount = Decimal(after["cost_amount"])
            option.save()
    if "schedule" in changed:
        _simple_weekly(service).delete()
        Schedule.objects.bulk_create(
            Schedule(
                service=service,
                freq="WEEKLY",
                interval=1,
                byday=row["day"],
                opens_at=row["opens_at"],
                closes_at=row["closes_at"],
            )
            for row in after["schedule"]
        )
    if "languages" in changed:
        existing = {(lang.name or lang.code).lower(): lang for lang in _managed_languages(service)}
        keep = {name.lower() for name in after["languages"]}
        for key, lang in existing.items():
            if key not in keep:
                lang.delete()
        for name in after["languages"]:
            if name.lower() not in existing:
                Language.objects.create(
                    service=service, name=name, code=_LANGUAGE_CODES.get(name.lower(), "")
                )
    if "accessibility" in changed:
        location = accessibility_location(service)
        if location is not None:
            access = location.accessibility.order_by("id").first()
            if access is None:
                Accessibility.objects.create(location=location, description=after["accessibility"])
            else:
                access.description = after["accessibility"]
                access.save(update_fields=["description"])
    if "eligibility_conditions" in changed:
        _eligibility_attributes(service).delete()
        if after["eligibility_conditions"]:
            term = _eligibility_term()
            Attribute.objects.bulk_create(
                Attribute(
                    link_entity=AttributeLinkEntity.SERVICE,
                    link_uuid=service.uuid,
                    link_type=ELIGIBILITY_LINK_TYPE,
                    taxonomy_term=term,
                    value=text,
                )
                for text in after["eligibility_conditions"]
            )


def _apply(
    service: Service,
    before: Mapping[str, Any],
    data: Mapping[str, Any],
    *,
    actor: User | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    after = {**before, **_normalise(data)}
    if after["cost"] != COST_PAID:
        after["cost_amount"] = None
    errors = _validate(after, has_location=accessibility_location(service) is not None)
    if after.get("accessibility") != before.get("accessibility") and not may_edit_venue(
        actor, service
    ):
        errors.setdefault("accessibility", []).append(SHARED_VENUE_MESSAGE)
    return after, errors


def service_edit_errors(
    *, service: Service, data: Mapping[str, Any], actor: User | None = None
) -> dict[str, list[str]]:
    """What `service_update` would refuse in `data`, without writing anything. Forms use it to
    report every problem at once when some fields did not even parse."""
    return _apply(service, service_edit_state(service), data, actor=actor)[1]


def service_update(
    *, actor: User | None, service: Service, data: Mapping[str, Any], expected_version: int
) -> Service:
    """Apply an edit (any subset of EDITABLE_FIELDS) made on top of `expected_version`.

    Raises ConcurrentEditError if the listing was saved since, ValidationFailed (keyed by field;
    schedule rows as `schedule.<i>.<field>`) if the result would be invalid. Either way nothing
    is written. An edit that changes nothing writes nothing and keeps the version."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"service_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        current = _lock(service, expected_version)
        before = service_edit_state(current)
        after, errors = _apply(current, before, data, actor=actor)
        if errors:
            raise ValidationFailed(errors)
        after["schedule"] = sorted(after["schedule"], key=_session_key)
        changes = diff(before, after)
        if not changes:
            return current
        fields = {name: after[name] for name in EDITABLE_SERVICE_FIELDS if name in changes}
        if {"capacity_available", "capacity_maximum"} & set(changes):
            fields["capacity_updated_at"] = timezone.now()
        _bump(current, expected_version, fields)
        _write_related(current, after, set(changes))
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_SERVICE_UPDATED,
            obj=current,
            organisation=current.organization.owner,
            changes=changes,
        )
    current.refresh_from_db()
    return current


def service_set_status(
    *, actor: User | None, service: Service, status: str, expected_version: int | None = None
) -> Service:
    """Open, close temporarily, or retire a listing (HSDS service.status)."""
    if status not in ServiceStatus.values:
        raise ValidationFailed({"status": ["Select whether the service is running"]})
    with transaction.atomic():
        current = _lock(service)
        version = current.version if expected_version is None else expected_version
        if current.status == status:
            return current
        _bump(current, version, {"status": status})
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_SERVICE_STATUS_CHANGED,
            obj=current,
            organisation=current.organization.owner,
            changes={"status": [current.status, status]},
        )
    current.refresh_from_db()
    return current


def service_set_capacity(
    *,
    actor: User | None,
    service: Service,
    available: int | None,
    maximum: int | None,
    expected_version: int | None = None,
) -> Service:
    """Record how many places are free (HSDS 3.1 capacity). Providers update this often."""
    errors: dict[str, list[str]] = {}
    _validate_capacity(available, maximum, errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        current = _lock(service)
        version = current.version if expected_version is None else expected_version
        changes = diff(
            {
                "capacity_available": current.capacity_available,
                "capacity_maximum": current.capacity_maximum,
            },
            {"capacity_available": available, "capacity_maximum": maximum},
        )
        if not changes:
            return current
        _bump(
            current,
            version,
            {
                "capacity_available": available,
                "capacity_maximum": maximum,
                "capacity_updated_at": timezone.now(),
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_SERVICE_CAPACITY_CHANGED,
            obj=current,
            organisation=current.organization.owner,
            changes=changes,
        )
    current.refresh_from_db()
    return current
