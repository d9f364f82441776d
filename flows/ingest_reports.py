"""Flow `ingest`: read new report files into the warehouse's raw layer."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task

from cds.pipeline import IngestSummary, ingest_source, prepare_warehouse
from cds.settings import get_settings


@task(name="prepare_warehouse", retries=2, retry_delay_seconds=[2, 10], timeout_seconds=600)
def prepare_warehouse_task() -> None:
    prepare_warehouse(get_settings())


@task(name="ingest_source", retries=2, retry_delay_seconds=[2, 10], timeout_seconds=7200)
def ingest_source_task(source_dir: Path, run_id: str) -> IngestSummary:
    return ingest_source(get_settings(), source_dir, run_id)


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
