"""Reasons in words a link worker can read aloud ("matches 'gardening'", "1.4 km away",
"Tuesdays 10:00-12:00 - you said Tuesday mornings", "free", "3 places left"). Pure functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from linkwell.matching.documents import Session
from linkwell.matching.profile import Availability

EN_DASH = "\u2013"
EM_DASH = "\u2014"
DAY_NAMES = {
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
    "FR": "Friday", "SA": "Saturday", "SU": "Sunday",
}  # fmt: skip
ORDINALS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", -1: "Last"}
LANGUAGE_NAMES = {
    "en": "English", "cy": "Welsh", "pl": "Polish", "ur": "Urdu", "pa": "Punjabi",
    "bn": "Bengali", "ar": "Arabic", "gu": "Gujarati", "hi": "Hindi", "ro": "Romanian",
    "pt": "Portuguese", "es": "Spanish", "fr": "French", "it": "Italian", "lt": "Lithuanian",
    "so": "Somali", "ta": "Tamil", "tr": "Turkish", "zh": "Chinese", "fa": "Farsi",
    "ku": "Kurdish", "ps": "Pashto", "uk": "Ukrainian", "ru": "Russian",
    "bsl": "British Sign Language", "gd": "Gaelic", "ga": "Irish",
}  # fmt: skip


def quote(value: str, limit: int = 40) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        # Cut at a word boundary: "Keeping warm this winter…", not "…having som…".
        cut = value[: limit - 1]
        if " " in cut and not value[limit - 1].isspace():
            cut = cut.rsplit(" ", 1)[0]
        value = cut.rstrip(" ,;:.") + "\u2026"
    return f"'{value}'"


def clock(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def session_text(session: Session) -> str:
    """ "Tuesdays 10:00-12:00", "First Monday of the month 18:30-20:00", "Every other Friday"."""
    name = DAY_NAMES[session.day]
    if session.nth is not None:
        days = f"{ORDINALS.get(session.nth, f'{session.nth}th')} {name} of the month"
    elif session.interval == 2:
        days = f"Every other {name}"
    elif session.interval:
        days = f"{name}s, every {session.interval} weeks"
    else:
        days = f"{name}s"
    opens, closes = clock(session.opens), clock(session.closes)
    if opens and closes:
        return f"{days} {opens}{EN_DASH}{closes}"
    return f"{days} from {opens}" if opens else days


def availability_text(slots: Sequence[Availability]) -> str:
    """ "Tuesday mornings", "Thursdays", "Monday 10:00-14:00"; several joined with "or"."""
    parts = []
    for slot in slots:
        name = DAY_NAMES[slot.day]
        start, end = slot.start, slot.end
        if start is None and end is None:
            parts.append(f"{name}s")
        elif end is not None and end <= dt.time(13) and (start is None or start < dt.time(12)):
            parts.append(f"{name} mornings")
        elif start is not None and start >= dt.time(17):
            parts.append(f"{name} evenings")
        elif start is not None and start >= dt.time(12) and (end is None or end <= dt.time(18)):
            parts.append(f"{name} afternoons")
        else:
            parts.append(
                f"{name} {clock(start) or 'from the start of the day'}{EN_DASH}{clock(end) or 'late'}"
            )
    unique = list(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " or " + unique[-1]


# How a service is reached, as a reason: the suggestions page says it by its buttons instead.
TAKES_REFERRALS = "takes referrals"
SIGNPOSTING_ONLY = "signposting only: the person contacts them"


# A suggestion that meets nothing the person said: it is there because it fits their limits.
NO_MATCH = "nothing you said points to it: shown because it fits your limits"

# A service given by phone, online or at home whose venue is beyond the person's reach.
GIVEN_REMOTELY = "by phone, online or at home: no need to travel"


def distance_text(km: float) -> str:
    if km < 0.1:
        return "less than 100 m away"
    return f"{km:.1f} km away" if km < 10 else f"{km:.0f} km away"


def places_text(places: int) -> str:
    return "1 place left" if places == 1 else f"{places} places left"


def reasons_below_header(reasons: list[str], *, distance: str, places: str = "") -> list[str]:
    """The reasons listed under "Why", without what a page already says elsewhere: the
    distance (a reason that adds how to get there keeps only that part) and the places left, in
    the line under the name; whether the service takes referrals, by its buttons."""
    shown = []
    for reason in reasons:
        if reason in (distance, places, TAKES_REFERRALS, SIGNPOSTING_ONLY):
            continue
        if distance and reason.startswith(distance + ", "):
            reason = "getting there: " + reason[len(distance) + 2 :]
        shown.append(reason)
    return shown


def month_year(day: dt.date) -> str:
    return day.strftime("%B %Y")


def day_month(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')}"


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
