"""The demo people's mixes and weights, the team they are referred to, and the unsaved rows a
`PeopleBuilder` fills (`people.py` describes the whole generator)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any, TypeVar

from django.db import models

from linkwell.accounts.models import Organisation, User
from linkwell.casework.models import (
    Action,
    Appointment,
    Case,
    CaseNote,
    CaseReferral,
    CaseStatus,
    FollowUp,
    Goal,
    MessageBack,
    MessageBackLetter,
    Plan,
    SafeguardingConcern,
    Strength,
    WellbeingReview,
)
from linkwell.connections.models import (
    Attendance,
    Connection,
    ProvisionGap,
)
from linkwell.people.models import Person
from linkwell.referrals.models import (
    Referral,
    ReferralSource,
    ReferrerRole,
)

T = TypeVar("T")

# What happens to each person's (latest) referral. "received" waits in the triage queue;
# "reopened" is a dormant case the person came back to (two referrals, the history kept).
OUTCOMES = (
    "received",
    "returned",
    "declined",
    *CaseStatus.values,
    "reopened",
)
DEMO_MIX: dict[str, float] = {
    "received": 7,
    "returned": 2,
    "declined": 2,
    CaseStatus.NEW: 7,
    CaseStatus.CONTACTED: 9,
    CaseStatus.REVIEW_BOOKED: 9,
    CaseStatus.ACTIVE: 24,
    CaseStatus.FOLLOW_UP: 20,
    CaseStatus.DORMANT: 14,
    "reopened": 6,
}
# Only open cases (and a triage queue): what a busy service's caseload pages carry.
OPEN_MIX: dict[str, float] = {
    "received": 4,
    CaseStatus.NEW: 8,
    CaseStatus.CONTACTED: 12,
    CaseStatus.REVIEW_BOOKED: 12,
    CaseStatus.ACTIVE: 36,
    CaseStatus.FOLLOW_UP: 28,
}
SOURCE_WEIGHTS: dict[str, float] = {
    ReferralSource.GP_PRACTICE: 44,
    ReferralSource.SELF: 12,
    ReferralSource.ADULT_SOCIAL_CARE: 8,
    ReferralSource.VCS: 7,
    ReferralSource.MENTAL_HEALTH: 6,
    ReferralSource.FIRE_SAFE_AND_WELL: 5,
    ReferralSource.HOUSING: 5,
    ReferralSource.HOSPITAL_DISCHARGE: 5,
    ReferralSource.PHARMACY: 4,
    ReferralSource.PROACTIVE: 2,
    ReferralSource.OTHER: 2,
}
REFERRER_NAMES: dict[str, str] = {
    ReferralSource.GP_PRACTICE: "Practice reception team",
    ReferralSource.ADULT_SOCIAL_CARE: "Social worker, north locality team",
    ReferralSource.FIRE_SAFE_AND_WELL: "Safe and Well technician",
    ReferralSource.MENTAL_HEALTH: "Community mental health team",
    ReferralSource.HOUSING: "Housing support officer",
    ReferralSource.VCS: "Community Action volunteer coordinator",
    ReferralSource.PHARMACY: "Community pharmacist",
    ReferralSource.HOSPITAL_DISCHARGE: "Hospital discharge team",
    ReferralSource.PROACTIVE: "Link worker (proactive call)",
    ReferralSource.OTHER: "Church pastoral visitor",
}
# The referring professional's role by source; GP practice referrals go round the practice's
# clinicians and staff (by the referral's id, so the demo's random draws are unchanged).
REFERRER_ROLES: dict[str, tuple[str, ...]] = {
    ReferralSource.GP_PRACTICE: (
        ReferrerRole.GP,
        ReferrerRole.GP,
        ReferrerRole.GP,
        ReferrerRole.PRACTICE_NURSE,
        ReferrerRole.HEALTHCARE_ASSISTANT,
        ReferrerRole.PRACTICE_STAFF,
        "",
    ),
    ReferralSource.ADULT_SOCIAL_CARE: (ReferrerRole.SOCIAL_WORKER,),
    ReferralSource.MENTAL_HEALTH: (ReferrerRole.MENTAL_HEALTH,),
    ReferralSource.HOUSING: (ReferrerRole.HOUSING,),
    ReferralSource.VCS: (ReferrerRole.VCS_WORKER,),
    ReferralSource.PHARMACY: (ReferrerRole.PHARMACIST,),
    ReferralSource.HOSPITAL_DISCHARGE: (ReferrerRole.COMMUNITY_HEALTH, ReferrerRole.OTHER),
    ReferralSource.FIRE_SAFE_AND_WELL: (ReferrerRole.OTHER,),
}
# (age from, age to, weight): people referred to social prescribing skew older.
AGE_BANDS = ((18, 24, 4), (25, 44, 14), (45, 64, 25), (65, 79, 34), (80, 97, 23))
OLDER_NEEDS = ("loneliness", "falls-risk", "bereavement", "long-term-condition", "memory-problems")
YOUNGER_NEEDS = ("money", "employment", "low-mood", "housing", "weight", "food-insecurity")
ANY_NEEDS = ("physical-inactivity", "pre-diabetes", "frequent-attendance", "digital-exclusion")
RESPOND_WITHIN_DAYS = 14  # about 10 working days (the default response window)


def nhs_check_digit(nine: str) -> int | None:
    """The modulus-11 check digit for the first nine digits, or None when none is valid (10)."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else None if check == 10 else check


def allocate(count: int, weights: Mapping[str, float], rng: Random) -> list[str]:
    """Exactly proportional labels (largest remainder), every label at least once when
    `count` allows, in random order: a seeded demo always has every state, however small."""
    total = sum(weights.values())
    raw = {k: count * w / total for k, w in weights.items()}
    counts = {k: max(1, int(v)) if count >= len(weights) else int(v) for k, v in raw.items()}
    by_remainder = sorted(weights, key=lambda k: raw[k] - int(raw[k]), reverse=True)
    i = 0
    while sum(counts.values()) < count:
        counts[by_remainder[i % len(by_remainder)]] += 1
        i += 1
    while sum(counts.values()) > count:
        largest = max(counts, key=lambda k: counts[k])
        counts[largest] -= 1
    labels = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(labels)
    return labels


@dataclass(frozen=True)
class Team:
    """Who the generated people meet: the link-worker service and everyone around it."""

    service: Organisation
    link_workers: Sequence[User]
    manager: User | None
    practices: Mapping[str, Organisation]  # catalogue key ("gp1") -> GP practice
    # practice pk -> practice staff who refer through Linkwell (others phone or write in)
    referrers: Mapping[int, User] = field(default_factory=dict)
    agencies: Mapping[str, Organisation] = field(default_factory=dict)  # source -> organisation
    provider_staff: Mapping[int, User] = field(default_factory=dict)  # owner org pk -> staff
    # share of the cases each link worker holds (default: the first holds 40%, the rest split)
    weights: Sequence[float] = ()
    # practice pk -> the link workers covering it (triage allocates by practice cluster)
    coverage: Mapping[int, Sequence[User]] = field(default_factory=dict)


@dataclass
class PeopleRows:
    """Unsaved rows in dependency order (`write_people` saves them in this order)."""

    people: list[Person] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    referral_reasons: list[Any] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    case_referrals: list[CaseReferral] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    rebooked_appointments: list[Appointment] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)
    safeguarding_concerns: list[SafeguardingConcern] = field(default_factory=list)
    reviews: list[WellbeingReview] = field(default_factory=list)
    strengths: list[Strength] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    attendances: list[Attendance] = field(default_factory=list)
    provision_gaps: list[ProvisionGap] = field(default_factory=list)
    message_back_letters: list[MessageBackLetter] = field(default_factory=list)
    messages_back: list[MessageBack] = field(default_factory=list)
    # created_at is auto_now_add, so bulk_create stamps "now"; these get their real dates after.
    backdated: list[tuple[models.Model, dt.datetime]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        skip = {"backdated", "rebooked_appointments"}
        out = {n: len(getattr(self, n)) for n in self.__dataclass_fields__ if n not in skip}
        out["appointments"] += len(self.rebooked_appointments)
        return out
