"""Writing audit events out as CSV or JSON (used by `linkwell audit export`)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from typing import Any, Protocol

from django.db.models import Q, QuerySet

from linkwell.audit.models import AuditEvent

COLUMNS = [
    "uuid",
    "at",
    "kind",
    "action",
    "channel",
    "actor_id",
    "actor_label",
    "organisation_id",
    "organisation_label",
    "object_type",
    "object_id",
    "object_repr",
    "person_id",
    "changes",
    "detail",
    "request_id",
    "ip_address",
]
FORMATS = ("csv", "json")


class Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def audit_events_matching(
    *,
    person_id: str | None = None,
    actor_id: int | None = None,
    actor_label: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The whole trail narrowed by every filter given, oldest first. For the command line,
    where the deployer acts for the platform (no per-user scoping)."""
    qs = AuditEvent.objects.order_by("at", "id")
    if person_id:
        qs = qs.filter(person_id=person_id)
    if actor_id is not None or actor_label:
        who = Q()
        if actor_id is not None:
            who |= Q(actor_id=actor_id)
        if actor_label:
            who |= Q(actor_label__iexact=actor_label)
        qs = qs.filter(who)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs


def event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "uuid": str(event.uuid),
        "at": event.at.isoformat(),
        "kind": event.kind,
        "action": event.action,
        "channel": event.channel,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "organisation_label": event.organisation_label,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "person_id": event.person_id,
        "changes": event.changes,
        "detail": event.detail,
        "request_id": event.request_id,
        "ip_address": event.ip_address,
    }


def write_events(events: Iterable[AuditEvent], *, fmt: str, out: Writable) -> int:
    """Stream `events` to `out`; returns how many were written. CSV: a header row, then one row
    per event with `changes`/`detail` as JSON text. JSON: one array of objects."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use csv or json")
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for event in events:
            row = event_row(event)
            row["changes"] = json.dumps(row["changes"], ensure_ascii=False, sort_keys=True)
            row["detail"] = json.dumps(row["detail"], ensure_ascii=False, sort_keys=True)
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
            count += 1
        return count
    out.write("[")
    for event in events:
        out.write(("," if count else "") + "\n" + json.dumps(event_row(event), ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
