"""The warehouse's DuckDB instance: one memory limit, which files attached to it share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cds.settings import get_settings
from warehouse.database import attached, connect


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
