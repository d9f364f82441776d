"""Publishing open-data releases from the warehouse.

A release is written to `public/releases/<release-id>/` under a temporary name, renamed into place
when complete, and `public/latest` (a symbolic link) is switched to it with one atomic rename,
so a reader never sees a half-written release. An unchanged warehouse publishes nothing new.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import shutil
from collections.abc import Collection, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from cds.failpoints import failpoint
from expectations.contracts import Contract, load_contracts
from warehouse.catalog import ChartFiles, PageFiles, quality_from_report, read_catalog_data, write_catalog
from warehouse.chart_render import warm_up
from warehouse.corrections import corrections_version
from warehouse.database import attached, drop_cached_blocks, query_columns, query_frame, query_row
from warehouse.datapackage import built_from_sample_corpus, datapackage_descriptor
from warehouse.dcat import write_dcat
from warehouse.load import core_version
from warehouse.release_ids import new_release_id
from warehouse.release_notes import (
    QualityReport,
    changelog_entry,
    json_text,
    write_changelog,
    write_quality_report,
)
from warehouse.sql import CSV_COPY_OPTIONS, render_sql, sql_literal, sql_statements

LOG = logging.getLogger(__name__)
PUBLISHED_TABLES: tuple[str, ...] = (
    "dti_ranks",
    "metrics",
    "officials",
    "legal_refs",
    "documents",
    "provinces",
    "indicators",
    "indicator_series",
    "corrections",
)
# core: as extracted (dimensions only); corrected: core with corrections applied (what is released);
# audit: what the next release would hold (what the gate checks).
SCHEMAS = frozenset({"core", "audit", "corrected"})
STAGED_DOCUMENTS = "(select doc_id from staging.documents)"  # the documents this run staged
OPEN_DATA_DB = "cds_open_data.duckdb"
MANIFEST = "manifest.json"
ENTRY_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=latest/index.html">
<title>Dữ liệu mở chuyển đổi số / Digital transformation open data</title></head>
<body><p><a href="latest/index.html">Danh mục dữ liệu mới nhất / Latest data catalog</a></p></body></html>
"""


@dataclass(frozen=True, slots=True)
class Release:
    release_id: str
    path: Path
    row_counts: dict[str, int]
    created: bool  # False when the content equals the latest release's


def read_published_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    schema: str,
    extra_columns: dict[str, str] | None = None,
    *,
    staged_only: bool = False,
    values_of: Collection[str] | None = None,
    failing_only: bool = False,
    limit: int | None = None,
) -> pl.DataFrame:
    """One open-data table as built from `schema` (one of SCHEMAS), optionally with extra
    boolean columns computed by trusted SQL expressions from the table contracts, optionally only
    the rows of documents waiting in staging, and optionally with the values of only some columns
    (the others keep their name and position but hold nulls: the quality gate needs keys and check
    results, not every evidence sentence, and this keeps its memory flat), optionally only
    the rows where some extra boolean column is false, and at most `limit` rows."""
    query = published_table_query(con, table, schema, extra_columns, values_of=values_of)
    if staged_only:
        query = f"select * from ({query}) where doc_id in {STAGED_DOCUMENTS}"
    if failing_only and extra_columns:
        passing = " and ".join(f'"{name}"' for name in extra_columns)
        query = f"select * from ({query}) where not ({passing})"
    if limit is not None:
        query = f"select * from ({query}) limit {int(limit)}"
    return query_frame(con, query)


def published_table_query(
    con: duckdb.DuckDBPyConnection,
    table: str,
    schema: str,
    extra_columns: dict[str, str] | None = None,
    *,
    values_of: Collection[str] | None = None,
    hidden: str | None = None,
    ordered: bool = True,
) -> str:
    """The SELECT behind `read_published_table`: the table's columns (values only of `values_of`
    when given), the extra computed columns, and with `hidden` a boolean column `cds_new_row`
    computed by that trusted SQL expression (over the row as `published`); `ordered` as in
    `published_query`."""
    query = published_query(table, schema, ordered=ordered)
    if not (extra_columns or values_of is not None or hidden):
        return query
    names = query_columns(con, query)
    kept = [f'published."{c}"' if values_of is None or c in values_of else f'null as "{c}"' for c in names]
    computed = [f'({sql}) as "{name}"' for name, sql in (extra_columns or {}).items()]
    flag = [f"({hidden}) as cds_new_row"] if hidden else []
    return f"select {', '.join(kept + computed + flag)} from ({query}) as published"


def published_query(table: str, schema: str, *, ordered: bool = True) -> str:
    """The SELECT that builds one open-data table from `schema` ('core' or 'audit').

    A published file's rows are in its query's final `order by`. Checks, counts and filters over
    the table leave it out (`ordered=False`): a filter on the sorted query still sorted every row
    first, so the gate's look at a night's few staged documents sorted the whole archive.
    """
    query = render_sql(f"published/{_allowed_table(table)}.sql", {"schema": SCHEMAS}, schema=schema)
    return query if ordered else _without_final_order(query)


def _without_final_order(query: str) -> str:
    """`query` without its final `order by` clause: the last line that starts with it, to the end."""
    at = query.rfind("\norder by ")
    if at < 0 or query.count("(", at) != query.count(")", at):
        raise ValueError("the published query has no final `order by` clause to leave out")
    return query[:at] + "\n"


def write_release(
    con: duckdb.DuckDBPyConnection,
    public_dir: Path,
    keep: int,
    quality: QualityReport | None = None,
    *,
    release_id: str | None = None,
    chart_processes: int = 0,
) -> Release:
    """Write every published table from core as a new release and make it `latest`.

    The tables go from DuckDB straight to their CSV and Parquet files (COPY), and everything
    after that reads those files, so publishing holds no table in Python memory. What did not
    change since the latest release is taken from it instead of made again: a table whose CSV
    has the same SHA-256 is hard-linked with its Parquet file, and a chart or a catalog page whose
    inputs have the same key is hard-linked instead of rendered (see `ChartFiles`, `PageFiles`).
    The files are those a release written from nothing would hold. `release_id` (a UTC timestamp
    by default) names the release.
    With `chart_processes`, the charts to render are rendered by that many processes, started
    with the release so that they are ready when the catalog is written, while its pages are.
    """
    releases = public_dir / "releases"
    _remove_partial_releases(releases)
    release_id = release_id or new_release_id()
    final = releases / release_id
    staging = releases / f".{release_id}.partial"
    latest = public_dir / "latest"
    previous = latest.resolve() if latest.exists() else None
    before = read_manifest(previous) if previous is not None else {}
    staging.mkdir(parents=True)
    try:
        with chart_pool(chart_processes) as processes:
            tables = _write_tables(con, staging, previous, before.get("tables") or {})
            counts = {name: table["rows"] for name, table in tables.items()}
            fingerprint = _fingerprint(tables)
            if previous is not None and before.get("fingerprint") == fingerprint:
                shutil.rmtree(staging)
                return Release(previous.name, previous, counts, created=False)
            contracts = load_contracts()
            _write_open_data_db(con, staging, contracts)
            demo = built_from_sample_corpus(con)  # the bundled, fictional corpus: labelled as demo data
            descriptor = datapackage_descriptor(contracts, release_id, demo=demo)
            (staging / "datapackage.json").write_text(json_text(descriptor), encoding="utf-8")
            csv_digests = {f"{name}.csv": table["csv_sha256"] for name, table in tables.items()}
            write_dcat(staging, contracts, release_id, csv_digests)  # DCAT-AP (warehouse/dcat.py)
            keys = {name: contract.primary_key for name, contract in contracts.items()}
            reused = {name for name, table in tables.items() if table.get("reused")}
            entry = changelog_entry(con, release_id, staging, counts, keys, previous, unchanged=reused)
            write_changelog(staging, entry, previous)
            if quality is not None:
                write_quality_report(con, staging, quality)
            catalog_quality = quality_from_report(quality) if quality else None
            with attached(con, staging / OPEN_DATA_DB, read_only=True):
                catalog = read_catalog_data(con)
            drop_cached_blocks(con)  # the catalog renders in Python and the chart processes
            charts = ChartFiles(
                staging, previous, dict(before.get("chart_inputs") or {}), pool=processes.ready()
            )
            pages = PageFiles(previous, dict(before.get("page_inputs") or {}))
            write_catalog(
                staging,
                catalog,
                contracts,
                release_id,
                catalog_quality,
                demo=demo,
                charts=charts,
                pages=pages,
            )
            manifest = {
                "release_id": release_id,
                "fingerprint": fingerprint,
                "core_version": core_version(con),
                "corrections_version": corrections_version(con),
                "row_counts": counts,
                "tables": {name: {k: t[k] for k in ("rows", "csv_sha256")} for name, t in tables.items()},
                "chart_inputs": dict(sorted(charts.keys.items())),
                "page_inputs": dict(sorted(pages.keys.items())),
            }
            (staging / MANIFEST).write_text(json_text(manifest), encoding="utf-8")
            failpoint("release.writing")
            staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    switch_latest(public_dir, final)
    prune_releases(releases, keep)
    return Release(release_id, final, counts, created=True)


@dataclass(slots=True)
class ChartProcesses:
    """Processes that render charts, started with a release so that they are ready for its catalog."""

    pool: Executor | None
    starting: list[Future[None]]

    def ready(self) -> Executor | None:
        """The pool once its processes have started, or None (charts render in this process) when
        there is none or they could not start: a script that publishes without an
        `if __name__ == "__main__":` guard runs itself again in each new process, which then dies."""
        if self.pool is None:
            return None
        try:
            for started in self.starting:
                started.result()
        except BrokenProcessPool:
            LOG.warning(
                "the chart processes could not start, so charts render in this process; a script that "
                'publishes needs its work under `if __name__ == "__main__":` to render them in parallel'
            )
            return None
        return self.pool


@contextmanager
def chart_pool(processes: int) -> Iterator[ChartProcesses]:
    """Processes that render charts (none for 0), each importing its renderer from the start."""
    if processes < 1:
        yield ChartProcesses(None, [])
        return
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        starting = [pool.submit(warm_up) for _ in range(processes)]
        try:
            yield ChartProcesses(pool, starting)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def record_release(con: duckdb.DuckDBPyConnection, release: Release) -> None:
    """Log the release's row counts: the next gate compares against them."""
    counts = pl.DataFrame(
        {"table_name": list(release.row_counts), "row_count": list(release.row_counts.values())}
    ).with_columns(pl.lit(release.release_id).alias("release_id"))
    con.register("release_counts", counts.to_arrow())
    try:
        con.execute(
            "insert or ignore into meta.release_tables by name "
            "select *, now()::timestamp as published_at from release_counts"
        )
    finally:
        con.unregister("release_counts")


def switch_latest(public_dir: Path, release: Path) -> None:
    """Point `public/latest` at `release` with an atomic rename of a fresh symbolic link."""
    link = public_dir / "latest"
    temporary = public_dir / ".latest.switching"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(release.relative_to(public_dir), target_is_directory=True)
    failpoint("release.switching")
    os.replace(temporary, link)
    _write_entry_points(public_dir, release)


def _write_entry_points(public_dir: Path, release: Path) -> None:
    """public/datapackage.json and public/index.html, resolving through `latest` (paths prefixed),
    so a reader of the top folder always gets the current release."""
    descriptor_path = release / "datapackage.json"
    if descriptor_path.exists():
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        for resource in descriptor.get("resources", []):
            resource["path"] = f"latest/{resource['path']}"
        _replace_file(public_dir / "datapackage.json", json_text(descriptor))
    _replace_file(public_dir / "index.html", ENTRY_PAGE)


def _replace_file(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.writing")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def prune_releases(releases: Path, keep: int) -> list[str]:
    """Remove the oldest releases beyond `keep`; never the one `latest` points to."""
    current = (releases.parent / "latest").resolve()
    names = sorted(p.name for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    removed = [n for n in names[:-keep] if (releases / n).resolve() != current]
    for name in removed:
        shutil.rmtree(releases / name)
    return removed


def _remove_partial_releases(releases: Path) -> None:
    """Folders a killed run left half-written: never visible as releases, safe to drop (the
    caller holds the writer lock)."""
    if releases.is_dir():
        for partial in releases.glob(".*.partial"):
            shutil.rmtree(partial, ignore_errors=True)


def _allowed_table(table: str) -> str:
    if table not in PUBLISHED_TABLES:
        raise ValueError(f"{table!r} is not a published table")
    return table


def _write_tables(
    con: duckdb.DuckDBPyConnection, folder: Path, previous: Path | None, before: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Each published table as CSV and Parquet (zstd), written by DuckDB: per table its rows, the
    SHA-256 of its CSV, and whether the files are the previous release's (`before`: its manifest's
    tables), hard-linked because the CSV came out byte-identical."""
    tables: dict[str, dict[str, Any]] = {}
    for name in PUBLISHED_TABLES:
        # Built once into a temporary table (DuckDB spills it past its memory cap), written twice.
        con.execute(f"create or replace temp table release_table as {published_query(name, 'corrected')}")
        csv, parquet = folder / f"{name}.csv", folder / f"{name}.parquet"
        rows = int(query_row(con, f"copy release_table to '{_sql_path(csv)}' {CSV_COPY_OPTIONS}")[0])
        digest = _file_sha256(csv)
        old = before.get(name) or {}
        reused = previous is not None and old.get("csv_sha256") == digest and old.get("rows") == rows
        if reused and previous is not None and _reuse(previous, folder, name):
            tables[name] = {"rows": rows, "csv_sha256": digest, "reused": True}
            continue
        con.execute(f"copy release_table to '{_sql_path(parquet)}' (format parquet, compression zstd)")
        tables[name] = {"rows": rows, "csv_sha256": digest, "reused": False}
    con.execute("drop table release_table")
    return tables


def _reuse(previous: Path, folder: Path, name: str) -> bool:
    """Put the previous release's CSV and Parquet files of a table in `folder` (hard links, or
    copies where linking fails); False, with nothing changed, when the previous files are gone."""
    sources = [previous / f"{name}.{kind}" for kind in ("csv", "parquet")]
    if not all(source.is_file() for source in sources):
        return False
    for source in sources:
        target = folder / source.name
        linked = folder / f".{source.name}.linking"
        linked.unlink(missing_ok=True)
        try:
            os.link(source, linked)
        except OSError:
            shutil.copyfile(source, linked)
        os.replace(linked, target)
    return True


def _file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _sql_path(path: Path) -> str:
    """A file path inside a SQL string literal (COPY takes no bound parameters for its target)."""
    return str(path).replace("'", "''")


def _write_open_data_db(con: duckdb.DuckDBPyConnection, folder: Path, contracts: dict[str, Contract]) -> None:
    """A self-contained DuckDB file for analysts: one table per published Parquet file, each table
    and column commented from its contract (`duckdb_columns()` shows them), and a few views."""
    with attached(con, folder / OPEN_DATA_DB):
        for name in PUBLISHED_TABLES:  # names from PUBLISHED_TABLES, values bound
            con.execute(
                f"create table {name} as select * from read_parquet(?)", [str(folder / f"{name}.parquet")]
            )
            contract = contracts[name]
            con.execute(
                f"comment on table {name} is {sql_literal(f'{contract.title.vi} / {contract.title.en}')}"
            )
            for column in contract.columns:
                con.execute(
                    f"comment on column {name}.{column.name} is {sql_literal(f'{column.vi} / {column.en}')}"
                )
        for statement in sql_statements("published/analyst_views.sql"):
            con.execute(statement)


def _fingerprint(tables: dict[str, dict[str, Any]]) -> str:
    """SHA-256 over each table's name and the SHA-256 of its CSV, in PUBLISHED_TABLES order: equal
    content, equal fingerprint, so an unchanged warehouse publishes nothing new; a reused table's
    digest comes with it, so its bytes are read once."""
    lines = "".join(f"{name}\t{tables[name]['csv_sha256']}\n" for name in PUBLISHED_TABLES)
    return hashlib.sha256(lines.encode()).hexdigest()


def read_manifest(release: Path) -> dict[str, Any]:
    """A release's manifest (id, fingerprint, row counts); empty for a folder without one."""
    path = release / MANIFEST
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}


@dataclass(frozen=True, slots=True)
class ReleaseInfo:
    release_id: str
    is_latest: bool
    row_counts: dict[str, int]


def list_releases(public_dir: Path) -> list[ReleaseInfo]:
    """Complete releases, newest first (partial ones are hidden until renamed into place)."""
    releases = public_dir / "releases"
    if not releases.is_dir():
        return []
    latest = (public_dir / "latest").resolve()
    folders = sorted(
        (p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True
    )
    return [
        ReleaseInfo(p.name, p.resolve() == latest, read_manifest(p).get("row_counts", {})) for p in folders
    ]
