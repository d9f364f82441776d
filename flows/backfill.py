"""Flow `backfill`: the nightly chain on a chosen folder, optionally re-extracting documents already in
core within a date window (after an extractor fix, say), still behind the quality gate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed, State

from cds.pipeline import record_run_end, record_run_start, select_documents_to_backfill
from cds.settings import get_settings
from flows.build_warehouse import extract_batch_task, load_staging_task
from flows.ingest_reports import ingest
from flows.publish_open_data import publish, release_of
from transforms.frames import FactFrames
from warehouse.publish import Release


def parse_window(from_date: str | None, to_date: str | None) -> tuple[date | None, date | None]:
    """ISO dates from deployment parameters (strings in the UI and CLI), checked before any work."""
    first = date.fromisoformat(from_date) if from_date else None
    last = date.fromisoformat(to_date) if to_date else None
    if first is not None and last is not None and first > last:
        raise ValueError(f"from_date {first} is after to_date {last}")
    return first, last


@task(name="select_backfill_documents", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def select_backfill_documents_task(first: date | None, last: date | None, force: bool) -> pl.DataFrame:
    return select_documents_to_backfill(get_settings(), first, last, force=force)


def extract_and_stage(documents: pl.DataFrame) -> dict[str, int]:
    """The extract_and_load flow's batching, on the backfill's own selection of documents."""
    size = get_settings().extract_batch_size
    batches = [documents.slice(offset, size) for offset in range(0, documents.height, size)]
    futures = extract_batch_task.map(batches)
    facts = FactFrames.concat([future.result() for future in futures])
    return load_staging_task(facts)


@flow(name="backfill")
def backfill(
    source: str | None = None,
    from_date: str | None = None,
    to_date: str | None = None,
    force: bool = False,
) -> Release | State:
    """Ingest `source`, extract its new documents (and with `force` re-extract loaded ones dated in the
    window), then validate and publish; a failing gate publishes nothing. Recorded in meta.runs.

    Args:
        source: folder of reports to ingest; the configured source folder (CDS_SOURCE_DIR) if empty.
        from_date: first document date (ISO, e.g. 2023-01-01) that `force` re-extracts; open if empty.
        to_date: last document date (ISO) that `force` re-extracts; open if empty.
        force: re-extract documents already in core whose event (else published) date is in the window.
    """
    first, last = parse_window(from_date, to_date)
    settings = get_settings()
    run_id = str(flow_run.get_id() or "local")
    source_dir = Path(source) if source else settings.source_dir
    record_run_start(settings, run_id, "backfill", source_dir)
    counts: dict[str, int] = {}
    try:
        summary = ingest(str(source_dir), run_id)
        counts.update(
            files_seen=summary.files_seen,
            documents_new=summary.documents_new,
            ingest_errors=len(summary.errors),
        )
        documents = select_backfill_documents_task(first, last, force)
        staged = extract_and_stage(documents)
        counts["facts_loaded"] = sum(v for k, v in staged.items() if k != "documents")
        published = publish(run_id, return_state=True)
    except Exception as failure:
        record_run_end(settings, run_id, "failed", counts, message=f"{type(failure).__name__}: {failure}")
        raise
    if published.is_failed():
        record_run_end(settings, run_id, "blocked", counts, message=published.message)
        return Failed(message=published.message)
    release = release_of(published)
    record_run_end(settings, run_id, "completed", counts, release.release_id)
    get_run_logger().info(
        "backfill.done run=%s documents=%d force=%s window=%s..%s release=%s",
        run_id,
        documents.height,
        force,
        first,
        last,
        release.release_id,
    )
    return release
