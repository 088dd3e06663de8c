"""The vendored official JSON Schemas (see `linkwell/directory/schemas/SOURCE.md`).

The compiled schemas carry no `$schema`; they use only keywords whose meaning is the same in
every draft, so we validate with Draft 2020-12 (jsonschema's default). Format checking uses
jsonschema's built-in checkers: `uuid`, `email` and `date` are checked; `uri` and `date-time`
would need optional packages we do not ship, so the importer checks date-times itself.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
ORUK_SERVICE = "oruk-3.0/service_with_definitions.json"
ORUK_SERVICE_LIST_PAGE = "oruk-3.0/service_list_page.json"
HSDS_SERVICE = "hsds-3.0/service_with_definitions.json"


@functools.cache
def load(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@functools.cache
def validator(name: str, definition: str | None = None) -> Draft202012Validator:
    """A validator for a compiled schema, or for one of its `definitions` (e.g. `organization`)
    with the other definitions in scope so its `$ref`s resolve."""
    schema = load(name)
    if definition is not None:
        schema = {"$ref": f"#/definitions/{definition}", "definitions": schema["definitions"]}
    return Draft202012Validator(schema, format_checker=FormatChecker())
