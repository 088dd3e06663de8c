"""Creating listings and providers: the one place that knows how a new listing is made."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.actions import AuditAction
from linkwell.audit.models import AuditEvent
from linkwell.audit.services import audit_event, audit_record, audit_record_many
from linkwell.directory.models import (
    Address,
    Attribute,
    AttributeLinkEntity,
    Contact,
    CostOption,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

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
        audit_record_many([_created_event(actor, listing, detail)])
    return service


def services_create(
    *,
    actor: User | None,
    listings: Sequence[tuple[ServiceRows, Mapping[str, Any] | None]],
    insert: Callable[[type[Any], list[Any]], None] | None = None,
) -> list[Service]:
    """`service_create` for many listings at once (the importer): the rows are inserted in bulk,
    parents first, and each listing gets the same `directory.service_created` event, with its
    `detail`. Child rows whose parent is a new row of the same call are linked on insert.
    `insert(model, rows)` inserts a list of rows (default: `bulk_create`); the importer passes
    its own, which writes values it prepared before taking the write lock."""
    if not listings:
        return []
    put = insert or (lambda model, rows: model.objects.bulk_create(rows, batch_size=500))
    events = [_created_event(actor, listing, detail) for listing, detail in listings]
    with transaction.atomic():
        services = [listing.service for listing, _ in listings]
        put(Service, services)
        children: dict[type[Any], list[Any]] = {}
        for listing, _ in listings:
            for model, objs in listing.children():
                children.setdefault(model, []).extend(objs)
        for model, objs in children.items():  # dict order is children()'s: parents first
            if objs:
                put(model, objs)
        audit_record_many(events)
    return services


def _created_event(
    actor: User | None, listing: ServiceRows, detail: Mapping[str, Any] | None
) -> AuditEvent:
    service = listing.service
    where = [str(sal.location.uuid) for sal in listing.service_at_locations]
    return audit_event(
        actor=actor,
        action=AuditAction.DIRECTORY_SERVICE_CREATED,
        obj=service,
        organisation=service.organization.owner,
        changes={"name": [None, service.name], "status": [None, service.status]},
        detail={**(detail or {}), **({"locations": where} if where else {})},
    )


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
