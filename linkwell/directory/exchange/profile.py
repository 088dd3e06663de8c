"""The Open Referral UK profile applied to HSDS objects: what the UK profile deletes, taken out.

Linkwell's serialisers (`hsds.py`) write HSDS 3.0 objects with every field Linkwell holds; that
is the native form the JSON dump and the importer round-trip. The UK profile (ORUK 3.0) removes
some HSDS fields (service `phones`, `fees_description`, `eligibility_description`, language
`name`, location `schedules`...). The ORUK API, and exports asked for with `profile="oruk"`, pass
their objects through `to_oruk` so a consumer never sees a field the profile deleted.

The list of deleted fields is not written by hand: for each HSDS object it is the properties of
the vendored HSDS 3.0 compiled schema that the vendored ORUK 3.0 compiled schema no longer has.
Fields neither schema knows (a feed's own extension fields, HSDS 3.1 `capacities`) are kept:
the profile allows further properties.
"""

from __future__ import annotations

import functools
from typing import Any

from linkwell.directory.exchange import schemas

JSON = dict[str, Any]


def _definition(document: JSON, kind: str) -> JSON | None:
    if kind == "service":
        return document
    found: JSON | None = document["definitions"].get(kind)
    return found


@functools.cache
def deleted_fields(kind: str) -> frozenset[str]:
    """HSDS properties of object `kind` ("service", "location"...) the UK profile removes."""
    hsds = _definition(schemas.load(schemas.HSDS_SERVICE), kind) or {}
    oruk = _definition(schemas.load(schemas.ORUK_SERVICE), kind)
    hsds_keys = set(hsds.get("properties", {}))
    if oruk is None:
        return frozenset(hsds_keys)
    return frozenset(hsds_keys - set(oruk.get("properties", {})))


@functools.cache
def _children(kind: str) -> dict[str, str]:
    """Property -> the kind of object it holds (one or a list), from the HSDS schema's `$ref`s."""
    definition = _definition(schemas.load(schemas.HSDS_SERVICE), kind) or {}
    out: dict[str, str] = {}
    for name, prop in definition.get("properties", {}).items():
        ref = prop.get("$ref") or (prop.get("items") or {}).get("$ref")
        if ref:
            out[name] = str(ref).rsplit("/", 1)[-1]
    return out


# Keys Linkwell's responses add that the HSDS schema does not describe as nested objects.
_EXTRA_CHILDREN: dict[str, dict[str, str]] = {
    "organization": {"services": "service"},
    "service_at_location": {"service": "service"},
    "taxonomy": {"taxonomy_terms": "taxonomy_term"},
}


def to_oruk(obj: JSON, kind: str, *, organization_id: str | None = None) -> JSON:
    """A copy of the HSDS object `obj` of `kind` without the fields the UK profile deletes, at
    every depth. A service also gets `organization_id` (ORUK's compliance rules require it),
    from its nested organization or, nested in an organization, from that one."""
    dropped = deleted_fields(kind)
    children = {**_children(kind), **_EXTRA_CHILDREN.get(kind, {})}
    out: JSON = {}
    if kind == "service" and "id" in obj:
        organization = obj.get("organization")
        if isinstance(organization, dict) and organization.get("id"):
            organization_id = str(organization["id"])
        out["id"] = obj["id"]
        if organization_id and not obj.get("organization_id"):
            out["organization_id"] = organization_id
    parent_id = str(obj["id"]) if kind == "organization" and obj.get("id") else None
    for key, value in obj.items():
        if key in dropped or key in out:
            continue
        child = children.get(key)
        if child is not None and isinstance(value, dict):
            value = to_oruk(value, child, organization_id=parent_id)
        elif child is not None and isinstance(value, list):
            value = [
                to_oruk(v, child, organization_id=parent_id) if isinstance(v, dict) else v
                for v in value
            ]
        out[key] = value
    return out
