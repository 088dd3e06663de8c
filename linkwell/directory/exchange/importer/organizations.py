"""Resolving providers and places: HSDS organizations, their locations (with coordinates from a
GB postcode when they have none), and the contacts and phones organizations, services and
locations carry."""

from __future__ import annotations

from typing import Any

from linkwell.core.exceptions import LinkwellError
from linkwell.directory import postcodes
from linkwell.directory.exchange import hsds, rules
from linkwell.directory.exchange.importer.taxonomies import _TaxonomyWriter
from linkwell.directory.exchange.sources import ORGANIZATION
from linkwell.directory.models import (
    Accessibility,
    Address,
    Contact,
    DirectoryOrganization,
    Language,
    Location,
    Phone,
    Schedule,
)


def _postcode(location: dict[str, Any]) -> str:
    """The first GB postal code among the location's addresses (a physical one first)."""
    addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
    addresses.sort(key=lambda a: a.get("address_type", "physical") != "physical")
    for address in addresses:
        country = str(address.get("country") or "GB").upper()
        code = address.get("postal_code")
        if country in ("GB", "UK") and isinstance(code, str) and code.strip():
            return code.strip()
    return ""


class _OrganizationWriter(_TaxonomyWriter):
    """Organizations, locations, contacts and phones."""

    def organization(self, data: dict[str, Any], path: str) -> DirectoryOrganization:
        saved_children, self._children = self._children, []
        values = self._values(DirectoryOrganization, hsds.ORGANIZATION_FIELDS, data, path)
        key = self._uuid(data)
        current = self.store.get(DirectoryOrganization, key)
        arrays = ["contacts", "phones", "locations", "attributes", "services"]
        values["extra"] = self._extra(
            data,
            [k for k, _ in hsds.ORGANIZATION_FIELDS] + arrays,
            current.extra if current else None,
        )
        if self.owner is not None:
            values["owner"] = self.owner
        obj, outcome, changes = self._upsert(DirectoryOrganization, key, values)
        self._sync(
            Contact,
            "organization",
            obj,
            data.get("contacts"),
            f"{path}contacts",
            lambda d, p: self.contact(d, p, organization=obj),
        )
        self._sync(
            Phone,
            "organization",
            obj,
            data.get("phones"),
            f"{path}phones",
            lambda d, p: self.phone(d, p, organization=obj),
        )
        self._sync(
            Location,
            "organization",
            obj,
            data.get("locations"),
            f"{path}locations",
            lambda d, p: self.location(d, p, obj, link=True),
        )
        self.attributes("organization", obj, data.get("attributes"), f"{path}attributes")
        children, self._children = self._children, saved_children
        self._finish(ORGANIZATION, obj, outcome, changes, children, obj.owner)
        return obj

    # children
    def phone(self, data: dict[str, Any], path: str, **links: Any) -> Phone:
        obj: Phone = self._child(
            Phone, data, path, hsds.PHONE_FIELDS, links, ["languages", "attributes"]
        )
        self._sync(
            Language,
            "phone",
            obj,
            data.get("languages"),
            f"{path}languages",
            lambda d, p: self._child(Language, d, p, hsds.LANGUAGE_FIELDS, {"phone": obj}),
        )
        return obj

    def contact(self, data: dict[str, Any], path: str, **links: Any) -> Contact:
        obj: Contact = self._child(
            Contact, data, path, hsds.CONTACT_FIELDS, links, ["phones", "attributes"]
        )
        self._sync(
            Phone,
            "contact",
            obj,
            data.get("phones"),
            f"{path}phones",
            lambda d, p: self.phone(d, p, contact=obj),
        )
        return obj

    def location(
        self,
        data: dict[str, Any],
        path: str,
        organization: DirectoryOrganization,
        *,
        link: bool = False,
    ) -> Location:
        source = self._coordinates(data, path)
        key = self._uuid(data)
        existing = self.store.get(Location, key)
        links: dict[str, Any] = {}
        if link or existing is None or not self.store.linked(existing, "organization"):
            links["organization"] = organization
        arrays = [
            "languages",
            "addresses",
            "contacts",
            "accessibility",
            "phones",
            "schedules",
            "attributes",
        ]
        loc: Location = self._child(Location, source, path, hsds.LOCATION_FIELDS, links, arrays)
        self._sync(
            Language,
            "location",
            loc,
            data.get("languages"),
            f"{path}languages",
            lambda d, p: self._child(Language, d, p, hsds.LANGUAGE_FIELDS, {"location": loc}),
        )
        self._sync(
            Address,
            "location",
            loc,
            data.get("addresses"),
            f"{path}addresses",
            lambda d, p: self._child(Address, d, p, hsds.ADDRESS_FIELDS, {"location": loc}),
        )
        self._sync(
            Contact,
            "location",
            loc,
            data.get("contacts"),
            f"{path}contacts",
            lambda d, p: self.contact(d, p, location=loc),
        )
        self._sync(
            Accessibility,
            "location",
            loc,
            data.get("accessibility"),
            f"{path}accessibility",
            lambda d, p: self._child(
                Accessibility, d, p, hsds.ACCESSIBILITY_FIELDS, {"location": loc}
            ),
        )
        self._sync(
            Phone,
            "location",
            loc,
            data.get("phones"),
            f"{path}phones",
            lambda d, p: self.phone(d, p, location=loc),
        )
        self._sync(
            Schedule,
            "location",
            loc,
            data.get("schedules"),
            f"{path}schedules",
            lambda d, p: self._child(Schedule, d, p, hsds.SCHEDULE_FIELDS, {"location": loc}),
        )
        self.attributes("location", loc, data.get("attributes"), f"{path}attributes")
        return loc

    def _coordinates(self, data: dict[str, Any], path: str) -> dict[str, Any]:
        """The location as it will be stored: out-of-range coordinates dropped and, when it has
        none, the coordinates of its GB postcode (so distance search finds it). Problems are
        warnings naming the record (a CSV line); the location is imported either way."""
        where = self.where if self.where.startswith("line ") else f"{self.where} {path[:-1]}"
        problems = rules.coordinate_problems(data)
        source = data
        if problems:
            source = {k: v for k, v in data.items() if k not in ("latitude", "longitude")}
        if rules.has_coordinates(source):
            return source
        postcode = _postcode(data)
        if postcode:
            try:
                lat, lon = postcodes.lookup(postcode)
            except LinkwellError as exc:
                problems.append(
                    f"no coordinates for postcode {postcode!r} ({str(exc).rstrip('.')})"
                )
            else:
                if problems:
                    self._warnings.append(
                        f"{where}: {' and '.join(problems)}; used the coordinates of postcode "
                        f"{postcode} instead"
                    )
                return {**source, "latitude": lat, "longitude": lon}
        if problems:
            self._warnings.append(
                f"{where}: {'; '.join(problems)}; location stored without coordinates"
            )
        return source
