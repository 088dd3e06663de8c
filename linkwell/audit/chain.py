"""The audit trail's hash chain: sealing events and verifying the seals.

`seal_events` extends the chain over events written at least `delay` ago, in id order, and
stops at the first younger one, so the sealed part is always a prefix of the trail by id (an
event whose transaction was still open when a later one was sealed would otherwise look
slipped in). `verify_chain` recomputes every hash and reports the first place the trail and
its seals disagree:

- an event changed after it was sealed (its canonical form no longer gives its `row_hash`);
- an event deleted (a seal with no event);
- an event inserted among sealed events (an event with no seal below the last seal's id);
- a seal rewritten (its `chain_hash` does not follow from the one before).

A person who can rewrite both tables and recompute every later hash can still forge a chain:
`verify_chain` returns the head (the last seal's event id and chain hash) to be kept outside the
database — the scheduled job's log, the backup's manifest — and `anchor=(id, hash)` checks the
chain still passes through a head recorded earlier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from linkwell.audit.models import AuditEvent, AuditSeal

GENESIS = "0" * 64
SEAL_LOCK = 0x4C57_4155  # "LWAU": the advisory lock sealers take on PostgreSQL
CHUNK = 2000
# Every stored field of an event, in a fixed order (a new field must be added here, which
# changes nothing for events sealed before it: their canonical form carries no such key).
FIELDS = (
    "id",
    "uuid",
    "at",
    "kind",
    "actor_id",
    "actor_label",
    "organisation_id",
    "organisation_label",
    "action",
    "channel",
    "object_type",
    "object_id",
    "object_repr",
    "person_id",
    "changes",
    "detail",
    "request_id",
    "ip_address",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if hasattr(value, "hex") and not isinstance(value, (bytes, str, int, float)):
        return str(value)  # UUID
    return value


def canonical(event: AuditEvent) -> bytes:
    """The event as bytes that are the same on SQLite and PostgreSQL and after a restore."""
    data = {name: _plain(getattr(event, name)) for name in FIELDS}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def next_chain_hash(previous: str, row: str) -> str:
    return hashlib.sha256((previous + row).encode()).hexdigest()


def _events_after(last_id: int, using: str = DEFAULT_DB_ALIAS) -> Iterator[AuditEvent]:
    while True:
        batch = list(AuditEvent.objects.using(using).filter(id__gt=last_id).order_by("id")[:CHUNK])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _seals_after(last_id: int, using: str = DEFAULT_DB_ALIAS) -> Iterator[AuditSeal]:
    while True:
        batch = list(
            AuditSeal.objects.using(using).filter(event_id__gt=last_id).order_by("event_id")[:CHUNK]
        )
        if not batch:
            return
        yield from batch
        last_id = batch[-1].event_id


def seal_events(*, delay: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Seal every unsealed event written at or before `now - delay`, in id order; returns how
    many. Safe to run twice at once: the second waits for the first (a transaction-scoped
    advisory lock on PostgreSQL, which only sealers take — the application role may not lock
    seal rows FOR UPDATE, lacking UPDATE on them; SQLite's write lock on SQLite)."""
    cutoff = (now or timezone.now()) - delay
    sealed = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
        head = AuditSeal.objects.order_by("-event_id").first()
        previous, last_id = (head.chain_hash, head.event_id) if head else (GENESIS, 0)
        seals: list[AuditSeal] = []
        at = timezone.now()
        for event in _events_after(last_id):
            if event.at > cutoff:
                break
            digest = row_hash(event)
            previous = next_chain_hash(previous, digest)
            seals.append(
                AuditSeal(event_id=event.id, row_hash=digest, chain_hash=previous, sealed_at=at)
            )
            if len(seals) >= CHUNK:
                AuditSeal.objects.bulk_create(seals)
                sealed += len(seals)
                seals = []
        AuditSeal.objects.bulk_create(seals)
        sealed += len(seals)
    return sealed


@dataclass(frozen=True)
class Verification:
    ok: bool
    problem: str = ""
    event_id: int | None = None
    sealed: int = 0
    unsealed: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS


def verify_chain(
    *, anchor: tuple[int, str] | None = None, using: str = DEFAULT_DB_ALIAS
) -> Verification:
    """Walk events and seals together in id order; stop at the first disagreement."""
    events = _events_after(0, using)
    seals = _seals_after(0, using)
    event = next(events, None)
    seal = next(seals, None)
    previous = GENESIS
    count = 0
    head_id: int | None = None
    anchor_seen = anchor is None

    def broken(problem: str, event_id: int) -> Verification:
        return Verification(
            ok=False, problem=problem, event_id=event_id, sealed=count, head_id=head_id
        )

    while seal is not None:
        if event is not None and event.id < seal.event_id:
            return broken(
                f"event {event.id} ({event.action}, {event.at:%Y-%m-%d %H:%M}) is among sealed "
                "events but has no seal: it was inserted after sealing",
                event.id,
            )
        if event is None or event.id > seal.event_id:
            return broken(
                f"event {seal.event_id} was sealed but is missing: it was deleted", seal.event_id
            )
        expected = next_chain_hash(previous, seal.row_hash)
        if seal.chain_hash != expected:
            return broken(
                f"the seal of event {seal.event_id} does not follow from the one before: "
                "the seals were rewritten",
                seal.event_id,
            )
        if row_hash(event) != seal.row_hash:
            return broken(
                f"event {event.id} ({event.action}) was changed after it was sealed", event.id
            )
        if anchor is not None and seal.event_id == anchor[0]:
            if seal.chain_hash != anchor[1]:
                return broken(
                    f"the chain at event {anchor[0]} is not the recorded head {anchor[1]}: "
                    "the trail before it was rewritten",
                    anchor[0],
                )
            anchor_seen = True
        previous = seal.chain_hash
        head_id = seal.event_id
        count += 1
        event = next(events, None)
        seal = next(seals, None)
    unsealed = 0
    while event is not None:
        unsealed += 1
        event = next(events, None)
    if not anchor_seen:
        assert anchor is not None
        return Verification(
            ok=False,
            problem=f"the recorded head, event {anchor[0]}, has no seal: the seals were removed",
            event_id=anchor[0],
            sealed=count,
            unsealed=unsealed,
            head_id=head_id,
        )
    return Verification(
        ok=True, sealed=count, unsealed=unsealed, head_id=head_id, head_hash=previous
    )
