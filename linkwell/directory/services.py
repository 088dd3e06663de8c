"""Directory writes: editing, verifying and quality-assuring listings (see README.md).

Every function here is keyword-only, runs in one transaction and writes its audit event in that
transaction. Listings are edited by several people (provider staff, link workers), so the Service
row carries `version`: writers pass the version they read and a stale one raises
`ConcurrentEditError` before anything is written. "Verified" (`last_verified_at`: somebody
confirmed the listing is still correct) is deliberately separate from "edited" (`updated_at`).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from linkwell.accounts.models import Membership, Role, User
from linkwell.audit.actions import AuditAction
from linkwell.audit.services import audit_record, diff
from linkwell.core import notify
from linkwell.core.concurrency import lock_versioned, update_versioned
from linkwell.core.exceptions import ConcurrentEditError, LinkwellError, ValidationFailed
from linkwell.directory.access import can_edit_location
from linkwell.directory.models import (
    Accessibility,
    Address,
    Attribute,
    AttributeLinkEntity,
    Contact,
    CostOption,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    QualityCheck,
    QualityCheckKind,
    ReferralMode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

# --- What the edit form may change -------------------------------------------------------------

# Columns of the Service row itself that the edit form may change. Not `exchange.hsds.SERVICE_FIELDS`
# (HSDS key -> column for import/export): that list has columns no form edits (alternate_name,
# alert, ...) and lacks Linkwell's own (referral_mode, capacity).
SERVICE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "referral_mode",
    "application_process",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "capacity_available",
    "capacity_maximum",
)
# Values kept in related HSDS rows (phone, cost_option, schedule, language, accessibility,
# attribute); `service_edit_state` reads them and `_write_related` replaces them.
RELATED_FIELDS = (
    "phone",
    "cost",
    "cost_amount",
    "schedule",
    "languages",
    "accessibility",
    "eligibility_conditions",
)
EDITABLE_FIELDS = SERVICE_FIELDS + RELATED_FIELDS

DAYS = (
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
)
_DAY_ORDER = {code: i for i, (code, _) in enumerate(DAYS)}

COST_FREE = "free"
COST_PAID = "paid"
COST_UNKNOWN = ""

MAX_AGE = 120
# Capacity columns are 32-bit integers; no group has anywhere near this many places.
MAX_PLACES = 100_000
# Column sizes (models.Service): checked here so a long value is a message, not a database error.
MAX_URL_LENGTH = 500
MAX_EMAIL_LENGTH = 254
REMINDER_INTERVAL = dt.timedelta(days=14)
VERIFY_LINK_MAX_AGE = dt.timedelta(days=28)
_VERIFY_SALT = "linkwell.directory.verify-link"

# Eligibility conditions are HSDS attributes (link_type "eligibility") whose value is the
# provider's own wording; they all point at this one Linkwell term.
ELIGIBILITY_LINK_TYPE = "eligibility"
ELIGIBILITY_TERM_CODE = "linkwell-eligibility-condition"
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
_PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{6,30}$")


# --- Reading the editable state ------------------------------------------------------------------


def _managed_phone(service: Service) -> Phone | None:
    return (
        Phone.objects.filter(service=service, contact=None, location=None, service_at_location=None)
        .order_by("id")
        .first()
    )


def _managed_cost(service: Service) -> CostOption | None:
    return CostOption.objects.filter(service=service).order_by("id").first()


def _simple_weekly(service: Service) -> QuerySet[Schedule]:
    """The weekly sessions the edit form owns: one day, an opening and a closing time.

    Imported schedules the form cannot express (monthly, several days, term dates, a schedule at
    one location) are left alone, so editing never throws away what an import brought in."""
    return Schedule.objects.filter(
        service=service,
        service_at_location=None,
        location=None,
        freq="WEEKLY",
        byday__in=list(_DAY_ORDER),
        opens_at__isnull=False,
        closes_at__isnull=False,
        valid_from=None,
        valid_to=None,
    ).filter(Q(interval__isnull=True) | Q(interval=1))


def _managed_languages(service: Service) -> QuerySet[Language]:
    return Language.objects.filter(service=service, location=None, phone=None).order_by("id")


def accessibility_location(service: Service) -> Location | None:
    """The location whose accessibility text the edit form shows: the service's first location,
    if it belongs to the same provider (or to nobody). A shared venue owned by another provider
    is theirs to describe."""
    sal = (
        service.service_at_locations.select_related("location")
        .filter(
            Q(location__organization__isnull=True)
            | Q(location__organization_id=service.organization_id)
        )
        .order_by("id")
        .first()
    )
    return sal.location if sal is not None else None


def _eligibility_attributes(service: Service) -> QuerySet[Attribute]:
    return Attribute.objects.filter(
        link_entity=AttributeLinkEntity.SERVICE,
        link_uuid=service.uuid,
        link_type=ELIGIBILITY_LINK_TYPE,
    ).order_by("id")


def _session_key(row: Mapping[str, Any]) -> tuple[int, str, str]:
    return (_DAY_ORDER.get(row["day"], 9), str(row["opens_at"]), str(row["closes_at"]))


def service_edit_state(service: Service) -> dict[str, Any]:
    """Everything the edit form shows, in the shape `service_update(data=...)` accepts.

    Also the before/after snapshot for the audit trail, so the diff names form fields."""
    state: dict[str, Any] = {name: getattr(service, name) for name in SERVICE_FIELDS}
    phone = _managed_phone(service)
    state["phone"] = phone.number if phone else ""
    cost = _managed_cost(service)
    if cost is None:
        state["cost"], state["cost_amount"] = COST_UNKNOWN, None
    elif (cost.amount is not None and cost.amount == 0) or cost.option.strip().lower() == "free":
        state["cost"], state["cost_amount"] = COST_FREE, None
    elif cost.amount is not None:
        state["cost"], state["cost_amount"] = COST_PAID, cost.amount
    else:
        state["cost"], state["cost_amount"] = COST_UNKNOWN, None
    state["schedule"] = sorted(
        (
            {"day": s.byday, "opens_at": s.opens_at, "closes_at": s.closes_at}
            for s in _simple_weekly(service)
        ),
        key=_session_key,
    )
    state["languages"] = [lang.name or lang.code for lang in _managed_languages(service)]
    location = accessibility_location(service)
    access = location.accessibility.order_by("id").first() if location else None
    state["accessibility"] = access.description if access else ""
    state["eligibility_conditions"] = [a.value for a in _eligibility_attributes(service)]
    return state


# --- Validation --------------------------------------------------------------------------------


_TEXT_FIELDS = {
    "name",
    "description",
    "url",
    "email",
    "application_process",
    "fees_description",
    "eligibility_description",
    "phone",
    "accessibility",
    "cost",
}


def _normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = value.strip()
            if key in ("minimum_age", "maximum_age", "capacity_available", "capacity_maximum"):
                value = int(value) if value else None
        if key in _TEXT_FIELDS and value is None:
            value = ""
        if key == "cost_amount" and value not in (None, ""):
            value = Decimal(str(value)).quantize(Decimal("0.01"))
        elif key == "cost_amount":
            value = None
        if key in ("languages", "eligibility_conditions"):
            value = [str(v).strip() for v in value or [] if str(v).strip()]
        if key == "schedule":
            # Kept in the caller's order so error keys (schedule.<i>) point at the caller's
            # rows; sorted after validation.
            value = [
                {
                    "day": r.get("day", ""),
                    "opens_at": r.get("opens_at"),
                    "closes_at": r.get("closes_at"),
                }
                for r in value or []
            ]
        out[key] = value
    return out


def _validate_age(state: Mapping[str, Any], errors: dict[str, list[str]]) -> None:
    for key, label in (("minimum_age", "Minimum age"), ("maximum_age", "Maximum age")):
        age = state.get(key)
        if age is not None and not 0 <= age <= MAX_AGE:
            errors.setdefault(key, []).append(f"{label} must be between 0 and {MAX_AGE}")
    low, high = state.get("minimum_age"), state.get("maximum_age")
    if low is not None and high is not None and "minimum_age" not in errors and low >= high:
        errors.setdefault("minimum_age", []).append(
            "Minimum age must be lower than the maximum age"
        )


def _validate_capacity(
    available: int | None, maximum: int | None, errors: dict[str, list[str]]
) -> None:
    for key, value in (("capacity_available", available), ("capacity_maximum", maximum)):
        if value is not None and value < 0:
            errors.setdefault(key, []).append("Places must be 0 or more")
        elif value is not None and value > MAX_PLACES:
            errors.setdefault(key, []).append(f"Places must be {MAX_PLACES:,} or fewer")
    if available is not None and maximum is not None and 0 <= maximum < available:
        errors.setdefault("capacity_available", []).append(
            "Places available cannot be more than the maximum number of places"
        )


def _validate(state: Mapping[str, Any], *, has_location: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not state.get("name"):
        add("name", "Enter the name of the service")
    elif len(state["name"]) > 255:
        add("name", "Service name must be 255 characters or fewer")
    if state.get("email") and len(state["email"]) > MAX_EMAIL_LENGTH:
        add("email", f"Email address must be {MAX_EMAIL_LENGTH} characters or fewer")
    elif state.get("email"):
        try:
            EmailValidator()(state["email"])
        except ValidationError:
            add("email", "Enter an email address in the correct format, like name@example.com")
    if state.get("url") and len(state["url"]) > MAX_URL_LENGTH:
        add("url", f"Website address must be {MAX_URL_LENGTH} characters or fewer")
    elif state.get("url"):
        try:
            URLValidator(schemes=["http", "https"])(state["url"])
        except ValidationError:
            add(
                "url", "Enter a website address in the correct format, like https://www.example.org"
            )
    if state.get("phone") and not _PHONE_RE.match(state["phone"]):
        add("phone", "Enter a telephone number, like 01632 960 001 or +44 7700 900 982")
    if state.get("status") not in ServiceStatus.values:
        add("status", "Select whether the service is running")
    if state.get("referral_mode") not in ReferralMode.values:
        add("referral_mode", "Select whether the service accepts referrals or is signposting only")
    _validate_age(state, errors)
    _validate_capacity(state.get("capacity_available"), state.get("capacity_maximum"), errors)

    cost = state.get("cost", COST_UNKNOWN)
    if cost not in (COST_FREE, COST_PAID, COST_UNKNOWN):
        add("cost", "Select whether the service is free or paid for")
    if cost == COST_PAID:
        amount = state.get("cost_amount")
        if amount is None:
            add("cost_amount", "Enter how much it costs, for example 3.50")
        elif not Decimal("0") < Decimal(amount) < Decimal("100000"):
            add("cost_amount", "The cost must be more than £0 and less than £100,000")

    for i, row in enumerate(state.get("schedule") or []):
        prefix = f"schedule.{i}"
        if row["day"] not in _DAY_ORDER:
            add(f"{prefix}.day", "Select the day of the session")
        if row["opens_at"] is None:
            add(f"{prefix}.opens_at", "Enter the opening time")
        if row["closes_at"] is None:
            add(f"{prefix}.closes_at", "Enter the closing time")
        if (
            row["opens_at"] is not None
            and row["closes_at"] is not None
            and row["closes_at"] <= row["opens_at"]
        ):
            add(f"{prefix}.closes_at", "Closing time must be after opening time")

    if any(len(name) > 100 for name in state.get("languages") or []):
        add("languages", "Each language must be 100 characters or fewer")
    if state.get("accessibility") and not has_location:
        add(
            "accessibility",
            "Access information belongs to a venue, and this service has no venue of its own yet",
        )
    return errors


# --- Writing -----------------------------------------------------------------------------------


def _what(service: Service) -> str:
    return f"The listing “{service.name}”"


def _lock(service: Service, expected_version: int | None = None) -> Service:
    """Lock the listing (core.concurrency) and, given `expected_version`, check it."""
    return lock_versioned(
        Service.objects.select_related("organization", "organization__owner"),
        service.pk,
        expected_version=expected_version,
        what=_what,
    )


def _bump(service: Service, expected_version: int, fields: Mapping[str, Any]) -> None:
    """Write `fields` and increment `version`, only if nobody saved since `expected_version`."""
    # A Linkwell edit makes our copy the newest: exports then report `updated_at` as HSDS
    # last_modified instead of the feed's older timestamp (exchange/hsds.py relies on this).
    update_versioned(
        service, expected_version=expected_version, what=_what, source_last_modified=None, **fields
    )


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


SHARED_VENUE_MESSAGE = (
    "The venue is not owned by your organisation, so its access information can only be "
    "changed by the social prescribing team"
)


def may_edit_venue(actor: User | None, service: Service) -> bool:
    """Whether `actor` may change the access text of the service's venue (accessibility_location).
    Without an actor (a command or an import) it may; otherwise access.can_edit_location
    decides: provider staff only for a venue their organisation owns."""
    location = accessibility_location(service)
    return location is None or actor is None or can_edit_location(actor, location)


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
        fields = {name: after[name] for name in SERVICE_FIELDS if name in changes}
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


def service_verify(
    *,
    actor: User | None,
    service: Service,
    expected_version: int | None = None,
    via_link: bool = False,
) -> Service:
    """Record that the listing is still correct. Does not touch `updated_at` or `version`: the
    content did not change, and an edit form someone has open stays valid.

    `expected_version` (from the page or the emailed link) makes sure what was confirmed is what
    is stored: confirming an outdated copy raises ConcurrentEditError."""
    now = timezone.now()
    verifier = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        current = _lock(service, expected_version)
        before = current.last_verified_at
        # queryset.update: auto_now on updated_at must not fire (verified is not edited).
        Service.objects.filter(pk=current.pk).update(
            last_verified_at=now, last_verified_by=verifier
        )
        audit_record(
            actor=verifier,
            action=AuditAction.DIRECTORY_SERVICE_VERIFIED,
            obj=current,
            organisation=current.organization.owner,
            changes={"last_verified_at": [before, now]},
            detail={"via": "emailed link"} if via_link else {},
        )
    current.refresh_from_db()
    return current


def quality_check_record(
    *,
    actor: User | None,
    organization: DirectoryOrganization,
    kind: str,
    checked_on: dt.date,
    expires_on: dt.date,
    reference: str = "",
) -> QualityCheck:
    """Record a QA document seen for a provider (safeguarding policy, insurance, DBS checks)."""
    errors: dict[str, list[str]] = {}
    if kind not in QualityCheckKind.values:
        errors["kind"] = ["Select what was checked"]
    if checked_on > timezone.localdate():
        errors["checked_on"] = ["The date it was checked must be today or in the past"]
    if expires_on <= checked_on:
        errors["expires_on"] = ["The expiry date must be after the date it was checked"]
    reference = reference.strip()
    if len(reference) > 255:
        errors["reference"] = ["The reference must be 255 characters or fewer"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        check = QualityCheck.objects.create(
            organization=organization,
            kind=kind,
            checked_on=checked_on,
            expires_on=expires_on,
            reference=reference,
            checked_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_QUALITY_CHECK_RECORDED,
            obj=organization,
            organisation=organization.owner,
            changes={
                "kind": [None, kind],
                "checked_on": [None, checked_on],
                "expires_on": [None, expires_on],
                "reference": [None, reference],
            },
            detail={"quality_check": str(check.uuid)},
        )
    return check


# --- Creating a listing --------------------------------------------------------------------------

# Service columns a creator may set (`fields`). The rest are the row's identity and bookkeeping:
# `version`, the timestamps and the reminder stamp start empty, and `organization` is an argument.
_NOT_CREATABLE = frozenset(
    {
        "id",
        "uuid",
        "organization",
        "version",
        "created_at",
        "updated_at",
        "verification_reminder_sent_at",
    }
)
SERVICE_CREATE_FIELDS = frozenset(
    f.name for f in Service._meta.concrete_fields if f.name not in _NOT_CREATABLE
)


@dataclass(frozen=True)
class AtLocation:
    """Where a new listing is delivered (HSDS `service_at_location`) and its sessions there.

    `location` is a venue in the directory (or saved before the listing, as the demo's bulk
    path does), or with `new=True` an unsaved venue created with the listing, with `addresses`."""

    location: Location
    schedules: Sequence[Schedule] = ()
    uuid: UUID | None = None
    new: bool = False
    addresses: Sequence[Address] = ()


@dataclass
class ServiceRows:
    """A new listing as unsaved rows linked to each other, in the order they are saved."""

    service: Service
    locations: list[Location] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    service_at_locations: list[ServiceAtLocation] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    cost_options: list[CostOption] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    service_areas: list[ServiceArea] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)

    def children(self) -> list[tuple[type[Any], list[Any]]]:
        """Every row but the service, parents first (for saving one by one or in bulk)."""
        return [
            (Location, self.locations),
            (Address, self.addresses),
            (ServiceAtLocation, self.service_at_locations),
            (Schedule, self.schedules),
            (CostOption, self.cost_options),
            (Language, self.languages),
            (Contact, self.contacts),
            (Phone, self.phones),
            (ServiceArea, self.service_areas),
            (Attribute, self.attributes),
        ]


def service_rows(
    *,
    organization: DirectoryOrganization,
    name: str,
    uuid: UUID | None = None,
    fields: Mapping[str, Any] | None = None,
    at_locations: Sequence[AtLocation] = (),
    schedules: Sequence[Schedule] = (),
    cost_options: Sequence[CostOption] = (),
    languages: Sequence[Language] = (),
    contacts: Sequence[Contact] = (),
    phones: Sequence[Phone] = (),
    service_areas: Sequence[ServiceArea] = (),
    attributes: Sequence[Attribute] = (),
) -> ServiceRows:
    """Build a new listing without saving it: the one place that knows how a listing is made.

    `fields` are other Service columns (SERVICE_CREATE_FIELDS, by model name: a new directory
    field needs no change here). Child rows are unsaved HSDS rows without their parent: this
    links them to the service (schedules in `at_locations` to that service_at_location, the
    `attributes` to the service by HSDS `link_entity`/`link_uuid`). `service_create` saves and
    audits the result; the demo's benchmarks insert many of them in bulk instead."""
    values = dict(fields or {})
    unknown = set(values) - SERVICE_CREATE_FIELDS
    if unknown:
        raise ValueError(f"service_create cannot set {sorted(unknown)}")
    if "capacity_updated_at" not in values and (
        values.get("capacity_available") is not None or values.get("capacity_maximum") is not None
    ):
        values["capacity_updated_at"] = timezone.now()  # as service_set_capacity records it
    service = Service(organization=organization, name=name, **values)
    if uuid is not None:
        service.uuid = uuid
    rows = ServiceRows(service=service)
    for at in at_locations:
        if at.new:
            rows.locations.append(at.location)
            for address in at.addresses:
                address.location = at.location
                rows.addresses.append(address)
        sal = ServiceAtLocation(service=service, location=at.location)
        if at.uuid is not None:
            sal.uuid = at.uuid
        rows.service_at_locations.append(sal)
        for schedule in at.schedules:
            schedule.service, schedule.service_at_location = None, sal
            rows.schedules.append(schedule)
    for schedule in schedules:
        schedule.service = service
        rows.schedules.append(schedule)
    for option in cost_options:
        option.service = service
    for language in languages:
        language.service = service
    for contact in contacts:
        contact.service = service
    for phone in phones:
        phone.service = service
    for area in service_areas:
        area.service = service
    for attribute in attributes:
        attribute.link_entity, attribute.link_uuid = AttributeLinkEntity.SERVICE, service.uuid
    rows.cost_options += cost_options
    rows.languages += languages
    rows.contacts += contacts
    rows.phones += phones
    rows.service_areas += service_areas
    rows.attributes += attributes
    return rows


def service_create(
    *, actor: User | None, listing: ServiceRows, detail: Mapping[str, Any] | None = None
) -> Service:
    """Save a new listing built by `service_rows` and audit `directory.service_created` in the
    same transaction. Community suggestions, the ORUK/CSV importer and the demo all create
    listings here (the importer then syncs the child rows its feed brings, as on an update);
    `detail` says where the listing came from."""
    service = listing.service
    with transaction.atomic():
        service.save()
        for _model, objs in listing.children():
            for obj in objs:
                obj.save()
        where = [str(sal.location.uuid) for sal in listing.service_at_locations]
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_SERVICE_CREATED,
            obj=service,
            organisation=service.organization.owner,
            changes={"name": [None, service.name], "status": [None, service.status]},
            detail={**(detail or {}), **({"locations": where} if where else {})},
        )
    return service


def organization_create(
    *,
    actor: User | None,
    name: str,
    fields: Mapping[str, Any] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> DirectoryOrganization:
    """Create a provider (HSDS `organization`) and audit `directory.organization_created`."""
    with transaction.atomic():
        organization = DirectoryOrganization.objects.create(name=name, **(fields or {}))
        audit_record(
            actor=actor,
            action=AuditAction.DIRECTORY_ORGANIZATION_CREATED,
            obj=organization,
            organisation=organization.owner,
            changes={"name": [None, organization.name]},
            detail=detail or {},
        )
    return organization


# --- Freshness: reminders and the one-click "still correct" link -----------------------------


class VerifyLinkError(LinkwellError):
    """An emailed verification link that cannot be used; `reason` picks the page to show."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def verification_token(service: Service) -> str:
    """Signed, timestamped token naming the service, the version the provider is asked about and
    when it was last verified. Verifying changes `last_verified_at` (not the version), so the
    last one makes a link single-use: once used, it no longer matches."""
    signer = signing.TimestampSigner(salt=_VERIFY_SALT)
    return signer.sign_object(
        {"s": str(service.uuid), "v": service.version, "lv": _iso(service.last_verified_at)}
    )


def verification_url(service: Service) -> str:
    path = reverse("directory:verify_link", kwargs={"token": verification_token(service)})
    return f"{settings.SITE_URL}{path}"


def service_from_verification_token(token: str, *, lock: bool = False) -> Service:
    """The service an emailed link is for, if the link is still usable; else VerifyLinkError
    (reason "expired", "invalid", "changed" when the listing was edited since sending, or "used"
    when it has been verified since: by this link, or by someone signed in).

    `lock=True` (inside a transaction) locks the row, so two clicks cannot both verify."""
    signer = signing.TimestampSigner(salt=_VERIFY_SALT)
    try:
        payload = signer.unsign_object(token, max_age=VERIFY_LINK_MAX_AGE)
        service_id, version = uuid.UUID(payload["s"]), int(payload["v"])
        last_verified = str(payload["lv"])
    except signing.SignatureExpired as exc:
        raise VerifyLinkError(
            "expired",
            f"This link has expired. Links in reminder emails work for {VERIFY_LINK_MAX_AGE.days} days.",
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise VerifyLinkError(
            "invalid", "This link is not valid. Check you copied the whole link from the email."
        ) from exc
    services = Service.objects.select_related("organization")
    if lock:
        services = services.select_for_update(of=("self",))
    service = services.filter(uuid=service_id).first()
    if service is None:
        raise VerifyLinkError("invalid", "This listing is no longer in the directory.")
    if service.version != version:
        raise VerifyLinkError(
            "changed",
            "This listing has been changed since the email was sent, so the link no longer "
            "applies. Sign in to check the listing as it is now.",
        )
    if _iso(service.last_verified_at) != last_verified:
        raise VerifyLinkError(
            "used",
            "This link has already been used: the listing has been confirmed as correct since "
            "the email was sent. There is nothing more to do.",
        )
    return service


def service_verify_by_link(*, token: str) -> Service:
    """Confirm a listing from the reminder email, without signing in (audited, actor none).
    A link works once (see verification_token)."""
    with transaction.atomic():
        service = service_from_verification_token(token, lock=True)
        try:
            return service_verify(
                actor=None, service=service, expected_version=service.version, via_link=True
            )
        except ConcurrentEditError as exc:
            raise VerifyLinkError("changed", str(exc)) from exc


def services_due_for_reminder(*, now: dt.datetime | None = None) -> QuerySet[Service]:
    """Running listings not verified within DIRECTORY_VERIFY_AFTER_DAYS and not reminded
    within REMINDER_INTERVAL."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(days=settings.DIRECTORY_VERIFY_AFTER_DAYS)
    return (
        Service.objects.filter(status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED])
        .filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=stale_before))
        .filter(
            Q(verification_reminder_sent_at__isnull=True)
            | Q(verification_reminder_sent_at__lt=now - REMINDER_INTERVAL)
        )
        .order_by("id")
    )


def reminder_recipients(service: Service) -> list[str]:
    """Who is asked to confirm: the service's contacts, else its own or its provider's email,
    else the provider's staff in Linkwell (active, not read-only)."""
    contacts = [e for e in service.contacts.exclude(email="").values_list("email", flat=True) if e]
    if contacts:
        return sorted(set(contacts))
    for email in (service.email, service.organization.email):
        if email:
            return [email]
    owner_id = service.organization.owner_id
    if owner_id is None:
        return []
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=owner_id,
                role=Role.PROVIDER_STAFF,
                read_only=False,
                is_active=True,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def service_send_verification_reminder(*, service: Service, now: dt.datetime | None = None) -> bool:
    """Email the provider a "still correct?" reminder. False if not due or nobody to ask.

    The reminder is claimed with a conditional update in a short transaction, so two workers
    never both send it; the email is sent after that commits, so a slow mail server never holds
    the database's write lock (SQLite has one for the whole file). If sending fails, the claim is
    undone and audited, and a later run tries again; the error is raised for the caller to log.
    A crash between the claim and the send leaves the reminder claimed: the next is due
    REMINDER_INTERVAL later."""
    now = now or timezone.now()
    recipients = reminder_recipients(service)
    if not recipients:
        return False
    with transaction.atomic():
        previous = (
            Service.objects.filter(pk=service.pk)
            .values_list("verification_reminder_sent_at", flat=True)
            .first()
        )
        claimed = (
            services_due_for_reminder(now=now)
            .filter(pk=service.pk)
            .update(verification_reminder_sent_at=now)
        )
    if not claimed:
        return False
    service.refresh_from_db()
    context = {
        "service": service,
        "verify_url": verification_url(service),
        "edit_url": f"{settings.SITE_URL}"
        + reverse("directory:service_edit", kwargs={"service_id": service.uuid}),
        "link_days": VERIFY_LINK_MAX_AGE.days,
        "verify_after_days": settings.DIRECTORY_VERIFY_AFTER_DAYS,
    }
    subject = notify.render_text(
        "directory/email/verification_reminder_subject.txt", context
    ).strip()
    body = notify.render_text("directory/email/verification_reminder.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception as exc:
        with transaction.atomic():
            # Only our own claim is undone: a later run may have claimed it since.
            Service.objects.filter(pk=service.pk, verification_reminder_sent_at=now).update(
                verification_reminder_sent_at=previous
            )
            audit_record(
                actor=None,
                action=AuditAction.DIRECTORY_VERIFICATION_REMINDER_FAILED,
                obj=service,
                organisation=service.organization.owner,
                changes={"verification_reminder_sent_at": [now, previous]},
                detail={"recipients": len(recipients), "error": type(exc).__name__},
            )
        raise
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.DIRECTORY_VERIFICATION_REMINDER_SENT,
            obj=service,
            organisation=service.organization.owner,
            changes={"verification_reminder_sent_at": [previous, now]},
            detail={"recipients": len(recipients)},
        )
    return True
