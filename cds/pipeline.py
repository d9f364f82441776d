"""The pipeline's stages as plain functions; flows/ orchestrates them, tests call them directly.

Each stage opens the warehouse only for as long as it writes, because DuckDB allows one
writer per file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from cds.corrections import CorrectionError, read_corrections
from cds.failpoints import failpoint
from cds.run_status import RECENT_RUNS, write_status
from cds.settings import PROJECT_ROOT, Settings
from cds.sources import (
    FileBatch,
    FileStat,
    VersionIndex,
    list_report_files,
    listed_file_stats,
    printable_path,
    read_file_batch,
    read_report_files,
)
from expectations.gate import GateParams, GateResult, run_gate
from transforms.frames import FactFrames
from warehouse.corrections import corrections_version, load_corrections
from warehouse.database import (
    connect,
    ensure_schema,
    load_reference_tables,
    query_frame,
    query_row,
    transaction,
)
from warehouse.load import (
    core_version,
    document_texts,
    documents_to_extract,
    files_to_read,
    ingested_file_stats,
    known_file_versions,
    load_ingested_files,
    load_staging,
    merge_staging_into_core,
    registered,
    restored_versions,
)
from warehouse.publish import (
    PUBLISHED_TABLES,
    Release,
    published_query,
    read_manifest,
    read_published_table,
    record_release,
    write_release,
)
from warehouse.runs import finish_run, recent_runs, start_run
from warehouse.sql import read_sql, sql_statements

INGEST_CHECKPOINT_THRESHOLD = "set checkpoint_threshold = '1GB'"
NOTHING_NEW = "nothing new or changed: the flow was not started"


@dataclass(frozen=True, slots=True)
class IngestSummary:
    files_seen: int
    files_new: int
    documents_new: int
    errors: tuple[tuple[str, str], ...]  # (source path, reason) of files that could not be read
    # (source path, warning) of documents read without (part of) their sidecar metadata
    meta_warnings: tuple[tuple[str, str], ...] = ()
    # source paths of published documents no longer in the folder (CDS_RETRACT_VANISHED: retracted)
    vanished: tuple[str, ...] = ()


def prepare_warehouse(settings: Settings) -> None:
    """Create the schema and refresh the reference tables."""
    with connect(settings.warehouse_path) as con:
        ensure_schema(con)
        load_reference_tables(con)


# Start reading and decoding parts of one ingest batch; the returned call waits for their rows.
StartReading = Callable[[list[FileBatch]], Callable[[], list[pl.DataFrame]]]


def read_here(parts: list[FileBatch]) -> Callable[[], list[pl.DataFrame]]:
    """Read in this process, when waited for."""
    return lambda: [read_file_batch(part) for part in parts]


@dataclass(frozen=True, slots=True)
class FileReading:
    """Where ingest decodes files: in its own process (the default), or `parts` side by side on a
    task runner's processes, the next batch decoding while the previous one is loaded."""

    start: StartReading = read_here
    parts: int = 1


IN_PROCESS = FileReading()


def ingest_source(
    settings: Settings, source_dir: Path, run_id: str, reading: FileReading = IN_PROCESS
) -> IngestSummary:
    """Read every new file version under `source_dir` into raw; seen versions are skipped.

    Files are read and loaded `ingest_batch_size` at a time, each batch in its own transaction, so
    memory stays flat however large the archive; a run killed between batches keeps what it
    loaded, and the next run skips those file versions.
    """
    paths = list_report_files(source_dir)
    files_new, errors, warnings = 0, [], []
    size = settings.ingest_batch_size
    # One connection, checkpointed once at the end: a checkpoint per batch (at each connection's
    # close, or whenever the write-ahead log passed DuckDB's 16 MB default) made ingest grow
    # faster than the archive. A killed run loses nothing committed: the log is replayed on open.
    with connect(settings.warehouse_path) as con:
        to_read, known, unchanged = unread_files(con, source_dir, paths)
        before = _count(con, "raw.documents")
        con.execute(INGEST_CHECKPOINT_THRESHOLD)
        batches = [to_read[start : start + size] for start in range(0, len(to_read), size)]
        parts_of = _batch_parts(source_dir, known, unchanged, settings.max_file_bytes, reading.parts)
        pending = reading.start(parts_of(batches[0])) if batches else read_here([])
        for number in range(len(batches)):
            in_flight = pending
            if number + 1 < len(batches):  # the next batch decodes while this one is loaded
                pending = reading.start(parts_of(batches[number + 1]))
            files = pl.concat(in_flight())
            failpoint("ingest.read")
            if files.is_empty():
                continue
            load_ingested_files(con, files, run_id)
            files_new += files.filter(~pl.col("known_version")).height
            errors += files.filter(pl.col("reason").is_not_null()).select("source_path", "reason").rows()
            warnings += (
                files.filter(pl.col("meta_warning").is_not_null())
                .select("source_path", "meta_warning")
                .rows()
            )
        documents_new = _count(con, "raw.documents") - before
        vanished = record_vanished_files(con, paths, run_id)
    return IngestSummary(
        files_seen=len(paths),
        files_new=files_new,
        documents_new=documents_new,
        errors=tuple(errors),
        meta_warnings=tuple(warnings),
        vanished=tuple(vanished),
    )


def unread_files(
    con: duckdb.DuckDBPyConnection, source_dir: Path, paths: list[str]
) -> tuple[list[str], set[tuple[str, str]], set[FileStat]]:
    """The listed files whose stats are not their current version's, with the versions and stats
    ingest holds of those paths alone: what a run holds and reads grows with its new and changed files,
    not with the archive."""
    to_read = [paths[at] for at in files_to_read(con, listed_file_stats(source_dir, paths))]
    shown = [printable_path(relative) for relative in to_read]
    known = set(known_file_versions(con, shown).iter_rows())
    unchanged = set(ingested_file_stats(con, shown).iter_rows())
    return to_read, known, unchanged


def _batch_parts(
    root: Path,
    known: set[tuple[str, str]],
    unchanged: set[FileStat],
    max_bytes: int,
    parts: int,
) -> Callable[[list[str]], list[FileBatch]]:
    """How a batch of paths becomes the parts read side by side. One part shares ingest's sets; several
    each carry their own files' versions, as they are sent to other processes."""
    if parts <= 1:
        return lambda paths: [FileBatch(root, paths, known, max_bytes, unchanged)]
    index = VersionIndex(known, unchanged)

    def split(paths: list[str]) -> list[FileBatch]:
        step = -(-len(paths) // parts)
        return [index.batch(root, paths[at : at + step], max_bytes) for at in range(0, len(paths), step)]

    return split


def record_vanished_files(con: duckdb.DuckDBPyConnection, listed: list[str], run_id: str) -> list[str]:
    """Note the source files of current documents that are gone from the folder (a deleted
    report's facts would otherwise stay published with nothing saying so); their paths."""
    with transaction(con), registered(con, "listed", _stored_paths(listed)):
        for statement in sql_statements("load/replace_vanished_files.sql"):
            con.execute(statement, {"run_id": run_id} if "$run_id" in statement else None)
    return [row[0] for row in con.execute("select source_path from raw.vanished_files order by 1").fetchall()]


def select_documents_to_extract(settings: Settings) -> pl.DataFrame:
    with connect(settings.warehouse_path) as con:
        return documents_to_extract(con)


def select_documents_to_backfill(
    settings: Settings,
    from_date: date | None = None,
    to_date: date | None = None,
    *,
    force: bool = False,
) -> pl.DataFrame:
    """Documents (doc_id) a backfill extracts: those not yet in core, and with `force` also those
    in core dated within [from_date, to_date] (either bound open when None). Ids only: the texts
    are read a wave at a time (`read_documents`).

    Re-extraction is opt-in because it replaces facts already published; the date window keeps a
    fix to the extractor from rewriting more history than intended.
    """
    if from_date is not None and to_date is not None and from_date > to_date:
        raise ValueError(f"from_date {from_date} is after to_date {to_date}")
    params: dict[str, object] = {"force": force, "from_date": from_date, "to_date": to_date}
    with connect(settings.warehouse_path) as con:
        return query_frame(con, read_sql("load/select_documents_to_backfill.sql"), params)


def read_documents(settings: Settings, doc_ids: list[str]) -> pl.DataFrame:
    """(doc_id, text, published_date) of one wave of documents to extract; published_date is the
    source metadata's (sidecar, page markup, URL), which the extractor resolves datelines from."""
    with connect(settings.warehouse_path) as con:
        return document_texts(con, doc_ids)


def document_waves(doc_ids: list[str], size: int) -> list[list[str]]:
    """Documents in waves of at most `size`; at least one (maybe empty) wave, because staging
    the first wave is also what empties staging of an earlier run's facts."""
    return [doc_ids[start : start + size] for start in range(0, len(doc_ids), size)] or [[]]


def stage_facts(settings: Settings, facts: FactFrames, *, append: bool = False) -> dict[str, int]:
    with connect(settings.warehouse_path) as con:
        counts = load_staging(con, facts, append=append)
    failpoint("load.staged")
    return counts


def apply_corrections(settings: Settings, con: duckdb.DuckDBPyConnection) -> None:
    """Load the reviewed correction files and the review policy into the warehouse, where the
    `audit` and `corrected` views apply them; a malformed file is a CorrectionError (file:line)."""
    corrections = read_corrections(settings.corrections_dir, PROJECT_ROOT)
    load_corrections(
        con,
        corrections,
        min_confidence=settings.min_confidence,
        retract_vanished=settings.retract_vanished,
    )


def validate_staged(settings: Settings, run_id: str) -> GateResult:
    """Apply the corrections, quarantine failing staged rows, then check what would be published."""
    params = GateParams(
        run_id=run_id,
        max_quarantine_share=settings.max_quarantine_share,
        max_row_drop=settings.max_row_drop,
        freshness_days=settings.freshness_days,
    )
    with connect(settings.warehouse_path) as con:
        apply_corrections(settings, con)
        return run_gate(con, params)


def publish_release(settings: Settings, gate: GateResult) -> Release:
    """Merge audited staging into core and write the open-data release with its quality report."""
    if not gate.passed:
        raise ValueError(f"refusing to publish: {gate.summary()}")
    with connect(settings.warehouse_path) as con:
        merge_staging_into_core(con)
        release = write_release(
            con,
            settings.public_dir,
            settings.keep_releases,
            gate.report(),
            chart_processes=settings.chart_processes,
        )
        if release.created:
            record_release(con, release)
        return release


def unchanged_release(settings: Settings) -> Release | None:
    """The latest release when nothing waits to be merged and core is still what that release was
    built from (same merge number): re-running the gate and rewriting the release would only
    reproduce it, at most of a no-op nightly run's cost. Corrections are loaded first: a changed
    correction file (or review setting) makes a new release even with nothing new to merge."""
    manifest = read_manifest(settings.public_dir / "latest")
    if not manifest:
        return None
    with connect(settings.warehouse_path) as con:
        apply_corrections(settings, con)
        pending = query_row(con, read_sql("load/select_pending_changes.sql"))
        version = core_version(con)
        corrections = corrections_version(con)
    if pending != (0, 0) or manifest.get("core_version") != version:
        return None
    if manifest.get("corrections_version") != corrections:
        return None
    latest = (settings.public_dir / "latest").resolve()
    return Release(manifest["release_id"], latest, dict(manifest["row_counts"]), created=False)


def run_if_nothing_new(settings: Settings, source_dir: Path, flow: str) -> Release | None:
    """A no-op run without starting Prefect, or None when there is work for the flow.

    Nothing to do means: every file under `source_dir` is a version already ingested (unchanged
    size and time, or the same content), no document waits to be extracted, nothing waits to be
    merged, and the latest release was built from core as it is. Then the run is recorded in
    meta.runs as completed against the latest release, as the flow would have recorded it. The
    writer lock is tried without waiting: if another run holds it, the flow runs (and waits).
    """
    from uuid import uuid4

    from cds.locking import PipelineBusyError, writer_lock

    manifest = read_manifest(settings.public_dir / "latest")
    if not manifest or not settings.warehouse_path.exists():
        return None
    try:
        with writer_lock(settings.warehouse_path, 0), connect(settings.warehouse_path) as con:
            ensure_schema(con)
            load_reference_tables(con)
            paths = list_report_files(source_dir)
            to_read, known, unchanged = unread_files(con, source_dir, paths)
            files = read_report_files(source_dir, to_read, known, settings.max_file_bytes, unchanged)
            if files.filter(~pl.col("known_version")).height or restored_versions(con, files):
                return None  # new files, or files changed back to a version they held before
            if documents_to_extract(con).height:
                return None
            pending = query_row(con, read_sql("load/select_pending_changes.sql"))
            if pending != (0, 0) or manifest.get("core_version") != core_version(con):
                return None
            if _corrections_changed(settings, con, manifest) or _sources_vanished(con, paths):
                return None  # the flow applies the corrections, or reports the missing files
            run_id = str(uuid4())
            counts = {"files_seen": len(paths), "documents_new": 0, "ingest_errors": 0, "facts_loaded": 0}
            release_id = str(manifest["release_id"])
            start_run(con, run_id, flow, str(source_dir))
            if files.height:  # touched files holding ingested versions: not read again next time
                load_ingested_files(con, files, run_id)
            finish_run(con, run_id, "completed", counts, release_id, NOTHING_NEW)
            write_status(
                settings.warehouse_path,
                run_id=run_id,
                flow=flow,
                pid=os.getpid(),
                source=str(source_dir),
                started_at=datetime.now(UTC).isoformat(timespec="seconds"),
                state="completed",
                stage="done",
                counts=counts,
                release_id=release_id,
                message=NOTHING_NEW,
                recent_runs=_recent_runs(con),
            )
    except PipelineBusyError:
        return None
    latest = (settings.public_dir / "latest").resolve()
    return Release(release_id, latest, dict(manifest["row_counts"]), created=False)


def _corrections_changed(
    settings: Settings, con: duckdb.DuckDBPyConnection, manifest: dict[str, object]
) -> bool:
    """Whether the correction files (or review settings) differ from the latest release's; a
    malformed file counts as a change, so the flow runs and reports it."""
    try:
        apply_corrections(settings, con)
    except CorrectionError:
        return True
    return manifest.get("corrections_version") != corrections_version(con)


def _sources_vanished(con: duckdb.DuckDBPyConnection, listed: list[str]) -> bool:
    """Whether a current document's file is missing from the listing; compared as stored (printable)
    paths, in DuckDB rather than as a Python set of every path in the archive."""
    with registered(con, "listed", _stored_paths(listed)):
        return bool(query_row(con, read_sql("load/count_vanished_sources.sql"))[0])


def _stored_paths(listed: list[str]) -> pl.DataFrame:
    """Listed paths as ingest stores them: undecodable bytes in a name escaped, never raw surrogates."""
    shown = [printable_path(path) for path in listed]
    return pl.DataFrame({"source_path": shown}, schema={"source_path": pl.String})


def sample_failing_rows(settings: Settings, table: str, check: str, limit: int = 5) -> pl.DataFrame | None:
    """Some rows of a table as it would be published that fail one of its contract checks, computed
    with the gate's own per-row SQL (`cds validate --failures`); None for a check of another kind."""
    from expectations.contracts import load_contracts
    from expectations.gate import CHECK_PREFIX, _check_columns  # the gate's per-row check SQL

    contract = load_contracts().get(table)
    if contract is None:
        return None
    name = CHECK_PREFIX + check
    sql = _check_columns(contract).get(name)
    if sql is None:
        return None
    shown = ("doc_id", "raw_text", "evidence")
    keep = [
        *contract.primary_key,
        *(c for c in shown if c in contract.column_names and c not in contract.primary_key),
    ]
    with connect(settings.warehouse_path, read_only=True) as con:
        rows = read_published_table(con, table, "audit", {name: sql}, failing_only=True, limit=limit)
    return rows.select(keep)


def preview_release(settings: Settings) -> dict[str, tuple[int, int]]:
    """Rows per published table in the latest release and after publishing what is staged."""
    latest = read_manifest(settings.public_dir / "latest").get("row_counts", {})
    with connect(settings.warehouse_path) as con:
        # Counted by DuckDB: the tables themselves are millions of rows at archive scale.
        after = {
            name: int(
                query_row(con, f"select count(*) from ({published_query(name, 'audit', ordered=False)})")[0]
            )
            for name in PUBLISHED_TABLES
        }
    return {name: (int(latest.get(name, 0)), rows) for name, rows in after.items()}


def record_run_start(settings: Settings, run_id: str, flow: str, source_dir: Path | None) -> None:
    """Record the run in meta.runs and start its live status (`cds status` during the run)."""
    with connect(settings.warehouse_path) as con:
        ensure_schema(con)
        start_run(con, run_id, flow, str(source_dir) if source_dir else None)
        recent = _recent_runs(con)
    write_status(
        settings.warehouse_path,
        run_id=run_id,
        flow=flow,
        pid=os.getpid(),
        source=str(source_dir) if source_dir else None,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        state="running",
        stage="starting",
        counts={},
        release_id=None,
        message=None,
        recent_runs=recent,
    )


def report_stage(settings: Settings, stage: str, counts: dict[str, int]) -> None:
    """The running run's stage and counts so far, for `cds status` (the run holds the lock)."""
    write_status(settings.warehouse_path, stage=stage, counts=dict(counts))


def record_run_end(
    settings: Settings,
    run_id: str,
    status: str,
    counts: dict[str, int],
    release_id: str | None = None,
    message: str | None = None,
) -> None:
    with connect(settings.warehouse_path) as con:
        finish_run(con, run_id, status, counts, release_id, message)
        recent = _recent_runs(con)
    write_status(
        settings.warehouse_path,
        state=status,
        stage="done",
        counts=dict(counts),
        release_id=release_id,
        message=message,
        recent_runs=recent,
    )


def _recent_runs(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    return recent_runs(con, RECENT_RUNS).to_dicts()


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(query_row(con, f"select count(*) from {table}")[0])  # table: a constant of this module


def review_items(settings: Settings) -> pl.DataFrame:
    """The review queue (`cds review`), after loading the corrections as a run would."""
    from warehouse.review import review_queue

    with connect(settings.warehouse_path) as con:
        ensure_schema(con)
        apply_corrections(settings, con)
        return review_queue(con)


def find_document(settings: Settings, doc_id_or_path: str) -> tuple[str, str | None]:
    """(doc_id, source path) of a document named by its id (or a unique prefix of at least 12
    characters) or by its source file (relative to the source folder, or a path to it)."""
    wanted = doc_id_or_path.strip()
    path = Path(wanted)
    if path.is_absolute() or path.exists():
        try:
            wanted = path.resolve().relative_to(settings.source_dir.resolve()).as_posix()
        except ValueError:
            raise LookupError(
                f"{doc_id_or_path} is not under the source folder {settings.source_dir}"
            ) from None
    with connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute(read_sql("load/select_document_by_id_or_path.sql"), {"wanted": wanted}).fetchall()
    if not rows:
        raise LookupError(f"no document in the warehouse has the id or source path {doc_id_or_path!r}")
    if len({doc_id for doc_id, _ in rows}) > 1:
        raise LookupError(f"{doc_id_or_path!r} names {len(rows)} documents: give more of the id")
    return rows[0][0], rows[0][1]
