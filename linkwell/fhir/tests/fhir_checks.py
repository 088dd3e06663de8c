"""Test helper for the reads and documents: a resource must pass both the R4B models of
`fhir.resources` and the official FHIR R4 JSON schema (../shared/data/fhir/r4/)."""

from __future__ import annotations

import importlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

_REPO = Path(__file__).resolve().parents[3]
# Beside the repository (`../shared`), or beside the directory of worktrees.
SCHEMA = next(
    (
        base / "shared" / "data" / "fhir" / "r4" / "fhir.schema.json"
        for base in (_REPO.parent, _REPO.parent.parent)
        if (base / "shared" / "data" / "fhir" / "r4" / "fhir.schema.json").exists()
    ),
    _REPO.parent / "shared" / "data" / "fhir" / "r4" / "fhir.schema.json",
)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft6Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft6Validator(schema)


def assert_valid_r4(resource: dict[str, Any]) -> None:
    kind = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    getattr(module, kind).model_validate(resource)
    errors = sorted(_validator().iter_errors(resource), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:5])
