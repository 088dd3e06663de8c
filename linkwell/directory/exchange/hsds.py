"""Directory models -> Open Referral UK 3.0 / HSDS 3.0 JSON objects (plain dicts).

Export target
-------------
The serialisers write the **HSDS 3.0 native** form: every HSDS field Linkwell models, so that
import -> export is lossless. Each object validates against both the ORUK 3.0 and the HSDS 3.0
compiled `service_with_definitions.json` (neither sets `additionalProperties: false`; tested in
`tests/test_exchange_hsds.py`). The UK profile additionally *deletes* some HSDS fields (service
`phones`, `fees_description`, language `name`...): `profile.to_oruk` takes them out (and adds the service's
`organization_id`, which ORUK's compliance rules require) for the ORUK API and for exports asked
for in the UK profile.

Rules
-----
* Modelled fields first, then the record's `extra` (HSDS fields Linkwell does not model, kept
  verbatim by the importer), so import -> export is lossless. Modelled fields win over `extra`.
* Empty optional values (`""`, `None`, `[]`) are omitted, never emitted as invalid nulls. Fields a
  schema *requires* are always emitted (e.g. `organization.description`, address
  `state_province`), as `""` when we hold nothing.
* Never exported: `staff_notes`, QualityCheck rows, `last_verified_*`, verification reminders,
  the provider's `owner`, and `DirectoryOrganization.assurer_email` except as the HSDS
  `assurer_email` below.
* `referral_mode` (accepts referrals / signposting only; HSDS has no field for it) is exported as
  an HSDS `attribute` of the service, linked (`link_type` "linkwell_referral_mode") to one of two
  terms of a "Linkwell" taxonomy whose ids are stable (uuid5): see `referral_attribute`. The
  importer reads it back into `referral_mode` and stores no attribute row for it. The taxonomy
  and both terms ship with Linkwell (`data/taxonomies.json`, loaded by `taxonomy_seed`), so the
  ORUK API serves them at `/taxonomy_terms/{id}`, and filtering on them selects by referral mode
  (`selectors.search`).
* This module writes the HSDS-native form. The UK profile deletes some HSDS fields;
  `profile.to_oruk` removes them for the ORUK API and `--profile oruk` exports.
* `assured_date` / `assurer_email` (HSDS service fields): when the provider's quality assurance
  (`quality_summary`) is assured or expiring, `assured_date` is the date all checks were in place
  and `assurer_email` the provider's assurer; when it is lapsed (or there are no checks) we fall
  back to the values imported from a feed, if any. The importer does not copy computed values
  back onto the service (`importer` compares the incoming pair with `exported_assurance`).
* `fees`: ORUK 3.0 uses the (HSDS-deprecated) `fees`, HSDS 3.0 `fees_description`; both are
  emitted with `Service.fees_description` unless the feed gave a different `fees` (kept in extra).
* `capacities` (HSDS 3.1 `service_capacity`) is emitted when Linkwell holds a capacity; neither
  3.0 schema forbids extra properties, so the output still validates. Ids are derived (uuid5) from
  the service id so they are stable between exports. The importer maps `capacities[0]` back.
* Organizations: `organization_to_hsds(full=True, services=False)` is what the full dump
  (`export.py`) writes: the organization's own contacts, phones and locations (including
  locations no service uses) without its services, which the dump lists separately.
* `last_modified` is the feed's value while the record came from a feed and was not edited since
  (`Service.source_last_modified`), else `updated_at`. Contract for editors: a Linkwell edit of a
  service should set `source_last_modified = None`.
* Numbers HSDS types as numbers but Linkwell stores as text (`phone.extension`,
  `schedule.timezone`) are emitted as numbers when they parse, else left out of the JSON (they
  could not have come from a valid feed).

Query cost: pass querysets through `services_prefetch()`; a page of services then costs a constant
number of queries (HSDS attributes, which link generically, are loaded in one extra query by the
queryset returned from `services_prefetch`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import models
from django.db.models import Prefetch, QuerySet

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
    ReferralMode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from linkwell.directory.quality import QAStatus, quality_summary

JSON = dict[str, Any]
M = TypeVar("M", bound=models.Model)

# Stable namespace for ids we derive (capacity, unit); never change it (ids would churn).
LINKWELL_HSDS_NS = uuid.UUID("6f0c1d2e-8a52-4d35-9a9c-4b3e0e6b7d10")

# Modelled scalar fields per object: (HSDS key, model attribute). Order = output order.
SERVICE_FIELDS = [
    ("name", "name"),
    ("alternate_name", "alternate_name"),
    ("description", "description"),
    ("url", "url"),
    ("email", "email"),
    ("status", "status"),
    ("interpretation_services", "interpretation_services"),
    ("application_process", "application_process"),
    ("fees_description", "fees_description"),
    ("accreditations", "accreditations"),
    ("eligibility_description", "eligibility_description"),
    ("minimum_age", "minimum_age"),
    ("maximum_age", "maximum_age"),
    ("alert", "alert"),
]
ORGANIZATION_FIELDS = [
    ("name", "name"),
    ("alternate_name", "alternate_name"),
    ("description", "description"),
    ("email", "email"),
    ("website", "website"),
    ("logo", "logo"),
    ("uri", "uri"),
    ("legal_status", "legal_status"),
    ("year_incorporated", "year_incorporated"),
    ("parent_organization_id", "parent_organization_uuid"),
]
LOCATION_FIELDS = [
    ("location_type", "location_type"),
    ("url", "url"),
    ("name", "name"),
    ("alternate_name", "alternate_name"),
    ("description", "description"),
    ("transportation", "transportation"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("external_identifier", "external_identifier"),
    ("external_identifier_type", "external_identifier_type"),
]
ADDRESS_FIELDS = [
    ("attention", "attention"),
    ("address_1", "address_1"),
    ("address_2", "address_2"),
    ("city", "city"),
    ("region", "region"),
    ("state_province", "state_province"),
    ("postal_code", "postal_code"),
    ("country", "country"),
    ("address_type", "address_type"),
]
SCHEDULE_FIELDS = [
    ("valid_from", "valid_from"),
    ("valid_to", "valid_to"),
    ("dtstart", "dtstart"),
    ("timezone", "timezone"),
    ("until", "until"),
    ("count", "count"),
    ("wkst", "wkst"),
    ("freq", "freq"),
    ("interval", "interval"),
    ("byday", "byday"),
    ("byweekno", "byweekno"),
    ("bymonthday", "bymonthday"),
    ("byyearday", "byyearday"),
    ("description", "description"),
    ("opens_at", "opens_at"),
    ("closes_at", "closes_at"),
    ("schedule_link", "schedule_link"),
    ("attending_type", "attending_type"),
    ("notes", "notes"),
]
CONTACT_FIELDS = [
    ("name", "name"),
    ("title", "title"),
    ("department", "department"),
    ("email", "email"),
]
PHONE_FIELDS = [
    ("number", "number"),
    ("extension", "extension"),
    ("type", "type"),
    ("description", "description"),
]
LANGUAGE_FIELDS = [("name", "name"), ("code", "code"), ("note", "note")]
ACCESSIBILITY_FIELDS = [("description", "description"), ("details", "details"), ("url", "url")]
COST_OPTION_FIELDS = [
    ("valid_from", "valid_from"),
    ("valid_to", "valid_to"),
    ("option", "option"),
    ("currency", "currency"),
    ("amount", "amount"),
    ("amount_description", "amount_description"),
]
SERVICE_AREA_FIELDS = [
    ("name", "name"),
    ("description", "description"),
    ("extent", "extent"),
    ("extent_type", "extent_type"),
    ("uri", "uri"),
]
TAXONOMY_FIELDS = [
    ("name", "name"),
    ("description", "description"),
    ("uri", "uri"),
    ("version", "version"),
]
TAXONOMY_TERM_FIELDS = [
    ("code", "code"),
    ("name", "name"),
    ("description", "description"),
    ("term", "term"),
    ("language", "language"),
    ("term_uri", "term_uri"),
]
ATTRIBUTE_FIELDS = [("link_type", "link_type"), ("value", "value"), ("label", "label")]

# Keys a schema requires on the object: emitted even when empty.
REQUIRED_KEYS: dict[type[models.Model], frozenset[str]] = {
    Service: frozenset({"name", "status"}),
    DirectoryOrganization: frozenset({"name", "description"}),
    Location: frozenset({"location_type"}),
    Address: frozenset(
        {"address_1", "city", "state_province", "postal_code", "country", "address_type"}
    ),
    Phone: frozenset({"number"}),
    Taxonomy: frozenset({"name", "description"}),
    TaxonomyTerm: frozenset({"name", "description"}),
}
# HSDS types these as numbers; Linkwell stores them as text.
NUMERIC_TEXT_KEYS = frozenset({"extension", "timezone"})


def _json_value(key: str, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return _number(value)
    if key in NUMERIC_TEXT_KEYS and isinstance(value, str):
        try:
            return _number(decimal.Decimal(value)) if value else None
        except decimal.InvalidOperation:
            return None
    return value


def _number(value: decimal.Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _datetime(value: dt.datetime) -> str:
    """RFC 3339 in UTC with milliseconds, as in the HSDS examples ('2023-03-15T10:30:45.123Z')."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _object(obj: models.Model, fields: Sequence[tuple[str, str]]) -> JSON:
    """`id`, then modelled fields, then the record's unmodelled HSDS fields (`extra`)."""
    required = REQUIRED_KEYS.get(type(obj), frozenset())
    out: JSON = {"id": str(obj.uuid)}  # type: ignore[attr-defined]
    for key, attr in fields:
        value = _json_value(key, getattr(obj, attr))
        if _empty(value):
            if key in required:
                out[key] = "" if value is None else value
            continue
        out[key] = value
    for key, value in (getattr(obj, "extra", None) or {}).items():
        if key not in out and key != "id":
            out[key] = value
    return out


def _rows(manager: Any) -> list[Any]:
    """Related rows in insertion order. Sorting in Python keeps the prefetch cache (an
    `.order_by()` would query again); most HSDS child models have no Meta.ordering."""
    return sorted(manager.all(), key=lambda o: o.pk)


def _put(out: JSON, key: str, items: list[JSON]) -> None:
    """Set a child array; an empty one is left out (HSDS: omit rather than emit empties)."""
    if items:
        out[key] = items


# --- taxonomy ------------------------------------------------------------------------------


def taxonomy_to_hsds(t: Taxonomy) -> JSON:
    return _object(t, TAXONOMY_FIELDS)


def taxonomy_term_to_hsds(term: TaxonomyTerm) -> JSON:
    out = _object(term, TAXONOMY_TERM_FIELDS)
    parent = term.parent.uuid if term.parent_id and term.parent else term.parent_uuid
    if parent:
        out.setdefault("parent_id", str(parent))
    taxonomy_name = term.taxonomy_name or (term.taxonomy.name if term.taxonomy else "")
    if taxonomy_name:
        out.setdefault("taxonomy", taxonomy_name)
    if term.taxonomy is not None:
        out.setdefault("taxonomy_id", str(term.taxonomy.uuid))
        out.setdefault("taxonomy_detail", taxonomy_to_hsds(term.taxonomy))
    return out


# --- attributes (generic link; loaded in bulk by services_prefetch) --------------------------

_ATTR_CACHE = "_hsds_attributes"


def _attributes(obj: models.Model, entity: str) -> list[JSON]:
    rows = getattr(obj, _ATTR_CACHE, None)
    if rows is None:
        rows = list(
            Attribute.objects.filter(link_entity=entity, link_uuid=obj.uuid)  # type: ignore[attr-defined]
            .select_related("taxonomy_term__taxonomy", "taxonomy_term__parent")
            .order_by("pk")
        )
    return [attribute_to_hsds(a) for a in rows]


def attribute_to_hsds(a: Attribute) -> JSON:
    out = _object(a, ATTRIBUTE_FIELDS)
    # HSDS 3.0 `link_entity`: what the term is attached to (service, location...).
    out["link_entity"] = a.link_entity
    out["taxonomy_term"] = taxonomy_term_to_hsds(a.taxonomy_term)
    return out


def attach_attributes(services: Iterable[Service]) -> None:
    """Load the HSDS attributes of these services, their organisations, service-at-locations and
    locations in one query and cache them on the objects (read by the serialisers)."""
    targets: dict[tuple[str, uuid.UUID], list[models.Model]] = {}

    def add(entity: str, obj: models.Model) -> None:
        targets.setdefault((entity, obj.uuid), []).append(obj)  # type: ignore[attr-defined]
        setattr(obj, _ATTR_CACHE, [])

    for service in services:
        add(AttributeLinkEntity.SERVICE, service)
        add(AttributeLinkEntity.ORGANIZATION, service.organization)
        for sal in service.service_at_locations.all():
            add(AttributeLinkEntity.SERVICE_AT_LOCATION, sal)
            add(AttributeLinkEntity.LOCATION, sal.location)
    _load_attributes(targets)


def attach_organization_attributes(organizations: Iterable[DirectoryOrganization]) -> None:
    """As `attach_attributes`, for organizations and their own locations (the full dump)."""
    targets: dict[tuple[str, uuid.UUID], list[models.Model]] = {}
    for org in organizations:
        for entity, obj in [
            (AttributeLinkEntity.ORGANIZATION, org),
            *((AttributeLinkEntity.LOCATION, loc) for loc in org.locations.all()),
        ]:
            targets.setdefault((entity, obj.uuid), []).append(obj)
            setattr(obj, _ATTR_CACHE, [])
    _load_attributes(targets)


def attach_entity_attributes(objects: Iterable[models.Model], entity: str) -> None:
    """Bulk-load the HSDS attributes of objects of one kind (one query), for list pages whose
    objects the serialisers read attributes from (e.g. a page of organizations)."""
    targets: dict[tuple[str, uuid.UUID], list[models.Model]] = {}
    for obj in objects:
        targets.setdefault((entity, obj.uuid), []).append(obj)  # type: ignore[attr-defined]
        setattr(obj, _ATTR_CACHE, [])
    _load_attributes(targets)


def _load_attributes(targets: dict[tuple[str, uuid.UUID], list[models.Model]]) -> None:
    if not targets:
        return
    rows = (
        Attribute.objects.filter(link_uuid__in={u for _, u in targets})
        .select_related("taxonomy_term__taxonomy", "taxonomy_term__parent")
        .order_by("pk")
    )
    for row in rows:
        for obj in targets.get((row.link_entity, row.link_uuid), []):
            getattr(obj, _ATTR_CACHE).append(row)


# --- leaf objects -------------------------------------------------------------------------


def _language(lang: Language) -> JSON:
    return _object(lang, LANGUAGE_FIELDS)


def _phone(phone: Phone) -> JSON:
    out = _object(phone, PHONE_FIELDS)
    _put(out, "languages", [_language(lang) for lang in _rows(phone.languages)])
    return out


def _contact(contact: Contact) -> JSON:
    out = _object(contact, CONTACT_FIELDS)
    _put(out, "phones", [_phone(p) for p in _rows(contact.phones)])
    return out


def _schedule(schedule: Schedule) -> JSON:
    return _object(schedule, SCHEDULE_FIELDS)


def _service_area(area: ServiceArea) -> JSON:
    return _object(area, SERVICE_AREA_FIELDS)


def _cost_option(option: CostOption) -> JSON:
    return _object(option, COST_OPTION_FIELDS)


def _address(address: Address) -> JSON:
    return _object(address, ADDRESS_FIELDS)


def _accessibility(item: Accessibility) -> JSON:
    return _object(item, ACCESSIBILITY_FIELDS)


def location_to_hsds(location: Location) -> JSON:
    out = _object(location, LOCATION_FIELDS)
    _put(out, "languages", [_language(x) for x in _rows(location.languages)])
    _put(out, "addresses", [_address(x) for x in _rows(location.addresses)])
    _put(out, "contacts", [_contact(x) for x in _rows(location.contacts)])
    _put(out, "accessibility", [_accessibility(x) for x in _rows(location.accessibility)])
    _put(out, "phones", [_phone(x) for x in _rows(location.phones)])
    _put(out, "schedules", [_schedule(x) for x in _rows(location.schedules)])
    _put(out, "attributes", _attributes(location, AttributeLinkEntity.LOCATION))
    return out


def service_at_location_to_hsds(sal: ServiceAtLocation, *, full: bool = False) -> JSON:
    """HSDS service_at_location. Nested in a service (`full=False`) it carries its location; the
    `/service_at_locations/{id}` view (`full=True`) also carries the full service."""
    out = _object(sal, [("description", "description")])
    _put(out, "contacts", [_contact(x) for x in _rows(sal.contacts)])
    _put(out, "phones", [_phone(x) for x in _rows(sal.phones)])
    _put(out, "schedules", [_schedule(x) for x in _rows(sal.schedules)])
    _put(out, "service_areas", [_service_area(x) for x in _rows(sal.service_areas)])
    out["location"] = location_to_hsds(sal.location)
    _put(out, "attributes", _attributes(sal, AttributeLinkEntity.SERVICE_AT_LOCATION))
    if full:
        out["service"] = service_to_hsds(sal.service)
    return out


# --- organization -------------------------------------------------------------------------


def organization_to_hsds(
    org: DirectoryOrganization, *, full: bool = False, services: bool = True
) -> JSON:
    """HSDS organization. `full=True` (the `/organizations/{id}` view) adds its contacts, phones,
    locations and, unless `services=False` (the full dump), its services (each as its
    `service_list` summary). Never exports `owner`, `assurer_email`, `staff_notes` or quality
    checks."""
    out = _object(org, ORGANIZATION_FIELDS)
    if full:
        _put(out, "contacts", [_contact(x) for x in _rows(org.contacts)])
        _put(out, "phones", [_phone(x) for x in _rows(org.phones)])
        _put(out, "locations", [location_to_hsds(x) for x in _rows(org.locations)])
        if services:
            _put(
                out,
                "services",
                [
                    service_to_hsds_summary(s, include_organization=False)
                    for s in _rows(org.services)
                ],
            )
    _put(out, "attributes", _attributes(org, AttributeLinkEntity.ORGANIZATION))
    return out


# --- Linkwell's own facts as HSDS attributes ------------------------------------------------

REFERRAL_LINK_TYPE = "linkwell_referral_mode"
LINKWELL_TAXONOMY: JSON = {
    "id": str(uuid.uuid5(LINKWELL_HSDS_NS, "taxonomy:linkwell")),
    "name": "Linkwell",
    "description": "Facts Linkwell records about a service that HSDS has no field for.",
    "version": "1",
}
# ReferralMode value -> (term code, term name, description). Codes and ids never change.
_REFERRAL_TERMS: dict[str, tuple[str, str, str]] = {
    ReferralMode.ACCEPTS_REFERRALS: (
        "accepts-referrals",
        "Accepts referrals",
        "The service accepts referrals from link workers and other professionals.",
    ),
    ReferralMode.SIGNPOST_ONLY: (
        "signposting-only",
        "Signposting only",
        "People are signposted to the service and contact it themselves; it takes no referrals.",
    ),
}


def referral_term_id(mode: str) -> str:
    return str(uuid.uuid5(LINKWELL_HSDS_NS, f"term:linkwell:{_REFERRAL_TERMS[mode][0]}"))


# Term id -> ReferralMode value: how the importer recognises the attribute.
REFERRAL_MODE_BY_TERM_ID = {referral_term_id(mode): mode for mode in _REFERRAL_TERMS}


def referral_attribute(service: Service) -> JSON:
    """`referral_mode` as an HSDS attribute (valid against the ORUK and HSDS 3.0 schemas)."""
    mode = (
        service.referral_mode
        if service.referral_mode in _REFERRAL_TERMS
        else ReferralMode.SIGNPOST_ONLY
    )
    code, name, description = _REFERRAL_TERMS[mode]
    return {
        "id": str(uuid.uuid5(LINKWELL_HSDS_NS, f"referral_mode:{service.uuid}")),
        "link_type": REFERRAL_LINK_TYPE,
        "link_entity": "service",
        "taxonomy_term": {
            "id": referral_term_id(mode),
            "code": code,
            "name": name,
            "description": description,
            "term": name,
            "language": "en",
            "taxonomy": LINKWELL_TAXONOMY["name"],
            "taxonomy_id": LINKWELL_TAXONOMY["id"],
            "taxonomy_detail": dict(LINKWELL_TAXONOMY),
        },
    }


# --- service ------------------------------------------------------------------------------


def exported_assurance(service: Service) -> tuple[dt.date | None, str]:
    org = service.organization
    summary = quality_summary(org.quality_checks.all())
    if summary.status != QAStatus.LAPSED:
        return summary.assured_date, org.assurer_email or service.assurer_email
    return service.assured_date, service.assurer_email


def _last_modified(service: Service) -> dt.datetime:
    return service.source_last_modified or service.updated_at


def service_to_hsds_minimal(
    service_id: uuid.UUID, source_last_modified: dt.datetime | None, updated_at: dt.datetime
) -> JSON:
    """ORUK `minimal=true`: just the service's id and when it was last modified (the same
    `last_modified` the full service carries)."""
    return {"id": str(service_id), "last_modified": _datetime(source_last_modified or updated_at)}


def _flat_service(service: Service) -> JSON:
    out = _object(service, SERVICE_FIELDS)
    extra = service.extra or {}
    if service.fees_description and "fees" not in extra:
        out["fees"] = service.fees_description
    assured_date, assurer_email = exported_assurance(service)
    if assured_date:
        out["assured_date"] = assured_date.isoformat()
    if assurer_email:
        out["assurer_email"] = assurer_email
    out["last_modified"] = _datetime(_last_modified(service))
    return out


def exported_capacities(service: Service) -> list[JSON] | None:
    """HSDS 3.1 `service_capacity` from Linkwell's capacity fields (None: we hold none)."""
    if service.capacity_available is None:
        return None
    unit_name = service.capacity_unit or "places"
    item: JSON = {
        "id": str(uuid.uuid5(LINKWELL_HSDS_NS, f"capacity:{service.uuid}")),
        "unit": {"id": str(uuid.uuid5(LINKWELL_HSDS_NS, f"unit:{unit_name}")), "name": unit_name},
        "available": service.capacity_available,
    }
    if service.capacity_maximum is not None:
        item["maximum"] = service.capacity_maximum
    item["updated"] = _datetime(service.capacity_updated_at or service.updated_at)
    return [item]


def service_to_hsds_summary(service: Service, *, include_organization: bool = True) -> JSON:
    """One item of an ORUK `service_list` page: the service's own fields plus its organization
    (no nested arrays), as `validator-schemas-3.0/service_list.json` describes."""
    out = {
        k: v
        for k, v in _flat_service(service).items()
        if not isinstance(v, list | dict) or k in ("organization",)
    }
    if include_organization:
        out["organization"] = {
            k: v
            for k, v in organization_to_hsds(service.organization).items()
            if not isinstance(v, list | dict)
        }
    return out


def service_to_hsds(service: Service) -> JSON:
    """A full HSDS/ORUK service object (the `/services/{id}` response)."""
    out = _flat_service(service)
    _put(out, "phones", [_phone(x) for x in _rows(service.phones)])
    _put(out, "schedules", [_schedule(x) for x in _rows(service.schedules)])
    _put(out, "service_areas", [_service_area(x) for x in _rows(service.service_areas)])
    _put(
        out,
        "service_at_locations",
        [service_at_location_to_hsds(x) for x in _rows(service.service_at_locations)],
    )
    _put(out, "languages", [_language(x) for x in _rows(service.languages)])
    out["organization"] = organization_to_hsds(service.organization)
    _put(out, "cost_options", [_cost_option(x) for x in _rows(service.cost_options)])
    _put(out, "contacts", [_contact(x) for x in _rows(service.contacts)])
    # Linkwell's referral mode last, so a feed's own attributes keep their positions.
    out["attributes"] = [
        *_attributes(service, AttributeLinkEntity.SERVICE),
        referral_attribute(service),
    ]
    capacities = exported_capacities(service)
    if capacities is not None:
        out["capacities"] = capacities
    return out


# --- query shaping ------------------------------------------------------------------------


def _phones(lookup: str = "phones") -> Prefetch[Any]:
    return Prefetch(lookup, queryset=Phone.objects.prefetch_related("languages"))


def _contacts(lookup: str = "contacts") -> Prefetch[Any]:
    return Prefetch(lookup, queryset=Contact.objects.prefetch_related("phones__languages"))


def service_prefetch_lookups() -> list[str | Prefetch[Any]]:
    """Built afresh per call: Django mutates Prefetch objects (add_prefix) when nesting them."""
    return [
        "organization__quality_checks",
        _phones(),
        "schedules",
        "service_areas",
        "languages",
        "cost_options",
        _contacts(),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                _contacts(),
                _phones(),
                "schedules",
                "service_areas",
                "location__languages",
                "location__addresses",
                _contacts("location__contacts"),
                "location__accessibility",
                _phones("location__phones"),
                "location__schedules",
            ),
        ),
    ]


def organizations_prefetch(
    queryset: QuerySet[DirectoryOrganization],
) -> list[DirectoryOrganization]:
    """The organizations with what `organization_to_hsds(full=True, services=False)` reads, in a
    constant number of queries."""
    orgs = list(
        queryset.prefetch_related(
            _contacts(),
            _phones(),
            Prefetch(
                "locations",
                queryset=Location.objects.prefetch_related(
                    "languages",
                    "addresses",
                    _contacts(),
                    "accessibility",
                    _phones(),
                    "schedules",
                ),
            ),
        )
    )
    attach_organization_attributes(orgs)
    return orgs


class HsdsServiceQuerySet(QuerySet[Service]):
    """A Service queryset that also bulk-loads HSDS attributes when it is evaluated."""

    def _fetch_all(self) -> None:
        loaded = self._result_cache is not None
        super()._fetch_all()
        if not loaded and self._result_cache and isinstance(self._result_cache[0], Service):
            attach_attributes(self._result_cache)


def services_prefetch(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """Add the joins and prefetches `service_to_hsds` needs: a page costs a constant number of
    queries whatever its size. Keeps the queryset lazy (paginate/slice it as usual)."""
    qs = queryset.select_related("organization").prefetch_related(*service_prefetch_lookups())
    qs.__class__ = HsdsServiceQuerySet
    return qs
