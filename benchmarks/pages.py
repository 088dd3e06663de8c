"""Per-request cost of the pages in the load test's mix: CPU milliseconds and SQL queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<demo db> python benchmarks/pages.py
    python benchmarks/pages.py --repeat 50 --profile "/caseload/"   # and cProfile's top 30

Runs against an existing database that `linkwell migrate` and `linkwell demo` have filled (the
load test's data), with production settings: debug off (so the cached template loader), HTTPS
protections off only because the test client speaks plain HTTP. Each route of
benchmarks/load/locustfile.py is fetched through Django's test client as the same demo sign-in
the load test uses, once to warm up, then `--repeat` times: the median CPU time of this process
(the app's Python: views, templates, middleware, the database driver; not the database server's
own CPU), the median wall time, and the queries of one more fetch. Notes added are marked and
deleted at the end (`--keep-notes` keeps them).

Not part of the test suite: the query-count guards are tests (tests/test_page_query_counts.py).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CASE_RE = re.compile(r'href="/cases/([0-9a-f-]{36})/"')
MARKER = "pages-benchmark"


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LINKWELL_DEBUG", "false")
    os.environ.setdefault("LINKWELL_HTTPS", "false")
    os.environ.setdefault("LINKWELL_SECRET_KEY", "pages-benchmark-" + "x" * 40)
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--profile", help="Route name to run under cProfile (top 30 by own time).")
    p.add_argument("--keep-notes", action="store_true")
    args = p.parse_args(argv)
    _setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linkwell.casework.models import CaseNote
    from linkwell.demo.loader import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD

    def signed_in(local: str) -> Client:
        client = Client()
        response = client.post(
            "/accounts/login/",
            {"email": f"{local}@{DEMO_EMAIL_DOMAIN}", "password": DEMO_PASSWORD},
        )
        if response.status_code != 302:
            raise SystemExit(f"sign in as {local}: {response.status_code}")
        return client

    worker = signed_in("linkworker")
    manager = signed_in("manager")
    provider = signed_in("provider")
    public = Client()
    # A new Client builds a new handler (the middleware afresh, WhiteNoise's file scan): one
    # client, its cookies cleared, stands for each new visitor, as one server process would.
    fresh = Client()

    def sign_in_page() -> Any:
        fresh.cookies.clear()
        return fresh.get("/accounts/login/")

    cases = sorted(set(CASE_RE.findall(worker.get("/caseload/").content.decode())))
    if not cases:
        raise SystemExit("the link worker has no cases: load the demo (`linkwell demo`)")
    turn = {"n": 0}

    def case() -> str:
        turn["n"] += 1
        return cases[turn["n"] % len(cases)]

    def add_note() -> Any:
        key = str(uuid.uuid4())
        return worker.post(
            f"/cases/{case()}/notes/",
            {"text": f"{MARKER} {key}: phoned, walking group booked.", "submission_key": key},
        )

    def sign_in() -> Any:
        fresh.cookies.clear()
        fresh.get("/accounts/login/")
        return fresh.post(
            "/accounts/login/",
            {"email": f"linkworker@{DEMO_EMAIL_DOMAIN}", "password": DEMO_PASSWORD},
        )

    routes: list[tuple[str, Callable[[], Any], int]] = [
        ("GET / (home)", lambda: worker.get("/"), 200),
        ("GET /caseload/", lambda: worker.get("/caseload/"), 200),
        ("GET /cases/[case]/", lambda: worker.get(f"/cases/{case()}/"), 200),
        ("POST /cases/[case]/notes/", add_note, 302),
        ("GET /directory/?q=", lambda: manager.get("/directory/?q=walking"), 200),
        ("GET /find/?q=", lambda: public.get("/find/?q=walking"), 200),
        ("GET /provider/referrals/", lambda: provider.get("/provider/referrals/"), 200),
        ("GET sign-in page", sign_in_page, 200),
        ("GET+POST sign in", sign_in, 302),
    ]
    print(f"database: {connection.vendor}; {args.repeat} fetches each; CPU = this process only")
    print("| Route | CPU ms (median) | Wall ms (median) | Queries | Query ms |")
    print("|---|--:|--:|--:|--:|")
    try:
        for name, fetch, status in routes:
            response = fetch()  # warm-up
            if response.status_code != status:
                raise SystemExit(f"{name}: {response.status_code}, expected {status}")
            cpu, wall = [], []
            profiler = cProfile.Profile() if args.profile == name else None
            for _ in range(args.repeat):
                c0, w0 = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.enable()
                fetch()
                if profiler:
                    profiler.disable()
                cpu.append((time.process_time() - c0) * 1000)
                wall.append((time.perf_counter() - w0) * 1000)
            with CaptureQueriesContext(connection) as queries:
                fetch()
            print(
                f"| {name} | {statistics.median(cpu):.1f} | {statistics.median(wall):.1f} "
                f"| {len(queries)} | {sum(float(q['time']) for q in queries.captured_queries) * 1000:.0f} |",
                flush=True,
            )
            if profiler:
                pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
                for q in queries.captured_queries:
                    print(f"   {q['time']} s: {q['sql'][:400]}")
    finally:
        if not args.keep_notes:
            CaseNote.objects.filter(text__startswith=MARKER).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
