"""Load test: `linkwell serve` on a fresh demo database under locust, then a check of the writes.

    make benchmark-load                                   # 20 users, 1 minute, SQLite
    make benchmark-load LOAD_DB=postgres LOAD_USERS=200 LOAD_MINUTES=13.5 LOAD_SPAWN_RATE=1  # capacity
    python benchmarks/load/run.py --help

Steps, each bounded by one hard deadline (--timeout): make a database (a temporary SQLite file,
or `linkwell_load_<timestamp>` on the PostgreSQL server at $PGHOST, default 127.0.0.1, user
postgres), `linkwell migrate`, `linkwell demo`, start `linkwell serve` on a free loopback port
(nothing else: no task worker), run locust headless (benchmarks/load/locustfile.py) for the
given users, minutes and think time (--think), stop the server, then count the notes the run wrote. Every note carries
the run's marker and its own submission key in its text, so:

    lost        successful note POSTs (as locust reports them) with no row in casework_casenote
    duplicated  rows with the marker beyond the successful POSTs

The database, the temporary file and the server are removed/stopped whatever happens. Logs and
locust's CSV files and final statistics stay in var/load/<timestamp>/. Prints a summary and a markdown table for
BENCHMARKS.md; exits 0 when the goal (no failed requests, nothing lost or duplicated, p95 under
--p95-goal ms) is met, 1 when it is not, 2 when the harness itself failed.

Standard library only: it runs with the project's python; locust runs from its own virtualenv
(.venv-load, from benchmarks/load/requirements.txt).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NOTE_ROUTE = "/cases/[case]/notes/ (add note)"
KEY_RE = re.compile(r" key ([0-9a-f-]{36})")
ANALYZE = "from django.db import connection; connection.cursor().execute('ANALYZE')"
BENCHMARKS = ROOT / "BENCHMARKS.md"
sys.path.insert(0, str(HERE.parent))
from sections import write_section  # noqa: E402

# Seconds a simulated person waits between pages. A link worker reads a case, phones someone,
# types a note: a page every 5-15 s all day is already several times busier than anyone works.
# `--think 1-5` is the stress run: a page every 3 s per person, to find where the server saturates.
DEFAULT_THINK = "5-15"


class HarnessError(RuntimeError):
    """The measurement could not be made (not a failed goal)."""


def _env_number(name: str, default: float, kind: type = int) -> Any:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a {kind.__name__}") from None
    if value <= 0:
        raise SystemExit(f"{name}={raw!r} must be above 0")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    p.add_argument("--users", type=int, default=_env_number("LOAD_USERS", 20))
    p.add_argument(
        "--minutes",
        type=float,
        default=_env_number("LOAD_MINUTES", 1.0, float),
        help="Run time after the ramp-up starts (LOAD_MINUTES, default 1).",
    )
    p.add_argument(
        "--db",
        choices=["sqlite", "postgres"],
        default=os.environ.get("LOAD_DB", "sqlite") or "sqlite",
    )
    p.add_argument(
        "--spawn-rate",
        type=float,
        default=_env_number("LOAD_SPAWN_RATE", 0.0, float) or None,
        help="Users started per second (LOAD_SPAWN_RATE; default: all users in about 30 s).",
    )
    # 2 x cores + 1 gthread workers with 4 threads each: the `linkwell serve` defaults on 2 cores.
    p.add_argument("--workers", type=int, default=_env_number("LINKWELL_WORKERS", 5))
    p.add_argument("--threads", type=int, default=_env_number("LINKWELL_THREADS", 4))
    p.add_argument("--locust", default=str(ROOT / ".venv-load" / "bin" / "locust"))
    p.add_argument("--linkwell", default=str(Path(sys.executable).parent / "linkwell"))
    p.add_argument("--out", help="Directory for logs and CSV files (default var/load/<ts>).")
    p.add_argument(
        "--no-write",
        action="store_true",
        help="Leave BENCHMARKS.md alone (by default the results replace this database's section).",
    )
    p.add_argument("--p95-goal", type=float, default=1000.0, help="Milliseconds (default 1000).")
    p.add_argument(
        "--think",
        default=os.environ.get("LOAD_THINK", "") or DEFAULT_THINK,
        help=(
            "Seconds each simulated person waits between pages, MIN-MAX (LOAD_THINK; default "
            f"{DEFAULT_THINK}, a brisk working pace; 1-5 is the stress run). Results of another "
            "range go to their own section of BENCHMARKS.md."
        ),
    )
    p.add_argument(
        "--timeout",
        type=float,
        help="Hard limit for everything, in seconds (default: run time + 15 minutes).",
    )
    args = p.parse_args(argv)
    if args.users < 1 or args.minutes <= 0:
        p.error("--users and --minutes must be above 0")
    try:
        args.think_min, args.think_max = parse_think(args.think)
    except ValueError as error:
        p.error(str(error))
    if args.spawn_rate is None:
        args.spawn_rate = max(1.0, round(args.users / 30, 1))
    if args.timeout is None:
        args.timeout = args.minutes * 60 + 15 * 60
    return args


def parse_think(text: str) -> tuple[float, float]:
    """'5-15' -> (5.0, 15.0): the range of seconds a simulated person waits between pages."""
    low, sep, high = text.partition("-")
    try:
        think = (float(low), float(high))
    except ValueError:
        raise ValueError(f"--think {text!r}: give MIN-MAX seconds, such as 5-15") from None
    if not sep or think[0] < 0 or think[1] < think[0]:
        raise ValueError(f"--think {text!r}: give MIN-MAX seconds with 0 <= MIN <= MAX")
    return think


def section_name(db: str, think: tuple[float, float]) -> str:
    """BENCHMARKS.md section of a run: `load_<db>` at the default pace, else one per pace."""
    if think == parse_think(DEFAULT_THINK):
        return f"load_{db}"
    return f"load_{db}_think_{think[0]:g}-{think[1]:g}"


# --- plumbing ----------------------------------------------------------------------------------


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def left(self, step: str) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise HarnessError(f"hard timeout reached before {step}")
        return left


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], *, env: dict[str, str], timeout: float, log: Path) -> str:
    """Run a command to completion (its own process group, killed on timeout); stdout back."""
    with log.open("a", encoding="utf-8") as err:
        err.write(f"$ {' '.join(cmd)}\n")
        err.flush()
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
        except BaseException as exc:  # the timeout, Ctrl-C or SIGTERM: leave nothing running
            stop_group(proc, grace=5)
            if not isinstance(exc, subprocess.TimeoutExpired):
                raise
            raise HarnessError(f"{cmd[0]} {cmd[1] if len(cmd) > 1 else ''} timed out") from None
        err.write(out)
    if proc.returncode != 0:
        raise HarnessError(f"{' '.join(cmd[:3])} exited {proc.returncode} (see {log})")
    return out


def stop_group(proc: subprocess.Popen[Any], *, grace: float) -> None:
    """SIGTERM the process group this script started, then SIGKILL what is left after `grace`."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def wait_until_up(url: str, proc: subprocess.Popen[Any], timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise HarnessError(f"linkwell serve exited {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise HarnessError(f"linkwell serve did not answer {url} within {timeout:.0f} s")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


# --- results -----------------------------------------------------------------------------------


def read_stats(path: Path) -> dict[str, dict[str, Any]]:
    """Per route and "Aggregated": request and failure counts, requests/s, p50/p95/p99 (ms),
    as locustfile.py's quitting hook wrote them once every user had stopped."""
    if not path.exists():
        raise HarnessError(f"locust wrote no final statistics ({path})")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return {row["Name"]: row for row in rows}


def check_writes(
    texts: list[str], journal: Path, note_row: dict[str, Any] | None
) -> dict[str, Any]:
    """Notes in the database against the successful note POSTs: counts (locust's) and keys (the
    journal locustfile.py appends to, one line per POST)."""
    posts = int(note_row["Request Count"]) if note_row else 0
    ok = posts - (int(note_row["Failure Count"]) if note_row else 0)
    entries = (
        [json.loads(line) for line in journal.read_text().splitlines()] if journal.exists() else []
    )
    ok_keys = {e["key"] for e in entries if e["ok"]}
    failed_keys = {e["key"] for e in entries if not e["ok"] and e["key"]}
    rows_by_key = Counter(m.group(1) for t in texts if (m := KEY_RE.search(t)))
    return {
        "note_posts": posts,
        "note_ok": ok,
        "rows": len(texts),
        "lost": max(0, ok - len(texts)),
        "duplicated": max(0, len(texts) - ok),
        # The same question asked of each note by its submission key.
        "journal_ok": len(ok_keys),
        "lost_keys": len(ok_keys - set(rows_by_key)),
        "duplicated_keys": sum(n - 1 for n in rows_by_key.values() if n > 1),
        # Saved although the client saw a failure (a timeout): a retry with the same key would
        # not add it twice, but the count above calls it "duplicated".
        "saved_after_failure": len(failed_keys & set(rows_by_key)),
    }


def _ms(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    return "-" if value is None else f"{value:g}"


def report(
    args: argparse.Namespace,
    stats: dict[str, dict[str, Any]],
    writes: dict[str, Any],
    *,
    server: str,
    when: str,
) -> tuple[str, str, bool]:
    """The summary, the markdown tables for BENCHMARKS.md, and whether the goal was met."""
    agg = stats["Aggregated"]
    requests, failures = int(agg["Request Count"]), int(agg["Failure Count"])
    p95 = float("inf") if agg["95%"] is None else float(agg["95%"])
    met = (
        requests > 0
        and failures == 0
        and writes["lost"] == writes["duplicated"] == 0
        and writes["lost_keys"] == writes["duplicated_keys"] == 0
        and p95 < args.p95_goal
    )
    lines = [
        "",
        f"Load test: {args.users} users, {args.minutes:g} min, {args.db}, {server}",
        f"  requests {requests}, failures {failures}, "
        f"p50/p95/p99 {_ms(agg, '50%')}/{_ms(agg, '95%')}/{_ms(agg, '99%')} ms, "
        f"{float(agg['Requests/s']):.1f} requests/s",
        f"  notes: {writes['note_posts']} posted, {writes['note_ok']} succeeded, "
        f"{writes['rows']} rows with the run's marker -> lost {writes['lost']}, "
        f"duplicated {writes['duplicated']}",
        f"  by submission key: {writes['journal_ok']} succeeded, {writes['lost_keys']} missing, "
        f"{writes['duplicated_keys']} extra rows, {writes['saved_after_failure']} saved after a "
        "failed response",
        f"  goal (0 failures, 0 lost, 0 duplicated, p95 < {args.p95_goal:g} ms): "
        + ("MET" if met else "NOT MET"),
    ]
    table = [
        f"Run on {when}: {machine()}; `linkwell serve` with production settings (debug off; "
        "HTTPS protections off for plain HTTP on the loopback); locust on the same machine; "
        f"{args.think_min:g}-{args.think_max:g} s think time; {args.users} users started at {args.spawn_rate:g} a second.",
        "",
        "| Database | Server | Users | Minutes | Requests | Failures | p50 ms | p95 ms | p99 ms "
        "| Requests/s | Notes saved | Lost | Duplicated |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        f"| {args.db} | {server} | {args.users} | {args.minutes:g} | {requests} | {failures} "
        f"| {_ms(agg, '50%')} | {_ms(agg, '95%')} | {_ms(agg, '99%')} "
        f"| {float(agg['Requests/s']):.1f} | {writes['rows']} | {writes['lost']} "
        f"| {writes['duplicated']} |",
        "",
        f"| Route ({args.db}) | Requests | Failures | p50 ms | p95 ms | p99 ms |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, row in sorted(stats.items()):
        if name == "Aggregated":
            continue
        table.append(
            f"| {row['Type']} {name} | {row['Request Count']} | {row['Failure Count']} "
            f"| {_ms(row, '50%')} | {_ms(row, '95%')} | {_ms(row, '99%')} |"
        )
    return "\n".join(lines), "\n".join(table), met


# --- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` cleans up
    if not Path(args.locust).exists():
        print(f"locust not found at {args.locust}: run `make benchmark-load`", file=sys.stderr)
        return 2
    deadline = Deadline(args.timeout)
    when = dt.datetime.now(dt.UTC)
    stamp = when.strftime("%Y%m%d_%H%M%S")
    out = Path(args.out) if args.out else ROOT / "var" / "load" / stamp
    out.mkdir(parents=True, exist_ok=True)
    log = out / "setup.log"
    marker = f"loadrun-{stamp}-{secrets.token_hex(4)}"
    run_seconds = max(1, round(args.minutes * 60))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # this checkout's code, whatever the venv has installed
        # Production settings (debug off, a real secret key), less only what plain HTTP on the
        # loopback needs: LINKWELL_HTTPS=false turns off the HTTPS redirect, HSTS and secure
        # cookies together, as for a deployment inside a closed network (README, Deploying).
        "LINKWELL_DEBUG": "false",
        "LINKWELL_SECRET_KEY": secrets.token_urlsafe(50),
        "LINKWELL_HTTPS": "false",
        "LINKWELL_SITE_URL": base,
        "LINKWELL_BIND": f"127.0.0.1:{port}",
        "LINKWELL_WORKERS": str(args.workers),
        "LINKWELL_THREADS": str(args.threads),
        "LINKWELL_GRACEFUL_TIMEOUT": "10",
    }
    env.pop("DATABASE_URL", None)
    cleanups: list[Callable[[], object]] = []
    server = f"linkwell serve, {args.workers} workers x {args.threads} threads"
    try:
        if args.db == "postgres":
            pg = [
                "-h",
                os.environ.get("PGHOST", "127.0.0.1"),
                "-U",
                os.environ.get("PGUSER", "postgres"),
            ]
            port_pg = os.environ.get("PGPORT", "5432")
            name = f"linkwell_load_{stamp}"
            run(["createdb", *pg, "-p", port_pg, name], env=env, timeout=60, log=log)
            cleanups.append(
                lambda: run(
                    ["dropdb", *pg, "-p", port_pg, "--if-exists", "--force", name],
                    env=env,
                    timeout=60,
                    log=log,
                )
            )
            env["DATABASE_URL"] = f"postgres://{pg[3]}@{pg[1]}:{port_pg}/{name}"
        else:
            tmp = tempfile.mkdtemp(prefix="linkwell_load_")
            env["LINKWELL_SQLITE_PATH"] = str(Path(tmp) / "linkwell.sqlite3")
            cleanups.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
        print(f"[load] {args.db} database; migrate and demo data (logs in {out})", flush=True)
        run(
            [args.linkwell, "migrate", "--no-input"],
            env=env,
            timeout=deadline.left("migrate"),
            log=log,
        )
        run([args.linkwell, "demo"], env=env, timeout=deadline.left("demo"), log=log)
        # As a deployment: static files collected for WhiteNoise (README, Deploying step 2).
        run(
            [args.linkwell, "collectstatic", "--noinput"],
            env=env,
            timeout=deadline.left("collectstatic"),
            log=log,
        )
        if args.db == "postgres":
            # The planner's statistics for the freshly loaded tables: what autovacuum does soon
            # after a bulk load on a default server (without them PostgreSQL guesses every table
            # nearly empty and picks plans that scan a table per row).
            run(
                [args.linkwell, "shell", "-c", ANALYZE],
                env=env,
                timeout=deadline.left("analyze"),
                log=log,
            )

        serve_log = (out / "serve.log").open("w", encoding="utf-8")
        cleanups.append(serve_log.close)
        proc = subprocess.Popen(
            [args.linkwell, "serve"],
            env=env,
            cwd=ROOT,
            stdout=serve_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        cleanups.append(lambda: stop_group(proc, grace=20))
        wait_until_up(f"{base}/accounts/login/", proc, min(90, deadline.left("serve")))
        print(
            f"[load] {server} on {base}; locust {args.users} users for {run_seconds} s", flush=True
        )

        csv_prefix = out / "locust"
        journal = out / "notes.jsonl"
        final_stats = out / "final_stats.json"
        locust_env = {
            **os.environ,
            "LOAD_MARKER": marker,
            "LOAD_JOURNAL": str(journal),
            "LOAD_STATS": str(final_stats),
            "LOAD_THINK_MIN": f"{args.think_min:g}",
            "LOAD_THINK_MAX": f"{args.think_max:g}",
        }
        locust_env.pop("PYTHONPATH", None)
        cmd = [
            args.locust,
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "--host",
            base,
            "--users",
            str(args.users),
            "--spawn-rate",
            str(args.spawn_rate),
            "--run-time",
            f"{run_seconds}s",
            "--stop-timeout",
            "40",
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        with (out / "locust.log").open("w", encoding="utf-8") as locust_log:
            locust = subprocess.Popen(
                cmd,
                env=locust_env,
                cwd=ROOT,
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            cleanups.append(lambda: stop_group(locust, grace=10))
            try:
                locust.wait(timeout=min(run_seconds + 180, deadline.left("locust")))
            except subprocess.TimeoutExpired:
                stop_group(locust, grace=10)
                raise HarnessError("locust did not stop by itself in time") from None
        # Exit 1 only says some requests failed: the statistics tell which.
        if locust.returncode not in (0, 1):
            raise HarnessError(f"locust exited {locust.returncode} (see {out / 'locust.log'})")
        stop_group(proc, grace=20)

        query = (
            "import json; from linkwell.casework.models import CaseNote; "
            f"print('LOADCHECK', json.dumps(list(CaseNote.objects.filter(text__contains={marker!r})"
            ".values_list('text', flat=True))))"
        )
        shell_out = run(
            [args.linkwell, "shell", "-c", query],
            env=env,
            timeout=min(120, deadline.left("the check")),
            log=log,
        )
        found = [line for line in shell_out.splitlines() if line.startswith("LOADCHECK ")]
        if not found:
            raise HarnessError("the note count printed nothing")
        texts: list[str] = json.loads(found[-1][len("LOADCHECK ") :])

        stats = read_stats(final_stats)
        writes = check_writes(texts, journal, stats.get(NOTE_ROUTE))
        text, table, met = report(
            args, stats, writes, server=server, when=when.strftime("%Y-%m-%d")
        )
        print(text + "\n\n" + table)
        (out / "summary.md").write_text(text + "\n\n" + table + "\n", encoding="utf-8")
        if not args.no_write:
            name = section_name(args.db, (args.think_min, args.think_max))
            write_section(f"<!-- {name}:start -->\n{table}\n<!-- {name}:end -->", BENCHMARKS)
            print(f"[load] results written to {BENCHMARKS} ({name} section)")
        return 0 if met else 1
    except HarnessError as exc:
        print(f"[load] failed: {exc}", file=sys.stderr)
        return 2
    finally:
        for cleanup in reversed(cleanups):
            try:
                cleanup()
            except Exception as exc:  # clean up the rest whatever happens
                print(f"[load] cleanup: {exc}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
