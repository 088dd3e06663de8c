"""Report sections built from the journey apps' records: referrals, waiting times, people seen,
connections, attendance, goals and gaps in provision.

Each function takes the acting user, the `ReportFilter` and whether the user may see raw
figures, and returns a `Section` whose tables are already published. Every function issues a
fixed number of queries, whatever the number of practices, providers or rows.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Min, Model, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from linkwell.accounts.models import User
from linkwell.analysis.disclosure import publish_count, suppress_table, suppress_value
from linkwell.analysis.filters import ReportFilter
from linkwell.casework.models import Appointment, AppointmentOutcome, Case, Goal, GoalStatus
from linkwell.connections.models import (
    Attendance,
    Connection,
    ConnectionKind,
    ConnectionStatus,
    ProvisionGap,
)
from linkwell.directory.models import Attribute, AttributeLinkEntity, TaxonomyTerm
from linkwell.directory.taxonomies import CATEGORIES, shipped_taxonomies, taxonomy_uuid
from linkwell.evidence.access import service_ids_for_evidence
from linkwell.evidence.selectors.common import local_midnight, scoped_cases, scoped_referrals
from linkwell.referrals.models import ReferralSource
from linkwell.reports.quarterly.structure import Cell, Chart, Column, Section, Table

NOT_RECORDED = "Not recorded"
NOT_CATEGORISED = "Not categorised"
ServiceRecord = TypeVar("ServiceRecord", bound=Model)


def period_q(field: str, filters: ReportFilter) -> Q:
    """`field` (a datetime) within the filter's inclusive UK-date period."""
    q = Q()
    if filters.start is not None:
        q &= Q(**{f"{field}__gte": local_midnight(filters.start)})
    if filters.end is not None:
        q &= Q(**{f"{field}__lt": local_midnight(filters.end + dt.timedelta(days=1))})
    return q


def date_q(field: str, filters: ReportFilter) -> Q:
    """`field` (a date) within the period."""
    q = Q()
    if filters.start is not None:
        q &= Q(**{f"{field}__gte": filters.start})
    if filters.end is not None:
        q &= Q(**{f"{field}__lte": filters.end})
    return q


def scoped_by_service(
    qs: QuerySet[ServiceRecord], *, user: User | AnonymousUser | None, filters: ReportFilter
) -> QuerySet[ServiceRecord]:
    """Records kept by a link-worker service on a case (gaps, stories): those of the services
    the user may see evidence for, narrowed by the filter's service, area and practice."""
    services = service_ids_for_evidence(user=user)
    if services is not None:
        qs = qs.filter(link_worker_service_id__in=services)
    if filters.service is not None:
        qs = qs.filter(link_worker_service=filters.service)
    if filters.area is not None:
        qs = qs.filter(link_worker_service__area=filters.area)
    if filters.practice is not None:
        qs = qs.filter(case__person__registered_practice=filters.practice)
    return qs


def published_table(
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    *,
    label_key: str,
    unsuppressed: bool,
    total_col: bool = True,
    total_label: str = "Total",
) -> list[dict[str, Cell]]:
    """Counts with secondary suppression and totals (disclosure.suppress_table)."""
    return suppress_table(
        rows,
        list(keys),
        label_key=label_key,
        total_col=total_col and len(keys) > 1,
        total_label=total_label,
        unsuppressed=unsuppressed,
    )


def published_value(value: float | None, n: int, *, unsuppressed: bool) -> Cell:
    """A mean, median or percentage over `n` people, rounded to one place."""
    shown = value if unsuppressed else suppress_value(value, n)
    return round(shown, 1) if isinstance(shown, float) else shown


def _months(filters: ReportFilter, found: Iterable[dt.date]) -> list[dt.date]:
    found = sorted(set(found))
    start = filters.start or (found[0] if found else None)
    end = filters.end or (found[-1] if found else None)
    if start is None or end is None:
        return []
    out = []
    month = start.replace(day=1)
    while month <= end:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def _sorted_labels(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r[key] == NOT_RECORDED, str(r[key]).lower()))


def _counts_by(
    qs: QuerySet[Any], field: str, *, label_key: str, count_key: str
) -> list[dict[str, Any]]:
    """How many records there are for each value of `field` (NOT_RECORDED for none), sorted."""
    return _sorted_labels(
        [
            {label_key: g[field] or NOT_RECORDED, count_key: g["n"]}
            for g in qs.values(field).annotate(n=Count("id")).order_by()
        ],
        label_key,
    )


def _count_table(
    *,
    id: str,
    title: str,
    label: Column,
    count: Column,
    rows: list[dict[str, Any]],
    unsuppressed: bool,
    axis: str | None = None,
    note: str = "",
    total_label: str = "Total",
    extra_columns: Sequence[Column] = (),
) -> Table:
    """A table of one published count per label (`extra_columns` between them), charted as
    horizontal bars whose axis is `axis` (the count's heading unless given)."""
    return Table(
        id=id,
        title=title,
        columns=[label, *extra_columns, count],
        rows=published_table(
            rows,
            [count.key],
            label_key=label.key,
            unsuppressed=unsuppressed,
            total_label=total_label,
        ),
        chart=Chart("barh", label.key, (count.key,), axis or count.label),
        note=note,
        total_label=total_label,
    )


# --- Referrals -------------------------------------------------------------------------------


def referrals_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Referrals received in the period: by month and source, by practice, by reason. 3 queries."""
    qs = scoped_referrals(user=user, filters=filters)
    by_month: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in (
        qs.annotate(month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
        .values("month", "source")
        .annotate(n=Count("id"))
        .order_by()
    ):
        month = g["month"].date() if isinstance(g["month"], dt.datetime) else g["month"]
        by_month[month][g["source"]] += g["n"]
    sources = [
        (value, str(label))
        for value, label in ReferralSource.choices
        if any(m.get(value) for m in by_month.values())
    ]
    months = _months(filters, by_month)
    month_rows = [
        {"month": f"{m:%b %Y}", **{v: by_month.get(m, {}).get(v, 0) for v, _ in sources}}
        for m in months
    ]
    keys = [v for v, _ in sources]
    monthly = Table(
        id="referrals-by-month-source",
        title="Referrals received by month and source",
        columns=[Column("month", "Month", numeric=False)]
        + [Column(v, label) for v, label in sources]
        + ([Column("total", "Total")] if len(keys) > 1 else []),
        rows=(
            published_table(month_rows, keys, label_key="month", unsuppressed=unsuppressed)
            if keys
            else []
        ),
        chart=Chart("stacked", "month", tuple(keys), "Referrals") if keys else None,
    )
    practice_rows = _sorted_labels(
        [
            {
                "practice": g["person__registered_practice__name"] or NOT_RECORDED,
                "ods": g["person__registered_practice__ods_code"] or "",
                "referrals": g["n"],
            }
            for g in qs.values(
                "person__registered_practice__name", "person__registered_practice__ods_code"
            )
            .annotate(n=Count("id"))
            .order_by()
        ],
        "practice",
    )
    by_practice = _count_table(
        id="referrals-by-practice",
        title="Referrals received by GP practice",
        label=Column("practice", "GP practice", numeric=False),
        extra_columns=[Column("ods", "ODS code", numeric=False)],
        count=Column("referrals", "Referrals"),
        rows=practice_rows,
        unsuppressed=unsuppressed,
        note="The practice is the person's registered GP practice, whoever referred them.",
    )
    by_reason = _count_table(
        id="referral-reasons",
        title="Reasons for referral",
        label=Column("reason", "Reason", numeric=False),
        count=Column("referrals", "Referrals"),
        rows=_counts_by(qs, "reasons__name", label_key="reason", count_key="referrals"),
        unsuppressed=unsuppressed,
        note="A referral with several reasons counts under each, so the total is of reasons.",
        total_label="Total (reasons)",
    )
    return Section(
        id="referrals",
        title="Referrals",
        intro="Referrals received in the period (the date the referral arrived).",
        tables=[monthly, by_practice, by_reason],
    )


# --- Waiting times -----------------------------------------------------------------------------


def _wait_row(label: str, days: list[float], waiting: int, unsuppressed: bool) -> dict[str, Cell]:
    n = len(days)
    p90 = statistics.quantiles(days, n=10, method="inclusive")[-1] if n >= 2 else None
    return {
        "measure": label,
        "n": publish_count(n, unsuppressed=unsuppressed),
        "median": published_value(
            float(statistics.median(days)) if n else None, n, unsuppressed=unsuppressed
        ),
        "mean": published_value(
            statistics.fmean(days) if n else None, n, unsuppressed=unsuppressed
        ),
        "p90": published_value(
            float(p90) if p90 is not None else (float(days[0]) if n else None),
            n,
            unsuppressed=unsuppressed,
        ),
        "waiting": publish_count(waiting, unsuppressed=unsuppressed),
    }


def waiting_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Days from referral to first contact and to the wellbeing review, for referrals received
    in the period. 1 query."""
    tz = timezone.get_current_timezone()
    rows = (
        scoped_referrals(user=user, filters=filters)
        .exclude(status__in=["declined", "returned"])
        .annotate(
            first_review=Min(
                "case_link__case__reviews__held_on",
                filter=Q(
                    case_link__case__reviews__held_on__gte=TruncDate("received_at", tzinfo=tz)
                ),
            )
        )
        .values_list("received_at", "first_contact_at", "first_review")
    )
    contact: list[float] = []
    review: list[float] = []
    no_contact = no_review = 0
    for received, first_contact, first_review in rows:
        if first_contact is not None and first_contact >= received:
            contact.append((first_contact - received).total_seconds() / 86400)
        else:
            no_contact += 1
        if first_review is not None:
            review.append(float((first_review - timezone.localtime(received, tz).date()).days))
        else:
            no_review += 1
    table = Table(
        id="waiting-times",
        title="Waiting times (days)",
        columns=[
            Column("measure", "From referral to", numeric=False),
            Column("n", "People"),
            Column("median", "Median days"),
            Column("mean", "Mean days"),
            Column("p90", "90th percentile"),
            Column("waiting", "Not yet"),
        ],
        rows=[
            _wait_row("First contact", contact, no_contact, unsuppressed),
            _wait_row("Wellbeing review", review, no_review, unsuppressed),
        ],
        chart=Chart("barh", "measure", ("median", "p90"), "Days"),
        note="Referrals received in the period that were not declined or returned. 'Not yet' "
        "counts those without a first contact or review by the time the report was made.",
    )
    return Section(id="waiting", title="Waiting times", tables=[table])


# --- People seen and attendance ----------------------------------------------------------------


def people_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """People seen by link workers (an attended appointment in the period) by service, and
    link-worker appointments by kind and outcome. 2 queries."""
    cases = scoped_cases(user=user, filters=filters)
    appointments = Appointment.objects.filter(case__in=cases).filter(period_q("starts_at", filters))
    seen_rows = _sorted_labels(
        [
            {"service": g["case__link_worker_service__name"], "people": g["n"]}
            for g in appointments.filter(outcome=AppointmentOutcome.ATTENDED)
            .values("case__link_worker_service__name")
            .annotate(n=Count("case__person", distinct=True))
            .order_by()
        ],
        "service",
    )
    seen = _count_table(
        id="people-seen",
        title="People seen by a link worker",
        label=Column("service", "Link-worker service", numeric=False),
        count=Column("people", "People seen"),
        axis="People",
        rows=seen_rows,
        unsuppressed=unsuppressed,
        note="People with at least one attended appointment in the period.",
    )
    outcomes = [
        AppointmentOutcome.ATTENDED,
        AppointmentOutcome.DID_NOT_ATTEND,
        AppointmentOutcome.CANCELLED,
    ]
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(outcomes, 0))
    for g in (
        appointments.filter(outcome__in=outcomes)
        .values("kind", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_kind[g["kind"]][g["outcome"]] += g["n"]
    kinds = dict(Appointment._meta.get_field("kind").choices or [])
    appt_rows = [
        {"kind": str(kinds.get(k, k)), **{str(o): by_kind[k][o] for o in outcomes}}
        for k in sorted(by_kind, key=lambda k: str(kinds.get(k, k)))
    ]
    attendance = Table(
        id="appointment-attendance",
        title="Link-worker appointments by outcome",
        columns=[Column("kind", "Appointment", numeric=False)]
        + [Column(str(o), str(o.label)) for o in outcomes]
        + [Column("total", "Total")],
        rows=published_table(
            appt_rows, [str(o) for o in outcomes], label_key="kind", unsuppressed=unsuppressed
        ),
        chart=Chart("stacked", "kind", tuple(str(o) for o in outcomes), "Appointments"),
    )
    return Section(
        id="people",
        title="People seen",
        intro="Appointments in the period with the link-worker services.",
        tables=[seen, attendance],
    )


# --- Connections -------------------------------------------------------------------------------


def _connections(user: User | AnonymousUser | None, filters: ReportFilter) -> QuerySet[Connection]:
    """Connections made in the period: signposts given and referrals sent (not drafts or
    cancelled ones), dated when they were created."""
    cases = scoped_cases(user=user, filters=filters)
    return (
        Connection.objects.filter(case__in=cases)
        .exclude(status__in=[ConnectionStatus.DRAFT, ConnectionStatus.CANCELLED])
        .filter(period_q("created_at", filters))
    )


def _category_vocabulary() -> tuple[dict[int, str], dict[int, int]]:
    """The one vocabulary connections are reported by: the top-level terms of the Linkwell
    categories taxonomy (as the directory's category filter). Returns {top-level term id:
    name} and {term id: its top-level term id} for every term of the taxonomy. 1 query.

    The taxonomy is found by its stable id, or by its shipped name for a copy made without it.
    """
    name = next(t["name"] for t in shipped_taxonomies() if t["code"] == CATEGORIES)
    terms = {
        pk: (parent, term_name)
        for pk, parent, term_name in TaxonomyTerm.objects.filter(
            Q(taxonomy__uuid=taxonomy_uuid(CATEGORIES)) | Q(taxonomy__name=name)
        ).values_list("id", "parent_id", "name")
    }
    top_of: dict[int, int] = {}
    for pk in terms:
        top, seen = pk, {pk}
        # Climb within the taxonomy; a parent outside it (or a cycle) ends the climb.
        while (parent := terms[top][0]) is not None and parent in terms and parent not in seen:
            top = parent
            seen.add(parent)
        top_of[pk] = top
    return {pk: terms[pk][1] for pk in set(top_of.values())}, top_of


def _connections_by_category(per_service: dict[Any, int]) -> list[dict[str, Any]]:
    """Connections per top-level category, one row per category of the vocabulary (zeros
    included) and "Not categorised" last. A service in several categories counts under the
    first listed (the order the directory holds them in), so the rows add up to the number of
    connections. 2 queries."""
    tops, top_of = _category_vocabulary()
    first: dict[Any, int] = {}
    for link_uuid, term_id in (
        Attribute.objects.filter(
            link_entity=AttributeLinkEntity.SERVICE,
            link_uuid__in=list(per_service),
            taxonomy_term_id__in=list(top_of),
        )
        .order_by("pk")
        .values_list("link_uuid", "taxonomy_term_id")
    ):
        first.setdefault(link_uuid, top_of[term_id])
    counts = dict.fromkeys(tops, 0)
    not_categorised = 0
    for service_uuid, n in per_service.items():
        top = first.get(service_uuid)
        if top is None:
            not_categorised += n
        else:
            counts[top] += n
    rows = sorted(
        ({"category": tops[pk], "connections": n} for pk, n in counts.items()),
        key=lambda r: str(r["category"]).lower(),
    )
    return [*rows, {"category": NOT_CATEGORISED, "connections": not_categorised}]


def connections_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Connections by provider and kind, by category, and provider session attendance. 5 queries."""
    conns = _connections(user, filters)
    kinds = [ConnectionKind.SIGNPOST, ConnectionKind.REFERRAL]
    by_provider: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(kinds, 0))
    for g in conns.values("service__organization__name", "kind").annotate(n=Count("id")).order_by():
        by_provider[g["service__organization__name"] or NOT_RECORDED][g["kind"]] += g["n"]
    provider_rows = _sorted_labels(
        [{"provider": p, **{str(k): v[k] for k in kinds}} for p, v in by_provider.items()],
        "provider",
    )
    provider = Table(
        id="connections-by-provider",
        title="Connections made by provider",
        columns=[Column("provider", "Provider", numeric=False)]
        + [
            Column(str(k), "Signposted" if k == ConnectionKind.SIGNPOST else "Referred")
            for k in kinds
        ]
        + [Column("total", "Total")],
        rows=published_table(
            provider_rows, [str(k) for k in kinds], label_key="provider", unsuppressed=unsuppressed
        ),
        chart=Chart("stacked", "provider", tuple(str(k) for k in kinds), "Connections"),
    )
    per_service = dict(
        conns.values("service__uuid")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("service__uuid", "n")
    )
    category_rows = _connections_by_category(per_service)
    category = _count_table(
        id="connections-by-category",
        title="Connections made by category of service",
        label=Column("category", "Category", numeric=False),
        count=Column("connections", "Connections"),
        rows=category_rows,
        unsuppressed=unsuppressed,
        note="Each connection counts once, under the top-level Linkwell category of the "
        "service's first listed category; services with no Linkwell category are "
        f"'{NOT_CATEGORISED}'.",
    )
    sessions: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in (
        Attendance.objects.filter(connection__case__in=scoped_cases(user=user, filters=filters))
        .filter(date_q("session_on", filters))
        .values("connection__service__organization__name", "attended")
        .annotate(n=Count("id"))
        .order_by()
    ):
        name = a["connection__service__organization__name"] or NOT_RECORDED
        sessions[name][0 if a["attended"] else 1] += a["n"]
    session_rows = _sorted_labels(
        [{"provider": p, "attended": v[0], "missed": v[1]} for p, v in sessions.items()], "provider"
    )
    attendance = Table(
        id="provider-attendance",
        title="Attendance at providers' sessions",
        columns=[
            Column("provider", "Provider", numeric=False),
            Column("attended", "Attended"),
            Column("missed", "Did not attend"),
            Column("total", "Sessions recorded"),
        ],
        rows=published_table(
            session_rows, ["attended", "missed"], label_key="provider", unsuppressed=unsuppressed
        ),
        chart=Chart("stacked", "provider", ("attended", "missed"), "Sessions"),
        note="Sessions in the period that providers recorded for people they accepted.",
    )
    return Section(
        id="connections",
        title="Connections and attendance",
        intro="Connections made in the period: information given (signposts) and referrals "
        "sent to providers.",
        tables=[category, provider, attendance],
    )


# --- Goals and gaps ------------------------------------------------------------------------------


def goals_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Goals set in the period by their status now, per service. 1 query."""
    cases = scoped_cases(user=user, filters=filters)
    statuses = list(GoalStatus)
    by_service: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(statuses, 0))
    for g in (
        Goal.objects.filter(plan__case__in=cases)
        .filter(period_q("created_at", filters))
        .values("plan__case__link_worker_service__name", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_service[g["plan__case__link_worker_service__name"]][g["status"]] += g["n"]
    rows = _sorted_labels(
        [{"service": s, **{str(k): v[k] for k in statuses}} for s, v in by_service.items()],
        "service",
    )
    table = Table(
        id="goals",
        title="Goals set in the period, by status now",
        columns=[Column("service", "Link-worker service", numeric=False)]
        + [Column(str(k), str(k.label)) for k in statuses]
        + [Column("total", "Total")],
        rows=published_table(
            rows, [str(k) for k in statuses], label_key="service", unsuppressed=unsuppressed
        ),
        chart=Chart("stacked", "service", tuple(str(k) for k in statuses), "Goals"),
    )
    return Section(id="goals", title="Goals achieved", tables=[table])


def gaps_section(
    *, user: User | AnonymousUser | None, filters: ReportFilter, unsuppressed: bool
) -> Section:
    """Unmet needs link workers recorded in the period, by need. 1 query. The free-text
    description, place and 'who' are not published (they may identify someone)."""
    qs = scoped_by_service(
        ProvisionGap.objects.filter(period_q("created_at", filters)), user=user, filters=filters
    )
    table = _count_table(
        id="provision-gaps",
        title="Gaps in provision by need",
        label=Column("need", "Need", numeric=False),
        count=Column("gaps", "Times recorded"),
        rows=_counts_by(qs, "need__name", label_key="need", count_key="gaps"),
        unsuppressed=unsuppressed,
        note="Each time a link worker found no suitable service for a need.",
    )
    return Section(id="gaps", title="Gaps in provision", tables=[table])


def case_ids(*, user: User | AnonymousUser | None, filters: ReportFilter) -> QuerySet[Case]:
    return scoped_cases(user=user, filters=filters)
