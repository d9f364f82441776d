"""The `cds` command: run the pipeline, extract facts, validate, publish, inspect, query."""

from __future__ import annotations

import json
import os
import shutil
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from cds.settings import Settings, apply_prefect_defaults, get_settings

if TYPE_CHECKING:
    import polars as pl

    from expectations.gate import GateResult
    from warehouse.publish import Release

QUIET_DEFAULTS = {"PREFECT_LOGGING_LEVEL": "WARNING"}
# Exit codes: 1 the command failed (or the gate blocked), 2 a usage error (bad argument, setting or
# path: nothing started), 3 another run holds the warehouse, 4 Prefect could not start.
EXIT_USAGE = 2
EXIT_BUSY = 3
EXIT_PREFECT_UNAVAILABLE = 4
DEBUG = {"on": False}  # --debug: tracebacks with the one-line errors


class UsageError(Exception):
    """A bad argument or path: one line, exit 2, before anything starts."""


def _user_error(exc: BaseException) -> tuple[str, int] | None:
    """The one line and exit code for an error a user can fix; None for our bugs."""
    from cds.locking import PipelineBusyError
    from cds.settings import SettingsError

    duckdb = sys.modules.get("duckdb")
    sources = sys.modules.get("cds.sources")  # not imported: none of its errors can be raised
    if isinstance(exc, SettingsError | UsageError):
        return f"Error: {exc}", EXIT_USAGE
    if sources is not None and isinstance(exc, sources.SourceError):
        return f"Error: {exc}", EXIT_USAGE
    if isinstance(exc, PipelineBusyError):
        return f"Not run: {exc}", EXIT_BUSY
    if duckdb is not None and isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower():
        first = str(exc).splitlines()[0]
        return f"Not run: the warehouse is in use by another process ({first})", EXIT_BUSY
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"Error: {exc.strerror}{where}", 1
    return None


class _Cli(typer.Typer):
    """Typer, with a user's mistakes (bad settings, paths, a busy warehouse) as one line and an exit
    code instead of a traceback; `--debug` adds the traceback."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            known = _user_error(exc)
            if known is None:
                raise
            if DEBUG["on"]:
                traceback.print_exception(exc)
            message, code = known
            err.print(message, markup=False, highlight=False)
            sys.exit(code)


app = _Cli(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_show_locals=False)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)  # pipes get whole rows


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"cds-pipeline {version('cds-pipeline')}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit", callback=_show_version, is_eager=True),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an error too")] = False,
) -> None:
    """Check the settings before anything starts: a bad value is one line naming its variable (exit 2);
    an unknown CDS_* variable is a warning naming the closest setting."""
    from cds.settings import load_settings, unknown_variables

    DEBUG["on"] = debug
    for warning in unknown_variables():
        err.print(f"Warning: {warning}", markup=False, highlight=False)
    load_settings()


class OutputFormat(StrEnum):
    jsonl = "jsonl"


def _quiet_services() -> None:
    """Prefect's state in the project, telemetry off and quieter logs, before Prefect or GX are
    imported; users may override."""
    apply_prefect_defaults()
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)


@contextmanager
def _prefect() -> Iterator[None]:
    """Connect to Prefect's API (starting a temporary server when none is configured) while the
    body imports the flows; a Prefect that cannot start is one line and exit 4, before any run."""
    from cds.prefect_api import PrefectUnavailableError, start_prefect

    _quiet_services()
    try:
        connection = start_prefect()
    except PrefectUnavailableError as exc:
        err.print(f"[red]Prefect did not start:[/red] {exc}")
        raise typer.Exit(EXIT_PREFECT_UNAVAILABLE) from None
    yield
    try:
        connection.wait()
    except PrefectUnavailableError as exc:
        err.print(f"[red]Prefect did not start:[/red] {exc}")
        raise typer.Exit(EXIT_PREFECT_UNAVAILABLE) from None


SourceArgument = Annotated[Path | None, typer.Argument(help="Folder of reports (default: CDS_SOURCE_DIR)")]


@app.command()
def run(source: SourceArgument = None) -> None:
    """Run the nightly flow once: ingest → extract and load → validate → publish. With nothing new
    or changed in the source, the run is recorded without starting Prefect."""
    settings = get_settings()
    source_dir = source or settings.source_dir
    if not source_dir.is_dir():
        origin = "SOURCE" if source else "CDS_SOURCE_DIR"
        raise UsageError(f"source folder {source_dir} does not exist or is not a folder ({origin})")
    from cds.pipeline import run_if_nothing_new

    unchanged = run_if_nothing_new(settings, source_dir.resolve(), "nightly")
    if unchanged is not None:
        _print_run(settings, unchanged, "nothing new or changed in the source; Prefect not started")
        return
    with _prefect():
        from cds.locking import PipelineBusyError
        from flows.nightly import nightly
        from flows.publish_open_data import release_of

    with err.status("Running the nightly flow (ingest → extract → load → validate → publish)…"):
        state = nightly(str(source_dir.resolve()) if source else None, return_state=True)
    if state.is_failed() or state.is_crashed():
        busy = isinstance(state.result(raise_on_failure=False), PipelineBusyError)
        err.print(f"[{'yellow' if busy else 'red'}]Run failed:[/] {state.message}")
        raise typer.Exit(EXIT_BUSY if busy else 1)
    release = release_of(state)
    _print_run(settings, release, "new release" if release.created else "no change since the last release")


def _print_run(settings: Settings, release: Release, change: str) -> None:
    """Where everything is: warehouse, release, data package, catalog, and the quality summary."""
    latest = settings.public_dir / "latest"
    out.print(f"Warehouse:        {settings.warehouse_path}")
    out.print(f"Release:          {release.path} ({change})")
    out.print(f"Published tables: {latest} → releases/{release.release_id}")
    out.print(f"Data package:     {latest / 'datapackage.json'}")
    width = max(map(len, release.row_counts), default=0)
    for table, rows in release.row_counts.items():
        out.print(f"  {table:<{width}} {rows:>7} rows")
    out.print(f"Catalog:          {latest / 'index.html'}")
    out.print(f"Quality:          {_quality_summary(latest / 'quality')} ({latest / 'quality'})")


def _quality_summary(quality: Path) -> str:
    """The gate's summary as the release recorded it, with its warnings counted."""
    import csv

    try:
        summary = str(json.loads((quality / "report.json").read_text(encoding="utf-8"))["summary"])
        with (quality / "checks.csv").open(encoding="utf-8", newline="") as handle:
            warned = sum(row["status"] == "warn" for row in csv.DictReader(handle))
    except (OSError, ValueError, KeyError):
        return "no quality report in this release"
    return summary + (f"; {warned} warning{'s' if warned > 1 else ''}" if warned else "; no warnings")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders (read recursively)")],
    format: Annotated[OutputFormat, typer.Option("--format", help="Output format")] = OutputFormat.jsonl,
) -> None:
    """Print the facts of every document as one JSON object per line (the extraction contract).

    An input that is missing or cannot be read still gets its line, with `error` saying why, and
    one line on stderr; the others go on, and the exit code is 1."""
    from transforms.contract import contract_record

    inputs = list(_expand_inputs(paths))
    missing = 0
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        bar = progress.add_task("extracting", total=len(inputs))
        for shown, path, problem in inputs:
            if problem:
                missing += 1
                err.print(f"Error: {shown}: {problem}", markup=False, highlight=False)
                record = contract_record(shown, None, None, problem)
            else:
                record = _extract_one(shown, path)
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            progress.advance(bar)
    if missing:
        raise typer.Exit(1)


@app.command()
def collect(
    sources: Annotated[
        Path | None, typer.Option("--sources", help="Sources file (default: CDS_SOURCES_FILE)")
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="One feed or sitemap URL, instead of the file")
    ] = None,
    province: Annotated[str | None, typer.Option("--province", help="GSO province code of --url")] = None,
) -> None:
    """Fetch new articles from the web sources into snapshots the nightly run ingests."""
    if (url is None) != (province is None):
        err.print("[red]--url and --province go together[/red]")
        raise typer.Exit(2)
    if sources is not None and url is not None:
        err.print("[red]--sources or --url, not both[/red]")
        raise typer.Exit(2)
    with _prefect():
        from cds.collect.config import SourcesError
        from flows.collect import collect as collect_flow

    with err.status("Collecting (feeds, sitemaps, listing pages → snapshots)…"):
        state = collect_flow(str(sources) if sources else None, url, province, return_state=True)
    failure = state.result(raise_on_failure=False) if (state.is_failed() or state.is_crashed()) else None
    if failure is not None:
        message = str(failure) if isinstance(failure, SourcesError | ValueError) else state.message
        err.print("[red]Collect failed:[/red]", end=" ")
        err.print(message, markup=False, highlight=False)
        raise typer.Exit(1)
    summary = state.result()
    settings = get_settings()
    out.print(f"Snapshots:        {settings.snapshot_dir}")
    out.print(f"Sources read:     {summary.sources}")
    out.print(f"Articles fetched: {summary.articles_fetched} ({summary.not_relevant} not about CĐS)")
    out.print(f"New snapshots:    {summary.snapshots_new}")
    out.print(f"Failed fetches:   {summary.errors} (raw.fetch_errors)")


@contextmanager
def _exclusive(settings: Settings) -> Iterator[None]:
    """Hold the warehouse writer lock, or exit with the reason another run holds it."""
    from cds.locking import PipelineBusyError, writer_lock

    try:
        with writer_lock(settings.warehouse_path, settings.lock_wait_seconds):
            yield
    except PipelineBusyError as busy:
        err.print(f"[yellow]Not run:[/yellow] {busy}")
        raise typer.Exit(3) from None


def _expand_inputs(paths: list[Path]) -> Iterator[tuple[str, Path, str | None]]:
    """(as shown, path, why it cannot be read or None) for each document, in input order."""
    from cds.sources import SourceError, list_report_files

    for path in paths:
        if path.is_dir():
            try:
                listed = list_report_files(path)
            except SourceError as exc:
                yield (str(path), path, str(exc))
                continue
            for relative in listed:
                yield (str(path / relative), path / relative, None)
        elif path.exists():
            yield (str(path), path, None)
        else:
            yield (str(path), path, "does not exist")


def _extract_one(shown: str, path: Path) -> dict[str, object]:
    """Never raises: an unreadable or unparseable document becomes a record with `error`. The
    sidecar `<stem>.meta.json` and the page's own metadata give source_url and the published date
    (a broken sidecar is a warning on standard error, never a failed document)."""
    from cds.sources import decode_safely, read_sidecar, today
    from transforms.contract import contract_record
    from transforms.extract import extract_facts
    from transforms.sidecar import combine

    sidecar, warnings = read_sidecar(path)
    for warning in warnings:
        err.print(f"warning: {shown}: {warning}", markup=False, highlight=False)
    try:
        document = decode_safely(path.read_bytes(), path.suffix.lower())
    except OSError as exc:
        return contract_record(shown, None, None, f"cannot read file: {exc.strerror or exc}", sidecar)
    if isinstance(document, str):
        return contract_record(shown, None, None, document, sidecar)
    meta = combine(sidecar, document.meta, today())
    try:
        extraction = extract_facts(document.text, published_date=meta.published_date)
    except Exception as exc:  # one bad document must not stop the others
        reason = f"extraction failed: {type(exc).__name__}: {exc}"
        return contract_record(shown, document.doc_id, None, reason, meta)
    return contract_record(shown, document.doc_id, extraction, None, meta)


@app.command()
def validate(
    failures: Annotated[
        bool,
        typer.Option(
            "--failures", help="Only the checks that did not pass, with detail and sample failing rows"
        ),
    ] = False,
) -> None:
    """Run the quality gate on what would be published: quarantine failing new rows, then check the
    rest; a table of checks; exit 1 on a blocking failure."""
    _quiet_services()
    from cds.pipeline import prepare_warehouse, validate_staged

    settings = get_settings()
    with _exclusive(settings):
        prepare_warehouse(settings)
        gate = validate_staged(settings, f"validate-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        checks = [c for c in gate.checks if c.status != "pass"] if failures else list(gate.checks)
        samples = (
            {(c.table, c.check): _failing_sample(settings, gate, c.table, c.check) for c in checks}
            if failures
            else {}
        )
    colours = {"pass": "green", "quarantined": "yellow", "warn": "yellow", "fail": "red"}
    table = Table(
        "table",
        "check",
        "severity",
        "status",
        "failing rows",
        "quarantined",
        "detail",
        title="Quality checks that did not pass" if failures else "Quality checks",
    )
    for c in checks:
        status = f"[{colours[c.status]}]{c.status}[/{colours[c.status]}]"
        detail = c.detail if failures else c.detail[:60]
        table.add_row(
            c.table, c.check, c.severity, status, str(c.failing_rows), str(c.quarantined_rows), detail
        )
    if checks:
        out.print(table)
    for (table_name, check), sample in samples.items():
        _print_sample(f"{table_name}.{check}", sample)
    out.print(gate.summary())
    if not gate.passed:
        raise typer.Exit(1)


SAMPLE_ROWS = 5
SAMPLE_WIDTH = 80


def _failing_sample(settings: Settings, gate: GateResult, table: str, check: str) -> pl.DataFrame | None:
    """Failing rows of one check: a singular check's own rows, the new rows it quarantined, or the
    rows of the table that fail it."""
    import polars as pl

    from cds.pipeline import sample_failing_rows

    if table == "warehouse" and check in gate.findings:
        return gate.findings[check].head.head(SAMPLE_ROWS)
    if gate.quarantined.rows_of(table, check):
        rows = gate.quarantined.head.filter((pl.col("table_name") == table) & (pl.col("check_name") == check))
        return rows.select("row_key", "doc_id", "reason", "raw_text", "evidence").head(SAMPLE_ROWS)
    return sample_failing_rows(settings, table, check, SAMPLE_ROWS)


def _print_sample(name: str, sample: pl.DataFrame | None) -> None:
    if sample is None or sample.is_empty():
        return
    table = Table(*sample.columns, title=f"Sample failing rows: {name}", title_justify="left")
    for row in sample.iter_rows():
        table.add_row(*(Text("" if v is None else str(v)[:SAMPLE_WIDTH]) for v in row))
    out.print(table)


@app.command()
def publish(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Run the gate and show what would be published")
    ] = False,
) -> None:
    """Validate, then publish a release from the warehouse (no ingest, no extraction)."""
    _quiet_services()
    if dry_run:
        _publish_dry_run()
        return
    with _prefect():
        from flows.publish_open_data import publish as publish_flow
        from flows.publish_open_data import release_of

    with _exclusive(get_settings()):
        state = publish_flow(f"publish-{datetime.now(UTC):%Y%m%dT%H%M%S}", return_state=True)
    if state.is_failed() or state.is_crashed():
        err.print(f"[red]Not published:[/red] {state.message}")
        raise typer.Exit(1)
    release = release_of(state)
    out.print(f"release {release.release_id} ({'new' if release.created else 'unchanged'}) at {release.path}")


def _publish_dry_run() -> None:
    from cds.pipeline import preview_release, validate_staged

    settings = get_settings()
    with _exclusive(settings):
        gate = validate_staged(settings, f"dry-run-{datetime.now(UTC):%Y%m%dT%H%M%S}")
        preview = preview_release(settings)
    out.print(gate.summary())
    table = Table("table", "rows now", "rows after publishing", title="Dry run: no release is written")
    for name, (now, after) in preview.items():
        table.add_row(name, str(now), str(after))
    out.print(table)
    if not gate.passed:
        raise typer.Exit(1)


@app.command()
def releases() -> None:
    """List the published releases, newest first; `latest` is marked."""
    from warehouse.publish import list_releases

    settings = get_settings()
    table = Table("release", "latest", "tables", "rows", title=f"Releases in {settings.public_dir}")
    for release in list_releases(settings.public_dir):
        table.add_row(
            release.release_id,
            "✓" if release.is_latest else "",
            str(len(release.row_counts)),
            str(sum(release.row_counts.values())),
        )
    out.print(table)


@app.command()
def status(limit: Annotated[int, typer.Option(help="How many runs to show")] = 10) -> None:
    """Show the run in progress (stage, counts so far), the last runs (what each read, loaded and
    published, and why a failed or blocked one stopped) and the latest release's tables. Never waits
    for a run: during one it reads the status file the run keeps beside the warehouse."""
    from cds.run_status import read_status, run_in_progress

    settings = get_settings()
    live = read_status(settings.warehouse_path)
    running = run_in_progress(live)
    if running:
        counts = ", ".join(f"{name} {value}" for name, value in live.get("counts", {}).items())
        out.print(
            f"Running now: run {str(live.get('run_id'))[:8]} ({live.get('flow')}), stage "
            f"{live.get('stage')}, since {live.get('started_at')} UTC" + (f"; {counts}" if counts else ""),
            markup=False,
            highlight=False,
        )
    runs, as_of = _recent_runs(settings, limit, live, running)
    if runs is None:
        out.print(f"No warehouse yet at {settings.warehouse_path}: run `cds run` first.")
        return
    table = Table(
        "run",
        "status",
        "started (UTC)",
        "files",
        "new docs",
        "unreadable",
        "facts",
        "release",
        "reason",
        title=f"Last runs ({settings.warehouse_path}{as_of})",
    )
    for run in runs[:limit]:
        started = run["started_at"]
        table.add_row(
            str(run["run_id"])[:8],
            str(run["status"]),
            started.strftime("%Y-%m-%d %H:%M") if isinstance(started, datetime) else str(started)[:16],
            *(_count(run[k]) for k in ("files_seen", "documents_new", "ingest_errors", "facts_loaded")),
            run["release_id"] or "",
            (run.get("message") or "")[:120],
        )
    out.print(table)
    latest = settings.public_dir / "latest" / "manifest.json"
    manifest = json.loads(latest.read_text(encoding="utf-8")) if latest.is_file() else {}
    if manifest:
        counts = ", ".join(f"{name} {rows}" for name, rows in manifest["row_counts"].items())
        out.print(f"Latest release {manifest['release_id']}: {counts}")


def _recent_runs(
    settings: Settings, limit: int, live: dict[str, object], running: bool
) -> tuple[list[dict[str, Any]] | None, str]:
    """The last runs from meta.runs, or, while a run writes the warehouse (DuckDB then lets no
    one else open it), from the copy in the run's status file; and a note saying which."""
    snapshot = live.get("recent_runs")
    copy = snapshot if isinstance(snapshot, list) else []
    note = f"; as of {live.get('updated_at')} UTC: a run is writing the warehouse"
    if running:
        return copy, note
    if not settings.warehouse_path.exists():
        return None, ""
    import duckdb

    from warehouse.database import WarehouseBusyError, connect
    from warehouse.runs import recent_runs

    try:
        with connect(settings.warehouse_path, read_only=True) as con:
            return recent_runs(con, limit).to_dicts(), ""
    except (duckdb.IOException, WarehouseBusyError):  # another process has it open for writing
        return copy, note


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


@app.command()
def review(
    export: Annotated[
        Path | None, typer.Option("--export", help="Write the whole queue as CSV for a spreadsheet")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many items to show")] = 30,
) -> None:
    """What waits for a person, most impact first: quarantined rows, conflicting ranks, ranks that
    differ from the official DTI results, low-confidence facts, vanished sources and stale
    corrections, each with its evidence, source and the correction to write."""
    from cds.corrections import CorrectionError
    from cds.pipeline import review_items
    from cds.review import export_queue

    settings = get_settings()
    try:
        with _exclusive(settings):
            queue = review_items(settings)
    except CorrectionError as exc:
        err.print("[red]Corrections not valid:[/red]")
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from None
    if export is not None:
        export_queue(queue, export)
        out.print(f"{queue.height} items written to {export}; fill in action, set, reason, author, then")
        out.print(f"  cds corrections import {export}")
        return
    waiting = queue.filter(queue["impact"] > 0)
    columns = ("impact", "item", "source", "fact", "value", "evidence", "correction to write")
    table = Table(*columns, title="Review queue")
    for row in waiting.head(limit).iter_rows(named=True):
        table.add_row(
            f"{row['impact']:g}",
            f"{row['item']}: {row['detail']}",
            row["source"] or row["document"][:12],
            row["fact"] or "",
            row["value"] or "",
            (row["evidence"] or "")[:80],
            row["suggested"] or "",
        )
    out.print(table)
    out.print(f"{waiting.height} items wait for review; `cds review --export review.csv` writes them all.")


corrections_app = typer.Typer(no_args_is_help=True, help="Reviewed corrections of published facts.")
app.add_typer(corrections_app, name="corrections")


@corrections_app.command("import")
def corrections_import(
    path: Annotated[Path, typer.Argument(help="A review CSV (`cds review --export`) with rows filled in")],
) -> None:
    """Turn the rows a reviewer filled in (action, set, reason, author, date) into correction files."""
    from cds.corrections import CorrectionError
    from cds.review import import_queue

    settings = get_settings()
    if not path.is_file():
        err.print(f"[red]{path} is not a file[/red]")
        raise typer.Exit(1)
    try:
        written = import_queue(path, settings.corrections_dir, datetime.now(UTC).date())
    except CorrectionError as exc:
        err.print("[red]Nothing written:[/red]")
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from None
    for file in written:
        out.print(f"wrote {file}")
    out.print("Review the files, commit them; the next run applies them.")


@app.command()
def retract(
    document: Annotated[str, typer.Argument(help="Document id (or a 12+ character prefix), or source file")],
    reason: Annotated[str, typer.Option("--reason", help="Why: the CHANGELOG says it")],
    author: Annotated[str, typer.Option("--author", help="Who retracts it")] = "",
) -> None:
    """Record a retraction: the document and all its facts leave the next release."""
    import getpass

    from cds.corrections import CorrectionError
    from cds.pipeline import find_document
    from cds.review import item_of, read_file, retraction_item, write_correction_file

    settings = get_settings()
    try:
        doc_id, source = find_document(settings, document)
        target = settings.corrections_dir / f"retract-{doc_id[:12]}.yml"
        item = retraction_item(doc_id, source, reason, author or getpass.getuser(), datetime.now(UTC).date())
        write_correction_file(target, [item_of(c) for c in read_file(target)] + [item])
    except (LookupError, CorrectionError) as exc:
        err.print("[red]Not retracted:[/red]")
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from None
    out.print(f"wrote {target}: {source or doc_id} and its facts leave the next release.")
    out.print("Review and commit the file; the next run applies it and the CHANGELOG gives the reason.")


class SqlFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One read-only SQL statement (SELECT)")],
    warehouse: Annotated[bool, typer.Option(help="Query the warehouse, not the latest release")] = False,
    format: Annotated[
        SqlFormat,
        typer.Option("--format", help="table (aligned text), csv (as the release's CSV), json, markdown"),
    ] = SqlFormat.table,
) -> None:
    """Query the latest published release (default) or the warehouse, read-only; values print
    verbatim in every format."""
    import duckdb

    from cds.render import render_markdown, render_table
    from warehouse.open_data import (
        EmptyQuery,
        QueryRefused,
        ResultFormat,
        connect_read_only,
        one_line,
        run_query,
        text_values,
        write_result,
    )
    from warehouse.publish import OPEN_DATA_DB

    settings = get_settings()
    path = settings.warehouse_path if warehouse else settings.public_dir / "latest" / OPEN_DATA_DB
    if not path.exists():
        err.print(f"{path} does not exist: run `cds run` first.", markup=False, highlight=False)
        raise typer.Exit(1)
    try:
        with connect_read_only(path, settings.duckdb_memory_limit) as con:
            result = run_query(con, query)
    except (duckdb.Error, QueryRefused) as exc:
        err.print(f"Query failed: {one_line(exc)}", markup=False, highlight=False)
        raise typer.Exit(2 if isinstance(exc, EmptyQuery) else 1) from None
    if format in (SqlFormat.csv, SqlFormat.json):
        sys.stdout.flush()
        sys.stdout.buffer.write(write_result(result, ResultFormat(format.value)))
        sys.stdout.buffer.flush()
        return
    columns, rows = text_values(result)
    if format is SqlFormat.markdown:
        sys.stdout.write(render_markdown(columns, rows))
    else:
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        sys.stdout.write(render_table(columns, rows, width))


@app.command()
def api(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
) -> None:
    """Serve the published releases over HTTP, read-only: tables as JSON, CSV or Parquet, read-only
    SQL, the catalog pages and DCAT metadata; OpenAPI docs at /docs."""
    import socket

    import uvicorn

    from cds.api import create_app

    settings = get_settings()
    try:  # one clear line now, rather than uvicorn's start-up failure (its exit code 3 means "busy" here)
        socket.create_server((host, port)).close()
    except OSError as exc:
        err.print(f"Cannot listen on {host}:{port}: {exc.strerror or exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    if not (settings.public_dir / "latest").exists():
        err.print(
            f"No release yet in {settings.public_dir}: the API answers 404 until `cds run` publishes one."
        )
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    except SystemExit as stopped:
        raise typer.Exit(0 if stopped.code in (0, None) else 1) from None


if __name__ == "__main__":
    app()
