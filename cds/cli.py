"""The `cds` command: run the pipeline, extract facts, validate, publish, inspect, query."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from cds.settings import Settings, apply_prefect_defaults, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)  # pipes get whole rows

QUIET_DEFAULTS = {"PREFECT_LOGGING_LEVEL": "WARNING"}
EXIT_PREFECT_UNAVAILABLE = 4


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
    """Run the nightly flow once: ingest → extract and load → validate → publish."""
    with _prefect():
        from cds.locking import PipelineBusyError
        from flows.nightly import nightly
        from flows.publish_open_data import release_of

    settings = get_settings()
    with err.status("Running the nightly flow (ingest → extract → load → validate → publish)…"):
        state = nightly(str(source) if source else None, return_state=True)
    if state.is_failed() or state.is_crashed():
        busy = isinstance(state.result(raise_on_failure=False), PipelineBusyError)
        err.print(f"[{'yellow' if busy else 'red'}]Run failed:[/] {state.message}")
        raise typer.Exit(3 if busy else 1)
    release = release_of(state)
    change = "new release" if release.created else "no change since the last release"
    out.print(f"Warehouse:        {settings.warehouse_path}")
    latest = settings.public_dir / "latest"
    out.print(f"Published tables: {latest} → releases/{release.release_id} ({change})")
    out.print(f"Data package:     {settings.public_dir / 'latest' / 'datapackage.json'}")
    width = max(map(len, release.row_counts), default=0)
    for table, rows in release.row_counts.items():
        out.print(f"  {table:<{width}} {rows:>7} rows")


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders (read recursively)")],
    format: Annotated[OutputFormat, typer.Option("--format", help="Output format")] = OutputFormat.jsonl,
) -> None:
    """Print the facts of every document as one JSON object per line (the extraction contract)."""
    from cds.sources import SourceError

    try:
        inputs = list(_expand_inputs(paths))
    except SourceError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        bar = progress.add_task("extracting", total=len(inputs))
        for shown, path in inputs:
            record = _extract_one(shown, path)
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            progress.advance(bar)


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


def _expand_inputs(paths: list[Path]) -> Iterator[tuple[str, Path]]:
    from cds.sources import SourceError, list_report_files

    for path in paths:
        if path.is_dir():
            for relative in list_report_files(path):
                yield (str(path / relative), path / relative)
        elif path.exists():  # a file named on the command line is read, even a sidecar: it was asked for
            yield (str(path), path)
        else:
            raise SourceError(f"{path} does not exist")


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
def validate() -> None:
    """Run the quality gate on what would be published: quarantine failing new rows, then check the
    rest; a table of checks; exit 1 on a blocking failure."""
    _quiet_services()
    from cds.pipeline import prepare_warehouse, validate_staged

    settings = get_settings()
    with _exclusive(settings):
        prepare_warehouse(settings)
        gate = validate_staged(settings, f"validate-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    colours = {"pass": "green", "quarantined": "yellow", "warn": "yellow", "fail": "red"}
    table = Table(
        "table",
        "check",
        "severity",
        "status",
        "failing rows",
        "quarantined",
        "detail",
        title="Quality checks",
    )
    for c in gate.checks:
        status = f"[{colours[c.status]}]{c.status}[/{colours[c.status]}]"
        table.add_row(
            c.table, c.check, c.severity, status, str(c.failing_rows), str(c.quarantined_rows), c.detail[:60]
        )
    out.print(table)
    out.print(gate.summary())
    if not gate.passed:
        raise typer.Exit(1)


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
    """Show the last runs (what each read, loaded and published) and the latest release's tables."""
    from warehouse.database import connect
    from warehouse.publish import read_manifest
    from warehouse.runs import recent_runs

    settings = get_settings()
    if not settings.warehouse_path.exists():
        out.print(f"No warehouse yet at {settings.warehouse_path}: run `cds run` first.")
        return
    with connect(settings.warehouse_path, read_only=True) as con:
        runs = recent_runs(con, limit)
    table = Table(
        "run",
        "status",
        "started (UTC)",
        "files",
        "new docs",
        "unreadable",
        "facts",
        "release",
        title=f"Last runs ({settings.warehouse_path})",
    )
    for run in runs.iter_rows(named=True):
        table.add_row(
            run["run_id"][:8],
            run["status"],
            f"{run['started_at']:%Y-%m-%d %H:%M}",
            *(_count(run[k]) for k in ("files_seen", "documents_new", "ingest_errors", "facts_loaded")),
            run["release_id"] or "",
        )
    out.print(table)
    manifest = read_manifest(settings.public_dir / "latest")
    if manifest:
        counts = ", ".join(f"{name} {rows}" for name, rows in manifest["row_counts"].items())
        out.print(f"Latest release {manifest['release_id']}: {counts}")


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


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
        with connect_read_only(path) as con:
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
