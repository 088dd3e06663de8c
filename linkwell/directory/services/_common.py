"""Shared by the listing writers: lock a listing and move its version on (core.concurrency)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linkwell.core.concurrency import lock_versioned, update_versioned
from linkwell.directory.models import Service


def _what(service: Service) -> str:
    return f"The listing “{service.name}”"


def _lock(service: Service, expected_version: int | None = None) -> Service:
    """Lock the listing (core.concurrency) and, given `expected_version`, check it."""
    return lock_versioned(
        Service.objects.select_related("organization", "organization__owner"),
        service.pk,
        expected_version=expected_version,
        what=_what,
    )


def _bump(service: Service, expected_version: int, fields: Mapping[str, Any]) -> None:
    """Write `fields` and increment `version`, only if nobody saved since `expected_version`."""
    # A Linkwell edit makes our copy the newest: exports then report `updated_at` as HSDS
    # last_modified instead of the feed's older timestamp (exchange/hsds.py relies on this).
    update_versioned(
        service, expected_version=expected_version, what=_what, source_last_modified=None, **fields
    )
