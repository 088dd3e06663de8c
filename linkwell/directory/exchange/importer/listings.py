"""Writing HSDS services (directory listings): a new one through the directory's one creator,
`service_create`; its capacity, service_at_locations and other child rows synced from the feed."""

from __future__ import annotations

from typing import Any

from linkwell.directory.exchange import hsds
from linkwell.directory.exchange.importer.organizations import _OrganizationWriter
from linkwell.directory.exchange.importer.report import RecordRejected
from linkwell.directory.exchange.importer.values import _convert, _referral_mode, _to_ms
from linkwell.directory.exchange.sources import ORGANIZATION, SERVICE, TAXONOMY, SourceRecord
from linkwell.directory.models import (
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
from linkwell.directory.services import service_rows


class _Writer(_OrganizationWriter):
    """Writes one record (and the rows it contains) and collects what changed."""

    # top-level records
    def write(self, record: SourceRecord) -> None:
        self._errors = []
        try:
            self._write(record)
        except RecordRejected as exc:
            self._errors.extend(exc.messages)
        if self._errors:
            raise RecordRejected(list(dict.fromkeys(self._errors)))

    def _write(self, record: SourceRecord) -> None:
        data = record.data
        if record.kind == SERVICE:
            self.service(data, "", record)
        elif record.kind == ORGANIZATION:
            self.organization(data, "")
        elif record.kind == TAXONOMY:
            self.taxonomy(data, "")
        else:
            self.term(data, "")

    def service(
        self, data: dict[str, Any], path: str, record: SourceRecord | None = None
    ) -> Service:
        errors: list[str] = []
        org: DirectoryOrganization | None = None
        if isinstance(data.get("organization"), dict):
            org = self.organization(data["organization"], "organization.")
        else:
            org_id = data.get("organization_id") or (record.organization_id if record else None)
            org = self.store.get(DirectoryOrganization, org_id) if org_id else None
            if org is None and not org_id:
                # ORUK list items may leave the organization out: keep the one we hold.
                held = self.store.get(Service, data.get("id"))
                org = held.organization if held is not None else None
            if org is None:
                errors.append(
                    f"organization_id {org_id} is not in the directory or this file"
                    if org_id
                    else "the service has no organization (give `organization` or `organization_id`)"
                )
        try:
            values = self._values(Service, hsds.SERVICE_FIELDS, data, path)
        except RecordRejected as exc:
            errors.extend(exc.messages)
        if errors:
            raise RecordRejected(errors)
        assert org is not None
        key = self._uuid(data)
        current = self.store.get(Service, key)
        consumed = [k for k, _ in hsds.SERVICE_FIELDS] + [
            "fees",
            "assured_date",
            "assurer_email",
            "last_modified",
            "organization",
            "phones",
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "cost_options",
            "contacts",
            "attributes",
            "capacities",
        ]
        extra = self._extra(data, consumed, current.extra if current else None)
        fees = data.get("fees")
        if fees is not None and not data.get("fees_description"):
            values["fees_description"] = _convert(
                Service._meta.get_field("fees_description"), fees, "fees"
            )
        elif fees is not None and fees != data.get("fees_description"):
            extra["fees"] = fees
        assured_date = _convert(
            Service._meta.get_field("assured_date"), data.get("assured_date"), "assured_date"
        )
        assurer_email = _convert(
            Service._meta.get_field("assurer_email"), data.get("assurer_email"), "assurer_email"
        )
        if current is not None:
            computed_date, computed_email = (
                hsds.exported_assurance(current)
                if current.organization.pk is not None
                # a provider new in this file has no quality checks: what a lapsed one exports
                else (current.assured_date, current.assurer_email)
            )
            if (assured_date, assurer_email) == (computed_date, computed_email or ""):
                # What our exporter computes from the provider's quality checks (our own export
                # read back): keep the stored values, else they would be overwritten by it.
                assured_date, assurer_email = current.assured_date, current.assurer_email
        values.update(self._capacity(data.get("capacities"), current))
        # Linkwell's referral mode travels as an attribute (hsds.referral_attribute): read it
        # into the field; attributes() stores no row for it. Absent: left as it is.
        for item in data.get("attributes") or []:
            mode = _referral_mode(item)
            if mode is not None:
                values["referral_mode"] = mode
        values.update(
            organization=org,
            extra=extra,
            assured_date=assured_date,
            assurer_email=assurer_email,
            source_last_modified=_convert(
                Service._meta.get_field("source_last_modified"),
                data.get("last_modified"),
                "last_modified",
            ),
        )
        if (
            current is not None
            and current.source_last_modified is None
            and current.updated_at is not None  # None: new in this file, not yet written
            and values["source_last_modified"] == _to_ms(current.updated_at)
        ):
            # Our own export read back: its last_modified is our updated_at, not a feed's stamp.
            values["source_last_modified"] = None
        if record is not None and "referral_mode" in record.linkwell:
            values["referral_mode"] = record.linkwell["referral_mode"]
        saved_children, self._children = self._children, []
        changes: dict[str, list[Any]] = {}
        if current is None:
            # A new listing is made (and audited, when the import is written) by the directory's
            # one creator (`services_create`); its child rows are synced below as on an update.
            fields = {k: v for k, v in values.items() if k not in ("name", "organization")}
            listing = service_rows(organization=org, name=values["name"], uuid=key, fields=fields)
            self.store.add_listing(listing, {"source": self.where})
            obj = listing.service
            outcome = "created"
        else:
            obj, outcome, changes = self._upsert(Service, key, values)
        s = obj
        self._sync(
            Phone,
            "service",
            s,
            data.get("phones"),
            "phones",
            lambda d, p: self.phone(d, p, service=s),
        )
        self._sync(
            Schedule,
            "service",
            s,
            data.get("schedules"),
            "schedules",
            lambda d, p: self._child(Schedule, d, p, hsds.SCHEDULE_FIELDS, {"service": s}),
        )
        self._sync(
            ServiceArea,
            "service",
            s,
            data.get("service_areas"),
            "service_areas",
            lambda d, p: self._child(ServiceArea, d, p, hsds.SERVICE_AREA_FIELDS, {"service": s}),
        )
        self._sync(
            ServiceAtLocation,
            "service",
            s,
            data.get("service_at_locations"),
            "service_at_locations",
            lambda d, p: self.service_at_location(d, p, s),
        )
        self._sync(
            Language,
            "service",
            s,
            data.get("languages"),
            "languages",
            lambda d, p: self._child(Language, d, p, hsds.LANGUAGE_FIELDS, {"service": s}),
        )
        self._sync(
            CostOption,
            "service",
            s,
            data.get("cost_options"),
            "cost_options",
            lambda d, p: self._child(CostOption, d, p, hsds.COST_OPTION_FIELDS, {"service": s}),
        )
        self._sync(
            Contact,
            "service",
            s,
            data.get("contacts"),
            "contacts",
            lambda d, p: self.contact(d, p, service=s),
        )
        self.attributes("service", s, data.get("attributes"), "attributes")
        children, self._children = self._children, saved_children
        self._finish(
            SERVICE, obj, outcome, changes, children, org.owner, audited=outcome == "created"
        )
        return obj

    def _capacity(self, items: Any, current: Service | None) -> dict[str, Any]:
        """HSDS 3.1 `capacities` -> the capacity fields. Absent: left as they are (as for any
        array); `[]`: cleared; else the first item (Linkwell holds one capacity per service)."""
        if not isinstance(items, list):
            return {}
        if not items:
            return {
                "capacity_available": None,
                "capacity_maximum": None,
                "capacity_updated_at": None,
            }
        item = items[0]
        if len(items) > 1:
            self._warnings.append(
                f"{self.where}: {len(items)} capacities given; only the first is kept"
            )
        if not isinstance(item, dict):
            raise RecordRejected(["capacities[0] must be an object"])
        if current is not None and hsds.exported_capacities(current) == [item]:
            # Our own export read back: its `updated` falls back to updated_at and its unit to
            # "places"; keep what is stored.
            return {}
        unit = item.get("unit")
        name = unit.get("name") if isinstance(unit, dict) else None
        out: dict[str, Any] = {}
        errors: list[str] = []
        for key, attr, raw in (
            ("available", "capacity_available", item.get("available")),
            ("maximum", "capacity_maximum", item.get("maximum")),
            ("unit.name", "capacity_unit", name or "places"),
            ("updated", "capacity_updated_at", item.get("updated")),
        ):
            try:
                out[attr] = _convert(Service._meta.get_field(attr), raw, f"capacities[0].{key}")
            except RecordRejected as exc:
                errors.extend(exc.messages)
        if errors:
            raise RecordRejected(errors)
        return out

    def service_at_location(
        self, data: dict[str, Any], path: str, service: Service
    ) -> ServiceAtLocation:
        if isinstance(data.get("location"), dict):
            location = self.location(data["location"], f"{path}location.", service.organization)
        else:
            location_id = data.get("location_id")
            found = self.store.get(Location, location_id) if location_id else None
            if found is None:
                raise RecordRejected(
                    [
                        f"{path}location: missing, or location_id {location_id} is not in the directory"
                    ]
                )
            location = found
        fields = [("description", "description")]
        arrays = ["location", "contacts", "phones", "schedules", "service_areas", "attributes"]
        sal: ServiceAtLocation = self._child(
            ServiceAtLocation,
            data,
            path,
            fields,
            {"service": service, "location": location},
            arrays,
        )
        self._sync(
            Contact,
            "service_at_location",
            sal,
            data.get("contacts"),
            f"{path}contacts",
            lambda d, p: self.contact(d, p, service_at_location=sal),
        )
        self._sync(
            Phone,
            "service_at_location",
            sal,
            data.get("phones"),
            f"{path}phones",
            lambda d, p: self.phone(d, p, service_at_location=sal),
        )
        self._sync(
            Schedule,
            "service_at_location",
            sal,
            data.get("schedules"),
            f"{path}schedules",
            lambda d, p: self._child(
                Schedule, d, p, hsds.SCHEDULE_FIELDS, {"service_at_location": sal}
            ),
        )
        self._sync(
            ServiceArea,
            "service_at_location",
            sal,
            data.get("service_areas"),
            f"{path}service_areas",
            lambda d, p: self._child(
                ServiceArea, d, p, hsds.SERVICE_AREA_FIELDS, {"service_at_location": sal}
            ),
        )
        self.attributes("service_at_location", sal, data.get("attributes"), f"{path}attributes")
        return sal
