"""schemathesis hooks shared by the conformance test (tests/test_openapi_conformance.py) and a
probe run by hand (`SCHEMATHESIS_HOOKS=tests.openapi_probe_hooks`, linkwell/api/README.md)."""

from __future__ import annotations

from typing import Any

import schemathesis

# Refusals of well-formed values that no OpenAPI 3.0 schema can describe, each written in the
# parameter's description: a postcode of the right shape that the postcode data does not hold,
# and the rules that tie two parameters together. Only these 400s may answer a valid request.
DOCUMENTED_REFUSALS = (
    "postcode: We could not find",
    "proximity needs a postcode",
    "start_time must be earlier than end_time",
    "minimal and full cannot both be true",
)


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure except a documented refusal of a request the document calls valid."""
    meta = case.meta
    if response.status_code != 400 or meta is None or not meta.generation.mode.is_positive:
        return True
    try:
        detail = str(response.json().get("detail", ""))
    except ValueError:
        return True
    return not detail.startswith(DOCUMENTED_REFUSALS)
