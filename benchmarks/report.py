"""The quarterly commissioner report over a large generated area: time and peak memory.

    python benchmarks/report.py --database-url postgres://postgres@127.0.0.1:5432/lw_bench_report
    python benchmarks/report.py --database-url ... --people 20000 --no-write    # a quick look

Generates (seeded, fictional) 150,000 people, each with a referral, a case, a wellbeing review,
a plan and a goal; 750,000 link-worker contacts (appointments, 5 a person); 300,000 measure
administrations (PHQ-9, GAD-7 and SWEMWBS, baseline and follow-up pairs); 100,000 connections to
40 providers with a recorded session each; and 2,000 provision gaps, across 20 GP practices and
2 link-worker services in one commissioner's area, with referrals spread over two years. Rows are
written with `bulk_create` in chunks (memory stays flat). The database named by `--database-url`
is **dropped and created again** (its name must start with `lw_` or contain `bench`).

Then the whole quarterly report (every section, disclosure-controlled) is built for the
commissioner over the busiest quarter, then its PDF and XLSX: wall time per step (best and
median of `--repeat`), the number of queries, and peak memory (Python allocations traced by
tracemalloc during one build, and the process's maximum resident set size). Results go to stdout
and into BENCHMARKS.md (between the `report` markers).

Not part of the test suite; `tests/test_report_benchmark_smoke.py` runs it in-process on a few
hundred people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from random import Random
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import directory_search as shared  # noqa: E402  (machine info, database plumbing)
from sections import publish  # noqa: E402

SEED = 20251124
CHUNK = 5000
MARK_START = "<!-- report:start -->"
MARK_END = "<!-- report:end -->"
FIRST_DAY = dt.date(2024, 4, 1)  # two financial years of referrals
DAYS = 730
QUARTER = (2025, 1)  # the report's quarter: 2025-26 Q1, inside the generated span
INSTRUMENTS = [("phq9", 0, 27), ("gad7", 0, 21), ("swemwbs", 7.0, 35.0)]


def populate(
    people: int,
    *,
    contacts_per_person: int = 5,
    measures_per_person: int = 2,
    seed: int = SEED,
    chunk: int = CHUNK,
) -> dict[str, Any]:
    """Write the generated area; returns row counts and the commissioner's email."""
    from django.db import transaction
    from django.utils import timezone

    from linkwell.accounts.models import (
        Area,
        Membership,
        Organisation,
        OrganisationKind,
        Role,
        User,
    )
    from linkwell.casework.models import (
        Appointment,
        AppointmentOutcome,
        Case,
        CaseReferral,
        CaseStatus,
        Goal,
        GoalStatus,
        Plan,
        WellbeingReview,
    )
    from linkwell.connections.models import (
        Attendance,
        Connection,
        ConnectionKind,
        ConnectionStatus,
        ProvisionGap,
    )
    from linkwell.directory.tests.factories import make_service, make_term, tag
    from linkwell.outcomes.models import MeasureAdministration
    from linkwell.people.models import Ethnicity, Person, Sex
    from linkwell.referrals.models import Referral, ReferralSource, ReferralStatus

    rng = Random(seed)
    tz = timezone.get_current_timezone()

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)

    with transaction.atomic():
        area = Area.objects.create(name="Benchmark area")
        icb = Organisation.objects.create(
            name="Benchmark ICB", kind=OrganisationKind.COMMISSIONER, area=area
        )
        commissioner = User.objects.create_user(
            email="analyst@bench.example.org", password=None, full_name="Analyst"
        )
        Membership.objects.create(user=commissioner, organisation=icb, role=Role.COMMISSIONER)
        services = [
            Organisation.objects.create(
                name=f"Link service {i}", kind=OrganisationKind.LINK_WORKER_SERVICE, area=area
            )
            for i in range(2)
        ]
        practices = [
            Organisation.objects.create(
                name=f"Practice {i:02d}",
                kind=OrganisationKind.GP_PRACTICE,
                area=area,
                ods_code=f"B{i:05d}",
            )
            for i in range(20)
        ]
        terms = [make_term(n) for n in ("Physical activity", "Social groups", "Arts", "Advice")]
        needs = [make_term(n, taxonomy="Needs") for n in ("Loneliness", "Debt", "Housing")]
        providers = []
        for i in range(40):
            svc = make_service(f"Provider service {i}", referrals=True, verified_days_ago=1)
            tag(svc, terms[i % len(terms)])
            providers.append(svc)
    sources = [s for s, _ in ReferralSource.choices]
    sexes = [Sex.FEMALE, Sex.MALE]
    ethnicities = [e for e, _ in Ethnicity.choices]
    kinds = ["wellbeing_review", "follow_up", "phone", "home_visit", "group_session"]
    outcomes = [AppointmentOutcome.ATTENDED] * 7 + [
        AppointmentOutcome.DID_NOT_ATTEND,
        AppointmentOutcome.CANCELLED,
    ]
    counts: dict[str, int] = dict.fromkeys(
        [
            "people",
            "referrals",
            "cases",
            "contacts",
            "reviews",
            "plans",
            "goals",
            "measures",
            "connections",
            "attendances",
            "gaps",
        ],
        0,
    )
    # Goals, connections and gaps are dated by `created_at` in the report: the generated rows
    # carry their own dates, so auto_now_add is switched off while they are written.
    stamped = [m._meta.get_field("created_at") for m in (Goal, Connection, ProvisionGap)]
    for field in stamped:
        field.auto_now_add = False
    try:
        for start in range(0, people, chunk):
            n = min(chunk, people - start)
            with transaction.atomic():
                persons = Person.objects.bulk_create(
                    [
                        Person(
                            given_name=f"Given{start + i}",
                            family_name=f"Family{start + i}",
                            date_of_birth=dt.date(1930, 1, 1)
                            + dt.timedelta(days=rng.randint(0, 30000)),
                            sex=rng.choice(sexes),
                            ethnicity=rng.choice(ethnicities),
                            postcode=f"SY{rng.randint(1, 13)} {rng.randint(1, 9)}AA",
                            registered_practice=rng.choice(practices),
                        )
                        for i in range(n)
                    ],
                    batch_size=chunk,
                )
                received = [FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)) for _ in persons]
                service_of = [rng.choice(services) for _ in persons]
                referrals = Referral.objects.bulk_create(
                    [
                        Referral(
                            person=p,
                            link_worker_service=service_of[i],
                            source=rng.choice(sources),
                            status=ReferralStatus.ACCEPTED,
                            received_at=at(received[i]),
                            first_contact_at=at(
                                received[i] + dt.timedelta(days=rng.randint(1, 20))
                            ),
                        )
                        for i, p in enumerate(persons)
                    ],
                    batch_size=chunk,
                )
                cases = Case.objects.bulk_create(
                    [
                        Case(
                            person=p,
                            link_worker_service=service_of[i],
                            status=CaseStatus.ACTIVE,
                            opened_at=at(received[i]),
                            first_contact_at=referrals[i].first_contact_at,
                        )
                        for i, p in enumerate(persons)
                    ],
                    batch_size=chunk,
                )
                CaseReferral.objects.bulk_create(
                    [
                        CaseReferral(case=c, referral=r)
                        for c, r in zip(cases, referrals, strict=True)
                    ],
                    batch_size=chunk,
                )
                review_day = [d + dt.timedelta(days=rng.randint(7, 35)) for d in received]
                WellbeingReview.objects.bulk_create(
                    [
                        WellbeingReview(case=c, held_on=review_day[i], what_matters="Getting out")
                        for i, c in enumerate(cases)
                    ],
                    batch_size=chunk,
                )
                Appointment.objects.bulk_create(
                    [
                        Appointment(
                            case=c,
                            kind=kinds[k % len(kinds)],
                            starts_at=at(received[i] + dt.timedelta(days=7 + 14 * k)),
                            outcome=rng.choice(outcomes),
                        )
                        for i, c in enumerate(cases)
                        for k in range(contacts_per_person)
                    ],
                    batch_size=chunk,
                )
                plans = Plan.objects.bulk_create(
                    [Plan(case=c, agreed_on=review_day[i]) for i, c in enumerate(cases)],
                    batch_size=chunk,
                )
                Goal.objects.bulk_create(
                    [
                        Goal(
                            plan=pl,
                            text="Get out more",
                            status=rng.choice(GoalStatus.values),
                            created_at=at(review_day[i]),
                        )
                        for i, pl in enumerate(plans)
                    ],
                    batch_size=chunk,
                )
                adms = []
                for i, c in enumerate(cases):
                    ident, lo, hi = INSTRUMENTS[i % len(INSTRUMENTS)]
                    base = rng.uniform(lo, hi)
                    for m in range(measures_per_person):
                        score = base if m == 0 else min(hi, max(lo, base + rng.gauss(-2, 4)))
                        if isinstance(lo, int):
                            score = round(score)
                        adms.append(
                            MeasureAdministration(
                                case=c,
                                organisation=service_of[i],
                                instrument_id=ident,
                                instrument_version="1",
                                timepoint="baseline"
                                if m == 0
                                else ("week_4", "month_3", "month_6")[min(m - 1, 2)],
                                administered_on=review_day[i] + dt.timedelta(days=35 * m),
                                score=score,
                                raw=score,
                                completed_by="link_worker",
                            )
                        )
                MeasureAdministration.objects.bulk_create(adms, batch_size=chunk)
                connected = [c for c in cases if rng.random() < 2 / 3]
                conns = Connection.objects.bulk_create(
                    [
                        Connection(
                            case=c,
                            service=rng.choice(providers),
                            kind=ConnectionKind.REFERRAL,
                            status=rng.choice(
                                [
                                    ConnectionStatus.ACCEPTED,
                                    ConnectionStatus.COMPLETED,
                                    ConnectionStatus.REJECTED,
                                ]
                            ),
                            requested_at=c.opened_at + dt.timedelta(days=30),
                            responded_at=c.opened_at + dt.timedelta(days=33),
                            created_at=c.opened_at + dt.timedelta(days=30),
                        )
                        for c in connected
                    ],
                    batch_size=chunk,
                )
                Attendance.objects.bulk_create(
                    [
                        Attendance(
                            connection=cn,
                            session_on=(
                                cast(dt.datetime, cn.requested_at) + dt.timedelta(days=10)
                            ).date(),
                            attended=rng.random() < 0.8,
                        )
                        for cn in conns
                    ],
                    batch_size=chunk,
                )
                gaps = ProvisionGap.objects.bulk_create(
                    [
                        ProvisionGap(
                            case=c,
                            need=rng.choice(needs),
                            description="No suitable group",
                            link_worker_service=c.link_worker_service,
                            created_at=c.opened_at + dt.timedelta(days=20),
                        )
                        for c in cases[: max(1, n // 75)]
                    ],
                    batch_size=chunk,
                )
            counts["people"] += n
            counts["referrals"] += n
            counts["cases"] += n
            counts["reviews"] += n
            counts["plans"] += n
            counts["goals"] += n
            counts["contacts"] += n * contacts_per_person
            counts["measures"] += len(adms)
            counts["connections"] += len(conns)
            counts["attendances"] += len(conns)
            counts["gaps"] += len(gaps)
            print(f"   {counts['people']:,} people written", flush=True)
    finally:
        for field in stamped:
            field.auto_now_add = True
    return {"counts": counts, "commissioner": commissioner.email}


def measure(info: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Build the report `repeat` times (after a warm-up), then its PDF and XLSX."""
    from django.db import connection

    from linkwell.accounts.models import User
    from linkwell.analysis.filters import ReportFilter
    from linkwell.reports.access import report_scope_for_user
    from linkwell.reports.exports import report_xlsx
    from linkwell.reports.pdf import report_pdf
    from linkwell.reports.quarterly import build_report, quarter_bounds

    user = User.objects.get(email=info["commissioner"])
    scope = report_scope_for_user(user=user)
    from linkwell.accounts.models import Area

    area = Area.objects.get(pk=scope.area_ids[0]) if scope.area_ids else None
    start, end = quarter_bounds(*QUARTER)
    filters = ReportFilter(start=start, end=end, area=area)
    build_report(user=user, filters=filters)  # warm-up (instrument registry, plans)
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not many:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    tracemalloc.start()
    with connection.execute_wrapper(count), connection.execute_wrapper(capture):
        report = build_report(user=user, filters=filters)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    samples = []
    replays = []
    for _ in range(repeat):
        t = time.perf_counter()
        report = build_report(user=user, filters=filters)
        samples.append(time.perf_counter() - t)
        replays.append(replay(captured))
    t = time.perf_counter()
    pdf = report_pdf(report)
    pdf_s = time.perf_counter() - t
    t = time.perf_counter()
    xlsx = report_xlsx(report)
    xlsx_s = time.perf_counter() - t
    referrals = next(t for t in report.tables() if t.id == "referrals-by-month-source").rows[-1]
    return {
        "build_best": min(samples),
        "build_median": statistics.median(samples),
        "replay_best": min(replays),
        "ratio": min(samples) / min(replays),
        "queries": queries,
        "tables": len(report.tables()),
        "pdf_seconds": pdf_s,
        "pdf_kb": len(pdf) / 1024,
        "xlsx_seconds": xlsx_s,
        "xlsx_kb": len(xlsx) / 1024,
        "traced_peak_mb": traced_peak / 1024 / 1024,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "quarter_referrals": referrals.get("total"),
        "period": report.period,
    }


def replay(statements: list[tuple[str, Any]]) -> float:
    """The limit: the same SQL statements, with the same parameters, run one after another on
    the driver's own cursor and every row fetched, without the ORM or any Python work on the
    rows. Seconds for all of them."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        # Django writes "%s" placeholders; its SQLite cursor class turns them into sqlite3's "?".
        from django.db.backends.sqlite3.base import SQLiteCursorWrapper

        cursor = raw.cursor(factory=SQLiteCursorWrapper)
    else:
        cursor = raw.cursor()
    try:
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
    finally:
        cursor.close()
    return time.perf_counter() - started


def existing_counts() -> dict[str, Any]:
    """Row counts and the commissioner of an area generated by an earlier `--keep` run."""
    from linkwell.casework.models import Appointment
    from linkwell.connections.models import Attendance, Connection, ProvisionGap
    from linkwell.outcomes.models import MeasureAdministration
    from linkwell.people.models import Person

    people = Person.objects.count()
    counts = {
        "people": people,
        "contacts": Appointment.objects.count(),
        "measures": MeasureAdministration.objects.count(),
        "connections": Connection.objects.count(),
        "attendances": Attendance.objects.count(),
        "gaps": ProvisionGap.objects.count(),
    }
    return {"counts": counts, "commissioner": "analyst@bench.example.org"}


def render(result: dict[str, Any], info: dict[str, str]) -> str:
    c = result["counts"]
    lines = [
        MARK_START,
        "## Quarterly commissioner report (`benchmarks/report.py`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {info['cpu']}, {info['cores']} cores (shared with "
        f"other work), {info['ram']} RAM, Python {info['python']}, {result['database']} "
        f"({info['os']}).",
        "",
        f"Generated: {c['people']:,} people (each with a referral, case, review, plan and goal), "
        f"{c['contacts']:,} link-worker contacts, {c['measures']:,} measure administrations, "
        f"{c['connections']:,} connections with {c['attendances']:,} sessions, {c['gaps']:,} "
        f"provision gaps; {_written(result['load_seconds'])}. Report for "
        f"{result['period']} over the commissioner's whole area ({result['quarter_referrals']} "
        "referrals in the quarter, as published), every section, disclosure-controlled.",
        "",
        "| Step | Time (s) |",
        "|---|---:|",
        f"| Build the report: best of {result['repeat']} | {result['build_best']:.2f} |",
        f"| Build the report: median | {result['build_median']:.2f} |",
        f"| Limit: the same {result['queries']} SQL statements replayed alone (driver cursor, "
        f"all rows fetched), best of {result['repeat']} | {result['replay_best']:.2f} |",
        f"| Report against its limit | {result['ratio']:.2f} times |",
        f"| PDF ({result['pdf_kb']:.0f} KiB, charts included) | {result['pdf_seconds']:.2f} |",
        f"| XLSX ({result['tables']} sheets, {result['xlsx_kb']:.0f} KiB) | "
        f"{result['xlsx_seconds']:.2f} |",
        "",
        f"Queries per build: {result['queries']} (a fixed number per section). Peak memory: "
        f"{result['traced_peak_mb']:.0f} MiB of Python allocations during one build "
        f"(tracemalloc); the process's maximum resident set size was "
        f"{result['maxrss_mb']:.0f} MiB (including the data generation).",
    ]
    if result.get("note"):
        lines += ["", result["note"]]
    lines += ["", MARK_END]
    return "\n".join(lines)


def _written(seconds: float) -> str:
    return "generated by an earlier run" if seconds != seconds else f"written in {seconds:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="A dedicated PostgreSQL database.")
    parser.add_argument("--people", type=int, default=150_000, help="People (150,000).")
    parser.add_argument("--contacts", type=int, default=5, help="Contacts per person (5).")
    parser.add_argument("--measures", type=int, default=2, help="Measures per person (2).")
    parser.add_argument("--repeat", type=int, default=3, help="Timed builds (3).")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure an area an earlier --keep run generated (migrated, not regenerated).",
    )
    parser.add_argument("--note", default="", help="A sentence added under the results.")
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    if args.people < 1 or args.contacts < 0 or args.measures < 0 or args.repeat < 1:
        raise SystemExit("--people and --repeat must be at least 1; counts cannot be negative.")
    with shared.dedicated_database(args.database_url, reuse=args.reuse, keep=args.keep):
        started = time.perf_counter()
        if args.reuse:
            info = existing_counts()
            load_s = float("nan")
        else:
            print(f"== generating {args.people:,} people ...", flush=True)
            info = populate(
                args.people, contacts_per_person=args.contacts, measures_per_person=args.measures
            )
            load_s = time.perf_counter() - started
        shared.analyse()
        print(f"   written in {load_s:.0f} s; building the report ...", flush=True)
        result = dict(
            measure(info, args.repeat),
            counts=info["counts"],
            load_seconds=load_s,
            repeat=args.repeat,
            database=shared.database_version(),
            note=args.note,
        )
    section = render(result, shared.machine())
    publish(section, args.output, write=not args.no_write)


if __name__ == "__main__":
    main()
