"""The volunteers a coordinator chooses from for one support request, best first, with reasons,
and the members left out with the rule each one breaks.

- `member_profiles` / `volunteer_profiles`: every member of an organisation as the engine's
  `VolunteerProfile` (roles that are active, checks as of a date, live matches, coordinates from
  the postcode), in a constant number of queries whatever the number of members.
- `person_profile`: the person as the engine's `Profile` plus what they want (`SupportWanted`):
  from the case (`linkwell.matching.case_profile`, which logs the read) when the request came
  from a plan, else from the person record and the request.
- `ranked_for_request`: the suggestions joined to members, and every member not suggested with
  `hard_constraint_failures` (so "why not Brian" has an answer on the page).

The matcher is built for one organisation's members for the request being served; nothing is
precomputed or kept between requests (a volunteer's checks and matches change daily).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from linkwell.accounts.models import Organisation, User
from linkwell.core.exceptions import LinkwellError
from linkwell.directory import postcodes
from linkwell.matching.case_profile import age_on, case_profile
from linkwell.matching.documents import language_code
from linkwell.matching.profile import Availability, Profile
from linkwell.people.models import Person, Sex
from linkwell.volunteering import checks
from linkwell.volunteering.engine import (
    VolunteerMatcher,
    VolunteerSuggestion,
    hard_constraint_failures,
)
from linkwell.volunteering.models import (
    LIVE_MATCH_STATUSES,
    CommunityMember,
    RoleStatus,
    SupportRequest,
    VolunteerRole,
)
from linkwell.volunteering.profile import SupportWanted, VolunteerProfile

_SPLIT = re.compile(r"[,;\n]+|\band\b", re.IGNORECASE)
# The engine's `status` vocabulary: a member's overall status from their roles' statuses.
_STATUS_ORDER = (
    (RoleStatus.ACTIVE, "active"),
    (RoleStatus.PAUSED, "paused"),
    (RoleStatus.TRAINING, "in_training"),
    (RoleStatus.CHECKS, "in_training"),
    (RoleStatus.APPLICATION, "enquiry"),
    (RoleStatus.ENQUIRY, "enquiry"),
)


def _status(role_statuses: set[str]) -> str:
    for status, word in _STATUS_ORDER:
        if status in role_statuses:
            return word
    return "left"


def _time(text: Any) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _availability(raw: Any) -> tuple[Availability, ...]:
    out = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and item.get("day") in ("MO", "TU", "WE", "TH", "FR", "SA", "SU"):
            out.append(
                Availability(
                    day=item["day"], start=_time(item.get("from")), end=_time(item.get("to"))
                )
            )
    return tuple(out)


def _point(postcode: str) -> tuple[str | None, float | None, float | None]:
    if not postcode.strip():
        return None, None, None
    try:
        code = postcodes.normalise(postcode)
        lat, lon = postcodes.lookup(code)
    except LinkwellError:
        return None, None, None
    return code, lat, lon


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(dict.fromkeys(" ".join(str(v).split()) for v in values if str(v).strip()))


def profile_for_member(member: CommunityMember, *, at: dt.date) -> VolunteerProfile:
    """One member as the engine sees them. Reads `member.roles`, `member.checks` (prefetched by
    `member_profiles`) and `member.live_matches` (annotated there; 0 when absent)."""
    roles = list(member.roles.all())
    state = checks.check_state(member.checks.all(), at=at)
    postcode, lat, lon = _point(member.postcode)
    return VolunteerProfile(
        id=str(member.uuid),
        age=age_on(member.date_of_birth, at) if member.date_of_birth else None,
        gender=member.gender.strip().lower() or None,
        postcode=postcode,
        latitude=lat,
        longitude=lon,
        travel_radius_km=(
            float(member.travel_radius_km) if member.travel_radius_km is not None else None
        ),
        travel=member.travel or None,
        roles=frozenset(r.kind for r in roles if r.status == RoleStatus.ACTIVE),
        status=_status({r.status for r in roles}),
        interests=_texts(member.interests),
        skills=_texts(member.skills),
        lived_experience=_texts(member.lived_experience),
        languages=tuple(
            dict.fromkeys(str(x).strip().lower() for x in member.languages or [] if str(x).strip())
        ),
        availability=_availability(member.availability),
        dbs_level=state.dbs.dbs_level if state.dbs is not None else None,
        dbs_checked_on=state.dbs.done_on if state.dbs is not None else None,
        training=state.courses,
        max_matches=member.max_matches,
        current_matches=int(getattr(member, "live_matches", 0) or 0),
        home_visits=member.home_visits,
        pref_person_gender=member.pref_person_gender.strip().lower() or None,
        pref_person_min_age=member.pref_person_min_age,
        pref_person_max_age=member.pref_person_max_age,
    )


def _members(organisation: Organisation) -> Any:
    return (
        CommunityMember.objects.filter(organisation=organisation)
        .annotate(live_matches=Count("matches", filter=Q(matches__status__in=LIVE_MATCH_STATUSES)))
        .prefetch_related(
            Prefetch("roles", queryset=VolunteerRole.objects.exclude(status=RoleStatus.LEFT)),
            "checks",
        )
        .order_by("given_name", "family_name", "pk")
    )


def member_profiles(
    organisation: Organisation, *, at: dt.date, member_ids: list[int] | None = None
) -> list[tuple[CommunityMember, VolunteerProfile]]:
    """Every member of `organisation` (or only `member_ids`) with their profile on `at`: three
    queries (members with their live-match count, their open roles, their check records)."""
    rows = _members(organisation)
    if member_ids is not None:
        rows = rows.filter(pk__in=member_ids)
    return [(member, profile_for_member(member, at=at)) for member in rows]


def volunteer_profiles(organisation: Organisation, *, at: dt.date) -> list[VolunteerProfile]:
    """Every member of `organisation` as a `VolunteerProfile` on `at`."""
    return [profile for _member, profile in member_profiles(organisation, at=at)]


def _parts(text: str) -> list[str]:
    return [p.strip(" .!?-") for p in _SPLIT.split(text or "") if p.strip(" .!?-")]


def support_wanted(request: SupportRequest) -> SupportWanted:
    """What the request asks of a volunteer (the engine's `SupportWanted`)."""
    return SupportWanted(
        volunteer_gender=request.volunteer_gender.strip().lower() or None,
        contact=request.contact or None,
        role=request.role,
        exclude_volunteer_ids=frozenset(
            str(u) for u in request.excluded_members.values_list("uuid", flat=True)
        ),
    )


def _person_only_profile(request: SupportRequest, person: Person, *, at: dt.date) -> Profile:
    postcode, lat, lon = _point(person.postcode)
    language = language_code(person.language) if person.language.strip() else ""
    gender = "female" if person.sex == Sex.FEMALE else "male" if person.sex == Sex.MALE else None
    return Profile(
        id=str(request.uuid),
        age=age_on(person.date_of_birth, at) if person.date_of_birth else None,
        postcode=postcode,
        latitude=lat,
        longitude=lon,
        interests=tuple(dict.fromkeys(_parts(request.about))),
        what_matters=request.about.strip(),
        languages=(language,) if language and len(language) == 2 else (),
        gender=gender,
    )


def person_profile(
    request: SupportRequest, *, actor: User | None, http_request: Any = None
) -> tuple[Profile, SupportWanted]:
    """The person as the engine's `Profile`, and what they want of a volunteer.

    From the case when the request has one (`case_profile` logs the read of the person's record,
    with `http_request` when given); else from the person record and the request (the caller's
    page logs that read). The request's "what they enjoy" fills in interests the case lacks."""
    at = timezone.localdate()
    if request.case is not None:
        profile = case_profile(actor=actor, case=request.case, request=http_request).profile
        extra = _parts(request.about)
        if extra:
            interests = tuple(dict.fromkeys([*profile.interests, *extra]))
            profile = dataclasses.replace(
                profile,
                interests=interests,
                what_matters=profile.what_matters or request.about.strip(),
            )
    else:
        profile = _person_only_profile(request, request.person, at=at)
    return profile, support_wanted(request)


@dataclass(frozen=True)
class RankedVolunteer:
    rank: int
    member: CommunityMember
    suggestion: VolunteerSuggestion

    @property
    def percent(self) -> int:
        return max(0, min(100, round(self.suggestion.score * 100)))


@dataclass(frozen=True)
class NotSuggested:
    member: CommunityMember
    reasons: list[str]


@dataclass(frozen=True)
class Ranking:
    suggestions: list[RankedVolunteer]
    not_suggested: list[NotSuggested]
    # Member uuids as shown, best first: posted back with "Introduce" for the decision log.
    shown: list[str] = field(default_factory=list)


def _matcher(profiles: list[VolunteerProfile]) -> VolunteerMatcher:
    return VolunteerMatcher(profiles, encoder="default")


def ranked_for_request(
    user: User,
    request: SupportRequest,
    *,
    top: int = 10,
    at: dt.date | None = None,
    http_request: Any = None,
) -> Ranking:
    """The organisation's volunteers for `request`: up to `top` suggestions best first, and
    every other member with why they were not suggested (the engine's hard-constraint messages;
    "Already introduced" for those holding a live match on this request; "Not in the top N"
    for those who pass every rule but ranked lower)."""
    at = at or timezone.localdate()
    pairs = member_profiles(request.organisation, at=at)
    profile, wanted = person_profile(request, actor=user, http_request=http_request)
    live = set(
        request.matches.filter(status__in=LIVE_MATCH_STATUSES).values_list("member_id", flat=True)
    )
    candidates = [(m, p) for m, p in pairs if m.pk not in live]
    years = checks.renewal_years()
    matcher = _matcher([p for _m, p in candidates])
    suggestions = matcher.rank(profile, wanted, top=top, at=at, dbs_renewal_years=years)
    by_id = {p.id: m for m, p in pairs}
    ranked = [
        RankedVolunteer(rank=i, member=by_id[s.volunteer_id], suggestion=s)
        for i, s in enumerate(suggestions, start=1)
        if s.volunteer_id in by_id
    ]
    suggested = {r.member.pk for r in ranked}
    not_suggested = []
    for member, vol in pairs:
        if member.pk in suggested:
            continue
        if member.pk in live:
            reasons = ["Already introduced to this person"]
        else:
            reasons = hard_constraint_failures(
                profile, wanted, vol, at=at, dbs_renewal_years=years
            ) or [f"Meets every rule, but not in the top {top}"]
        not_suggested.append(NotSuggested(member=member, reasons=reasons))
    return Ranking(
        suggestions=ranked,
        not_suggested=not_suggested,
        shown=[str(r.member.uuid) for r in ranked],
    )


def suggestion_for_member(
    request: SupportRequest,
    member: CommunityMember,
    profile: Profile,
    wanted: SupportWanted,
    *,
    at: dt.date,
) -> VolunteerSuggestion | None:
    """What the ranking says of `member` among the organisation's members — score and reasons —
    (None when the engine leaves them out), kept with the match and the decision log."""
    profiles = volunteer_profiles(request.organisation, at=at)
    matcher = _matcher(profiles)
    for suggestion in matcher.rank(
        profile, wanted, top=len(profiles) or 1, at=at, dbs_renewal_years=checks.renewal_years()
    ):
        if suggestion.volunteer_id == str(member.uuid):
            return suggestion
    return None
