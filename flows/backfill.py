"""Flow `backfill`: the nightly chain on a chosen folder, optionally re-extracting documents already in
core within a date window (after an extractor fix, say), still behind the quality gate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow
from prefect.runtime import flow_run
from prefect.states import State

from cds.locking import writer_lock
from cds.settings import get_settings
from flows.nightly import run_chain
from warehouse.publish import Release


def parse_window(from_date: str | None, to_date: str | None) -> tuple[date | None, date | None]:
    """ISO dates from deployment parameters (strings in the UI and CLI), checked before any work."""
    first = date.fromisoformat(from_date) if from_date else None
    last = date.fromisoformat(to_date) if to_date else None
    if first is not None and last is not None and first > last:
        raise ValueError(f"from_date {first} is after to_date {last}")
    return first, last


@flow(name="backfill")
def backfill(
    source: str | None = None,
    from_date: str | None = None,
    to_date: str | None = None,
    force: bool = False,
) -> Release | State:
    """Ingest `source`, extract its new documents (and with `force` re-extract loaded ones dated in the
    window), then validate and publish; a failing gate publishes nothing. Recorded in meta.runs; holds
    the warehouse writer lock like nightly, so the two never interleave.

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
    with writer_lock(settings.warehouse_path, settings.lock_wait_seconds):
        return run_chain(settings, run_id, source_dir, "backfill", (first, last, force))
