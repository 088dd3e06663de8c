"""A matching `Profile` built from a case, so nobody types the person in twice.

Where each field comes from (a field with no source means "no preference"):

| Profile field | Source |
|---|---|
| `age` | the person's date of birth (age today) |
| `postcode`, `latitude`/`longitude` | the person's postcode (coordinates offline, `directory.postcodes`) |
| `accessibility` | the person's access needs, then the latest referral's (one need per line or `;`) |
| `languages` | the person's language, then the latest referral's language needs (known names only) |
| `gender` | the person's recorded sex when female or male (for "women only" groups) |
| `needs` | every referral reason of the case (Needs taxonomy), the life areas of the latest wellbeing review that are a priority or scored 0-4, and the plan's open goals |
| `interests` | the latest review's interests (split on commas, "and", new lines) and its personal strengths |
| `what_matters` | the latest review's "what matters", in the person's words |
| `conditions` | the latest review's notes on physical health (the only place conditions are recorded) |
| `exclude_service_ids` | every service the case was already connected to (signposted or referred) |
| `travel`, `cost`, `availability` | not recorded by Linkwell yet: no preference |

The preferred contact method (the person's, else the referral's) is not a matching field; it is
returned alongside (`CaseProfile.contact_method`) for the suggestions page.

Reading the profile reads personal data: `case_profile` logs the access (`audit_access`, or
`log_access` with the request) like every case page. No profile is ever stored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.audit.access_log import log_access
from linkwell.audit.services import audit_access
from linkwell.casework.models import (
    Case,
    Goal,
    GoalStatus,
    LifeArea,
    StrengthKind,
    WellbeingReview,
)
from linkwell.connections.models import Connection
from linkwell.core.exceptions import LinkwellError
from linkwell.directory import postcodes
from linkwell.matching.documents import LANGUAGE_CODES, language_code
from linkwell.matching.profile import Profile
from linkwell.people.models import Person, Sex
from linkwell.referrals.models import Referral

# A life area scored at or below this is something the person is struggling with.
LOW_SCORE = 4
OPEN_GOALS = {GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS}
_SPLIT = re.compile(r"[,;\n]+|\band\b|/", re.IGNORECASE)
_LINES = re.compile(r"[;\n]+")
_KNOWN_LANGUAGES = set(LANGUAGE_CODES.values())


@dataclass(frozen=True)
class CaseProfile:
    """The profile, the contact method, and where each part came from (shown to the link
    worker so they can see what the suggestions rest on and what is missing)."""

    profile: Profile
    contact_method: str = ""
    sources: list[tuple[str, str]] = field(default_factory=list)  # (label, value shown)
    missing: list[str] = field(default_factory=list)
    # Why suggestions have no distances ("" when the person's postcode places them).
    distance_unknown: str = ""


def _parts(text: str, pattern: re.Pattern[str] = _SPLIT) -> list[str]:
    return [p.strip(" .!?-") for p in pattern.split(text or "") if p.strip(" .!?-")]


def _unique(values: list[str]) -> tuple[str, ...]:
    out: dict[str, str] = {}
    for value in values:
        text = " ".join(value.split())
        if text and text.lower() not in out:
            out[text.lower()] = text
    return tuple(out.values())


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _languages(*texts: str) -> tuple[str, ...]:
    codes = []
    for text in texts:
        for part in _parts(text):
            code = language_code(part)
            if code in _KNOWN_LANGUAGES:
                codes.append(code)
    return tuple(dict.fromkeys(codes))


def _latest_review(case: Case) -> WellbeingReview | None:
    return (
        WellbeingReview.objects.filter(case=case)
        .prefetch_related("strengths")
        .order_by("-held_on", "-created_at", "-pk")
        .first()
    )


def _place(person: Person) -> tuple[str | None, float | None, float | None]:
    if not person.postcode.strip():
        return None, None, None
    try:
        code = postcodes.normalise(person.postcode)
        lat, lon = postcodes.lookup(code)
    except LinkwellError:
        return None, None, None
    return code, lat, lon


def build_case_profile(case: Case, *, today: dt.date | None = None) -> CaseProfile:
    """Read the case's record into a CaseProfile (no audit: use `case_profile`)."""
    today = today or timezone.localdate()
    person = case.person
    referrals = list(
        Referral.objects.filter(case_link__case=case)
        .prefetch_related("reasons")
        .order_by("-received_at", "-pk")
    )
    latest = referrals[0] if referrals else None
    review = _latest_review(case)
    goals = [
        text
        for text in Goal.objects.filter(plan__case=case, status__in=OPEN_GOALS)
        .order_by("created_at", "pk")
        .values_list("text", flat=True)
        if text.strip()
    ]
    tried = sorted(
        {
            str(u)
            for u in Connection.objects.filter(case=case).values_list("service__uuid", flat=True)
        }
    )

    sources: list[tuple[str, str]] = []
    missing: list[str] = []
    age = age_on(person.date_of_birth, today) if person.date_of_birth else None
    if age is not None:
        sources.append(("Age", f"{age} (from the date of birth)"))
    postcode, lat, lon = _place(person)
    distance_unknown = ""
    if postcode:
        sources.append(("Postcode", postcode))
    else:
        missing.append("a postcode we can place (distance is not used)")
        distance_unknown = (
            f"Distance unknown: the postcode {person.postcode.strip().upper()} was not found"
            if person.postcode.strip()
            else "Distance unknown: no postcode"
        )

    access = _unique(
        [
            *_parts(person.accessibility_needs, _LINES),
            *_parts(latest.accessibility_needs if latest else "", _LINES),
        ]
    )
    if access:
        sources.append(("Access needs", "; ".join(access)))
    languages = _languages(person.language, latest.language_needs if latest else "")
    if languages:
        sources.append(("Languages", ", ".join(languages)))
    gender = "female" if person.sex == Sex.FEMALE else "male" if person.sex == Sex.MALE else None

    reasons: list[str] = []
    for referral in referrals:
        reasons.extend(term.name for term in referral.reasons.all())
    struggling: list[str] = []
    interests: list[str] = []
    what_matters = ""
    conditions: list[str] = []
    if review is not None:
        what_matters = review.what_matters.strip()
        for key, label in LifeArea.choices:
            entry: dict[str, Any] = review.life_areas.get(key) or {}
            score = entry.get("score")
            low = isinstance(score, int) and score <= LOW_SCORE
            if entry.get("priority") or low:
                struggling.append(str(label))
        interests = _parts(review.interests)
        interests.extend(
            s.description for s in review.strengths.all() if s.kind == StrengthKind.PERSONAL
        )
        health = (review.life_areas.get(LifeArea.PHYSICAL_HEALTH) or {}).get("notes", "")
        conditions = _parts(health, _LINES)
    else:
        missing.append("a wellbeing review (interests, what matters, life areas)")
    needs = _unique([*reasons, *struggling, *goals])
    if reasons:
        sources.append(("Referral reasons", ", ".join(_unique(reasons))))
    if struggling:
        sources.append(("Life areas to work on", ", ".join(struggling)))
    if goals:
        sources.append(("Goals in the plan", "; ".join(goals)))
    if interests:
        sources.append(("Interests and strengths", ", ".join(_unique(interests))))
    if what_matters:
        sources.append(("What matters", what_matters))
    if conditions:
        sources.append(("Health (review notes)", "; ".join(conditions)))
    if tried:
        sources.append(("Already tried", f"{len(tried)} service(s), left out"))
    sources.append(("Travel, cost, days", "no preference recorded"))

    contact = person.preferred_contact_method or (latest.preferred_contact_method if latest else "")
    profile = Profile(
        id=str(case.uuid),
        age=age,
        postcode=postcode,
        latitude=lat,
        longitude=lon,
        interests=_unique(interests),
        needs=needs,
        what_matters=what_matters,
        conditions=_unique(conditions),
        accessibility=access,
        languages=languages,
        gender=gender,
        exclude_service_ids=frozenset(tried),
    )
    return CaseProfile(
        profile=profile,
        contact_method=contact,
        sources=sources,
        missing=missing,
        distance_unknown=distance_unknown,
    )


def case_profile(*, actor: User | None, case: Case, request: Any = None) -> CaseProfile:
    """The case's matching profile; logs the read of the person's record."""
    detail = {"purpose": "matching profile"}
    if request is not None:
        log_access(request, case, person_id=str(case.person.uuid), detail=detail)
    else:
        audit_access(actor=actor, obj=case, person_id=str(case.person.uuid), detail=detail)
    return build_case_profile(case)
