"""Directory import speed: generated HSDS 3 feeds of 1k and 5k services (50k with `--large`).

    python benchmarks/directory_import.py               # 1k and 5k; writes the BENCHMARKS.md section
    python benchmarks/directory_import.py --large       # and 50k (a few minutes)
    python benchmarks/directory_import.py --sizes 200 --no-write   # quick look

Each size runs in its own process on a fresh, migrated SQLite file (WAL, as deployed). The feed
comes from `benchmarks/hsds_feed.py` (services with their providers, venues, schedules, phones,
contacts, costs, languages and taxonomy attributes; half the venues geocoded from their
postcode). Timed, as `linkwell directory import` runs them: reading the file, checking and
planning every record (no write lock held), the write phase (one transaction, or on SQLite for
a file of more than 10,000 records batches of 500, each planned again and written in its own
transaction), the longest write transaction (the longest any other writer waits for the
import), then a second import of the same file (everything unchanged: nothing written).

The practical limit, measured in the same run: the rows the import wrote, copied from its
database and inserted by plain `sqlite3` `executemany` in one transaction into an empty copy of
the schema: what no importer on this machine can beat. Process CPU time is shown next to wall
time, because this 2-core machine is often shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sections import write_section  # noqa: E402

MARK_START = "<!-- directory_import:start -->"
MARK_END = "<!-- directory_import:end -->"
TABLE_PREFIXES = ("directory_",)


def _setup(db: Path) -> None:
    os.environ["LINKWELL_SQLITE_PATH"] = str(db)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LINKWELL_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def measure(size: int, workdir: Path) -> dict[str, Any]:
    """One size, in this process (call `_setup` first)."""
    from django.core.management import call_command
    from django.db import connection
    from hsds_feed import generate

    from linkwell.audit.context import audit_context
    from linkwell.audit.models import AuditEvent, Channel
    from linkwell.directory.exchange import sources
    from linkwell.directory.exchange.importer import directory_import
    from linkwell.directory.exchange.importer.run import ImportProgress

    call_command("migrate", verbosity=0)
    db = Path(connection.settings_dict["NAME"])
    connection.close()
    empty = workdir / "empty.sqlite3"
    with sqlite3.connect(db) as src, sqlite3.connect(empty) as dst:
        src.backup(dst)
    feed = workdir / "feed.json"
    started = time.perf_counter()
    feed.write_text(json.dumps(generate(size)), encoding="utf-8")
    generate_s = time.perf_counter() - started

    def run() -> dict[str, Any]:
        marks: dict[str, float] = {}

        locks: list[float] = []

        def seen(p: ImportProgress) -> None:
            if p.phase == "writing":
                marks["write_end" if p.batch else "write_start"] = time.perf_counter()
                if p.batch:
                    locks.append(p.lock_seconds)

        wall, cpu = time.perf_counter(), time.process_time()
        records = sources.parse_json(feed.read_text(encoding="utf-8"), name=feed.name)
        read_s = time.perf_counter() - wall
        with audit_context(channel=Channel.IMPORT):
            report = directory_import(actor=None, records=records, on_progress=seen)
        end = time.perf_counter()
        assert report.committed and not report.rejected, report.rejected[:3]
        write_s = marks["write_end"] - marks["write_start"] if "write_end" in marks else 0.0
        return {
            "records": report.records,
            "counts": report.counts,
            "read_s": read_s,
            "plan_s": marks.get("write_start", end) - wall - read_s,
            "write_s": write_s,
            "batches": len(locks),
            "lock_max_s": max(locks, default=0.0),
            "lock_total_s": sum(locks),
            "total_s": end - wall,
            "cpu_s": time.process_time() - cpu,
        }

    events_before = AuditEvent.objects.count()
    first = run()
    audit_rows = AuditEvent.objects.count() - events_before
    again = run()
    assert sum(c["created"] + c["updated"] for c in again["counts"].values()) == 0
    connection.close()
    rows, raw_s = _raw_limit(db, empty)
    return {
        "size": size,
        "generate_s": generate_s,
        "feed_mb": feed.stat().st_size / 1e6,
        "first": first,
        "again": again,
        "rows": rows,
        "audit_rows": audit_rows,
        "raw_s": raw_s,
    }


def _raw_limit(db: Path, empty: Path) -> tuple[int, float]:
    """The directory rows the import wrote, inserted by `executemany` in one transaction."""
    with sqlite3.connect(db) as src:
        tables = [
            name
            for (name,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            # The search index (`directory_service_search` and its shadow tables) is filled by
            # the database's own triggers as the services go in, as it is for the import.
            if name.startswith(TABLE_PREFIXES) and not name.startswith("directory_service_search")
        ]
        data = {t: src.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
        audit = src.execute("SELECT * FROM audit_auditevent").fetchall()
        data["audit_auditevent"] = audit
    target = sqlite3.connect(empty, isolation_level=None)
    target.execute("PRAGMA journal_mode=WAL")
    target.execute("PRAGMA synchronous=NORMAL")
    target.execute("PRAGMA foreign_keys=OFF")  # the rows come in table order, not parents first
    total = sum(len(rows) for rows in data.values())
    started = time.perf_counter()
    target.execute("BEGIN IMMEDIATE")
    for table, rows in data.items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            target.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
    target.execute("COMMIT")
    raw_s = time.perf_counter() - started
    target.close()
    return total, raw_s


def _child(size: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="linkwell-bench-import-"))
    try:
        _setup(workdir / "linkwell.sqlite3")
        print(json.dumps(measure(size, workdir)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _versions() -> dict[str, str]:
    import platform

    from directory_search import machine

    info = machine()
    info["sqlite"] = sqlite3.sqlite_version
    info["python"] = platform.python_version()
    return info


def render(results: list[dict[str, Any]], info: dict[str, Any]) -> str:
    today = dt.date.today()
    lines = [
        MARK_START,
        "## Directory import (`benchmarks/directory_import.py`)",
        "",
        f"Run on {today.day} {today:%B %Y}: {info.get('cpu', '?')}, {info.get('cores', '?')} "
        f"cores, {info.get('ram', '?')} RAM, Python {info['python']}, SQLite {info['sqlite']}.",
        "",
        "`linkwell directory import` of generated HSDS 3 feeds (`benchmarks/hsds_feed.py`: one "
        "provider per four services, one or two venues each, half geocoded from their postcode, "
        "schedules, phones, contacts, costs, languages, two or three taxonomy attributes) into "
        "a fresh SQLite database. Seconds. *Check + plan* reads the rows the file names in bulk "
        "and checks and plans every record without holding the write lock; *write* is the "
        "write phase: every record in one transaction, or for a file of more than 10,000 "
        "records batches of 500, each planned again from the rows as they stand and written "
        "in its own transaction (the count in brackets); *lock held* is the longest write "
        "transaction (the longest a web request waits for the import) and all of them "
        "together. *Raw limit*: the same rows (directory and audit) inserted by plain `sqlite3` "
        "`executemany` in one transaction. The machine was shared with other work.",
        "",
        "| Services | Feed (MB) | Rows written | Read file | Check + plan | Write (batches) "
        "| Lock held: longest (all) | Total (CPU) | Re-import, unchanged (CPU) | Raw limit |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        f, a = r["first"], r["again"]
        lines.append(
            f"| {r['size']:,} | {r['feed_mb']:.1f} | {r['rows']:,} | {f['read_s']:.1f} "
            f"| {f['plan_s']:.1f} | {f['write_s']:.1f} ({f['batches']}) "
            f"| {f['lock_max_s']:.2f} ({f['lock_total_s']:.1f}) "
            f"| {f['total_s']:.1f} ({f['cpu_s']:.1f}) "
            f"| {a['total_s']:.1f} ({a['cpu_s']:.1f}) | {r['raw_s']:.1f} |"
        )
    lines += ["", MARK_END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--large", action="store_true", help="Also 50,000 services.")
    parser.add_argument("--no-write", action="store_true", help="Do not update BENCHMARKS.md.")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    sizes = [*args.sizes, *([50000] if args.large else [])]
    results = []
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        f = result["first"]
        print(
            f"{size:>6} services: {result['rows']:,} rows; plan {f['plan_s']:.1f} s, "
            f"write {f['write_s']:.1f} s in {f['batches']} batches (longest lock "
            f"{f['lock_max_s']:.2f} s), total {f['total_s']:.1f} s (CPU {f['cpu_s']:.1f}); "
            f"re-import {result['again']['total_s']:.1f} s; raw limit {result['raw_s']:.1f} s",
            flush=True,
        )
        results.append(result)
    text = render(results, _versions())
    print(text)
    if not args.no_write:
        write_section(text, ROOT / "BENCHMARKS.md")


if __name__ == "__main__":
    main()
