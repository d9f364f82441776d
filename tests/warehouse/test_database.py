"""The warehouse's DuckDB instance: one memory limit, which files attached to it share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cds.settings import get_settings
from warehouse.database import attached, connect, drop_cached_blocks, ensure_schema


@pytest.fixture
def small_memory_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CDS_DUCKDB_MEMORY_LIMIT", "300MB")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("CDS_DUCKDB_MEMORY_LIMIT")
    get_settings.cache_clear()


def setting(con: duckdb.DuckDBPyConnection, name: str) -> str:
    return str(con.execute("select current_setting(?)", [name]).fetchone()[0])  # type: ignore[index]


@pytest.mark.usefixtures("small_memory_limit")
def test_the_warehouse_is_held_to_the_limit_and_spills_beside_itself(tmp_path: Path) -> None:
    with connect(tmp_path / "cds.duckdb") as con:
        limit, spill = setting(con, "memory_limit"), setting(con, "temp_directory")
    assert limit.endswith("MiB") and 280 <= float(limit.split()[0]) <= 300
    assert Path(spill) == tmp_path / "cds.duckdb.tmp"


def test_an_attached_file_is_written_and_read_on_the_warehouse_instance_then_let_go(tmp_path: Path) -> None:
    """A release's open-data file is written and read through the warehouse's own connection (one
    buffer pool under one limit, where a second connection would bring its own); bare names mean the
    file while it is attached, and the warehouse again afterwards."""
    release_file = tmp_path / "open.duckdb"
    with connect(tmp_path / "cds.duckdb") as con:
        con.execute("create table places as select 'warehouse' as owner")
        with attached(con, release_file):
            con.execute("create table places as select 'release' as owner")
        with attached(con, release_file, read_only=True):
            in_file = con.execute("select owner from places").fetchall()
            with pytest.raises(duckdb.Error):
                con.execute("create table other as select 1")
        in_warehouse = con.execute("select owner from places").fetchall()
        databases = {row[0] for row in con.execute("select database_name from duckdb_databases()").fetchall()}
    assert in_file == [("release",)]
    assert in_warehouse == [("warehouse",)]
    assert databases == {"cds", "system", "temp"}
    with duckdb.connect(str(release_file), read_only=True) as alone:
        assert alone.execute("select owner from places").fetchall() == [("release",)]


@pytest.mark.usefixtures("small_memory_limit")
def test_cached_table_blocks_are_handed_back_and_the_limit_stays(tmp_path: Path) -> None:
    """Blocks DuckDB cached while reading a table are evicted, and the configured limit holds after."""

    def cached_mb(con: duckdb.DuckDBPyConnection) -> float:
        row = con.execute("select sum(memory_usage_bytes) / 2^20 from duckdb_memory()").fetchone()
        return float(row[0])  # type: ignore[index]

    path = tmp_path / "cds.duckdb"
    with connect(path) as con:
        con.execute(
            "create table facts as select range as n, md5(range::varchar) || md5((-range)::varchar) "
            "as evidence from range(3000000)"  # text that does not compress away
        )
    with connect(path) as con:
        limit = setting(con, "memory_limit")
        con.execute("select sum(n), max(evidence) from facts").fetchall()
        before = cached_mb(con)
        drop_cached_blocks(con)
        after = cached_mb(con)
        assert setting(con, "memory_limit") == limit
    assert before > 60 and after <= 32  # what stays is at most the evicting limit (32 MB)


def test_views_of_the_staged_documents_left_by_an_earlier_version_are_dropped(tmp_path: Path) -> None:
    with connect(tmp_path / "cds.duckdb") as con:
        ensure_schema(con)
        con.execute("create schema audit_staged")
        con.execute("create view audit_staged.fact_metric as select * from audit.fact_metric")
        ensure_schema(con)
        schemas = {row[0] for row in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert "audit_staged" not in schemas and {"audit", "staging", "core"} <= schemas
