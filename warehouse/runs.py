"""The run log (meta.runs): what each pipeline run read, loaded and published."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.database import query_frame
from warehouse.sql import read_sql

RUN_COUNTERS = frozenset({"files_seen", "documents_new", "ingest_errors", "facts_loaded"})


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, source_dir: str | None) -> None:
    """Record a run as started; runs left 'running' by a killed process are marked 'interrupted'
    (callers hold the writer lock, so no other run can be live)."""
    con.execute(read_sql("meta/mark_interrupted_runs.sql"))
    con.execute(read_sql("meta/insert_run.sql"), {"run_id": run_id, "flow": flow, "source_dir": source_dir})


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    counts: dict[str, int],
    release_id: str | None = None,
    message: str | None = None,
) -> None:
    unknown = set(counts) - RUN_COUNTERS
    if unknown:
        raise ValueError(f"unknown run counters: {sorted(unknown)}")
    params: dict[str, object] = {name: counts.get(name) for name in RUN_COUNTERS}
    params.update(run_id=run_id, status=status, release_id=release_id, message=message)
    con.execute(read_sql("meta/update_run.sql"), params)


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 10) -> pl.DataFrame:
    return query_frame(con, read_sql("meta/select_recent_runs.sql"), {"limit": limit})
