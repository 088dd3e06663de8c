"""Reads of support requests and matches: the coordinator's queue, a request's matches with
their reviews, and the link worker's "Volunteer support" section of a case page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.matching.case_profile import age_on
from linkwell.volunteering.access import coordinator_org_ids
from linkwell.volunteering.models import (
    LIVE_MATCH_STATUSES,
    Match,
    MatchReview,
    MatchStatus,
    RequestStatus,
    SupportRequest,
    SupportRole,
)

QUEUE_VIEWS = {
    "waiting": "Waiting for a volunteer",
    "review_due": "Review due",
    "matched": "Matched",
    "closed": "Closed",
}
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class QueueRow:
    request: SupportRequest
    waiting_days: int
    next_review: dt.date | None
    live_matches: int

    @property
    def review_overdue(self) -> bool:
        return self.next_review is not None and self.next_review < timezone.localdate()


def request_queue(
    user: User, *, show: str = "waiting", role: str = "", today: dt.date | None = None
) -> list[QueueRow]:
    """The coordinator's requests (every organisation they coordinate), for one view of the
    queue: waiting (longest first), review due (a live match's review date reached, earliest
    first), matched (next review first), closed (latest first). Two queries."""
    today = today or timezone.localdate()
    live = Q(matches__status__in=LIVE_MATCH_STATUSES)
    rows: Any = (
        SupportRequest.objects.filter(organisation_id__in=coordinator_org_ids(user))
        .select_related("person", "organisation")
        .annotate(
            next_review=Min("matches__review_on", filter=live),
            live_count=Count("matches", filter=live),
        )
    )
    if role in SupportRole.values:
        rows = rows.filter(role=role)
    if show == "closed":
        rows = rows.filter(status=RequestStatus.CLOSED).order_by("-closed_at", "-pk")
    elif show == "matched":
        rows = rows.filter(status=RequestStatus.MATCHED).order_by("next_review", "created_at")
    elif show == "review_due":
        rows = rows.filter(status=RequestStatus.MATCHED, next_review__lte=today).order_by(
            "next_review", "created_at"
        )
    else:
        rows = rows.filter(status=RequestStatus.WAITING).order_by("created_at", "pk")
    return [
        QueueRow(
            request=r,
            waiting_days=(today - timezone.localtime(r.created_at).date()).days,
            next_review=getattr(r, "next_review", None),
            live_matches=int(getattr(r, "live_count", 0) or 0),
        )
        for r in rows[:QUEUE_LIMIT]
    ]


def queue_counts(user: User, *, today: dt.date | None = None) -> dict[str, int]:
    """How many requests each view of the queue holds (one query)."""
    today = today or timezone.localdate()
    live = Q(matches__status__in=LIVE_MATCH_STATUSES)
    rows = SupportRequest.objects.filter(organisation_id__in=coordinator_org_ids(user)).annotate(
        next_review=Min("matches__review_on", filter=live)
    )
    counts = {key: 0 for key in QUEUE_VIEWS}
    for status, next_review in rows.values_list("status", "next_review"):
        counts[status] = counts.get(status, 0) + 1
        if status == RequestStatus.MATCHED and next_review is not None and next_review <= today:
            counts["review_due"] += 1
    return counts


def request_matches(request: SupportRequest) -> list[Match]:
    """The request's matches, live ones first, newest first, with volunteer and reviews."""
    matches = list(
        request.matches.select_related("member", "introduced_by", "ended_by").prefetch_related(
            Prefetch("reviews", queryset=MatchReview.objects.select_related("recorded_by"))
        )
    )
    matches.sort(key=lambda m: (m.status not in LIVE_MATCH_STATUSES, -m.introduced_at.timestamp()))
    return matches


def person_age(request: SupportRequest) -> int | None:
    born = request.person.date_of_birth
    return age_on(born, timezone.localdate()) if born else None


def person_area(request: SupportRequest) -> str:
    """Where the person lives, as much as a coordinator needs: the town and the postcode
    district (the outward code), never the street address."""
    person = request.person
    district = person.postcode.split()[0] if person.postcode.strip() else ""
    return ", ".join(p for p in (person.town.strip(), district) if p) or "Not known"


@dataclass(frozen=True)
class SectionRow:
    """One request on the case page: only what the link worker needs of the volunteer."""

    request: SupportRequest
    volunteers: list[tuple[str, str]] = field(default_factory=list)  # (first name, status)
    last_review: MatchReview | None = None


def case_volunteer_support(case_id: int) -> list[SectionRow]:
    """The case's volunteer support requests, newest first (three queries): status, the first
    name of each live match's volunteer, and the latest review's date and summary."""
    requests = list(
        SupportRequest.objects.filter(case_id=case_id)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "matches",
                queryset=Match.objects.select_related("member").prefetch_related(
                    Prefetch("reviews", queryset=MatchReview.objects.order_by("-held_on", "-pk"))
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )
    rows = []
    for req in requests:
        volunteers = []
        reviews: list[MatchReview] = []
        for match in req.matches.all():
            if match.status in LIVE_MATCH_STATUSES:
                state = (
                    "waiting for them to accept"
                    if match.status == MatchStatus.INTRODUCED
                    else "active"
                )
                volunteers.append((match.member.given_name, state))
            reviews.extend(match.reviews.all())
        reviews.sort(key=lambda r: (r.held_on, r.pk), reverse=True)
        rows.append(
            SectionRow(
                request=req, volunteers=volunteers, last_review=reviews[0] if reviews else None
            )
        )
    return rows
