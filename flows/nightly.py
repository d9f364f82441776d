"""Flow `nightly`: ingest → extract and load → validate → publish, recorded in meta.runs."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Failed, State

from cds.pipeline import IngestSummary, record_run_end, record_run_start
from cds.settings import get_settings
from flows.build_warehouse import extract_and_load
from flows.ingest_reports import ingest
from flows.publish_open_data import publish, release_of
from warehouse.publish import Release


@flow(name="nightly")
def nightly(source: str | None = None) -> Release | State:
    """The whole chain on one source folder; safe to re-run (unchanged input changes nothing)."""
    settings = get_settings()
    run_id = str(flow_run.get_id() or "local")
    source_dir = Path(source) if source else settings.source_dir
    record_run_start(settings, run_id, "nightly", source_dir)
    summary = ingest(str(source_dir), run_id)
    counts: dict[str, int] = {
        "files_seen": summary.files_seen,
        "documents_new": summary.documents_new,
        "ingest_errors": len(summary.errors),
    }
    try:
        staged = extract_and_load()
        counts["facts_loaded"] = sum(v for k, v in staged.items() if k != "documents")
        published = publish(run_id, return_state=True)
    except Exception as failure:
        record_run_end(settings, run_id, "failed", counts, message=f"{type(failure).__name__}: {failure}")
        raise
    if published.is_failed():
        record_run_end(settings, run_id, "blocked", counts, message=published.message)
        _summarise(summary, counts, None, published.message)
        return Failed(message=published.message)
    release = release_of(published)
    record_run_end(settings, run_id, "completed", counts, release.release_id)
    _summarise(summary, counts, release, None)
    get_run_logger().info("nightly.done run=%s release=%s counts=%s", run_id, release.release_id, counts)
    return release


def _summarise(
    summary: IngestSummary, counts: dict[str, int], release: Release | None, failure: str | None
) -> None:
    lines = ["# CĐS nightly run", "", "| measure | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in counts.items()]
    if release is not None:
        state = "new" if release.created else "unchanged"
        lines += [f"| release | `{release.release_id}` ({state}) |"]
        lines += [f"| rows in `{table}` | {rows} |" for table, rows in release.row_counts.items()]
    if failure:
        lines += ["", f"**Blocked:** {failure}"]
    if summary.errors:
        lines += ["", "## Files not loaded", "", "| file | reason |", "|---|---|"]
        lines += [f"| `{path}` | {reason} |" for path, reason in summary.errors]
    create_markdown_artifact(
        "\n".join(lines), key="cds-nightly-summary", description="CĐS nightly run summary"
    )
