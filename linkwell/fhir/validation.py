"""Checks a FHIR resource (a dict of FHIR JSON) two independent ways, for tests:

1. `fhir.resources`' R4B models (pydantic: types, cardinality, required elements, value sets
   bound as `code` enumerations);
2. the official FHIR R4 JSON Schema (`fhir.schema.json`, draft-06), found in the shared data
   folder beside the repository (`../shared/data/fhir/r4/`) or at `LINKWELL_FHIR_SCHEMA`.

`assert_valid_fhir(resource)` raises AssertionError listing every problem; every resource the
API serves or accepts goes through it in the tests (fhir/tests and reads' tests).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
from fhir.resources.R4B import get_fhir_model_class

_SCHEMA_RELATIVE = Path("data") / "fhir" / "r4" / "fhir.schema.json"


def schema_path() -> Path:
    """The R4 JSON Schema: `LINKWELL_FHIR_SCHEMA`, else `shared/` beside the repository (or
    beside the worktrees' parent), else /work/shared."""
    env = os.environ.get("LINKWELL_FHIR_SCHEMA")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    for base in (repo.parent, repo.parent.parent, Path("/work")):
        candidate = base / "shared" / _SCHEMA_RELATIVE
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        "The FHIR R4 JSON Schema was not found: set LINKWELL_FHIR_SCHEMA to fhir.schema.json"
    )


@functools.cache
def _definitions() -> dict[str, Any]:
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    definitions: dict[str, Any] = schema["definitions"]
    # The schema was generated for 4.0.0: its list of FHIR versions stops there, so a server
    # that says (truly) it speaks 4.0.1, R4's technical correction with the same resources,
    # would fail. Only that list is corrected.
    for definition in definitions.values():
        for prop in definition.get("properties", {}).values():
            versions = prop.get("enum") if isinstance(prop, dict) else None
            if isinstance(versions, list) and "4.0.0" in versions and "4.0.1" not in versions:
                versions.append("4.0.1")
    return definitions


@functools.cache
def _validator(kind: str) -> jsonschema.Draft6Validator:
    """A validator for one resource type: the schema's own definition of it, rather than the
    top-level `oneOf` over all types, so an error names the element that is wrong."""
    definitions = _definitions()
    if kind not in definitions:
        raise KeyError(kind)
    return jsonschema.Draft6Validator({"$ref": f"#/definitions/{kind}", "definitions": definitions})


def fhir_problems(resource: dict[str, Any]) -> list[str]:
    """Every problem either check finds (empty when the resource is valid)."""
    problems: list[str] = []
    kind = resource.get("resourceType")
    if not isinstance(kind, str):
        return ["resourceType is missing"]
    try:
        model = get_fhir_model_class(kind)
        validator = _validator(kind)
    except KeyError:
        return [f"{kind} is not an R4 resource type"]
    try:
        model.model_validate(resource)
    except Exception as exc:  # pydantic's ValidationError, or a FHIR-specific value error
        problems.append(f"fhir.resources R4B: {exc}")
    for error in sorted(validator.iter_errors(resource), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        problems.append(f"R4 JSON Schema at {where}: {error.message[:300]}")
    if kind == "Bundle":
        # The schema checks contained resources through a `oneOf` over every type, whose error
        # names no element: check each entry's resource on its own as well.
        for index, entry in enumerate(resource.get("entry") or []):
            inner = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(inner, dict):
                problems.extend(f"entry[{index}].{p}" for p in fhir_problems(inner))
    return problems


def assert_valid_fhir(resource: dict[str, Any]) -> None:
    problems = fhir_problems(resource)
    assert not problems, f"{resource.get('resourceType')} is not valid FHIR R4:\n" + "\n".join(
        problems
    )
