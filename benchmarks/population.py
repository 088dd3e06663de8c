"""Population risk stratification at scale: DuckDB and Spark via Ibis, against plain pandas.

For each size, writes a synthetic register (`linkwell population synth`), then runs the same
cohort (default: potential-care-needs) in a fresh subprocess per engine and measures wall time
and peak memory (the child's maximum resident set, from os.wait4; for Spark the JVM's too, which
the child waits for before it exits). The pandas baseline reads the whole register into memory
and applies the same rules by hand; its ranked ids are checked against DuckDB's.

    .venv/bin/python benchmarks/population.py                       # 1M + 10M DuckDB, 1M Spark
    .venv/bin/python benchmarks/population.py --sizes 100000 --spark-size 100000 --no-write

Results go to the population section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sections import write_section  # noqa: E402

MARK_START = "<!-- population:start -->"
MARK_END = "<!-- population:end -->"
COHORT = "potential-care-needs"


def pandas_potential_care_needs(register: Path) -> list[str]:
    """The shipped potential-care-needs cohort written straightforwardly in pandas."""
    import pandas as pd

    files = sorted(register.glob("*.parquet"))
    df = pd.concat([pd.read_parquet(file) for file in files], ignore_index=True)
    df = df[~df["national_data_opt_out"] & (df["age"] >= 65)].copy()
    conditions = ["diabetes", "copd", "chd", "heart_failure", "dementia", "arthritis_msk"]
    conditions += ["depression", "smi"]
    score = 2.0 * (df[conditions].sum(axis=1) >= 2)
    score += 2.0 * (df["efi_category"] == "moderate") + 3.0 * (df["efi_category"] == "severe")
    score += 2.0 * (df["emergency_admissions_12m"] >= 1) + 1.0 * (df["ae_attendances_12m"] >= 2)
    score += 1.0 * (df["repeat_medicines"] >= 10)
    score += 2.0 * df["lives_alone"] + 2.0 * df["housebound"] + 2.0 * df["recent_bereavement"]
    score += 1.0 * df["carer"] + 1.0 * (df["age"] >= 85) + 1.0 * (df["imd_decile"] <= 2)
    df["score"] = score
    df = df[(df["score"] >= 5) & ~df["known_to_social_prescribing"]]
    df = df.sort_values(["score", "pseudo_id"], ascending=[False, True])
    return df["pseudo_id"].tolist()


HAND_WRITTEN = """
COPY (
    SELECT pseudo_id, practice, score FROM (
        SELECT pseudo_id, practice, known_to_social_prescribing,
            2.0 * ((diabetes::INT + copd::INT + chd::INT + heart_failure::INT + dementia::INT
                    + arthritis_msk::INT + depression::INT + smi::INT) >= 2)::INT
            + 2.0 * (efi_category = 'moderate')::INT + 3.0 * (efi_category = 'severe')::INT
            + 2.0 * (emergency_admissions_12m >= 1)::INT + 1.0 * (ae_attendances_12m >= 2)::INT
            + 1.0 * (repeat_medicines >= 10)::INT
            + 2.0 * lives_alone::INT + 2.0 * housebound::INT + 2.0 * recent_bereavement::INT
            + 1.0 * carer::INT + 1.0 * (age >= 85)::INT + 1.0 * (imd_decile <= 2)::INT AS score
        FROM read_parquet({files})
        WHERE NOT national_data_opt_out AND age >= 65
    )
    WHERE score >= 5 AND NOT known_to_social_prescribing
    ORDER BY score DESC, pseudo_id
) TO '{out}' (FORMAT parquet)
"""


def hand_written_potential_care_needs(register: Path, out: str) -> int:
    """The same cohort as one hand-written DuckDB statement (no validation, no reasons): the
    limit the engine is measured against."""
    import duckdb

    files = "[" + ", ".join(f"'{file}'" for file in sorted(register.glob("*.parquet"))) + "]"
    con = duckdb.connect()
    con.execute(HAND_WRITTEN.format(files=files, out=out))
    counted = con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()
    return int(counted[0]) if counted else 0


def child(args: argparse.Namespace) -> None:
    """Runs in the measured subprocess; prints one JSON line."""
    import resource

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    started = time.perf_counter()
    cpu_started = time.process_time()
    register = Path(args.register)
    detail: dict[str, Any] = {}
    if args.child == "pandas":
        ids = pandas_potential_care_needs(register)
        rows, seconds = len(ids), time.perf_counter() - started
        Path(args.out).write_text("\n".join(ids))
    elif args.child == "sql":
        import duckdb  # noqa: F401  (imported before the clock starts, like the engines)

        started, cpu_started = time.perf_counter(), time.process_time()
        rows = hand_written_potential_care_needs(register, args.out)
        seconds = time.perf_counter() - started
    else:
        from linkwell.population import engines

        con = engines.connect(args.child)
        connected, cpu_started = time.perf_counter(), time.process_time()
        result = engines.run(args.cohort, register, out=args.out, engine=args.child, con=con)
        rows, seconds = result.rows, time.perf_counter() - connected
        detail.update(result.seconds, startup=round(connected - started, 2))
        # None: code from before the validation cache (for a before/after comparison).
        detail["cached"] = getattr(result, "validated_from_cache", None)
        if args.child == "spark":
            from pyspark import SparkContext

            gateway = SparkContext._gateway
            con._session.stop()
            if gateway is not None and getattr(gateway, "proc", None) is not None:
                gateway.shutdown()
                gateway.proc.stdin.close()
                gateway.proc.wait()
    cpu = time.process_time() - cpu_started
    usage_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    usage_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": round(seconds, 2),
                "cpu": round(cpu, 2),
                "detail": detail,
                "self_mb": round(usage_self / 1024),
                "children_mb": round(usage_children / 1024),
            }
        )
    )


def measure(
    engine: str, register: Path, workdir: Path, cohort: str, *, label: str | None = None
) -> dict[str, Any]:
    """One run in a fresh subprocess. Engine runs share a validation cache directory per
    register size, so the first validates ("cold") and a second finds it proved ("warm")."""
    label = label or engine
    out = workdir / f"{label}-{register.name}.{'txt' if engine == 'pandas' else 'parquet'}"
    command = [sys.executable, __file__, "--child", engine, "--register", str(register)]
    command += ["--out", str(out), "--cohort", cohort]
    env = dict(os.environ, LINKWELL_POPULATION_CACHE=str(workdir / f"validated-{register.name}"))
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - started
    # communicate() has reaped the child; its peak RSS is in RUSAGE_CHILDREN, which only grows,
    # so the child also reports its own figures.
    if process.returncode != 0:
        raise RuntimeError(f"{engine} run failed:\n{stderr[-3000:]}")
    report = json.loads(stdout.strip().splitlines()[-1])
    report.update(engine=label, wall=round(wall, 2), out=str(out))
    report["peak_mb"] = report["self_mb"] + (report["children_mb"] if engine == "spark" else 0)
    if engine == "duckdb":
        cached = (report.get("detail") or {}).get("cached")
        if cached is not None and cached != (label == "duckdb (warm)"):
            raise RuntimeError(
                f"{label}: the validation cache was {'used' if cached else 'not used'}"
            )
    return report


def synthesise(patients: int, workdir: Path) -> tuple[Path, float]:
    from linkwell.population import synth

    directory = workdir / f"register-{patients}"
    if (directory / "register.parquet").exists():
        return directory, 0.0
    started = time.perf_counter()
    synth.write_register(directory, patients=patients, seed=2026)
    return directory, round(time.perf_counter() - started, 1)


def same_ids(pandas_out: str, engine_out: str) -> bool:
    import pandas as pd

    expected = Path(pandas_out).read_text().split("\n") if Path(pandas_out).stat().st_size else []
    got = pd.read_parquet(engine_out)["pseudo_id"].tolist()
    return expected == got


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown CPU"
    ram = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    import duckdb
    import ibis

    try:
        import pyspark

        spark = pyspark.__version__
    except ImportError:
        spark = "not installed"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
        "versions": f"Ibis {ibis.__version__}, DuckDB {duckdb.__version__}, PySpark {spark}",
    }


def _ratio(value: float, limit: float) -> str:
    return f"{value / limit:.2f}x" if limit else "-"


def render(results: list[dict[str, Any]], info: dict[str, str], cohort: str) -> str:
    today = dt.date.today().strftime("%-d %B %Y")
    lines = [
        MARK_START,
        "## Population risk stratification (`benchmarks/population.py`)",
        "",
        f"Run on {today}: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, "
        f"Python {info['python']}, {info['versions']} ({info['os']}).",
        "",
        f"Cohort `{cohort}` over synthetic registers (`linkwell population synth`, seed 2026, "
        "Parquet); each run in a fresh subprocess. `duckdb (cold)`: the first run over a "
        "register: validate (one aggregate query and a sort of the ids' hashes), compile, "
        "execute, write the ranked list. "
        "`duckdb (warm)`: a second run over the same unchanged file, which the validation cache "
        "(`register/cache.py`) knows was proved valid: hash the file, compile, execute, write. "
        "`hand-written SQL`: the same cohort as one DuckDB statement writing Parquet (no "
        "validation, no reasons, no summary): the limit. `pandas`: the register loaded into "
        "memory and the rules applied by hand. Peak memory is the subprocess's maximum resident "
        'set (Spark: plus its JVM). "Same list": ranked ids equal to `duckdb (cold)`\'s.',
        "",
        "Wall: the whole subprocess (interpreter, imports, Spark's start-up). Run: after imports "
        "and connecting, to the file written (for pandas: read + rules + write); of it, validate "
        "and execute are shown. Run CPU: the process's CPU time (all its threads) over the same "
        "span, steadier than wall time on a shared machine (Spark: the driver only).",
        "",
        "| Patients | Engine | Wall (s) | Run (s) | Run CPU (s) | Validate (s) | Execute (s) "
        "| Peak memory (MB) | In cohort | Same list |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in results:
        detail = row.get("detail") or {}
        validate = f"{detail['validate']:.2f}" if "validate" in detail else "-"
        execute = f"{detail['execute']:.2f}" if "execute" in detail else "-"
        lines.append(
            f"| {row['patients']:,} | {row['engine']} | {row['wall']:.1f} | {row['seconds']:.2f} "
            f"| {row['cpu']:.2f} | {validate} | {execute} | {row['peak_mb']:,} | {row['rows']:,} "
            f"| {row.get('same', 'reference')} |"
        )
    lines += ["", "Against the limits, in the same run:", ""]
    by_size: dict[int, dict[str, dict[str, Any]]] = {}
    for row in results:
        by_size.setdefault(row["patients"], {})[row["engine"]] = row
    for patients, runs in sorted(by_size.items()):
        sql, pandas = runs.get("hand-written SQL"), runs.get("pandas")
        for engine in ("duckdb (cold)", "duckdb (warm)"):
            if engine not in runs:
                continue
            row = runs[engine]
            parts = []
            if sql is not None:
                parts.append(
                    f"run {_ratio(row['seconds'], sql['seconds'])} the hand-written SQL's "
                    f"(CPU {_ratio(row['cpu'], sql['cpu'])})"
                )
            if pandas is not None:
                parts.append(
                    f"wall {_ratio(row['wall'], pandas['wall'])}, run CPU "
                    f"{_ratio(row['cpu'], pandas['cpu'])} and peak memory "
                    f"{_ratio(row['peak_mb'], pandas['peak_mb'])} pandas's"
                )
            if parts:
                lines.append(f"- {patients:,}, {engine}: " + "; ".join(parts) + ".")
    generated = ", ".join(
        f"{row['patients']:,}: {row['synth_seconds']}"
        for row in results
        if row.get("synth_seconds")
    )
    if generated:
        lines += ["", f"Register generation (s): {generated}."]
    lines += ["", MARK_END]
    return "\n".join(lines)


def benchmark(
    sizes: list[int], spark_size: int | None, workdir: Path, cohort: str, pandas_sizes: list[int]
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for patients in sorted(set(sizes) | ({spark_size} if spark_size else set())):
        register, synth_seconds = synthesise(patients, workdir)
        # (engine, label): DuckDB twice over the same file (validated, then cached).
        planned: list[tuple[str, str]] = []
        if patients in sizes:
            planned += [("duckdb", "duckdb (cold)"), ("duckdb", "duckdb (warm)")]
            if cohort == COHORT:
                planned.append(("sql", "hand-written SQL"))
        if patients == spark_size:
            planned.append(("spark", "spark"))
        if patients in pandas_sizes and cohort == COHORT:
            planned.append(("pandas", "pandas"))
        shutil.rmtree(workdir / f"validated-{register.name}", ignore_errors=True)
        runs: dict[str, dict[str, Any]] = {}
        for engine, label in planned:
            print(f"{patients:,} patients: {label}...", file=sys.stderr, flush=True)
            runs[label] = measure(engine, register, workdir, cohort, label=label)
            runs[label].update(patients=patients)
        reference = runs.get("duckdb (cold)")
        if reference is not None:
            import pandas as pd

            expected = pd.read_parquet(reference["out"])
            for label, row in runs.items():
                if label == "duckdb (cold)":
                    continue
                if row["engine"] == "pandas":
                    same = same_ids(row["out"], reference["out"])
                elif label == "spark":
                    same = pd.read_parquet(row["out"]).equals(expected)
                else:
                    got = pd.read_parquet(row["out"])
                    same = got["pseudo_id"].tolist() == expected["pseudo_id"].tolist()
                    same = same and got["score"].tolist() == expected["score"].tolist()
                row["same"] = "yes" if same else "NO"
        for index, (_, label) in enumerate(planned):
            if index == 0:
                runs[label]["synth_seconds"] = synth_seconds
            results.append(runs[label])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000000,10000000", help="DuckDB register sizes.")
    parser.add_argument("--spark-size", type=int, default=1_000_000, help="0 skips Spark.")
    parser.add_argument("--pandas-sizes", default="1000000,10000000")
    parser.add_argument("--cohort", default=COHORT)
    parser.add_argument("--workdir", help="Where registers go (default: a temporary directory).")
    parser.add_argument("--keep", action="store_true", help="Keep the registers.")
    parser.add_argument("--no-write", action="store_true", help="Print; do not edit BENCHMARKS.md.")
    parser.add_argument(
        "--child", choices=["duckdb", "spark", "pandas", "sql"], help=argparse.SUPPRESS
    )
    parser.add_argument("--register", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ.setdefault("LINKWELL_DEBUG", "true")
        django.setup()
        child(args)
        return
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="linkwell-population-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(size) for size in args.sizes.split(",") if size]
    pandas_sizes = [int(size) for size in args.pandas_sizes.split(",") if size]
    try:
        results = benchmark(sizes, args.spark_size or None, workdir, args.cohort, pandas_sizes)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    section = render(results, machine(), args.cohort)
    print(section)
    if not args.no_write:
        write_section(section, ROOT / "BENCHMARKS.md")


if __name__ == "__main__":
    main()
