"""Every DuckDB connection the pipeline opens is held to the configured memory limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cds.settings import get_settings
from warehouse.database import bounded_connection, connect, spill_directory


@pytest.fixture
def small_memory_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CDS_DUCKDB_MEMORY_LIMIT", "300MB")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("CDS_DUCKDB_MEMORY_LIMIT")
    get_settings.cache_clear()


def limits(con: object) -> tuple[str, str]:
    return con.execute(  # type: ignore[attr-defined, no-any-return]
        "select current_setting('memory_limit'), current_setting('temp_directory')"
    ).fetchone()


@pytest.mark.usefixtures("small_memory_limit")
def test_the_warehouse_and_the_files_beside_it_share_one_limit_and_spill_beside_the_warehouse(
    tmp_path: Path,
) -> None:
    """A release's open-data file and the scratch database that compares releases are opened under
    the warehouse's limit (DuckDB's default is 80 % of the machine) and spill beside the warehouse,
    never into the release being written."""
    with connect(tmp_path / "cds.duckdb") as warehouse:
        limit, spill = limits(warehouse)
        assert Path(spill) == spill_directory(warehouse) == tmp_path / "cds.duckdb.tmp"
        (tmp_path / "release").mkdir()
        with bounded_connection(tmp_path / "release" / "open.duckdb", spill_directory=Path(spill)) as release:
            assert limits(release) == (limit, spill)
        with bounded_connection(spill_directory=Path(spill)) as scratch:
            assert limits(scratch) == (limit, spill)
    assert limit.endswith("MiB") and 280 <= float(limit.split()[0]) <= 300
