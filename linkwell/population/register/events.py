"""Recounting a register's utilisation columns from an events file (appointments, A&E
attendances, emergency admissions, repeat prescriptions).
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from linkwell.population.register.schema import Register, RegisterError
from linkwell.population.register.validation import _examples, _rows

REPEAT_EVENT = "repeat_prescription"
REPEAT_DAYS = 183  # a repeat medicine issued in the last six months counts as current

EVENT_TYPES = {
    "gp_appointment": "gp_appointments_12m",
    "nurse_appointment": "nurse_appointments_12m",
    "ae_attendance": "ae_attendances_12m",
    "emergency_admission": "emergency_admissions_12m",
}


def with_events(register: Register, events: ir.Table, *, as_of: Any) -> Register:
    """Replace the 12-month counts with counts from an events table.

    `events` has columns pseudo_id, event_type (one of EVENT_TYPES) and event_date; events in the
    365 days up to and including `as_of` are counted; people with no events count 0. With a
    `code` column (the medicine's dm+d or BNF code), `repeat_prescription` events also recount
    `repeat_medicines`: the distinct codes issued in the REPEAT_DAYS up to `as_of`. Other event
    types are ignored.
    """
    names = set(events.schema().names)
    missing = [name for name in ("pseudo_id", "event_type", "event_date") if name not in names]
    if missing:
        raise RegisterError([f"Events file: missing columns: {', '.join(missing)}."])
    found = events.schema()["event_date"]
    if found.is_string():
        text = events.event_date.strip()
        unreadable = (text != "") & text.try_cast("date").isnull()
        count, shown = _examples(events, unreadable, "event_date")
        if count:
            raise RegisterError(
                [
                    f"Events file: column event_date: {_rows(count, 'is', 'are')} not a date "
                    f"(YYYY-MM-DD), e.g. {shown}."
                ]
            )
        date = text.try_cast("date")
    elif found.is_date() or found.is_timestamp():
        date = events.event_date.cast("date")
    else:
        raise RegisterError([f"Events file: column event_date: expected dates, found {found}."])
    dated = events.mutate(_event_date=date)
    end = ibis.literal(as_of)
    window = dated.filter(
        (dated._event_date <= end) & (dated._event_date > end - ibis.interval(days=365))
    )
    aggregates: dict[str, ir.Value] = {
        column: (window.event_type == event).sum().cast("int64")
        for event, column in EVENT_TYPES.items()
    }
    if "code" in names:
        repeat = (window.event_type == REPEAT_EVENT) & (
            window._event_date > end - ibis.interval(days=REPEAT_DAYS)
        )
        aggregates["repeat_medicines"] = (
            window.code.cast("string").nunique(where=repeat).cast("int64")
        )
    counts = window.group_by(window.pseudo_id.cast("string").name("pseudo_id")).aggregate(
        **aggregates
    )
    base = register.table.drop(*aggregates)
    joined = base.left_join(counts, "pseudo_id").select(
        *[base[name] for name in base.columns],
        *[counts[column].fill_null(0).name(column) for column in aggregates],
    )
    return Register(
        table=joined.select(*register.table.columns),
        source=register.source,
        ignored_columns=register.ignored_columns,
        rows=register.rows,
    )
