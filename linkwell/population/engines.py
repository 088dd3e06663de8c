"""Engines and the cohort run: validate -> compile -> execute -> write.

`duckdb` (default) is embedded and reads Parquet lazily, spilling to disk when a register is
larger than memory. `spark` runs the same Ibis expressions through PySpark on a `SparkSession`:
`local[*]` by default, or the cluster in the `LINKWELL_SPARK_MASTER` setting. One session is made
per process and reused (`getOrCreate`); Spark takes ~15 s to start.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import numpy as np
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
    # The register's bytes were proved valid by an earlier run (register/cache.py).
    validated_from_cache: bool = False


# Placeholder names the cached SQL is compiled against; each run substitutes its own views.
_REGISTER = "_lw_cohort_register"
_EXCLUSIONS = "_lw_cohort_exclusions"
_COMPILED: dict[tuple[Any, ...], tuple[cohorts.Compiled, tuple[str, str]]] = {}
_COMPILED_KEEP = 64
_COMPILED_LOCK = threading.Lock()


def _compiled_sql(
    cohort: cohorts.Cohort, schema: Any, risk_model: Any, *, with_exclusions: bool
) -> tuple[cohorts.Compiled, tuple[str, str]]:
    """The cohort compiled to DuckDB SQL once per rule set and register schema (Ibis's compile
    is most of a small run's time), reused by every later run in the process: the expressions
    are built over placeholder tables and the SQL kept, keyed by the definition, the model's
    coefficients, the schema and whether there is an exclusions file."""
    model_data = None if risk_model is None else json.dumps(risk_model.data, sort_keys=True)
    key = (repr(cohort), model_data, tuple(schema.items()), with_exclusions)
    with _COMPILED_LOCK:
        found = _COMPILED.get(key)
    if found is not None:
        return found
    table = ibis.table(schema, name=_REGISTER)
    risk = risk_model.risk_expression(table) if risk_model is not None else None
    exclusions = ibis.table({"pseudo_id": "string"}, name=_EXCLUSIONS) if with_exclusions else None
    compiled = cohorts.compile_cohort(cohort, table, risk=risk, exclude_ids=exclusions)
    assert compiled.listed is not None and compiled.considered is not None
    statements = (
        ibis.to_sql(compiled.listed, dialect="duckdb"),
        ibis.to_sql(compiled.considered, dialect="duckdb"),
    )
    with _COMPILED_LOCK:
        if len(_COMPILED) >= _COMPILED_KEEP:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = (compiled, statements)
    return compiled, statements


def _execute_sql(
    con: Any, statements: tuple[str, str], table: Any, excluded_ids: pd.DataFrame
) -> tuple[pd.DataFrame, int]:
    """Run the cached SQL over this run's register (and exclusions) as temporary views."""
    suffix = uuid.uuid4().hex
    names = {_REGISTER: f"{_REGISTER}_{suffix}", _EXCLUSIONS: f"{_EXCLUSIONS}_{suffix}"}

    def bound(sql: str) -> str:
        for placeholder, name in names.items():
            sql = sql.replace(f'"{placeholder}"', f'"{name}"')
        return sql

    raw = con.con
    # Both names are generated here, the register's SQL is Ibis's.
    raw.execute(f'CREATE TEMP VIEW "{names[_REGISTER]}" AS {con.compile(table)}')
    try:
        if len(excluded_ids):
            raw.register(names[_EXCLUSIONS], excluded_ids)
        listed = raw.sql(bound(statements[0])).to_arrow_table().to_pandas()
        if len(listed):
            considered = int(listed["_considered"].iloc[0])
        else:
            considered = int(raw.execute(bound(statements[1])).fetchone()[0])
    finally:
        raw.execute(f'DROP VIEW IF EXISTS "{names[_REGISTER]}"')
        if len(excluded_ids):
            raw.unregister(names[_EXCLUSIONS])
    return listed, considered


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
    if con.name == "duckdb":
        compiled, statements = _compiled_sql(
            cohort, table.schema(), risk_model, with_exclusions=len(excluded_ids) > 0
        )
        done("compile")
        listed, considered = _execute_sql(con, statements, table, excluded_ids)
    else:
        risk = risk_model.risk_expression(table) if risk_model is not None else None
        exclude_table = ibis.memtable(excluded_ids) if len(excluded_ids) else None
        compiled = cohorts.compile_cohort(cohort, table, risk=risk, exclude_ids=exclude_table)
        done("compile")
        assert compiled.listed is not None and compiled.considered is not None
        listed = compiled.listed.to_pyarrow().to_pandas()
        if len(listed):
            considered = int(listed["_considered"].iloc[0])
        else:
            considered = int(compiled.considered.execute().iloc[0, 0])
    excluded = {
        "by this cohort's exclusion rules": int(listed["_rule"].sum()),
        "already known to social prescribing": int(listed["_known"].sum()),
        "in an --exclude file": int(listed["_file"].sum()),
    }
    ranked = listed[listed["_keep"].astype(bool)].reset_index(drop=True)
    if limit is not None:
        ranked = ranked.head(limit)
    done("execute")

    bits = ranked["reason_bits"].astype("int64")
    unique, positions = np.unique(bits.to_numpy(), return_inverse=True)
    texts = np.array([compiled.reasons_json(int(value)) for value in unique], dtype=object)
    frame = pd.DataFrame(
        {
            "cohort": cohort.id,
            "cohort_version": cohort.version,
            "rank": range(1, len(ranked) + 1),
            "pseudo_id": ranked["pseudo_id"].astype(str),
            "practice": ranked["practice"].astype(str),
            "score": ranked["score"].astype(float),
            "reasons": texts[positions] if len(ranked) else pd.Series([], dtype=object),
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
        excluded=excluded,
    )
    done("write")
    return RunResult(
        cohort=cohort,
        rows=len(frame),
        out=path,
        summary=summary,
        seconds=seconds,
        ignored_columns=reg.ignored_columns,
        validated_from_cache=reg.cached,
    )
