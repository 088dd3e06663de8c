"""An iCalendar (RFC 5545) feed of a link worker's contacts, for calendar apps.

What an event says, and why so little: feeds sync to phones, laptops and shared or work calendar
services outside Linkwell's access control and audit trail, and are shown on lock screens and in
notifications. So an event names the kind of contact, the person's initials and the case
reference ("Wellbeing review: JH (case 1A2B3C4D)") — enough for the worker to know whom they
are seeing — and links to the case page, which needs a sign-in. No full name, no date of birth,
no reasons for referral, no notes. A home visit's venue is left out too: it would be the
person's address; the worker reads it in Linkwell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from linkwell.casework.models import Appointment, AppointmentKind, AppointmentOutcome, Case
from linkwell.casework.selectors import case_reference, initials

PRODID = "-//Linkwell//Casework calendar//EN"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 section 3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 section 3.1), never splitting a character."""
    out: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with a space, which counts
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def summary_for(appointment: Appointment) -> str:
    case = appointment.case
    return f"{appointment.get_kind_display()}: {initials(case)} (case {case_reference(case)})"


def build_calendar(
    appointments: Iterable[Appointment],
    *,
    name: str,
    now: dt.datetime,
    case_url: Callable[[Case], str],
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    stamp = _utc(now)
    for appointment in appointments:
        starts = appointment.starts_at
        ends = starts + dt.timedelta(minutes=appointment.duration_minutes)
        cancelled = appointment.outcome == AppointmentOutcome.CANCELLED
        lines += [
            "BEGIN:VEVENT",
            # Stable across fetches, so apps update an event instead of duplicating it.
            f"UID:{appointment.uuid}@linkwell",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(starts)}",
            f"DTEND:{_utc(ends)}",
            f"SUMMARY:{escape_text(summary_for(appointment))}",
            f"URL:{case_url(appointment.case)}",
            f"DESCRIPTION:{escape_text('Open the case in Linkwell: ' + case_url(appointment.case))}",
            f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
            f"SEQUENCE:{appointment.version}",
        ]
        if appointment.venue and appointment.kind != AppointmentKind.HOME_VISIT:
            lines.append(f"LOCATION:{escape_text(appointment.venue)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
