"""Finding a register's files and opening them lazily on DuckDB or Spark (`read_table`), with
the file and row number of every row when a rejects file is to be written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from linkwell.population.register.schema import RegisterError


def register_files(path: str | Path) -> tuple[str, list[Path]]:
    """The format ('parquet' or 'csv') and files of a register given as a file or directory."""
    source = Path(path)
    if not source.exists():
        raise RegisterError([f"{source}: no such file or directory."])
    if source.is_dir():
        parquet = sorted(source.glob("*.parquet"))
        if parquet:
            return "parquet", parquet
        csvs = sorted([*source.glob("*.csv"), *source.glob("*.csv.gz")])
        if csvs:
            return "csv", csvs
        raise RegisterError([f"{source}: the directory holds no .parquet or .csv files."])
    suffixes = "".join(source.suffixes).lower()
    if suffixes.endswith(".parquet"):
        return "parquet", [source]
    if suffixes.endswith(".csv") or suffixes.endswith(".csv.gz"):
        return "csv", [source]
    raise RegisterError([f"{source}: expected a .parquet or .csv file (or a directory of them)."])


# Columns `read_table(..., numbered=True)` adds: the file a row came from and its 1-based data
# row number in that file (for a CSV, its line number minus the header line).
ROW_FILE = "_lw_file"
ROW_NUMBER = "_lw_row"
INTERNAL_COLUMNS = (ROW_FILE, ROW_NUMBER)


def read_table(con: Any, path: str | Path, *, numbered: bool = False) -> ir.Table:
    """Open a register (or any CSV/Parquet table) lazily on the backend `con`.

    `numbered` adds ROW_FILE and ROW_NUMBER, computed from the files themselves rather than from
    an ordering that the engine may change: DuckDB's `file_row_number` for Parquet and
    `row_number() OVER ()` for CSV (documented to keep the file's order); Spark's
    `_metadata.row_index` for Parquet and, for CSV, each row's position in its scan partition
    plus the rows of the same file in the partitions before it (a file's splits are scanned in
    order). It costs an extra pass, so it is only asked for when writing a rejects file.
    """
    fmt, files = register_files(path)
    names = [str(file) for file in files]
    try:
        if con.name == "duckdb":
            if fmt == "parquet":
                if not numbered:
                    return con.read_parquet(names)
                table = con.read_parquet(names, file_row_number=True, filename=ROW_FILE)
                return table.mutate(**{ROW_NUMBER: table.file_row_number + 1}).drop(
                    "file_row_number"
                )
            # Every column sniffed over the whole file, so a bad value deep in the file makes the
            # column text (reported below) rather than failing the scan half-way.
            if not numbered:
                return con.read_csv(names, sample_size=-1)
            raw = con.read_csv(names, sample_size=-1, filename=ROW_FILE)
            view = f"{raw.get_name()}_numbered"
            # Both names are Ibis's generated identifiers, not user input.
            numbering = f'SELECT *, row_number() OVER () AS "_lw_seq" FROM "{raw.get_name()}"'  # noqa: S608
            con.raw_sql(f'CREATE OR REPLACE TEMP VIEW "{view}" AS {numbering}')
            table = con.table(view).rename(**{ROW_NUMBER: "_lw_seq"})
            if len(names) == 1:
                return table
            # Several files, numbered one after the other: each file's numbers start at 1.
            firsts = table.group_by(ROW_FILE).aggregate(_lw_first=table[ROW_NUMBER].min())
            joined = table.join(firsts, ROW_FILE)
            return joined.mutate(**{ROW_NUMBER: joined[ROW_NUMBER] - joined._lw_first + 1}).drop(
                "_lw_first"
            )
        # Spark: the listed files only (a register directory may hold other files, e.g.
        # SYNTHETIC.json), registered as a temporary view.
        reader = con._session.read
        frame = (
            reader.parquet(*names)
            if fmt == "parquet"
            else reader.csv(names, header=True, inferSchema=True)
        )
        if numbered:
            frame = _spark_numbered(frame, fmt)
        view = f"register_{abs(hash((tuple(names), numbered))):x}"
        frame.createOrReplaceTempView(view)
        return con.table(view)
    except Exception as exc:  # engine-specific reader errors
        raise RegisterError([f"{path}: cannot be read as {fmt.upper()}: {exc}"]) from exc


def _spark_numbered(frame: Any, fmt: str) -> Any:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    frame = frame.withColumn(ROW_FILE, F.col("_metadata.file_name"))
    if fmt == "parquet":
        return frame.withColumn(ROW_NUMBER, F.col("_metadata.row_index") + 1)
    # monotonically_increasing_id: the scan partition in the upper 31 bits, the position in it
    # in the lower 33.
    frame = frame.withColumn("_lw_id", F.monotonically_increasing_id())
    frame = frame.withColumn("_lw_part", F.shiftright(F.col("_lw_id"), 33)).withColumn(
        "_lw_pos", F.col("_lw_id").bitwiseAND(F.lit((1 << 33) - 1))
    )
    parts = frame.groupBy(ROW_FILE, "_lw_part").agg(
        F.count(F.lit(1)).alias("_lw_n"), F.min("_lw_pos").alias("_lw_first")
    )
    before = Window.partitionBy(ROW_FILE).orderBy("_lw_part")
    parts = parts.withColumn(
        "_lw_before",
        F.coalesce(
            F.sum("_lw_n").over(before.rowsBetween(Window.unboundedPreceding, -1)), F.lit(0)
        ),
    )
    numbered = frame.join(F.broadcast(parts), [ROW_FILE, "_lw_part"]).withColumn(
        ROW_NUMBER, F.col("_lw_before") + F.col("_lw_pos") - F.col("_lw_first") + 1
    )
    return numbered.drop("_lw_id", "_lw_part", "_lw_pos", "_lw_n", "_lw_first", "_lw_before")
