"""Engines and the cohort run: validate -> compile -> execute -> write.

`duckdb` (default) is embedded and reads Parquet lazily, spilling to disk when a register is
larger than memory. `spark` runs the same Ibis expressions through PySpark on a `SparkSession`:
`local[*]` by default, or the cluster in the `LINKWELL_SPARK_MASTER` setting. One session is made
per process and reused (`getOrCreate`); Spark takes ~15 s to start.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from linkwell.population import cohorts, model, register
from linkwell.population.summary import Summary, summarise

ENGINES = ("duckdb", "spark")
OUTPUT_COLUMNS = ("cohort", "cohort_version", "rank", "pseudo_id", "practice", "score", "reasons")
STEPS = ("validate", "compile", "execute", "write")


class RunError(ValueError):
    """Bad input to a run (engine, output path, exclusion file): nothing was written."""


def spark_master() -> str:
    try:
        from django.conf import settings

        return str(getattr(settings, "POPULATION_SPARK_MASTER", "local[*]"))
    except Exception:  # outside Django (benchmarks): the environment, as settings would read it
        return os.environ.get("LINKWELL_SPARK_MASTER", "") or "local[*]"


SPARK_MISSING = (
    'the spark engine needs the spark extra: pip install "linkwell[spark]" '
    '(in a Linkwell checkout: pip install -e ".[spark]")'
)


def spark_session(master: str | None = None) -> Any:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise RunError("the spark engine needs Java 17 or later (java not found on PATH)")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise RunError(SPARK_MISSING) from None
    builder: Any = SparkSession.builder
    session = (
        builder.master(master or spark_master())
        .appName("linkwell-population")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", os.environ.get("LINKWELL_SPARK_PARTITIONS", "8"))
        .config("spark.driver.memory", os.environ.get("LINKWELL_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def connect(engine: str = "duckdb", *, master: str | None = None) -> Any:
    if engine == "duckdb":
        spill = Path(tempfile.gettempdir()) / "linkwell-duckdb"
        spill.mkdir(exist_ok=True)
        return ibis.duckdb.connect(temp_directory=str(spill))
    if engine == "spark":
        # The session first: it says what is missing (Java, pyspark) before Ibis's backend,
        # which would otherwise fail on import with a traceback.
        session = spark_session(master)
        try:
            backend = ibis.pyspark
        except (AttributeError, ImportError):
            raise RunError(SPARK_MISSING) from None
        return backend.connect(session)
    raise RunError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")


def read_exclusions(paths: Sequence[str | Path]) -> pd.DataFrame:
    """`--exclude` files: CSV with a `pseudo_id` column (and optionally `reason`)."""
    frames = []
    for path in paths:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as exc:
            raise RunError(f"--exclude {path}: cannot read it as CSV ({exc})") from None
        if "pseudo_id" not in frame.columns:
            raise RunError(
                f"--exclude {path}: no pseudo_id column (found: {', '.join(frame.columns)})"
            )
        identifying = register.identifying_columns(list(frame.columns))
        if identifying:
            raise RunError(
                f"--exclude {path}: refused: identifying columns ({', '.join(identifying)}); "
                "exclusion files carry pseudo ids only"
            )
        ids = frame["pseudo_id"].str.strip()
        blank = [str(index + 2) for index in ids.index[ids == ""][:5]]
        if blank:
            raise RunError(f"--exclude {path}: blank pseudo_id on line(s) {', '.join(blank)}")
        frames.append(pd.DataFrame({"pseudo_id": ids}))
    if not frames:
        return pd.DataFrame({"pseudo_id": pd.Series([], dtype=str)})
    return pd.concat(frames).drop_duplicates().reset_index(drop=True)


def rejects_path(rejects: str | Path) -> Path:
    """The `--rejects` file: a .csv name (checked before anything is read)."""
    if Path(rejects).suffix.lower() != ".csv":
        raise RunError(f"--rejects {rejects}: use a .csv file name")
    return Path(rejects)


def output_format(out: str | Path) -> str:
    suffix = Path(out).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise RunError(f"--out {out}: use a .csv or .parquet file name")
    return suffix[1:]


@dataclass
class RunResult:
    cohort: cohorts.Cohort
    rows: int
    out: Path
    summary: Summary
    seconds: dict[str, float] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)


def run(
    cohort_path: str | Path,
    register_path: str | Path | register.Register,
    *,
    out: str | Path,
    engine: str = "duckdb",
    con: Any = None,
    exclude: Sequence[str | Path] = (),
    limit: int | None = None,
    events: str | Path | None = None,
    as_of: Any = None,
    step: Callable[[str], None] | None = None,
    rejects: str | Path | None = None,
) -> RunResult:
    """Run one cohort over a register and write the ranked list; see cohorts.py for who is in.

    `rejects`: a CSV file listing every problem row of the register (`register.open_register`);
    the run stops there, writing nothing else, when the register has problems.
    """
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def done(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[name] = round(now - started, 3)
        started = now
        if step is not None:
            step(name)

    fmt = output_format(out)
    if rejects is not None:
        rejects_path(rejects)
    if limit is not None and limit < 1:
        raise RunError("--limit must be at least 1")
    if engine not in ENGINES:
        raise RunError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    cohort = cohorts.load(cohort_path)
    excluded_ids = read_exclusions(exclude)
    risk_model = None
    if cohort.model is not None:
        try:
            risk_model = model.load(cohort.model, relative_to=Path(cohort.source).parent)
        except model.ModelError as exc:
            raise RunError(f"{cohort.source}: {exc}") from None
    if isinstance(register_path, register.Register):
        # Already validated (several cohorts over one register): its table is bound to `con`.
        reg = register_path
        if con is None:
            raise RunError("a validated register needs the connection it was opened on")
        if rejects is not None:
            raise RunError("--rejects needs the register's path, not an already validated one")
    else:
        con = con or connect(engine)
        reg = register.open_register(con, register_path, rejects=rejects)
    if events is not None:
        reg = register.with_events(reg, register.read_table(con, events), as_of=as_of)
    done("validate")

    table = reg.table
    risk = risk_model.risk_expression(table) if risk_model is not None else None
    exclude_table = ibis.memtable(excluded_ids) if len(excluded_ids) else None
    compiled = cohorts.compile_cohort(
        cohort, table, risk=risk, exclude_ids=exclude_table, limit=limit
    )
    done("compile")

    ranked = compiled.ranked.to_pyarrow().to_pandas()
    counts = compiled.counts.execute().iloc[0]
    considered = int(counts["considered"])
    done("execute")

    bits = ranked["reason_bits"].astype("int64")
    texts = {int(value): compiled.reasons_json(int(value)) for value in bits.unique()}
    frame = pd.DataFrame(
        {
            "cohort": cohort.id,
            "cohort_version": cohort.version,
            "rank": range(1, len(ranked) + 1),
            "pseudo_id": ranked["pseudo_id"].astype(str),
            "practice": ranked["practice"].astype(str),
            "score": ranked["score"].astype(float),
            "reasons": bits.map(texts),
        },
        columns=list(OUTPUT_COLUMNS),
    )
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    summary = summarise(
        ranked,
        cohort=cohort.id,
        version=cohort.version,
        considered=considered,
        excluded={
            "by this cohort's exclusion rules": int(counts["excluded_rule"] or 0),
            "already known to social prescribing": int(counts["excluded_known"] or 0),
            "in an --exclude file": int(counts["excluded_file"] or 0),
        },
    )
    done("write")
    return RunResult(
        cohort=cohort,
        rows=len(frame),
        out=path,
        summary=summary,
        seconds=seconds,
        ignored_columns=reg.ignored_columns,
    )
