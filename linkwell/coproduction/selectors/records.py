"""Linkwell's own records counted into a self-assessment (shown beside "networks" and
"blurring roles", stored as a snapshot when the assessment is completed).

Definitions (README.md "Figures from Linkwell's records"), for one organisation on one day:

- **People who used a service now volunteering**: community members of the organisation linked,
  with their consent, to a person Linkwell supported (`CommunityMember.person` and
  `person_link_consent_at`) who hold a volunteering role there that is active.
- **Co-facilitating**: community members with an active `co_facilitator` role.
- **In peer roles**: community members with an active peer supporter, wellbeing ambassador or
  connector role.
- **Volunteers active** and **hours given in the 12 months to the day**: the volunteering
  report's own definitions (`volunteering_figures`), so the two pages agree.
- **On a grants panel** (`grants.PanelMember.community_member`), for rounds open at some time in
  the 12 months up to the day (opened on or before it, closed no earlier than 12 months before):
  community members of the organisation who sit on such a panel, and, of them, those linked with
  consent to a person Linkwell supported (people who used a service deciding where money goes).
  A member on several panels counts once.

Inside the organisation the figures are shown as they are, labelled with their source; to anyone
outside it (a parent organisation's manager) through `linkwell.analysis.disclosure`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q

from linkwell.accounts.models import Organisation
from linkwell.analysis.disclosure import PublishedCount, publish_count, suppress_value
from linkwell.volunteering.models import CommunityMember, RoleKind, RoleStatus, VolunteerRole
from linkwell.volunteering.selectors.reports import months_before, volunteering_figures

PEER_KINDS = (RoleKind.PEER_SUPPORTER, RoleKind.WELLBEING_AMBASSADOR, RoleKind.CONNECTOR)
SOURCE = "Linkwell's volunteering and grants records"


@dataclass(frozen=True)
class RecordsEvidence:
    on: dt.date
    people_who_used_services_volunteering: int
    co_facilitators: int
    peer_roles: int
    volunteers_active: int
    hours_given: float
    hours_volunteers: int
    # None in a snapshot taken before grant panels were counted (shown as "not counted then").
    panel_members_who_used_services: int | None = None
    panel_community_members: int | None = None

    def as_snapshot(self) -> dict[str, Any]:
        data = asdict(self)
        data["on"] = self.on.isoformat()
        data["source"] = SOURCE
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> RecordsEvidence | None:
        if not data:
            return None
        return cls(
            on=dt.date.fromisoformat(data["on"]),
            people_who_used_services_volunteering=int(
                data["people_who_used_services_volunteering"]
            ),
            co_facilitators=int(data["co_facilitators"]),
            peer_roles=int(data["peer_roles"]),
            volunteers_active=int(data["volunteers_active"]),
            hours_given=float(data["hours_given"]),
            hours_volunteers=int(data["hours_volunteers"]),
            panel_members_who_used_services=_optional_int(
                data.get("panel_members_who_used_services")
            ),
            panel_community_members=_optional_int(data.get("panel_community_members")),
        )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def records_evidence(*, organisation: Organisation, on: dt.date) -> RecordsEvidence:
    """The figures for `organisation` on `on` (roles as they are now; hours over the 12 months
    up to `on`). A fixed number of queries."""
    active = VolunteerRole.objects.filter(organisation=organisation, status=RoleStatus.ACTIVE)
    counts = active.aggregate(
        linked=Count(
            "member",
            distinct=True,
            filter=Q(member__person__isnull=False, member__person_link_consent_at__isnull=False),
        ),
        co_facilitators=Count("member", distinct=True, filter=Q(kind=RoleKind.CO_FACILITATOR)),
        peers=Count("member", distinct=True, filter=Q(kind__in=PEER_KINDS)),
    )
    start = months_before(on, 12) + dt.timedelta(days=1)
    linked_with_consent = Q(person__isnull=False, person_link_consent_at__isnull=False)
    panels = CommunityMember.objects.filter(
        organisation=organisation,
        grant_panels__round__opens_on__lte=on,
        grant_panels__round__closes_on__gte=start,
    ).aggregate(
        members=Count("pk", distinct=True),
        linked=Count("pk", distinct=True, filter=linked_with_consent),
    )
    figures = volunteering_figures(organisation_ids=[organisation.pk], start=start, end=on)
    minutes = sum(k.minutes for k in figures.hours)
    return RecordsEvidence(
        on=on,
        people_who_used_services_volunteering=counts["linked"] or 0,
        co_facilitators=counts["co_facilitators"] or 0,
        peer_roles=counts["peers"] or 0,
        volunteers_active=figures.active_at_end,
        hours_given=round(minutes / 60, 1),
        hours_volunteers=figures.hours_volunteers,
        panel_members_who_used_services=panels["linked"] or 0,
        panel_community_members=panels["members"] or 0,
    )


@dataclass(frozen=True)
class ShownEvidence:
    """The figures as one viewer may see them: exact inside the team, published outside."""

    on: dt.date
    people_who_used_services_volunteering: PublishedCount
    co_facilitators: PublishedCount
    peer_roles: PublishedCount
    volunteers_active: PublishedCount
    hours_given: float | str | None
    protected: bool
    # None: the snapshot was taken before grant panels were counted.
    panel_members_who_used_services: PublishedCount | None = None
    panel_community_members: PublishedCount | None = None
    source: str = SOURCE


def shown_evidence(evidence: RecordsEvidence, *, inside: bool) -> ShownEvidence:
    if inside:
        return ShownEvidence(
            on=evidence.on,
            people_who_used_services_volunteering=evidence.people_who_used_services_volunteering,
            co_facilitators=evidence.co_facilitators,
            peer_roles=evidence.peer_roles,
            volunteers_active=evidence.volunteers_active,
            hours_given=evidence.hours_given,
            protected=False,
            panel_members_who_used_services=evidence.panel_members_who_used_services,
            panel_community_members=evidence.panel_community_members,
        )
    return ShownEvidence(
        on=evidence.on,
        people_who_used_services_volunteering=publish_count(
            evidence.people_who_used_services_volunteering
        ),
        co_facilitators=publish_count(evidence.co_facilitators),
        peer_roles=publish_count(evidence.peer_roles),
        volunteers_active=publish_count(evidence.volunteers_active),
        # Hours are a total over the volunteers who gave them: withheld over 1-7 volunteers.
        hours_given=suppress_value(evidence.hours_given, evidence.hours_volunteers),
        protected=True,
        panel_members_who_used_services=_published(evidence.panel_members_who_used_services),
        panel_community_members=_published(evidence.panel_community_members),
    )


def _published(count: int | None) -> PublishedCount | None:
    return None if count is None else publish_count(count)
