"""Reading published releases, read-only: the one place that opens a release's DuckDB file for
queries (`cds sql`, the HTTP API) and writes query results as CSV, JSON or Parquet.

A release is immutable once renamed into place, so readers open its own `cds_open_data.duckdb`
read-only and never the warehouse: a nightly run and a reader never wait for each other.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.publish import OPEN_DATA_DB, _sql_path, list_releases, read_manifest
from warehouse.release_ids import release_time
from warehouse.sql import CSV_COPY_OPTIONS

# What a reader may run: one query that returns rows. Everything else (writes, ATTACH, COPY,
# EXPORT, INSTALL/LOAD, SET/PRAGMA/CALL, transactions) is refused before DuckDB sees it; the
# connection's configuration below refuses file and network access inside a SELECT as well.
ALLOWED_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})
LIST_TABLES = (
    "select table_name, table_type = 'VIEW' as is_view from information_schema.tables "
    "where table_schema = 'main' order by is_view, table_name"
)
LIST_COLUMNS = (
    "select table_name, column_name, data_type, comment from duckdb_columns() "
    "where schema_name = 'main' order by table_name, column_index"
)


class QueryRefused(ValueError):
    """A query a reader may not run, with a one-line reason."""


class EmptyQuery(QueryRefused):
    """No statement at all: a usage error."""


class StatementRefused(QueryRefused):
    """A statement that is not one read-only query (a write, ATTACH, COPY, SET…, or several)."""


class QueryTimeout(QueryRefused):
    """The query ran past its time limit and was interrupted."""


class ResultTooLarge(QueryRefused):
    """The result has more rows than the cap."""


class UnknownRelease(LookupError):
    """No complete release by that name."""


class ResultFormat(StrEnum):
    csv = "csv"
    json = "json"
    parquet = "parquet"


def read_only_config(memory_limit: str) -> dict[str, str | bool | int | float | list[str]]:
    """The guards every reader's connection has: no file or network access, no spilling into the
    release folder, and no statement may loosen them."""
    return {
        "enable_external_access": False,
        "temp_directory": "",
        "memory_limit": memory_limit,
        "lock_configuration": True,
    }


def connect_read_only(path: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """A guarded read-only connection to a release's (or the warehouse's) DuckDB file."""
    return duckdb.connect(str(path), read_only=True, config=read_only_config(memory_limit))


def checked_statement(con: duckdb.DuckDBPyConnection, query: str) -> duckdb.Statement:
    """The one statement of `query`, if a reader may run it; else QueryRefused saying why."""
    statements = con.extract_statements(query)
    if not statements:
        raise EmptyQuery("the query is empty: give one SELECT statement")
    if len(statements) > 1:
        raise StatementRefused(f"{len(statements)} statements given: run one statement at a time")
    statement = statements[0]
    if statement.type not in ALLOWED_STATEMENTS:
        kind = statement.type.name.replace("_STATEMENT", "")
        raise StatementRefused(f"{kind} statements are refused: this data is read-only (SELECT only)")
    return statement


def run_query(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    max_rows: int | None = None,
    seconds: float | None = None,
) -> pa.Table:
    """Run one read-only statement; past `seconds` it is interrupted (QueryTimeout), and a result
    longer than `max_rows` is refused (ResultTooLarge) after reading only one row past the cap."""
    statement = checked_statement(con, query)
    with time_limit(con, seconds):
        relation = con.sql(statement.query)
        if max_rows is not None and statement.type == duckdb.StatementType.SELECT:
            relation = relation.limit(max_rows + 1)
        table = relation.to_arrow_table()
    if max_rows is not None and table.num_rows > max_rows:
        raise ResultTooLarge(
            f"the result has more than {max_rows} rows (the cap): add a WHERE or a LIMIT, "
            "or page through a table with limit/offset"
        )
    return table


@contextmanager
def time_limit(con: duckdb.DuckDBPyConnection, seconds: float | None) -> Iterator[None]:
    """Interrupt what `con` runs once `seconds` have passed (a timer calls DuckDB's interrupt)."""
    if not seconds:
        yield
        return
    timer = threading.Timer(seconds, con.interrupt)
    timer.start()
    try:
        yield
    except duckdb.InterruptException:
        raise QueryTimeout(f"the query ran longer than {seconds:g} s and was stopped") from None
    finally:
        timer.cancel()


def one_line(error: Exception) -> str:
    """DuckDB's message without its multi-line query excerpt ("LINE 1: …"), on one line."""
    lines = [line.strip() for line in str(error).splitlines()]
    kept = []
    for line in lines:
        if line.startswith("LINE "):
            break
        if line:
            kept.append(line)
    return " ".join(kept) or type(error).__name__


def write_result(table: pa.Table, format: ResultFormat) -> bytes:
    """A query result as bytes, written by DuckDB itself: CSV with the release's own COPY options
    (so `select * from t` gives the release's t.csv byte for byte), a JSON array of objects, or
    Parquet (zstd). The writer is a private in-memory DuckDB that runs only this COPY."""
    options = {
        ResultFormat.csv: CSV_COPY_OPTIONS,
        ResultFormat.json: "(format json, array true)",
        ResultFormat.parquet: "(format parquet, compression zstd)",
    }[format]
    with tempfile.TemporaryDirectory(prefix="cds-result-") as folder, _scratch().cursor() as writer:
        target = Path(folder) / f"result.{format.value}"
        writer.register("result", table)
        writer.execute(f"copy result to '{_sql_path(target)}' {options}")
        return target.read_bytes()


def text_values(table: pa.Table) -> tuple[list[str], list[list[str | None]]]:
    """Column names and every value as DuckDB prints it (its cast to VARCHAR), None for NULL."""
    with _scratch().cursor() as caster:
        caster.register("result", table)
        rows = caster.sql("select columns(*)::varchar from result").fetchall()
    return list(table.column_names), [list(row) for row in rows]


@cache
def _scratch() -> duckdb.DuckDBPyConnection:
    """One private in-memory DuckDB per process for writing results; each use takes its own cursor
    (its own registrations, safe across threads), since opening a database costs tens of ms."""
    return duckdb.connect()


# --- releases as a reader sees them -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseRef:
    """One complete release: where it is and what identifies its content."""

    release_id: str
    path: Path
    fingerprint: str
    row_counts: dict[str, int]
    is_latest: bool

    @property
    def published_at(self) -> datetime:
        return release_time(self.release_id)


@dataclass(frozen=True, slots=True)
class TableInfo:
    name: str
    is_view: bool
    rows: int
    columns: list[dict[str, str | None]]


class ReleaseReader:
    """The releases under a public folder, each opened read-only once and queried through its own
    cursor per request (cursors can be interrupted one by one). Only complete releases are ever
    resolved: a folder being written has a dotted temporary name and is not listed."""

    def __init__(self, public_dir: Path, memory_limit: str) -> None:
        self.public_dir = public_dir
        self.memory_limit = memory_limit
        self._open: dict[str, duckdb.DuckDBPyConnection] = {}
        self._tables: dict[str, list[TableInfo]] = {}
        self._lock = threading.Lock()

    def releases(self, latest: ReleaseRef) -> list[ReleaseRef]:
        """Complete releases, newest first, with `latest` (as the caller resolved it) marked latest.

        A publish may move the `latest` link between resolving it and listing the folders; reading
        the link once per answer keeps the answer's `latest` and the list's mark the same release."""
        return [
            self._ref(info.release_id, info.release_id == latest.release_id)
            for info in list_releases(self.public_dir)
        ]

    def resolve(self, release_id: str) -> ReleaseRef:
        """A release by id, or `latest`; UnknownRelease for anything else (never a path)."""
        if release_id == "latest":
            latest = self.public_dir / "latest"
            if not latest.exists():
                raise UnknownRelease("no release has been published yet")
            return self._ref(latest.resolve().name, True)
        for info in list_releases(self.public_dir):
            if info.release_id == release_id:
                return self._ref(release_id, info.is_latest)
        raise UnknownRelease(f"no release {release_id!r}")

    def _ref(self, release_id: str, is_latest: bool) -> ReleaseRef:
        path = self.public_dir / "releases" / release_id
        manifest = read_manifest(path)
        if not manifest:
            raise UnknownRelease(f"release {release_id!r} has no manifest")
        return ReleaseRef(release_id, path, manifest["fingerprint"], manifest["row_counts"], is_latest)

    @contextmanager
    def cursor(self, release: ReleaseRef) -> Iterator[duckdb.DuckDBPyConnection]:
        """A guarded read-only connection of its own to the release's DuckDB file."""
        with self._lock:
            con = self._open.get(release.release_id)
            if con is None:
                self._forget_pruned()
                con = connect_read_only(release.path / OPEN_DATA_DB, self.memory_limit)
                self._open[release.release_id] = con
            cursor = con.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def _forget_pruned(self) -> None:
        """Let go of releases pruned since they were opened. Not closed here: a request still
        reading one holds it (and its cursor) until it ends, and the last reference closes it."""
        for release_id in [r for r in self._open if not (self.public_dir / "releases" / r).is_dir()]:
            del self._open[release_id]
            self._tables.pop(release_id, None)

    def tables(self, release: ReleaseRef) -> list[TableInfo]:
        """The tables and views of a release with their columns, types, descriptions and rows
        (read once per release: a release never changes)."""
        known = self._tables.get(release.release_id)
        if known is None:
            known = self._tables[release.release_id] = self._read_tables(release)
        return known

    def _read_tables(self, release: ReleaseRef) -> list[TableInfo]:
        with self.cursor(release) as con:
            names = con.sql(LIST_TABLES).fetchall()
            columns = con.sql(LIST_COLUMNS).fetchall()
            rows = {name: con.table(name).aggregate("count(*)").fetchall()[0][0] for name, _ in names}
        by_table: dict[str, list[dict[str, str | None]]] = {}
        for table, column, data_type, comment in columns:
            by_table.setdefault(table, []).append({"name": column, "type": data_type, "description": comment})
        return [TableInfo(name, bool(is_view), rows[name], by_table.get(name, [])) for name, is_view in names]


# --- table pages: column filters, order, limit/offset -------------------------------------------

COMPARISONS = {
    "": lambda c, v: c == v,
    "ne": lambda c, v: c != v,
    "gt": lambda c, v: c > v,
    "gte": lambda c, v: c >= v,
    "lt": lambda c, v: c < v,
    "lte": lambda c, v: c <= v,
}


@dataclass(frozen=True, slots=True)
class TablePage:
    """Which rows of a table: `filters` are (column, comparison, value) with comparison one of
    COMPARISONS ('' is equality), `order` columns with '-' for descending."""

    filters: tuple[tuple[str, str, str], ...] = ()
    order: tuple[str, ...] = ()
    limit: int = 100
    offset: int = 0


def read_table_page(con: duckdb.DuckDBPyConnection, table: TableInfo, page: TablePage) -> pa.Table:
    """One page of a table, plus one row more when there is a next page. Columns are checked
    against the table's own; values are typed constants cast to the column's type, never SQL."""
    types = {str(c["name"]): str(c["type"]) for c in table.columns}
    relation = con.table(table.name)
    for column, comparison, value in page.filters:
        _known_column(table, types, column)
        if comparison not in COMPARISONS:
            raise QueryRefused(f"unknown comparison {comparison!r}: use one of {sorted(COMPARISONS)[1:]}")
        constant = duckdb.ConstantExpression(value).cast(duckdb.sqltype(types[column]))
        relation = relation.filter(COMPARISONS[comparison](duckdb.ColumnExpression(column), constant))
    if page.order:
        keys = []
        for key in page.order:
            column = key.removeprefix("-")
            _known_column(table, types, column)
            expression = duckdb.ColumnExpression(column)
            keys.append(expression.desc() if key.startswith("-") else expression.asc())
        relation = relation.sort(*keys)
    return relation.limit(page.limit + 1, offset=page.offset).to_arrow_table()


def _known_column(table: TableInfo, types: dict[str, str], column: str) -> None:
    if column not in types:
        raise QueryRefused(f"{table.name} has no column {column!r}; its columns: {', '.join(types)}")
