"""Moving staged rows that failed row-level checks into quarantine, in one transaction.

The failing rows go from the query that finds them to `quarantine.rows` inside DuckDB, and the
gate's result holds a summary (counts per check and each check's first rows): a batch of bad
reports quarantines rows by the million at archive scale, and none of them needs Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import polars as pl

from warehouse.database import query_frame, query_row, transaction
from warehouse.sql import read_sql, sql_statements

# The columns a query of failing rows returns, in order (see expectations/gate.py).
FAILING_COLUMNS = ("table_name", "row_key", "doc_id", "check_name", "reason", "raw_text", "evidence")
# First rows of each check kept with the gate's result (logs, `cds validate --failures`).
HEAD_ROWS_PER_CHECK = 5


def _empty_counts() -> pl.DataFrame:
    return pl.DataFrame(schema={"table_name": pl.String, "check_name": pl.String, "rows": pl.Int64})


@dataclass(frozen=True, slots=True)
class Quarantined:
    """What one run's gate quarantined: rows per check, distinct rows, and each check's first rows.
    The rows themselves stay in quarantine.rows (by run id), from which a release copies them."""

    run_id: str = ""
    per_check: pl.DataFrame = field(default_factory=_empty_counts)  # table_name, check_name, rows
    row_keys: int = 0  # distinct rows: a row failing two rules is one row
    head: pl.DataFrame = field(default_factory=pl.DataFrame)  # each check's first rows, by row key

    @property
    def rows(self) -> int:
        """Quarantined (row, check) pairs: the lines of the release's quality/quarantine.csv."""
        return int(self.per_check.get_column("rows").sum()) if self.per_check.height else 0

    def rows_of(self, table: str, check: str) -> int:
        hits = self.per_check.filter((pl.col("table_name") == table) & (pl.col("check_name") == check))
        return int(hits.get_column("rows").sum()) if hits.height else 0


def quarantine_rows(con: duckdb.DuckDBPyConnection, failing_sql: Sequence[str], run_id: str) -> None:
    """Record the rows the `failing_sql` queries select (FAILING_COLUMNS, one query per table) in
    quarantine.rows and drop those rows from staging; nothing is deleted when no row fails.

    The queries run one after another, so DuckDB's temporary files hold one table's work at a time:
    as one union (of the tables' sorted queries) they outgrew a 29 GB disk on a million-report archive.
    """
    with transaction(con):  # a failure rolls back the temporary table too
        columns = ", ".join(f"{column} varchar" for column in FAILING_COLUMNS)
        con.execute(f"create or replace temp table failing ({columns})")
        for query in failing_sql:
            con.execute(f"insert into temp.failing by name\n{query}")
        if int(query_row(con, "select count(*) from temp.failing")[0]):
            con.execute(read_sql("load/quarantine_rows.sql"), {"run_id": run_id})
            for statement in sql_statements("load/delete_quarantined_staging_rows.sql"):
                con.execute(statement)
        con.execute("drop table temp.failing")


def quarantined_in_run(con: duckdb.DuckDBPyConnection, run_id: str) -> Quarantined:
    """The summary of what the run quarantined, counted in DuckDB."""
    values = {"run_id": run_id, "head_rows": HEAD_ROWS_PER_CHECK}
    per_check = query_frame(con, read_sql("load/select_quarantined_per_check.sql"), {"run_id": run_id})
    if per_check.is_empty():
        return Quarantined(run_id)
    row_keys = int(query_row(con, read_sql("load/count_quarantined_rows.sql"), {"run_id": run_id})[0])
    head = query_frame(con, read_sql("load/select_quarantined_head.sql"), values)
    return Quarantined(run_id, per_check, row_keys, head)
