"""Plain-English text for directory data (staff search results and the service page).

Pure functions over prefetched objects: they never query, so the callers' query counts hold.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

from linkwell.directory.models import CostOption, Schedule, Service

KM_PER_MILE = 1.609344
EN_DASH = "\u2013"  # typographic range, as NHS.UK content style uses

DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
DAY_ORDER = list(DAY_NAMES)
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_BYDAY_RE = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


def miles(km: float | None) -> str:
    """`1.4 miles`; distances under 0.1 mile read "less than 0.1 miles"."""
    if km is None:
        return ""
    value = km / KM_PER_MILE
    if value < 0.1:
        return "less than 0.1 miles"
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return f"{text} mile" if text == "1.0" else f"{text} miles"


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _clock(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def schedule_text(schedule: Schedule) -> str:
    """RFC 5545-style HSDS schedule -> "Tuesdays 10:00-12:00", "Every other Friday 14:00-16:00",
    "First Monday of the month 18:30-20:00" (with an en dash). Falls back to the description as written."""
    parts = [p.strip().upper() for p in schedule.byday.split(",") if p.strip()]
    parsed = [m.groups() for m in (_BYDAY_RE.match(p) for p in parts) if m]
    days = ""
    if parsed and len(parsed) == len(parts):
        weekly = [d for n, d in parsed if not n]
        monthly = [(int(n), d) for n, d in parsed if n]
        phrases = []
        if weekly:
            weekly.sort(key=DAY_ORDER.index)
            if schedule.interval and schedule.interval == 2:
                phrases.append("Every other " + _join([DAY_NAMES[d] for d in weekly]))
            elif schedule.interval and schedule.interval > 2:
                names = _join([DAY_NAMES[d] for d in weekly])
                phrases.append(f"{names}, every {schedule.interval} weeks")
            else:
                phrases.append(_join([DAY_NAMES[d] + "s" for d in weekly]))
        for n, d in monthly:
            ordinal = ORDINALS.get(n, f"{n}th")
            phrases.append(f"{ordinal.capitalize()} {DAY_NAMES[d]} of the month")
        days = "; ".join(phrases)
    opens, closes = _clock(schedule.opens_at), _clock(schedule.closes_at)
    times = f"{opens}{EN_DASH}{closes}" if opens and closes else (f"from {opens}" if opens else "")
    text = " ".join(p for p in (days, times) if p)
    if not days:
        text = " ".join(p for p in (schedule.description.strip(), times) if p)
    return text or "See schedule details"


def schedules_of(service: Service) -> list[Schedule]:
    """The service's own schedules and those of its service_at_locations (prefetched)."""
    out = list(service.schedules.all())
    for sal in service.service_at_locations.all():
        out.extend(s for s in sal.schedules.all() if s.service_id in (None, service.pk))
    seen: set[int] = set()
    return [s for s in out if not (s.pk in seen or seen.add(s.pk))]  # type: ignore[func-returns-value]


def _money(amount: Decimal, currency: str) -> str:
    symbol = {"GBP": "£", "": "£", "EUR": "€"}.get(currency.upper(), currency.upper() + " ")
    return f"{symbol}{amount:,.2f}"


def is_free(options: Iterable[CostOption]) -> bool:
    """Same rule as selectors.ServiceFilters.free_only: a zero or "free" option, none paid."""
    options = list(options)
    paid = any(o.amount is not None and o.amount > 0 for o in options)
    free = any(
        o.amount == 0 or "free" in (o.option + " " + o.amount_description).lower() for o in options
    )
    return free and not paid


def cost_text(options: Iterable[CostOption]) -> str:
    """ "Free", "£5.00 (per session)", "Free or £3.00"; "" when unknown."""
    options = list(options)
    if not options:
        return ""
    if is_free(options):
        return "Free"
    texts = []
    for o in options:
        if o.amount is not None and o.amount > 0:
            label = o.option or o.amount_description
            money = _money(o.amount, o.currency)
            texts.append(f"{money} ({label})" if label else money)
        elif o.amount == 0:
            texts.append("Free" + (f" ({o.option})" if o.option else ""))
        elif o.option or o.amount_description:
            texts.append(o.option or o.amount_description)
    return "; ".join(texts)


def capacity_text(service: Service) -> str:
    """ "3 places left", "Full", or "" when the provider does not publish capacity."""
    if service.capacity_available is None:
        return ""
    if service.capacity_available == 0:
        return "Full"
    unit = service.capacity_unit or "places"
    if service.capacity_available == 1 and unit.endswith("s"):
        unit = unit[:-1]
    return f"{service.capacity_available} {unit} left"
