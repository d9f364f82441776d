"""Flows `extract_and_load` and `validate`: read facts from new documents into staging, then
check what would be published."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from cds.pipeline import (
    document_waves,
    read_documents,
    select_documents_to_backfill,
    stage_facts,
    validate_staged,
)
from cds.settings import get_settings
from expectations.gate import GateResult
from flows.caching import extraction_cache_key
from transforms.frames import FactFrames, extract_fact_frames


@task(
    name="select_documents",
    retries=2,
    retry_delay_seconds=[2, 10],
    timeout_seconds=600,
    cache_policy=NO_CACHE,
)
def select_documents_task(from_date: date | None, to_date: date | None, force: bool) -> list[str]:
    return select_documents_to_backfill(get_settings(), from_date, to_date, force=force)["doc_id"].to_list()


@task(
    name="read_documents", retries=2, retry_delay_seconds=[2, 10], timeout_seconds=600, cache_policy=NO_CACHE
)
def read_documents_task(doc_ids: list[str]) -> pl.DataFrame:
    return read_documents(get_settings(), doc_ids)


@task(
    name="extract_batch",
    cache_key_fn=extraction_cache_key,
    cache_expiration=timedelta(days=30),
    persist_result=True,
)
def extract_batch_task(documents: pl.DataFrame) -> FactFrames:
    """Pure CPU work on a batch of documents: the part that scales out on a task runner; its
    result is cached by the documents' hashes and the extractor's code.

    No timeout: this task runs in a task runner's worker thread (threads or Dask), where Prefect
    cannot interrupt it and only warns; it does no I/O that could hang. The tasks that read and
    write run in the flow's main thread, where their timeouts do act."""
    return extract_fact_frames(documents)


@task(
    name="load_staging", retries=2, retry_delay_seconds=[2, 10], timeout_seconds=3600, cache_policy=NO_CACHE
)
def load_staging_task(facts: FactFrames, append: bool) -> dict[str, int]:
    return stage_facts(get_settings(), facts, append=append)


@task(name="run_quality_gate", timeout_seconds=3600, cache_policy=NO_CACHE)
def run_quality_gate_task(run_id: str) -> GateResult:
    return validate_staged(get_settings(), run_id)


@flow(name="extract_and_load")
def extract_and_load(
    from_date: date | None = None, to_date: date | None = None, force: bool = False
) -> dict[str, int]:
    """Extract facts from documents not yet in core (with `force`, also those in core dated in the
    window) and stage them a wave at a time, so the text held in memory does not grow with the archive;
    each wave's batches run in parallel on the task runner, and one writer task stages them."""
    logger = get_run_logger()
    settings = get_settings()
    doc_ids = select_documents_task(from_date, to_date, force)
    extract = extract_batch_task.with_options(refresh_cache=settings.refresh_extraction_cache)
    size = settings.extract_batch_size

    def submit(wave: list[str]) -> list[PrefectFuture[FactFrames]]:
        documents = read_documents_task(wave)
        return list(extract.map([documents.slice(at, size) for at in range(0, documents.height, size)]))

    counts: dict[str, int] = {}
    waves = document_waves(doc_ids, settings.extract_wave_size)
    pending = submit(waves[0])
    for number in range(len(waves)):
        extracting = pending
        if number + 1 < len(waves):  # the next wave extracts while this one is staged
            pending = submit(waves[number + 1])
        facts = FactFrames.concat([future.result() for future in extracting])
        staged = load_staging_task(facts, append=number > 0)
        counts = {table: counts.get(table, 0) + rows for table, rows in staged.items()}
    logger.info("extract.done documents=%d waves=%d staged=%s", len(doc_ids), len(waves), counts)
    return counts


@flow(name="validate")
def validate(run_id: str = "manual") -> GateResult:
    """Run the quality gate; the result says whether publishing may go ahead."""
    logger = get_run_logger()
    gate = run_quality_gate_task(run_id)
    quarantined = gate.quarantined
    for table, check, rows in quarantined.per_check.iter_rows():
        logger.warning("quality.quarantined table=%s check=%s rows=%d", table, check, rows)
    for row in quarantined.head.iter_rows(named=True):  # each check's first rows; all in the release
        logger.warning(
            "quality.quarantined.row table=%s check=%s doc=%s text=%r",
            row["table_name"],
            row["check_name"],
            row["doc_id"][:12],
            row["raw_text"],
        )
    for check in gate.checks:
        if not check.success:
            logger.warning(
                "quality.failed table=%s check=%s severity=%s rows=%d %s",
                check.table,
                check.check,
                check.severity,
                check.failing_rows,
                check.detail,
            )
    logger.info("quality.done %s", gate.summary())
    create_table_artifact(
        [
            {
                "table": c.table,
                "check": c.check,
                "severity": c.severity,
                "status": c.status,
                "failing_rows": c.failing_rows,
                "quarantined_rows": c.quarantined_rows,
            }
            for c in gate.checks
            if c.status != "pass"
        ]
        or [
            {
                "table": "all",
                "check": "all",
                "severity": "-",
                "status": "pass",
                "failing_rows": 0,
                "quarantined_rows": 0,
            }
        ],
        key="cds-quality-gate",
        description=f"Quality gate: {gate.summary()}",
    )
    return gate
