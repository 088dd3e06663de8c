"""Connection reads, scoped by the acting user (see access.py for who sees what)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from linkwell.accounts.models import User
from linkwell.casework.access import case_team_ids
from linkwell.casework.models import Case
from linkwell.connections.access import provider_connections, provider_org_ids
from linkwell.connections.models import (
    Attendance,
    Connection,
    ConnectionKind,
    ConnectionStatus,
    ProvisionGap,
)
from linkwell.directory.models import Service

S = ConnectionStatus
INBOX_TABS = {
    "new": (S.REQUESTED,),
    "open": (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD),
    "closed": (S.REJECTED, S.COMPLETED, S.FAILED, S.CANCELLED),
}


def connections_for_case(case: Case) -> QuerySet[Connection]:
    """A case's connections, newest first, for the case team (caller checked access)."""
    return (
        Connection.objects.filter(case=case)
        .select_related("service", "service__organization")
        .annotate(sessions=Count("attendances", filter=Q(attendances__attended=True)))
        .order_by("-created_at", "-pk")
    )


def connections_needing_attention(user: User) -> QuerySet[Connection]:
    """Referrals back with the user's teams: lapsed (no answer in the window), declined or
    stopped by the provider, until a link worker acknowledges or acts on them. The caseload can
    narrow it to one worker with `.filter(case__assigned_to=user)`."""
    return (
        Connection.objects.filter(
            case__link_worker_service_id__in=case_team_ids(user), attention_at__isnull=False
        )
        .select_related("service", "case", "case__person", "case__assigned_to")
        .order_by("attention_at", "pk")
    )


# Referrals whose sessions can be recorded (services.progress.attendance_record's rule).
RECORDABLE = (S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD)


def register_connections(service: Service, session_on: dt.date) -> list[Connection]:
    """Who is on a service's register for a day: its referrals whose sessions can be recorded,
    and any referral with a session already recorded that day (shown even once closed), in
    the order they were sent. The caller checked the user's access to the service; pages show
    only `Connection.shared` of each."""
    recorded = Attendance.objects.filter(connection__service=service, session_on=session_on).values(
        "connection_id"
    )
    return list(
        Connection.objects.filter(kind=ConnectionKind.REFERRAL, service=service)
        .filter(Q(status__in=RECORDABLE) | Q(pk__in=recorded))
        .order_by("requested_at", "pk")
    )


def awaiting_answer(service: Service) -> int:
    """Referrals to the service still waiting for the provider's answer: not on a register
    until accepted (attendance_record refuses them)."""
    return Connection.objects.filter(
        kind=ConnectionKind.REFERRAL, service=service, status=S.REQUESTED
    ).count()


def provider_services(org_ids: list[int]) -> QuerySet[Service]:
    """The services the organisations own that take referrals, with the number of people a
    register would list today."""
    return (
        Service.objects.filter(organization__owner_id__in=org_ids)
        .annotate(
            on_register=Count(
                "connections",
                filter=Q(
                    connections__kind=ConnectionKind.REFERRAL,
                    connections__status__in=RECORDABLE,
                ),
            )
        )
        .order_by("name", "pk")
    )


def provider_inbox(user: User, *, tab: str = "new") -> QuerySet[Connection]:
    """Referrals to the user's organisations' services. Pages built on this must show only
    `Connection.shared` (never `case` or `case.person`)."""
    statuses = INBOX_TABS.get(tab, INBOX_TABS["new"])
    return (
        provider_connections(provider_org_ids(user))
        .filter(status__in=statuses)
        .select_related("service")
        .order_by("respond_by", "requested_at", "pk")
    )


def provider_inbox_counts(user: User) -> dict[str, int]:
    rows = provider_connections(provider_org_ids(user)).values("status").annotate(n=Count("pk"))
    by_status = {row["status"]: row["n"] for row in rows}
    return {tab: sum(by_status.get(s, 0) for s in states) for tab, states in INBOX_TABS.items()}


def gaps_for_user(user: User) -> QuerySet[ProvisionGap]:
    """Gaps recorded by the user's link-worker teams, newest first."""
    return (
        ProvisionGap.objects.filter(link_worker_service_id__in=case_team_ids(user))
        .select_related("need", "recorded_by", "link_worker_service", "case")
        .order_by("-created_at", "-pk")
    )
