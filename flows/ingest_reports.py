"""Flow `ingest`: read new report files into the warehouse's raw layer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from cds.pipeline import IN_PROCESS, FileReading, IngestSummary, ingest_source, prepare_warehouse
from cds.settings import Settings, get_settings
from cds.sources import FileBatch, read_file_batch


@task(name="prepare_warehouse", retries=2, retry_delay_seconds=[2, 10], timeout_seconds=600)
def prepare_warehouse_task() -> None:
    prepare_warehouse(get_settings())


@task(name="read_files", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def read_files_task(batch: FileBatch) -> pl.DataFrame:
    """Read and decode part of an ingest batch: CPU work the task runner spreads over its processes.

    No timeout, as for extraction: on a Dask worker Prefect cannot interrupt it."""
    return read_file_batch(batch)


@task(name="ingest_source", retries=2, retry_delay_seconds=[2, 10], timeout_seconds=7200)
def ingest_source_task(source_dir: Path, run_id: str) -> IngestSummary:
    settings = get_settings()
    return ingest_source(settings, source_dir, run_id, file_reading(settings))


def file_reading(settings: Settings) -> FileReading:
    """Decode on the local Dask cluster's processes when the flow runs on one. Threads would add
    nothing to this CPU-bound work, and a remote cluster's workers may not see the source folder,
    so both read in the flow's own process."""
    if settings.task_runner != "dask" or settings.dask_address:
        return IN_PROCESS

    def start(parts: list[FileBatch]) -> Callable[[], list[pl.DataFrame]]:
        futures = read_files_task.map(parts)
        return lambda: [future.result() for future in futures]

    return FileReading(start, settings.extract_workers)


@flow(name="ingest", log_prints=False)
def ingest(source: str | None = None, run_id: str = "manual") -> IngestSummary:
    """Every file under `source` ends up as a raw document or an ingest error with its reason."""
    logger = get_run_logger()
    source_dir = Path(source) if source else get_settings().source_dir
    prepare_warehouse_task()
    summary = ingest_source_task(source_dir, run_id)
    logger.info(
        "ingest.done source=%s files=%d new_files=%d new_documents=%d errors=%d",
        source_dir,
        summary.files_seen,
        summary.files_new,
        summary.documents_new,
        len(summary.errors),
    )
    for path, reason in summary.errors:
        logger.warning("ingest.unreadable path=%s reason=%s", path, reason)
    for path, warning in summary.meta_warnings:
        logger.warning("ingest.sidecar_ignored path=%s %s", path, warning)
    return summary
