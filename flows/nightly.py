"""Flow `nightly`: ingest → extract and load → validate → publish, recorded in meta.runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_link_artifact, create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Failed, State

from cds.locking import writer_lock
from cds.pipeline import IngestSummary, record_run_end, record_run_start, report_stage
from cds.settings import Settings, get_settings
from flows.build_warehouse import extract_and_load
from flows.ingest_reports import ingest
from flows.publish_open_data import publish, release_of
from flows.runners import task_runner_for
from warehouse.publish import Release


@flow(name="nightly")
def nightly(source: str | None = None) -> Release | State:
    """The whole chain on one source folder; safe to re-run (unchanged input changes nothing).

    The run holds the warehouse writer lock from ingest to publish: an overlapping run waits.
    """
    settings = get_settings()
    run_id = str(flow_run.get_id() or "local")
    source_dir = Path(source) if source else settings.source_dir
    with writer_lock(settings.warehouse_path, settings.lock_wait_seconds):
        return run_chain(settings, run_id, source_dir, "nightly")


Selection = tuple[date | None, date | None, bool]  # (from_date, to_date, force) for extract_and_load
NEW_DOCUMENTS: Selection = (None, None, False)


def run_chain(
    settings: Settings, run_id: str, source_dir: Path, flow_name: str, selection: Selection = NEW_DOCUMENTS
) -> Release | State:
    """ingest → extract and load → publish (gate first), recorded in meta.runs and as artifacts."""
    record_run_start(settings, run_id, flow_name, source_dir)
    counts: dict[str, int] = {}
    try:
        report_stage(settings, "ingest", counts)
        summary = ingest.with_options(task_runner=task_runner_for(settings))(str(source_dir), run_id)
        counts.update(
            files_seen=summary.files_seen,
            documents_new=summary.documents_new,
            ingest_errors=len(summary.errors),
        )
        for path in summary.vanished:
            get_run_logger().warning("ingest.source_vanished path=%s", path)
        report_stage(settings, "extract and load", counts)
        staged = extract_and_load.with_options(task_runner=task_runner_for(settings))(*selection)
        counts["facts_loaded"] = sum(v for k, v in staged.items() if k != "documents")
        report_stage(settings, "validate and publish", counts)
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
    get_run_logger().info(
        "%s.done run=%s release=%s counts=%s", flow_name, run_id, release.release_id, counts
    )
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
    if summary.vanished:
        lines += ["", "## Source files no longer in the folder", ""]
        lines += [
            "Their documents stay published unless retracted (`cds retract`, `CDS_RETRACT_VANISHED`).",
            "",
        ]
        lines += [f"- `{path}`" for path in summary.vanished]
    create_markdown_artifact("\n".join(lines), key="cds-run-summary", description="CĐS pipeline run summary")
    if release is not None:
        create_link_artifact(
            release.path.as_uri(),
            link_text=f"Release {release.release_id}",
            key="cds-latest-release",
            description="The open-data release this run published (or kept)",
        )
