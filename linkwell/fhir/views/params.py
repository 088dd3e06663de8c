"""Parsing FHIR search parameter values."""

from __future__ import annotations

import uuid

from linkwell.fhir.http import FhirError


def id_list(value: str) -> list[uuid.UUID]:
    """`_id=a,b`: the ids that are well formed (others cannot match anything)."""
    out = []
    for part in value.split(","):
        try:
            out.append(uuid.UUID(part.strip()))
        except ValueError:
            continue
    return out


def token_param(value: str, name: str) -> tuple[str | None, str]:
    """`system|code`, `|code` or `code` -> (system or None for any, code); 400 when empty."""
    system: str | None
    if "|" in value:
        system, code = value.split("|", 1)
    else:
        system, code = None, value
    if not code.strip():
        raise FhirError(400, "value", f"{name} needs a value, e.g. {name}=system|value")
    return system, code.strip()


def reference_param(value: str, resource_type: str, name: str) -> str:
    """`Type/id` or `id` -> id; 400 for a reference to another type."""
    value = value.strip()
    if "/" in value:
        kind, _, rid = value.rstrip("/").rpartition("/")
        if kind.rsplit("/", 1)[-1] != resource_type:
            raise FhirError(400, "value", f"{name} must reference a {resource_type}")
        value = rid
    if not value:
        raise FhirError(400, "value", f"{name} needs a value, e.g. {name}={resource_type}/id")
    return value
