"""Opening the warehouse, creating its schema and loading its reference tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from cds.settings import get_settings
from warehouse.sql import SQL_DIR, render_sql, sql_literal, sql_statements

# core fact table → (staging table, columns taken from staging)
FACT_TABLES: dict[str, tuple[str, str]] = {
    "fact_dti_rank": ("dti_ranks", "*"),
    "fact_metric": ("metrics", "*"),
    "fact_person_role": ("person_roles", "* exclude (person_name)"),
    "fact_legal_ref": ("legal_refs", "*"),
}
# Schemas that get an indicator_series view: core (what is published) and audit (what the gate checks).
SERIES_SCHEMAS = frozenset({"core", "audit", "corrected"})
FACT_IDENTIFIERS = {
    "core_table": frozenset(FACT_TABLES),
    "staging_table": frozenset(t for t, _ in FACT_TABLES.values()),
    "staging_columns": frozenset(c for _, c in FACT_TABLES.values()),
}
PROVINCES_CSV = resources.files("transforms.provinces") / "provinces.csv"
INDICATORS_CSV = resources.files("transforms.extract") / "data" / "indicators.csv"
# One copy of the DTI editions, shipped with the extractor that reads edition years from it.
DTI_EDITIONS_CSV = Path(str(resources.files("transforms.extract") / "data" / "dti_editions.csv"))
REFERENCE_DIR = Path(__file__).parent / "reference"
# The name a file attached to the warehouse's DuckDB instance goes by (see `attached`).
ATTACHED_FILE = "attached_file"
# A memory limit too small to keep cached blocks under, set for a moment to evict them.
CACHE_EVICTING_LIMIT = "32MB"


class WarehouseBusyError(RuntimeError):
    """Another process holds the warehouse file (DuckDB allows one writer per file)."""


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse; a locked file becomes a clear error instead of a stack trace."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    # DuckDB would take up to 80 % of the machine's memory beside the pipeline's own frames; a
    # limit makes large joins and sorts spill to disk beside the warehouse instead (and files
    # attached to this instance, see `attached`, share the limit).
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": get_settings().duckdb_memory_limit,
        "temp_directory": str(path.with_name(path.name + ".tmp")),
    }
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusyError(
                f"the warehouse {path} is in use by another process (one writer at a time); "
                "wait for the other run to finish"
            ) from exc
        raise
    try:
        yield con
    finally:
        con.close()


@contextmanager
def attached(con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool = False) -> Iterator[None]:
    """Another DuckDB file (a release's open-data file) attached to the warehouse's instance and
    made the default database while the block runs: it is then read and written under the
    warehouse's one memory limit, where a connection of its own would bring a second buffer pool
    as large."""
    home = str(query_row(con, "select current_database()")[0])
    options = " (read_only)" if read_only else ""
    con.execute(f"attach {sql_literal(str(path))} as {ATTACHED_FILE}{options}")
    try:
        con.execute(f"use {ATTACHED_FILE}")
        yield
    finally:
        con.execute(f'use "{home}"')
        con.execute(f"detach {ATTACHED_FILE}")


def drop_cached_blocks(con: duckdb.DuckDBPyConnection) -> None:
    """Have DuckDB hand back the table blocks it keeps cached from earlier queries: they stay
    resident up to the memory limit, beside whatever the process does next without DuckDB.
    Lowering the limit evicts them; the warehouse's configured limit is then set again. (Publishing
    calls it before rendering the catalog: at 100,000 reports the cache held about 400 MB.)"""
    con.execute(f"set memory_limit = {sql_literal(CACHE_EVICTING_LIMIT)}")
    con.execute(f"set memory_limit = {sql_literal(get_settings().duckdb_memory_limit)}")


@contextmanager
def insertion_order_off(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let the statements in the block write their rows in any order: a `create table as` that
    keeps its input's order holds finished batches until the earlier ones arrive, which ran the
    gate's temporary series table out of memory at a million reports."""
    kept = query_row(con, "select current_setting('preserve_insertion_order')")[0]
    con.execute("set preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute(f"set preserve_insertion_order = {'true' if kept else 'false'}")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every schema, table and view; safe to run on every start."""
    for ddl in sorted((SQL_DIR / "ddl").glob("0*.sql")):
        con.execute(ddl.read_text(encoding="utf-8"))
    for core_table, (staging_table, columns) in FACT_TABLES.items():
        con.execute(
            render_sql(
                "ddl/audit_fact_view.sql",
                FACT_IDENTIFIERS,
                core_table=core_table,
                staging_table=staging_table,
                staging_columns=columns,
            )
        )
    from warehouse.corrections import create_corrected_views  # it reads this module's helpers

    create_corrected_views(con)
    for schema in sorted(SERIES_SCHEMAS):  # after the fact views it reads (audit, corrected)
        con.execute(render_sql("ddl/indicator_series_view.sql", {"schema": SERIES_SCHEMAS}, schema=schema))


def load_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the province and indicator dimensions with the versions shipped in the package."""
    provinces = pl.read_csv(
        PROVINCES_CSV.read_bytes(),
        schema_overrides={"code": pl.String, "successor_code": pl.String, "regime": pl.String},
    )
    provinces = provinces.rename({"code": "province_code"}).with_columns(
        pl.col("valid_from").str.to_date(), pl.col("valid_to").str.to_date()
    )
    with transaction(con):
        for table, frame in (("dim_province", provinces), ("dim_indicator", read_indicator_code_list())):
            con.register("reference", frame.to_arrow())
            con.execute(f"delete from core.{table}")  # table names are the constants above
            con.execute(f"insert into core.{table} by name select * from reference")
            con.unregister("reference")
        files = {
            "editions_csv": str(DTI_EDITIONS_CSV),
            "official_csv": str(REFERENCE_DIR / "dti_2022_official.csv"),
        }
        for statement in sql_statements("load/replace_reference_dti.sql"):
            con.execute(statement, {k: v for k, v in files.items() if f"${k}" in statement})


def read_indicator_code_list() -> pl.DataFrame:
    """The versioned indicator code list the extractor codes metrics with."""
    codes = pl.read_csv(INDICATORS_CSV.read_bytes(), infer_schema=False)
    return codes.select(
        pl.col("code").alias("indicator_code"),
        "kind",
        "label_vi",
        "label_en",
        "unit",
        pl.col("version").alias("code_list_version"),
        "measure",
        "units",
        "definition",
        pl.col("mirrors").replace("", None),
    )


def query_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | list[object] | None = None
) -> pl.DataFrame:
    """Run a query and return its rows as a Polars frame (through Arrow)."""
    result = pl.from_arrow(con.sql(sql, params=params).to_arrow_table())
    assert isinstance(result, pl.DataFrame)
    return result


def query_columns(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    """The column names of a query, without running it over any rows."""
    return query_frame(con, f"select * from ({sql}) limit 0").columns


def query_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None
) -> tuple[Any, ...]:
    """The first row of a query, fully fetched (DuckDB keeps a result open until it is drained)."""
    rows = con.execute(sql, params).fetchall()
    if not rows:
        raise LookupError("the query returned no row")
    return tuple(rows[0])


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
