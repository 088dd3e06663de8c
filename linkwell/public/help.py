""" "What could help me?": the questionnaire's answers -> a matching profile -> suggestions.

Nothing is stored. The profile lives for one request; the only thing kept between requests is
the `Matcher` over the public directory, which holds no personal data (`matcher()`).

The Matcher is built once per process (indexing the directory and, the first time, embedding
every service: seconds, not milliseconds) and rebuilt when the directory changes. Its key, read in two aggregate queries per
request: the number of services, the sum of their versions (every edit raises a service's
version, see the directory README), the latest `updated_at` / `capacity_updated_at`, and the
number and latest change of referral connections (open referrals take places the published
capacity does not show yet: `matching.directory`). It is also rebuilt after `MATCHER_MAX_AGE`
seconds, so that freshness and anything the key misses (a taxonomy tag) catch up.

Embedding a whole directory (~300 listings) takes 10-80 s of CPU on a busy machine, and nobody
should wait for it: when more than `BLOCKING_ENCODE_MAX` listings have no cached vector, the
listings are embedded in a background thread and, meanwhile, requests rank without the semantic
part (lexical, related terms and every other signal still apply). The first request after the
thread finishes builds the full Matcher from the cached vectors.
"""

from __future__ import annotations

import copy
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from linkwell.connections.models import Connection, ConnectionKind, ConnectionStatus
from linkwell.directory.models import Service
from linkwell.matching import engine
from linkwell.matching.directory import service_docs_from_db
from linkwell.matching.embedding import get_encoder
from linkwell.matching.engine import Matcher, Suggestion
from linkwell.matching.profile import Profile, profile_from_json
from linkwell.public.forms import HelpForm
from linkwell.public.presentation import result_row
from linkwell.public.selectors import public_services

MATCHER_MAX_AGE = 10 * 60
# The engine's sentence encoder ("default": the shipped model when installed). Tests that do not
# test semantic matching set None to skip embedding the directory.
MATCHER_ENCODER: Literal["default"] | None = "default"
TOP = 8
# The questionnaire's times of day as the profile's windows (same edges as the search form).
WINDOWS = {
    "morning": ("00:00", "12:00"),
    "afternoon": ("12:00", "17:00"),
    "evening": ("17:00", "23:59"),
}
ALL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SPLIT = re.compile(r"[,;\n]+|\band\b|/")

# More listings than this without a cached vector are embedded in the background (above);
# fewer (an edit, a new listing, a test's small directory) take about a second, inline.
BLOCKING_ENCODE_MAX = 24

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_cached: dict[str, Any] = {}
_warming: dict[str, threading.Thread] = {}


def _directory_key() -> tuple[Any, ...]:
    row = Service.objects.aggregate(
        n=Count("pk"),
        versions=Sum("version"),
        updated=Max("updated_at"),
        capacity=Max("capacity_updated_at"),
    )
    referrals = Connection.objects.filter(kind=ConnectionKind.REFERRAL).aggregate(
        open=Count("pk", filter=Q(status=ConnectionStatus.REQUESTED)), changed=Max("updated_at")
    )
    return (
        row["n"],
        row["versions"],
        row["updated"],
        row["capacity"],
        referrals["open"],
        referrals["changed"],
    )


def _warm(encoder: engine.Encoder, texts: list[str]) -> None:
    try:
        engine.warm_service_vectors(encoder, texts)
    except Exception:  # a failed warm-up must not kill the worker; ranking stays lexical
        logger.exception("embedding the directory in the background failed")


def warming() -> bool:
    """Whether listings are being embedded in the background right now."""
    thread = _warming.get("thread")
    return thread is not None and thread.is_alive()


def _start_warming(encoder: engine.Encoder, texts: list[str]) -> None:
    if warming():
        return
    thread = threading.Thread(
        target=_warm, args=(encoder, texts), name="linkwell-embed-directory", daemon=True
    )
    _warming["thread"] = thread
    thread.start()


def _build() -> tuple[Matcher, bool]:
    """(Matcher, whether it has the semantic part it should have). The engine keeps service
    vectors per process (`engine._service_vectors`, keyed on the text), so a rebuild after an
    edit embeds only the services whose text changed."""
    docs = service_docs_from_db()
    encoder = get_encoder() if MATCHER_ENCODER == "default" else None
    if encoder is None:
        return Matcher(docs, encoder=None), True
    missing = engine.missing_service_vectors(encoder, [d.text for d in docs])
    if len(missing) > BLOCKING_ENCODE_MAX:
        _start_warming(encoder, missing)
        return Matcher(docs, encoder=None), False
    return Matcher(docs, encoder=encoder), True


def matcher() -> Matcher:
    """The process's Matcher over the running directory, rebuilt when it changed (and once the
    background embedding has finished, if it ranked without it)."""
    key = _directory_key()
    now = time.monotonic()
    with _lock:
        if (
            _cached.get("key") == key
            and now - _cached.get("built", 0.0) < MATCHER_MAX_AGE
            and (_cached.get("complete") or warming())
        ):
            cached: Matcher = _cached["matcher"]
            return cached
        built, complete = _build()
        _cached.update(key=key, built=now, matcher=built, complete=complete)
        return built


def _private_copy(shared: Matcher) -> Matcher:
    """A shallow copy of the shared Matcher for one request. The engine remembers the vectors of
    what people said (`Matcher._said_vectors`, to batch a command's many people); a public
    questionnaire must not leave its answers in the process for the next request, so each
    request ranks on a copy with its own, empty memory (the indexes are shared, read-only)."""
    mine = copy.copy(shared)
    mine._said_vectors = {}
    return mine


def clear_cache() -> None:
    with _lock:
        _cached.clear()


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


def suggest(form: HelpForm) -> list[Shown]:
    """Suggestions for a valid questionnaire: running services only, best first, with reasons."""
    profile = profile_from_answers(form)
    ranked = _private_copy(matcher()).rank(profile, top=TOP, at=timezone.now())
    services = public_services(service_ids=[s.service_id for s in ranked])
    shown = []
    for suggestion in ranked:
        service = services.get(suggestion.service_id)
        if service is None:  # closed since the matcher was built
            continue
        service.distance_km = suggestion.distance_km  # type: ignore[attr-defined]
        shown.append(Shown(suggestion, public_reasons(suggestion.reasons), result_row(service)))
    return shown
