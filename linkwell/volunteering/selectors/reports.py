"""The volunteering report: who may see it, its raw figures, and the published tables.

Every figure that leaves the system goes through `linkwell.analysis.disclosure` (counts of 1-7
as "*", other counts rounded to 5, medians and shares over 1-7 people withheld, tables with
totals protected by secondary suppression). Definitions are in README.md ("Reports and demo
data"); the page, the CSV and the home-page headline are all drawn from `publish_report`.

Queries are a fixed number whatever the number of volunteers: the roles with their history
(two), activity by kind (two), matches (one), support requests (two).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from linkwell.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from linkwell.accounts.selectors import memberships_for_user, user_is_administrator
from linkwell.analysis.disclosure import (
    SUPPRESSED,
    PublishedCount,
    PublishedValue,
    publish_count,
    publish_shares,
    suppress_table,
    suppress_value,
)
from linkwell.volunteering.access import coordinator_org_ids
from linkwell.volunteering.models import (
    Activity,
    ActivityKind,
    Match,
    MatchStatus,
    RoleKind,
    RoleStatus,
    SupportRequest,
    VolunteerRole,
)

Cell = int | float | str | None
NOT_GIVEN = "Not recorded"
RETENTION_MONTHS = (6, 12)


# --- Who sees what -----------------------------------------------------------------------------


def report_organisations_for_user(*, user: User | AnonymousUser | None) -> QuerySet[Organisation]:
    """Organisations whose volunteering figures `user` may see; PermissionDenied for nobody.

    The quarterly report's rule (linkwell/reports/access.py), applied to the organisations that
    run volunteers: administrators see every organisation; commissioners / analysts of a
    commissioner organisation see the organisations in its area (all when it has none); team
    managers see the organisations in their own services' areas. Coordinators see their own
    organisation(s) only. Anyone else signed in: 403."""
    everything = Organisation.objects.filter(is_active=True).order_by("name")
    if user_is_administrator(user=user):
        return everything
    rows = list(
        memberships_for_user(user=user)
        .filter(role__in=[Role.COMMISSIONER, Role.TEAM_MANAGER])
        .values_list("role", "organisation__kind", "organisation__area_id")
    )
    commissioner_areas = {
        area
        for role, kind, area in rows
        if role == Role.COMMISSIONER and kind == OrganisationKind.COMMISSIONER
    }
    if None in commissioner_areas:
        return everything
    areas = commissioner_areas | {
        area for role, _kind, area in rows if role == Role.TEAM_MANAGER and area is not None
    }
    own = coordinator_org_ids(user) if user is not None and user.is_authenticated else []
    if not areas and not own:
        raise PermissionDenied(
            "The volunteering report is for commissioners, analysts, team managers, "
            "administrators and volunteer coordinators."
        )
    return everything.filter(Q(area_id__in=sorted(areas)) | Q(pk__in=own))


def volunteering_organisations(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Of `organisations`, those with a coordinator, volunteers or support requests (the
    filter's list)."""
    return organisations.filter(
        Q(pk__in=VolunteerRole.objects.values("organisation_id"))
        | Q(pk__in=SupportRequest.objects.values("organisation_id"))
        | Q(pk__in=Membership.objects.filter(role=Role.COORDINATOR).values("organisation_id"))
    ).order_by("name")


def get_organisation_for_report(
    *, organisations: QuerySet[Organisation], organisation_id: Any
) -> Organisation:
    """An organisation named in the filter: 404 when it is outside the user's scope."""
    try:
        org = organisations.get(uuid=organisation_id)
    except (Organisation.DoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("No such organisation") from None
    return org


# --- Raw figures ----------------------------------------------------------------------------


@dataclass
class KindHours:
    kind: str
    activities: int
    volunteers: int
    minutes: int


@dataclass
class Retention:
    months: int
    cohort: int
    still_active: int


@dataclass
class RawFigures:
    """Exact figures, never shown as they are: `publish_report` publishes them."""

    start: dt.date
    end: dt.date
    active_at_end: int = 0
    recruited: int = 0
    enquiries: int = 0
    left_roles: int = 0
    left_reasons: Counter[str] = field(default_factory=Counter)
    hours: list[KindHours] = field(default_factory=list)
    hours_volunteers: int = 0
    introduced: int = 0
    made: int = 0
    declined: int = 0
    ended: int = 0
    end_reasons: Counter[str] = field(default_factory=Counter)
    people_supported: int = 0
    first_visit_days: list[int] = field(default_factory=list)
    still_waiting: int = 0
    retention: list[Retention] = field(default_factory=list)
    by_role_status: dict[str, Counter[str]] = field(default_factory=dict)


def _status_on(role: VolunteerRole, day: dt.date) -> str | None:
    """The role's status on `day` from its history (changes must be prefetched, in order);
    a role with no recorded history has had its present status since it started."""
    changes = list(role.changes.all())
    if not changes:
        return str(role.status) if role.started_on <= day else None
    status: str | None = None
    for change in changes:
        if change.changed_on <= day:
            status = change.to_status
    return status


def _first_active_on(role: VolunteerRole) -> dt.date | None:
    changes = list(role.changes.all())
    if not changes:
        return role.started_on if role.status in (RoleStatus.ACTIVE, RoleStatus.PAUSED) else None
    days = [c.changed_on for c in changes if c.to_status == RoleStatus.ACTIVE]
    return min(days) if days else None


def _left_on(role: VolunteerRole) -> dt.date | None:
    if role.status != RoleStatus.LEFT:
        return None
    days = [c.changed_on for c in role.changes.all() if c.to_status == RoleStatus.LEFT]
    return max(days) if days else role.ended_on


def months_before(day: dt.date, months: int) -> dt.date:
    """`day` moved back whole months (the last day of a shorter month when needed)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _reason(text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    return text[:1].upper() + text[1:] if text else NOT_GIVEN


def _local_day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value is not None else None


def volunteering_figures(
    *, organisation_ids: Sequence[int], start: dt.date, end: dt.date
) -> RawFigures:
    """The exact figures for the organisations over `start`..`end` (both days included)."""
    out = RawFigures(start=start, end=end)
    org_ids = list(organisation_ids)
    roles = list(
        VolunteerRole.objects.filter(organisation_id__in=org_ids)
        .only("member_id", "kind", "status", "started_on", "ended_on", "left_reason")
        .prefetch_related("changes")
        .order_by("pk")
    )
    active_members: set[int] = set()
    first_active: dict[int, dt.date] = {}
    first_started: dict[int, dt.date] = {}
    by_role_status: dict[str, Counter[str]] = {kind: Counter() for kind in RoleKind.values}
    for role in roles:
        status = _status_on(role, end)
        if status is not None:
            by_role_status[role.kind][status] += 1
        if status == RoleStatus.ACTIVE:
            active_members.add(role.member_id)
        became = _first_active_on(role)
        if became is not None and (
            role.member_id not in first_active or became < first_active[role.member_id]
        ):
            first_active[role.member_id] = became
        if role.member_id not in first_started or role.started_on < first_started[role.member_id]:
            first_started[role.member_id] = role.started_on
        left = _left_on(role)
        if left is not None and start <= left <= end:
            out.left_roles += 1
            out.left_reasons[_reason(role.left_reason)] += 1
    out.active_at_end = len(active_members)
    out.recruited = sum(1 for day in first_active.values() if start <= day <= end)
    out.enquiries = sum(1 for day in first_started.values() if start <= day <= end)
    out.by_role_status = by_role_status
    for months in RETENTION_MONTHS:
        # Volunteers who first became active in the year up to `months` before the period end.
        until = months_before(end, months)
        since = months_before(until, 12) + dt.timedelta(days=1)
        cohort = [m for m, day in first_active.items() if since <= day <= until]
        out.retention.append(
            Retention(months, len(cohort), sum(1 for m in cohort if m in active_members))
        )

    activity = Activity.objects.filter(
        member__organisation_id__in=org_ids, happened_on__gte=start, happened_on__lte=end
    )
    by_kind: dict[str, dict[str, Any]] = {
        row["kind"]: dict(row)
        for row in activity.values("kind").annotate(
            n=Count("id"), volunteers=Count("member_id", distinct=True), minutes=Sum("minutes")
        )
    }
    out.hours = [
        KindHours(
            kind=kind,
            activities=by_kind.get(kind, {}).get("n", 0),
            volunteers=by_kind.get(kind, {}).get("volunteers", 0),
            minutes=by_kind.get(kind, {}).get("minutes") or 0,
        )
        for kind in ActivityKind.values
    ]
    out.hours_volunteers = activity.values("member_id").distinct().count()

    after_at = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    matches = Match.objects.filter(
        request__organisation_id__in=org_ids, introduced_at__lt=after_at
    ).values_list(
        "status", "introduced_at", "responded_at", "ended_at", "end_reason", "request__person_id"
    )
    people: set[int] = set()
    for status, introduced_at, responded_at, ended_at, end_reason, person_id in matches:
        introduced = _local_day(introduced_at)
        responded = _local_day(responded_at)
        ended = _local_day(ended_at)
        if introduced is not None and introduced >= start:
            out.introduced += 1
        accepted = responded is not None and status in (MatchStatus.ACTIVE, MatchStatus.ENDED)
        if accepted and responded is not None and start <= responded <= end:
            out.made += 1
        if status == MatchStatus.DECLINED and responded is not None and start <= responded <= end:
            out.declined += 1
        if status == MatchStatus.ENDED and ended is not None and start <= ended <= end:
            out.ended += 1
            out.end_reasons[_reason(end_reason)] += 1
        if (
            accepted
            and responded is not None
            and responded <= end
            and (ended is None or ended >= start)
        ):
            people.add(person_id)
    out.people_supported = len(people)

    requests = SupportRequest.objects.filter(organisation_id__in=org_ids)
    for created_at, first_contact_on in requests.filter(
        first_contact_on__gte=start, first_contact_on__lte=end
    ).values_list("created_at", "first_contact_on"):
        if first_contact_on is None:  # excluded by the filter; for the type checker
            continue
        out.first_visit_days.append(
            max(0, (first_contact_on - timezone.localdate(created_at)).days)
        )
    out.still_waiting = (
        requests.filter(created_at__lt=after_at, first_contact_on__isnull=True)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=after_at))
        .count()
    )
    return out


# --- Published tables -------------------------------------------------------------------------


@dataclass
class PublishedTable:
    id: str
    title: str
    header: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass
class PublishedReport:
    start: dt.date
    end: dt.date
    scope: str
    unsuppressed: bool
    headline: dict[str, Cell]
    tables: list[PublishedTable]

    @property
    def period(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def _value(value: float | None, n: int, *, unsuppressed: bool, places: int = 1) -> Cell:
    if value is None:
        return None
    rounded: float = round(value, places) if places else round(value)
    if unsuppressed:
        return rounded
    published: PublishedValue = suppress_value(rounded, n)
    return published


def _share(counts: Sequence[int], *, unsuppressed: bool) -> Cell:
    share = publish_shares(counts, unsuppressed=unsuppressed)[0]
    return round(share, 1) if isinstance(share, float) else share


def _count(n: int, *, unsuppressed: bool) -> PublishedCount:
    return publish_count(n, unsuppressed=unsuppressed)


def _reason_table(
    table_id: str, title: str, reasons: Counter[str], what: str, *, unsuppressed: bool
) -> PublishedTable:
    rows = [{"reason": r, "n": n} for r, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))]
    published = suppress_table(
        rows, ["n"], total_col=False, label_key="reason", unsuppressed=unsuppressed
    )
    return PublishedTable(
        table_id,
        title,
        ["Reason", what],
        [[row["reason"], row["n"]] for row in published],
        note="Reasons as recorded (the same wording counted together).",
    )


def publish_report(raw: RawFigures, *, scope: str, unsuppressed: bool = False) -> PublishedReport:
    """Every figure of `raw` as it may be published (raw only for a user granted
    `reports.view_unsuppressed`, whose caller audits it)."""
    u = unsuppressed
    headline: dict[str, Cell] = {
        "active": _count(raw.active_at_end, unsuppressed=u),
        "recruited": _count(raw.recruited, unsuppressed=u),
        "hours": _value(
            sum(k.minutes for k in raw.hours) / 60, raw.hours_volunteers, unsuppressed=u, places=0
        ),
        "people_supported": _count(raw.people_supported, unsuppressed=u),
    }
    tables: list[PublishedTable] = []
    tables.append(
        PublishedTable(
            "volunteers",
            "Volunteers",
            ["Measure", "Number"],
            [
                ["Active at the end of the period", headline["active"]],
                [
                    "Recruited (a role became active for the first time in the period)",
                    headline["recruited"],
                ],
                [
                    "New enquiries (first registered their interest in the period)",
                    _count(raw.enquiries, unsuppressed=u),
                ],
                ["Roles left in the period", _count(raw.left_roles, unsuppressed=u)],
            ],
            note="People are counted once however many roles they hold; roles left count roles.",
        )
    )
    tables.append(
        _reason_table(
            "left-reasons", "Why volunteers left", raw.left_reasons, "Roles", unsuppressed=u
        )
    )
    kinds = dict(ActivityKind.choices)
    activity_rows = suppress_table(
        [{"kind": str(kinds[k.kind]), "n": k.activities} for k in raw.hours],
        ["n"],
        total_col=False,
        label_key="kind",
        unsuppressed=u,
    )
    hour_cells = [
        _value(k.minutes / 60, k.volunteers, unsuppressed=u, places=0) if k.activities else 0
        for k in raw.hours
    ]
    volunteer_cells = [_count(k.volunteers, unsuppressed=u) for k in raw.hours]
    hour_cells.append(headline["hours"])
    volunteer_cells.append(_count(raw.hours_volunteers, unsuppressed=u))
    tables.append(
        PublishedTable(
            "hours",
            "Hours given, by kind of activity",
            ["Kind", "Activities", "Volunteers", "Hours"],
            [
                [row["kind"], row["n"], vol, hrs]
                for row, vol, hrs in zip(activity_rows, volunteer_cells, hour_cells, strict=True)
            ],
            note="Hours are the minutes logged divided by 60, to the nearest hour; withheld "
            "when fewer than 8 volunteers gave them. A volunteer counts once in the total.",
        )
    )
    tables.append(
        PublishedTable(
            "matches",
            "Matches",
            ["Measure", "Number"],
            [
                ["Introductions made in the period", _count(raw.introduced, unsuppressed=u)],
                ["Matches made (the volunteer accepted)", _count(raw.made, unsuppressed=u)],
                ["Introductions declined by the volunteer", _count(raw.declined, unsuppressed=u)],
                ["Matches ended", _count(raw.ended, unsuppressed=u)],
                [
                    "People supported (a match active at any time in the period)",
                    headline["people_supported"],
                ],
            ],
        )
    )
    tables.append(
        _reason_table(
            "end-reasons", "Why matches ended", raw.end_reasons, "Matches", unsuppressed=u
        )
    )
    days = sorted(raw.first_visit_days)
    n = len(days)
    median = float(statistics.median(days)) if n else None
    q1 = q3 = None
    if n >= 2:
        q1, _q2, q3 = statistics.quantiles(days, n=4, method="inclusive")
    elif n == 1:
        q1 = q3 = float(days[0])
    tables.append(
        PublishedTable(
            "first-visit",
            "Time from referral to the first visit or call",
            ["Measure", "Value"],
            [
                ["People with a first visit or call in the period", _count(n, unsuppressed=u)],
                ["Median days", _value(median, n, unsuppressed=u)],
                ["Lower quartile (days)", _value(q1, n, unsuppressed=u)],
                ["Upper quartile (days)", _value(q3, n, unsuppressed=u)],
                [
                    "Still waiting at the end of the period",
                    _count(raw.still_waiting, unsuppressed=u),
                ],
            ],
            note="Days from the request being recorded to the first contact date.",
        )
    )
    tables.append(
        PublishedTable(
            "retention",
            "Retention",
            ["Became active", "Volunteers", "Still active at the period end (%)"],
            [
                [
                    f"In the 12 months up to {r.months} months before the period end",
                    _count(r.cohort, unsuppressed=u),
                    _share([r.still_active, r.cohort - r.still_active], unsuppressed=u),
                ]
                for r in raw.retention
            ],
        )
    )
    statuses = RoleStatus.values
    status_labels = dict(RoleStatus.choices)
    role_rows = suppress_table(
        [
            {"kind": str(label), **{s: raw.by_role_status[k][s] for s in statuses}}
            for k, label in RoleKind.choices
        ],
        statuses,
        label_key="kind",
        unsuppressed=u,
    )
    tables.append(
        PublishedTable(
            "roles",
            "Volunteer roles by status at the period end",
            ["Role", *[str(status_labels[s]) for s in statuses], "Total"],
            [[row["kind"], *[row[s] for s in statuses], row["total"]] for row in role_rows],
            note="Roles, not people: someone with two roles counts in each.",
        )
    )
    return PublishedReport(
        start=raw.start,
        end=raw.end,
        scope=scope,
        unsuppressed=unsuppressed,
        headline=headline,
        tables=tables,
    )


def volunteering_report(
    *,
    organisations: Iterable[Organisation],
    start: dt.date,
    end: dt.date,
    unsuppressed: bool = False,
) -> PublishedReport:
    orgs = list(organisations)
    scope = ", ".join(o.name for o in orgs) if len(orgs) <= 3 else f"{len(orgs)} organisations"
    raw = volunteering_figures(organisation_ids=[o.pk for o in orgs], start=start, end=end)
    return publish_report(raw, scope=scope or "no organisations", unsuppressed=unsuppressed)


def report_csv_rows(report: PublishedReport) -> list[list[Cell]]:
    """Long format: table, row, column, value (the published figures, "*" where withheld)."""
    out: list[list[Cell]] = [["table", "row", "column", "value"]]
    for table in report.tables:
        for row in table.rows:
            for column, value in zip(table.header[1:], row[1:], strict=True):
                out.append([table.id, row[0], column, "" if value is None else value])
    return out


__all__ = [
    "SUPPRESSED",
    "PublishedReport",
    "PublishedTable",
    "RawFigures",
    "get_organisation_for_report",
    "months_before",
    "publish_report",
    "report_csv_rows",
    "report_organisations_for_user",
    "volunteering_figures",
    "volunteering_organisations",
    "volunteering_report",
]
