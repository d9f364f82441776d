"""Scale-out and overlap: the Dask task runner publishes the same tables as threads, and two
overlapping runs leave one consistent warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cds.settings import Settings, get_settings
from cds.sources import list_report_files
from tests.conftest import SAMPLES_DIR, cli_env, start_cds_run
from warehouse.database import connect
from warehouse.publish import PUBLISHED_TABLES

pytestmark = pytest.mark.integration


def published_bytes(public_dir: Path) -> dict[str, bytes]:
    latest = public_dir / "latest"
    return {
        f"{table}.{ext}": (latest / f"{table}.{ext}").read_bytes()
        for table in PUBLISHED_TABLES
        for ext in ("csv", "parquet")
    }


def test_dask_runner_in_waves_publishes_byte_identical_tables(
    prefect_server: None, flow_settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from flows.nightly import nightly

    shutil.copytree(SAMPLES_DIR, flow_settings.source_dir, dirs_exist_ok=True)
    monkeypatch.setenv("CDS_EXTRACT_BATCH_SIZE", "5")  # several extraction tasks, not one
    get_settings.cache_clear()
    nightly()
    threads = published_bytes(flow_settings.public_dir)

    monkeypatch.setenv("CDS_TASK_RUNNER", "dask")
    monkeypatch.setenv("CDS_INGEST_BATCH_SIZE", "7")  # several batches, each decoded as the last loads
    monkeypatch.setenv("CDS_EXTRACT_WAVE_SIZE", "12")  # several waves, each staged as the next extracts
    monkeypatch.setenv("CDS_REFRESH_EXTRACTION_CACHE", "true")  # really extract on Dask, not from cache
    monkeypatch.setenv("CDS_WAREHOUSE_PATH", str(tmp_path / "dask" / "cds.duckdb"))
    monkeypatch.setenv("CDS_PUBLIC_DIR", str(tmp_path / "dask" / "public"))
    get_settings.cache_clear()
    read_before = read_files_task_runs()
    nightly()

    assert published_bytes(tmp_path / "dask" / "public") == threads
    files = len(list_report_files(SAMPLES_DIR))
    assert read_files_task_runs() - read_before >= -(-files // 7)  # every batch was decoded on the workers
    raw = "select * exclude (ingested_at, run_id) from raw.documents order by doc_id"
    with (
        connect(flow_settings.warehouse_path, read_only=True) as one,
        connect(tmp_path / "dask" / "cds.duckdb", read_only=True) as other,
    ):
        assert one.sql(raw).fetchall() == other.sql(raw).fetchall()


def read_files_task_runs() -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="read_files"))
        )
    return len(runs)


def test_two_overlapping_runs_leave_one_consistent_warehouse(settings: Settings, tmp_path: Path) -> None:
    shutil.copytree(SAMPLES_DIR, settings.source_dir, dirs_exist_ok=True)

    logs = [tmp_path / f"run-{n}.log" for n in (1, 2)]
    runs = [
        start_cds_run(cli_env(settings, tmp_path / f"prefect-{n}"), log)
        for n, log in zip((1, 2), logs, strict=True)
    ]
    for run in runs:
        run.wait(timeout=600)
    outputs = [log.read_text(errors="replace")[-4000:] for log in logs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    with connect(settings.warehouse_path, read_only=True) as con:
        statuses = [r[0] for r in con.execute("select status from meta.runs").fetchall()]
        documents = con.execute("select count(*), count(distinct doc_id) from core.dim_document").fetchone()
        duplicates = con.execute("select count(*) - count(distinct fact_id) from core.fact_metric").fetchone()
    assert statuses == ["completed", "completed"]
    assert documents is not None and documents[0] == documents[1] >= 30
    assert duplicates == (0,)
    assert len(list((settings.public_dir / "releases").iterdir())) == 1
