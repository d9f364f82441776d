"""Moving staged rows that failed row-level checks into quarantine, in one transaction."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.database import query_frame, transaction
from warehouse.load import registered
from warehouse.sql import read_sql, sql_statements

FAILING_SCHEMA: dict[str, pl.DataType] = {
    "table_name": pl.String(),
    "row_key": pl.String(),
    "doc_id": pl.String(),
    "check_name": pl.String(),
    "reason": pl.String(),
    "raw_text": pl.String(),
    "evidence": pl.String(),
}


def quarantine_rows(con: duckdb.DuckDBPyConnection, failing: pl.DataFrame, run_id: str) -> None:
    """Record `failing` (FAILING_SCHEMA) in quarantine.rows and drop those rows from staging."""
    if failing.is_empty():
        return
    with transaction(con), registered(con, "failing", failing.select(list(FAILING_SCHEMA))):
        con.execute(read_sql("load/quarantine_rows.sql"), {"run_id": run_id})
        for statement in sql_statements("load/delete_quarantined_staging_rows.sql"):
            con.execute(statement)


def quarantined_in_run(con: duckdb.DuckDBPyConnection, run_id: str) -> pl.DataFrame:
    return query_frame(
        con,
        "select table_name, check_name, row_key, doc_id, reason, raw_text, evidence "
        "from quarantine.rows where run_id = $run_id order by table_name, check_name, row_key",
        {"run_id": run_id},
    )
