"""What `cds collect` fetched and what failed: raw.fetched_urls and raw.fetch_errors."""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from warehouse.database import query_frame, transaction
from warehouse.load import registered
from warehouse.sql import read_sql

FETCHED_SCHEMA: dict[str, pl.DataType] = {
    "url": pl.String(),
    "source": pl.String(),
    "province_code": pl.String(),
    "final_url": pl.String(),
    "status": pl.Int32(),
    "content_type": pl.String(),
    "content_sha256": pl.String(),
    "snapshot_path": pl.String(),
    "relevant": pl.Boolean(),
    "etag": pl.String(),
    "last_modified": pl.String(),
    "published_date": pl.Date(),
    "fetched_at": pl.Datetime("us"),
}
FETCH_ERROR_SCHEMA: dict[str, pl.DataType] = {
    "url": pl.String(),
    "source": pl.String(),
    "stage": pl.String(),
    "reason": pl.String(),
    "status": pl.Int32(),
    "failed_at": pl.Datetime("us"),
}


def fetched_urls(con: duckdb.DuckDBPyConnection) -> dict[str, datetime]:
    """URL → when collect last fetched it."""
    return dict(query_frame(con, read_sql("load/select_fetched_urls.sql")).iter_rows())


def record_fetches(
    con: duckdb.DuckDBPyConnection, fetched: pl.DataFrame, failed: pl.DataFrame, run_id: str
) -> None:
    """A collect run's fetched articles and failures, in one transaction."""
    with transaction(con):
        with registered(con, "fetched", fetched.select(list(FETCHED_SCHEMA))):
            con.execute(read_sql("load/upsert_fetched_urls.sql"), {"run_id": run_id})
        with registered(con, "failed", failed.select(list(FETCH_ERROR_SCHEMA))):
            con.execute(read_sql("load/insert_fetch_errors.sql"), {"run_id": run_id})
