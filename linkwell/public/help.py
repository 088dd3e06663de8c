""" "What could help me?": the questionnaire's answers -> a matching profile -> suggestions.

Nothing is stored. The profile lives for one request; the only thing kept between requests is
the `Matcher` over the public directory, which holds no personal data: it and its
per-process cache are `linkwell.matching.cache`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from linkwell.matching.cache import private_matcher, warming
from linkwell.matching.engine import Suggestion
from linkwell.matching.profile import Profile, profile_from_json
from linkwell.matching.wording import distance_text, reasons_below_header
from linkwell.public.forms import HelpForm
from linkwell.public.presentation import result_row
from linkwell.public.selectors import public_services

TOP = 8
# The questionnaire's times of day as the profile's windows (same edges as the search form).
WINDOWS = {
    "morning": ("00:00", "12:00"),
    "afternoon": ("12:00", "17:00"),
    "evening": ("17:00", "23:59"),
}
ALL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SPLIT = re.compile(r"[,;\n]+|\band\b|/")


def _words(text: str) -> tuple[str, ...]:
    parts = (p.strip(" .!?") for p in _SPLIT.split(text or ""))
    return tuple(p for p in parts if p)


def profile_from_answers(form: HelpForm) -> Profile:
    """The profile for a valid questionnaire (person-profile.schema.json; never stored)."""
    data = form.cleaned_data
    profile: dict[str, Any] = {
        "id": "questionnaire",
        "cost": "free_only" if data.get("free_only") else "any",
    }
    interests = _words(data.get("interests", ""))
    if interests:
        profile["interests"] = list(interests)
    if (data.get("matters") or "").strip():
        profile["what_matters"] = data["matters"].strip()
    if form.point is not None:
        profile["latitude"], profile["longitude"] = form.point
        reach = form.max_km()
        if reach:
            profile["max_distance_km"] = reach
    if data.get("travel"):
        profile["travel"] = data["travel"]
    if data.get("access"):
        profile["accessibility"] = list(data["access"])
    if data.get("age") is not None:
        profile["age"] = data["age"]
    days = data.get("days") or []
    times = data.get("times") or []
    if days or times:
        availability = []
        for day in days or ALL_DAYS:
            if not times:
                availability.append({"day": day})
            for window in times:
                start, end = WINDOWS[window]
                availability.append({"day": day, "from": start, "to": end})
        profile["availability"] = availability
    return profile_from_json(profile)


# Reasons written for link workers (`matching.engine`): how to refer, and the provider's quality
# checks (not for the public: directory README, "Invariants"). The person sees the rest.
_STAFF_REASONS = (
    "signposting only",
    "takes referrals",
    "quality assured",
    "provider's quality checks",
)


def public_reasons(reasons: list[str]) -> list[str]:
    return [r for r in reasons if not r.lower().startswith(_STAFF_REASONS)]


@dataclass(frozen=True)
class Shown:
    """A suggestion with the service as the public sees it."""

    suggestion: Suggestion
    reasons: list[str]
    row: dict[str, Any]


@dataclass(frozen=True)
class Suggested:
    """The suggestions for one questionnaire, and whether they were ranked on words alone
    because the directory is still being read for meaning in the background (a fresh start, a
    large import): the page then says so, and that a reload in a few minutes does better."""

    shown: list[Shown]
    words_only: bool


def suggest(form: HelpForm) -> Suggested:
    """Suggestions for a valid questionnaire: running services only, best first, with reasons."""
    profile = profile_from_answers(form)
    matcher = private_matcher()
    ranked = matcher.rank(profile, top=TOP, at=timezone.now())
    services = public_services(service_ids=[s.service_id for s in ranked])
    shown = []
    for suggestion in ranked:
        service = services.get(suggestion.service_id)
        if service is None:  # closed since the matcher was built
            continue
        service.distance_km = suggestion.distance_km  # type: ignore[attr-defined]
        # The distance is in the line under the name: a reason keeps only how to get there.
        km = suggestion.distance_km
        reasons = reasons_below_header(
            public_reasons(suggestion.reasons), distance=distance_text(km) if km is not None else ""
        )
        shown.append(Shown(suggestion, reasons, result_row(service)))
    return Suggested(shown, words_only=matcher.embeddings is None and warming())
