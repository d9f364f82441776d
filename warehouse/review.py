"""The review queue: what waits for a person, read from the warehouse after the corrections load."""

from __future__ import annotations

import duckdb
import polars as pl

from warehouse.database import query_frame
from warehouse.sql import read_sql

REVIEW_COLUMNS: tuple[str, ...] = (
    "item",
    "impact",
    "detail",
    "fact",
    "document",
    "source",
    "span_start",
    "span_end",
    "value",
    "evidence",
    "suggested",
    "action",
    "set",
    "reason",
    "author",
    "date",
    "file",
)

REVIEWER_COLUMNS = ("action", "set", "reason", "author", "file")  # filled in by the reviewer


def review_queue(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every item, most impact first (ties: item kind, source, span); the corrections in the
    repository close the queue, so an exported queue carries them all."""
    open_items = query_frame(con, read_sql("review/select_review_queue.sql")).with_columns(
        *(pl.lit(None, dtype=pl.String).alias(name) for name in REVIEWER_COLUMNS),
        pl.lit(None, dtype=pl.Date).alias("date"),
        pl.lit(None, dtype=pl.Int32).alias("line"),
    )
    corrections = query_frame(con, read_sql("review/select_corrections_for_review.sql"))
    frame = pl.concat(
        [open_items.select(*REVIEW_COLUMNS, "line"), corrections.select(*REVIEW_COLUMNS, "line")],
        how="vertical_relaxed",
    )
    return frame.sort(
        ["impact", "file", "line", "source", "span_start", "item"],
        descending=[True, False, False, False, False, False],
        nulls_last=True,
    ).drop("line")
