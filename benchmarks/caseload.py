"""Caseload and triage pages with 10k open cases: p95 render time and query counts.

    python benchmarks/caseload.py                      # SQLite, 10k open cases
    python benchmarks/caseload.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/caseload.py --cases 2000 --no-write   # quick look

Each database runs in its own process on a fresh database (a temporary SQLite file, or a
`linkwell_bench_caseload` database on the PostgreSQL server given by `--postgres` or
`DATABASE_URL`, dropped afterwards). One link-worker service holds the open cases, spread evenly
over enough link workers for ~250 each (the guidance's safe level), with a triage queue of new
referrals; people, referrals, cases, appointments, reviews, plans, follow-ups, connections and
messages back come from the demo generator (`linkwell.demo.people`, the open-cases mix) and
connect to a demo-sized directory. Pages are fetched through Django's test client signed in as a
link worker (her caseload, and the triage queue) and as the team manager (the team page, and one
worker's caseload), timed after one warm-up each; queries are counted on one extra fetch.
Results go to stdout and into BENCHMARKS.md (between the `caseload` markers).

Not part of the test suite; `tests/test_caseload_benchmark_smoke.py` runs it in-process on ~50.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import directory_search as shared  # noqa: E402  (machine info, percentiles, database plumbing)
from sections import publish  # noqa: E402

SEED = 20251124
PER_WORKER = 250  # open cases per link worker (guidance: 200-250 people a year)
CHUNK = 2000  # people generated and written per transaction (memory stays flat)
DB_NAME = "linkwell_bench_caseload"
MARK_START = "<!-- caseload:start -->"
MARK_END = "<!-- caseload:end -->"


# --- generation ------------------------------------------------------------------------------


def populate(n_open: int, *, seed: int = SEED, chunk: int = CHUNK) -> dict[str, Any]:
    """A link-worker service with about `n_open` open cases (and a triage queue). Returns row
    counts and the emails of the link worker and manager the pages are measured for."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from linkwell.accounts.models import Area, Membership, Organisation, Role, User
    from linkwell.demo.catalogue import ACCOUNTS_ORGS, PLACES, REQUIRED_LOCAL
    from linkwell.demo.directory import DemoIds, build_directory, write_directory
    from linkwell.demo.loader import demo_places, term_pks
    from linkwell.demo.people import OPEN_MIX, Team, build_people, write_people
    from linkwell.directory.models import Service
    from linkwell.directory.taxonomies import NEEDS, taxonomy_seed

    rng = Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    ids = DemoIds(prefix="bench/")
    totals: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        taxonomy_seed()
        area = Area.objects.create(name="Benchmark area")
        orgs = {
            spec.key: Organisation.objects.create(name=spec.name, kind=spec.kind, area=area)
            for spec in ACCOUNTS_ORGS
        }
        rows = build_directory(
            rng=rng,
            today=today,
            now=now,
            places=demo_places(),
            term_pks=term_pks(),
            verify_after_days=182,
            qa_expiring_days=30,
            ids=ids,
            required=REQUIRED_LOCAL,
            owners={"Oswestry Men's Shed": orgs["shed"].pk},
        )
        write_directory(rows)
        password = make_password(None)  # unusable: the client signs in with force_login
        workers_needed = max(1, math.ceil(n_open / PER_WORKER))
        workers = [
            User(uuid=ids("user"), email=f"lw{i}@bench.example.org", full_name=f"Worker {i}")
            for i in range(workers_needed)
        ]
        manager = User(uuid=ids("user"), email="manager@bench.example.org", full_name="Manager")
        for user in [*workers, manager]:
            user.password = password
        User.objects.bulk_create([*workers, manager])
        Membership.objects.bulk_create(
            [Membership(user=u, organisation=orgs["lws"], role=Role.LINK_WORKER) for u in workers]
            + [Membership(user=manager, organisation=orgs["lws"], role=Role.TEAM_MANAGER)]
        )
    services = list(Service.objects.select_related("organization").order_by("pk"))
    team = Team(
        service=orgs["lws"],
        link_workers=workers,
        manager=manager,
        practices={k: orgs[k] for k in ("gp1", "gp2", "gp3", "gp4")},
        weights=[1.0] * len(workers),
    )
    needs = {code: pk for (tax, code), pk in term_pks().items() if tax == NEEDS}
    places = {town: spec[0] for town, spec in PLACES.items()}
    open_share = 1 - OPEN_MIX["received"] / sum(OPEN_MIX.values())
    people = max(1, round(n_open / open_share))
    taken: set[str] = set()
    for start in range(0, people, chunk):
        batch = build_people(
            rng=rng,
            today=today,
            count=min(chunk, people - start),
            team=team,
            services=services,
            featured=[s for s in services if s.organization.owner_id == orgs["shed"].pk],
            needs=needs,
            places=places,
            ids=ids,
            mix=OPEN_MIX,
            taken_nhs_numbers=taken,
        )
        with transaction.atomic():
            for name, count in write_people(batch, batch_size=5000).items():
                totals[name] += count
    from linkwell.casework.models import Case, CaseStatus

    lead = workers[0]
    return {
        "counts": dict(totals),
        "open_cases": Case.objects.exclude(status=CaseStatus.DORMANT).count(),
        "link_workers": len(workers),
        "worker_cases": Case.objects.filter(assigned_to=lead)
        .exclude(status=CaseStatus.DORMANT)
        .count(),
        "link_worker": lead.email,
        "manager": manager.email,
    }


# --- the pages -------------------------------------------------------------------------------


def pages(info: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, who signs in, path) for the pages that exist in this checkout."""
    from django.urls import NoReverseMatch, reverse

    from linkwell.accounts.models import User

    wanted = [
        ("Caseload (link worker, own)", info["link_worker"], "casework:caseload", ""),
        (
            "Caseload (manager viewing a worker)",
            info["manager"],
            "casework:caseload",
            f"?worker={User.objects.get(email=info['link_worker']).uuid}",
        ),
        ("Team page (manager)", info["manager"], "casework:team", ""),
        ("Triage queue (link worker)", info["link_worker"], "referrals:triage", ""),
    ]
    out = []
    for label, email, name, query in wanted:
        try:
            out.append((label, email, reverse(name) + query))
        except NoReverseMatch:
            print(f"   (skipped: {name} does not exist yet)", flush=True)
    return out


def measure(info: dict[str, Any], repeat: int) -> list[dict[str, Any]]:
    """Time each page `repeat` times after a warm-up, and count one fetch's queries."""
    from django.db import connection
    from django.test import Client

    from linkwell.accounts.models import User

    results = []
    for label, email, path in pages(info):
        client = Client()
        client.force_login(User.objects.get(email=email))
        try:
            response = client.get(path)  # warm-up
        except Exception as exc:  # a page still being built: say so, measure the rest
            print(f"   (skipped: {label} failed: {exc.__class__.__name__}: {exc})", flush=True)
            continue
        if response.status_code != 200:
            print(f"   (skipped: {label} answered {response.status_code})", flush=True)
            continue
        queries = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        # A wrapper, not CaptureQueriesContext: that one reads DEBUG's query log, which is
        # capped (9,000 entries) and already full after the bulk load, so it would count 0.
        with connection.execute_wrapper(count):
            client.get(path)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        results.append(
            {
                "page": label,
                "path": path.split("?")[0],
                "queries": queries,
                "kb": len(response.content) / 1024,
                "p50": statistics.median(samples),
                "p95": shared.percentile(samples, 0.95),
            }
        )
    return results


# --- process plumbing ------------------------------------------------------------------------


def worker(n_open: int, repeat: int, out: Path) -> None:
    """Runs in a child process whose environment names the database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LINKWELL_DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    info = populate(n_open)
    load_s = time.perf_counter() - started
    shared.analyse()
    result = dict(
        info,
        pages=measure(info, repeat),
        load_seconds=load_s,
        rows=sum(info["counts"].values()),
        database=shared.database_version(),
    )
    out.write_text(json.dumps(result))


def run_one(backend: str, n_open: int, repeat: int, postgres: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LINKWELL_DEBUG"] = "true"
    with tempfile.TemporaryDirectory(prefix="linkwell-bench-") as tmp:
        if backend == "sqlite":
            env["LINKWELL_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        else:
            assert postgres
            shared._pg_admin(postgres, f"DROP DATABASE IF EXISTS {DB_NAME}")
            shared._pg_admin(postgres, f"CREATE DATABASE {DB_NAME}")
            env["DATABASE_URL"] = shared._with_db(postgres, DB_NAME)
        out = Path(tmp) / "result.json"
        try:
            subprocess.run(
                [
                    *(sys.executable, __file__, "--worker", str(n_open)),
                    *("--repeat", str(repeat), "--out", str(out)),
                ],
                env=env,
                check=True,
                cwd=ROOT,
            )
            return dict(json.loads(out.read_text()), backend=backend)
        finally:
            if backend == "postgres" and postgres:
                shared._pg_admin(postgres, f"DROP DATABASE IF EXISTS {DB_NAME}")


def render(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    dbs = ", ".join(sorted({r["database"] for r in results}))
    lines = [
        MARK_START,
        "## Caseload and triage pages (`benchmarks/caseload.py`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {info['cpu']}, {info['cores']} cores, "
        f"{info['ram']} RAM, Python {info['python']}, {dbs} ({info['os']}).",
        "",
        "Whole page renders through Django's test client (middleware, access log, template), "
        "milliseconds, after one warm-up; queries counted on one fetch.",
        "",
        "| Database | Open cases | Workers | Rows loaded | Load (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['open_cases']:,} | {r['link_workers']} "
            f"(~{r['worker_cases']} cases each) | {r['rows']:,} | {r['load_seconds']:.0f} |"
        )
    lines += [
        "",
        "| Database | Page | Path | Queries | Size (KiB) | p50 (ms) | p95 (ms) |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        for p in r["pages"]:
            lines.append(
                f"| {r['database'].split(' (')[0]} | {p['page']} | `{p['path']}` | "
                f"{p['queries']} | {p['kb']:.0f} | {p['p50']:.1f} | {p['p95']:.1f} |"
            )
    lines += ["", MARK_END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000, help="Open cases (10,000).")
    parser.add_argument("--repeat", type=int, default=20, help="Timed fetches per page (20).")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("DATABASE_URL") or None,
        help="PostgreSQL server URL (default: $DATABASE_URL); omit for SQLite only.",
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        worker(args.worker, args.repeat, args.out)
        return

    backends = ([] if args.no_sqlite else ["sqlite"]) + (["postgres"] if args.postgres else [])
    results = []
    for backend in backends:
        print(f"== {backend}, {args.cases:,} open cases ...", flush=True)
        r = run_one(backend, args.cases, args.repeat, args.postgres)
        print(
            f"   {r['database']}: {r['open_cases']:,} open cases, {r['rows']:,} rows, "
            f"loaded in {r['load_seconds']:.0f} s",
            flush=True,
        )
        for p in r["pages"]:
            print(
                f"   {p['page']:<40} {p['queries']:4d} queries  p50 {p['p50']:8.1f}  "
                f"p95 {p['p95']:8.1f} ms"
            )
        results.append(r)
    section = render(results, shared.machine())
    publish(section, args.output, write=not args.no_write)


if __name__ == "__main__":
    main()
